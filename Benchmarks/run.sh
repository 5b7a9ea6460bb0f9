#!/usr/bin/env bash
# Release-builds stageset-bench and runs, each against its Python peer in the same invocation:
#   yaml: our YAML.decodeAll over a 2,000-object stream vs PyYAML's libyaml-backed CSafeLoader;
#   cel:  a readiness expression evaluated over 10,000 objects vs cel-python (compiled once each).
#   render: Kustomize.build vs `kubectl kustomize` over 1,000 Deployments + 1,000 Services.
#   kube: KubeClient vs kubectl against the embedded API server: server-side applies per second (250
#         ConfigMaps), one list of 10,000 ConfigMaps, and watch fan-out to 100 watchers.
# usage: Benchmarks/run.sh [yaml|cel|render|kube|all] (default all); RUNS=11 by default, CEL_PY_RUNS=5 for
# cel-python (about 6 s of CPU a run).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-11}"
CEL_PY_RUNS="${CEL_PY_RUNS:-5}"
WHICH="${1:-all}"
WORK=Benchmarks/.work
mkdir -p "$WORK"

swift build -c release --product stageset-bench
BENCH="$(swift build -c release --show-bin-path)/stageset-bench"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

if [[ "$WHICH" == all || "$WHICH" == yaml ]]; then
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
echo "== medians (wall): swift ${swift_wall} ms, pyyaml-c ${py_wall} ms, pyyaml/swift = $(ratio "$py_wall" "$swift_wall")x"
echo "== medians (cpu):  swift ${swift_cpu} ms, pyyaml-c ${py_cpu} ms, pyyaml/swift = $(ratio "$py_cpu" "$swift_cpu")x"
fi

if [[ "$WHICH" == all || "$WHICH" == cel ]]; then
"$BENCH" cel generate "$WORK/cel-objects.jsonl"
echo "== Swift CEL: readiness expression over 10,000 objects, $RUNS runs"
"$BENCH" cel eval "$WORK/cel-objects.jsonl" --runs "$RUNS" | tee "$WORK/cel-swift.txt"
echo "== cel-python $(python3 -c 'from importlib.metadata import version; print(version("cel-python"))'): same expression and objects, $CEL_PY_RUNS runs"
python3 Benchmarks/celpy_bench.py "$WORK/cel-objects.jsonl" --runs "$CEL_PY_RUNS" | tee "$WORK/cel-python.txt"

# The ready counts must agree, or the two sides did not compute the same thing.
swift_ready=$(awk '/^run 1:/ {gsub(/\(/, "", $9); print $9}' "$WORK/cel-swift.txt")
py_ready=$(awk '/^run 1:/ {gsub(/\(/, "", $9); print $9}' "$WORK/cel-python.txt")
if [[ "$swift_ready" != "$py_ready" ]]; then
    echo "ready counts differ: swift ${swift_ready}, cel-python ${py_ready}" >&2
    exit 1
fi
swift_wall=$(awk '/^median:/ {print $2}' "$WORK/cel-swift.txt")
swift_cpu=$(awk '/^median:/ {print $5}' "$WORK/cel-swift.txt")
json_wall=$(awk '/^median-json:/ {print $2}' "$WORK/cel-swift.txt")
json_cpu=$(awk '/^median-json:/ {print $5}' "$WORK/cel-swift.txt")
py_wall=$(awk '/^median:/ {print $2}' "$WORK/cel-python.txt")
py_cpu=$(awk '/^median:/ {print $5}' "$WORK/cel-python.txt")
echo "== ${swift_ready} of 10000 ready on both sides"
echo "== medians (wall): swift ${swift_wall} ms, cel-python ${py_wall} ms, cel-python/swift = $(ratio "$py_wall" "$swift_wall")x"
echo "== medians (cpu):  swift ${swift_cpu} ms, cel-python ${py_cpu} ms, cel-python/swift = $(ratio "$py_cpu" "$swift_cpu")x"
echo "== with JSON conversion per call (cpu): swift ${json_cpu} ms (wall ${json_wall} ms), cel-python/swift = $(ratio "$py_cpu" "$json_cpu")x"
fi

