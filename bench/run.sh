#!/usr/bin/env bash
# The benchmark of issues 10 and 18, one command. It times the binary users get: the tree
# tools/setup.sh builds (build/, RelWithDebInfo, the live CUDA module wherever the toolkit is
# found), configured here the same way if it does not exist yet, with the floor and the driver
# added. It writes the graphs once (build/bench-models/: transformer and conv nets of about 1k, 10k
# and 100k nodes, weights external, their data file never written, plus the demo bert_base), then
# prints the start-up rows (--version, --list), each model's phases, end-to-end times against the
# floor, peak RSS and the --max-dim cost, and the table of issue 18's targets.
#
#   bench/run.sh                       all sizes, min of 3 runs
#   bench/run.sh --repeat 5 1000 10000 only those sizes
#   bench/run.sh --cli OTHER/wsest     time another wsest binary (e.g. an older build) the same way
#   WSEST_BENCH_BUILD=DIR bench/run.sh another build tree (configured as setup.sh does when new)
#
# Timings are wall clock on this machine: run it on a quiet one (the load average is printed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${WSEST_BENCH_BUILD:-$root/build}
repeat=3
cli=
sizes=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --cli) cli=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWSEST_WERROR=ON -DWSEST_BUILD_BENCH=ON >/dev/null
else
  cmake "$build" -DWSEST_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target wsest_bench make_demo_models -j "$(nproc)" >/dev/null
[[ -n $cli ]] || cli=$build/wsest

# Which build is timed: its type, whether it has the live module, and the CUDA libraries the
# binary itself links (the live module's are loaded only when a GPU answers a library question).
cli_cache=$(dirname "$cli")/CMakeCache.txt
[[ -f $cli_cache ]] || cli_cache=$build/CMakeCache.txt
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cli_cache")
with_cuda=$(sed -n 's/^WSEST_WITH_CUDA:[A-Z]*=//p' "$cli_cache")
linked=$(ldd "$cli" | awk '/libcu|libnv/ {print $1}' | tr '\n' ' ')
module=$(ls "$(dirname "$cli")"/libwsest_live_cuda.so 2>/dev/null || true)
echo "timed: $cli"
echo "build: ${build_type:-?}, WSEST_WITH_CUDA=${with_cuda:-?}; CUDA libraries linked at load time: ${linked:-none};" \
  "live module: ${module:-none}"

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
# A real model: the demo BERT-base encoder (tools/demo_models.md), its weights written beside it.
[[ -f $models/demo/bert_base.onnx ]] || "$build/make_demo_models" "$models/demo" >/dev/null
paths+=("$models/demo/bert_base.onnx")
exec "$build/bench/wsest_bench" --cli "$cli" --floor "$build/bench/wsest_floor" --repeat "$repeat" "${paths[@]}"
