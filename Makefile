# The two commands a fresh machine needs: `make run` (the main job) and `make test` (the whole suite).
SWIFT ?= swift

.PHONY: run test deps build crds bench

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

## The main job. Until the controller exists: validate every bundled example StageSet.
run: deps
	$(SWIFT) build --product stagesetctl
	$$($(SWIFT) build --show-bin-path)/stagesetctl validate -f examples

## The whole test suite.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Regenerate deploy/crds from the Swift API types.
crds: deps
	$(SWIFT) package --allow-writing-to-package-directory generate-crds

## Benchmarks (release build), figures go to BENCHMARKS.md by hand.
bench: deps
	Benchmarks/run.sh
