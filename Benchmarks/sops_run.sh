#!/usr/bin/env bash
# Release-builds stageset-sops-bench, generates a 1,000-value sops YAML (Benchmarks/sops_generate.py,
# needs Python `cryptography`) and times SOPS.decrypt against swift-crypto's bare AES-GCM. RUNS=11 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-11}"
WORK=Benchmarks/.work
mkdir -p "$WORK"
swift build -c release --product stageset-sops-bench
BENCH="$(swift build -c release --show-bin-path)/stageset-sops-bench"
python3 Benchmarks/sops_generate.py "$WORK/sops-1000.yaml" "$WORK/sops-1000.key"
"$BENCH" "$WORK/sops-1000.yaml" "$WORK/sops-1000.key" --runs "$RUNS"
