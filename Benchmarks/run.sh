#!/usr/bin/env bash
# Release-builds stageset-bench, generates the 2,000-object stream and times our YAML.decodeAll
# against PyYAML's libyaml-backed loader (CSafeLoader) in the same run. RUNS=11 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-11}"
WORK=Benchmarks/.work
mkdir -p "$WORK"

swift build -c release --product stageset-bench
BENCH="$(swift build -c release --show-bin-path)/stageset-bench"
"$BENCH" generate "$WORK/stream.yaml"

echo "== Swift YAML.decodeAll (libyaml events -> JSONValue), $RUNS runs"
"$BENCH" yaml-decode "$WORK/stream.yaml" --runs "$RUNS" | tee "$WORK/swift.txt"
echo "== PyYAML $(python3 -c 'import yaml; print(yaml.__version__)') yaml.load_all(Loader=yaml.CSafeLoader), $RUNS runs"
python3 Benchmarks/pyyaml_bench.py "$WORK/stream.yaml" --runs "$RUNS" | tee "$WORK/pyyaml.txt"

# "median: W ms wall, C ms cpu"
swift_wall=$(awk '/^median:/ {print $2}' "$WORK/swift.txt")
swift_cpu=$(awk '/^median:/ {print $5}' "$WORK/swift.txt")
py_wall=$(awk '/^median:/ {print $2}' "$WORK/pyyaml.txt")
py_cpu=$(awk '/^median:/ {print $5}' "$WORK/pyyaml.txt")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "== medians (wall): swift ${swift_wall} ms, pyyaml-c ${py_wall} ms, pyyaml/swift = $(ratio "$py_wall" "$swift_wall")x"
echo "== medians (cpu):  swift ${swift_cpu} ms, pyyaml-c ${py_cpu} ms, pyyaml/swift = $(ratio "$py_cpu" "$swift_cpu")x"
