# The two commands a fresh machine needs: `make run` (the main job) and `make test` (the whole suite).
SWIFT ?= swift

.PHONY: run test deps build crds bench

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

## The main job: the controller on the embedded API server (no cluster configured) with the bundled
## quickstart; prints each stage's progress until the StageSet is Ready, then keeps reconciling until Ctrl-C.
## (`ARGS=--once` exits 0 once it is Ready.)
run: deps
	$(SWIFT) build --product stageset-controller
	$$($(SWIFT) build --show-bin-path)/stageset-controller --quickstart $(ARGS)

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
