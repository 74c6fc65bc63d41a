#!/usr/bin/env bash
# The benchmark of issue 10, one command: builds wsest, the floor and the driver in Release (in
# build-bench/, ccache on when present), writes the graphs once (build-bench/bench-models/:
# transformer and conv nets of about 1k, 10k and 100k nodes, weights external, their data file never
# written), then prints each model's phases, end-to-end times against the floor, peak RSS and the
# --max-dim cost, and the table of issue 10's targets.
#
#   bench/run.sh                       all sizes, min of 3 runs
#   bench/run.sh --repeat 5 1000 10000 only those sizes
#
# Timings are wall clock on this machine: run it on a quiet one (the load average is printed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${WSEST_BENCH_BUILD:-$root/build-bench}
repeat=3
sizes=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DWSEST_BUILD_BENCH=ON \
    -DWSEST_BUILD_TESTS=OFF -DWSEST_WITH_CUDA=OFF -DWSEST_BUILD_ORT_EXAMPLE=OFF >/dev/null
else
  cmake "$build" -DWSEST_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target wsest_bench -j "$(nproc)" >/dev/null

models=$build/bench-models
mkdir -p "$models"
paths=()
for n in "${sizes[@]}"; do
  for family in transformer convnet; do
    [[ -f $models/${family}_$n.onnx && $models/${family}_$n.onnx -nt $build/make_bench_models ]] ||
      "$build/make_bench_models" "$models" "$n" >/dev/null
    paths+=("$models/${family}_$n.onnx")
  done
done
exec "$build/bench/wsest_bench" --cli "$build/wsest" --floor "$build/bench/wsest_floor" --repeat "$repeat" "${paths[@]}"