if [[ "$WHICH" == all || "$WHICH" == render ]]; then
# ---------------------------------------------------------------------------------------------
# Render: Kustomize.build vs `kubectl kustomize` over 1,000 Deployments + 1,000 Services with
# namespace, namePrefix, commonLabels, images and one JSON 6902 patch on every Deployment.
# Both are timed as whole processes (wall clock, user+system CPU and peak RSS from /usr/bin/time),
# side by side; the output of each is compared (objects and order, then bytes).
# RENDER_RUNS=11 for ours, KUBECTL_RUNS=3 for kubectl by default.
RENDER_RUNS="${RENDER_RUNS:-11}"
KUBECTL_RUNS="${KUBECTL_RUNS:-3}"
swift build -c release --product render-bench
RBENCH="$(swift build -c release --show-bin-path)/render-bench"
RDIR="$WORK/render"
rm -rf "$RDIR"
"$RBENCH" generate "$RDIR"

measure() { # label runs command... ; appends "wall_s peak_rss_kb cpu_s" per run to $WORK/<label>.times
  local label="$1" runs="$2"; shift 2
  : > "$WORK/$label.times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/$label.one" "$@" > "$WORK/$label.out"
    awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$WORK/$label.one" >> "$WORK/$label.times"
  done
}
median_col() { sort -n -k"$2","$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'; }

echo "== kubectl kustomize ($(kubectl version --client 2>/dev/null | tr '\n' ' ')), $KUBECTL_RUNS runs"
KUBECONFIG=/dev/null measure kubectl "$KUBECTL_RUNS" kubectl kustomize "$RDIR"
cat "$WORK/kubectl.times"
echo "== render-bench once (Kustomize.build + YAML.encodeAll), $RENDER_RUNS runs"
measure render "$RENDER_RUNS" "$RBENCH" once "$RDIR"
cat "$WORK/render.times"
"$RBENCH" compare "$RDIR" "$WORK/kubectl.out"
cmp -s "$WORK/render.out" "$WORK/kubectl.out" && echo "byte-identical YAML output" || echo "YAML text differs (objects identical)"
"$RBENCH" build "$RDIR" --runs "$RENDER_RUNS" | tail -1 | sed 's/^/in-process /'

k_wall=$(median_col "$WORK/kubectl.times" 1); k_rss=$(median_col "$WORK/kubectl.times" 2)
r_wall=$(median_col "$WORK/render.times" 1); r_rss=$(median_col "$WORK/render.times" 2)
k_cpu=$(median_col "$WORK/kubectl.times" 3); r_cpu=$(median_col "$WORK/render.times" 3)
echo "== medians: kubectl ${k_wall} s wall, ${k_cpu} s cpu, ${k_rss} KB peak RSS; render ${r_wall} s wall, ${r_cpu} s cpu, ${r_rss} KB peak RSS"
echo "== kubectl/render = $(awk -v a="$k_wall" -v b="$r_wall" 'BEGIN {printf "%.1f", a / b}')x (wall), $(awk -v a="$k_cpu" -v b="$r_cpu" 'BEGIN {printf "%.1f", a / b}')x (cpu); memory render/kubectl = $(awk -v a="$r_rss" -v b="$k_rss" 'BEGIN {printf "%.2f", a / b}')"
fi

if [[ "$WHICH" == all || "$WHICH" == kube ]]; then
swift build -c release --product kube-bench
KUBE_BENCH="$(swift build -c release --show-bin-path)/kube-bench"
echo "== server-side apply: KubeClient vs kubectl $(kubectl version --client -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])') apply --server-side, 250 ConfigMaps, 5 runs"
"$KUBE_BENCH" apply --objects 250 --runs 5
echo "== list 10,000 ConfigMaps: KubeClient vs kubectl get -o json, 5 runs"
"$KUBE_BENCH" list --objects 10000 --runs 5
echo "== watch fan-out: 100 watchers, 50 writes"
"$KUBE_BENCH" watch --watchers 100 --writes 50
fi
