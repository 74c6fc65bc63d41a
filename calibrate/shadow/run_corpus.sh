#!/usr/bin/env bash
# Runs the single-node calibration cases (wsest-make-cases) through the real ONNX Runtime 1.29.0 CUDA
# provider on the shadow device (calibrate/shadow/shadow.h), for every device profile and cuDNN
# version of the matrix below, and turns what it measured into node records marked "shadow". No GPU
# is needed.
#
#   bash calibrate/shadow/run_corpus.sh BUILD_DIR OUT_DIR
#
# BUILD_DIR holds wsest-make-cases, wsest-measure, wsest-calibrate and shadow/lib (a build with CUDA's
# headers present and ORT's C API header fetched). OUT_DIR gets:
#   records/<device>/ort-1.29.0/shadow-cudnn<version>.jsonl   the node records
#   raw/, logs/                                              wsest-measure lines; one shadow log per case
# Copy records/ over data/records/ to commit them. Exit status: 0 when every case ran, 1 when a case
# failed unexpectedly (listed in OUT_DIR/failures.txt), 2 on a setup problem.
set -euo pipefail

build="$(cd "${1:?usage: run_corpus.sh BUILD_DIR OUT_DIR}" && pwd)"
out="${2:?usage: run_corpus.sh BUILD_DIR OUT_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
jobs="${WSEST_SHADOW_JOBS:-$(nproc)}"
log() { echo "run_corpus: $*" >&2; }

# Device profile, cuDNN version (cudnnGetVersion): SM 9.0 on both sides of cuDNN 9.3 (where the 1.29.0
# binary starts preferring cuDNN attention), then SM 8.0, 8.9 and 7.5.
readonly MATRIX=(
  "h100-sxm 91900"
  "h100-sxm 90201"
  "a100-80gb 91900"
  "l4 91900"
  "t4 91900"
)
# The one answer every library size query gets (shadow.h): 1 MiB + 1 B, so that any rounding ORT
# applies to a library's answer shows.
readonly LIBRARY_WORKSPACE=1048577

for tool in wsest-make-cases wsest-measure wsest-calibrate shadow/lib/libcudart.so.13; do
  [[ -e "$build/$tool" ]] || { log "$build/$tool is missing (build with CUDA headers and calibrate/fetch_ort_headers.sh)"; exit 2; }
done
node_modules="$(bash "$here/../fetch_ort.sh")"
cuda_dir="$(bash "$here/../fetch_ort_cuda.sh")"

rm -rf "$out"
mkdir -p "$out/ort" "$out/raw" "$out/logs" "$out/records"
out="$(cd "$out" && pwd)"
# ORT looks for its provider libraries beside libonnxruntime.so.1.
ln -s "$node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$out/ort/"
ln -s "$cuda_dir/libonnxruntime_providers_cuda.so" "$cuda_dir/libonnxruntime_providers_shared.so" "$out/ort/"
"$build/wsest-make-cases" "$out/cases" >&2

# One process per case: ORT reads the ORT_* variables once per process, and a crash costs one case.
run_case() {  # index line device cudnn
  local n=$1 line=$2 device=$3 cudnn=$4 dir="$out/raw/$3-$4" rc=0
  local one="$out/cases/one-$device-$cudnn-$n.tsv"  # beside the models its paths are relative to
  printf '%s\n' "$line" > "$one"
  mkdir -p "$dir/stats-$n"  # ORT's stats file per process: cases run side by side
  WSEST_SHADOW_DEVICE="$device" WSEST_SHADOW_CUDNN="$cudnn" WSEST_SHADOW_LIBRARY_WORKSPACE="$LIBRARY_WORKSPACE" \
    WSEST_SHADOW_LOG="$out/logs/$device-$cudnn/$n.jsonl" LD_LIBRARY_PATH="$build/shadow/lib" \
    timeout 120 "$build/wsest-measure" --ort-lib "$out/ort/libonnxruntime.so.1" --ep cuda --cases "$one" \
    --out "$dir/$n.jsonl" --stats-dir "$dir/stats-$n" --runs 3 > "$dir/$n.log" 2>&1 || rc=$?
  if [[ ! -s "$dir/$n.jsonl" ]]; then  # it died before writing its line
    echo "{\"schema\":\"wsest-measure/1\",\"case\":\"${line%%$'\t'*}\",\"error\":\"wsest-measure exited $rc\"}" \
      > "$dir/$n.jsonl"
  fi
  rm -f "$one"
}
export -f run_case
export out build LIBRARY_WORKSPACE

mapfile -t lines < <(grep -v '^#' "$out/cases/cases.tsv")
start=$SECONDS
: > "$out/failures.txt"
for entry in "${MATRIX[@]}"; do
  read -r device cudnn <<< "$entry"
  mkdir -p "$out/raw/$device-$cudnn" "$out/logs/$device-$cudnn"
  for i in "${!lines[@]}"; do printf '%s\0%s\0' "$i" "${lines[$i]}"; done |
    xargs -0 -n 2 -P "$jobs" bash -c 'run_case "$0" "$1" '"$device $cudnn"
  raw="$out/raw/$device-$cudnn.jsonl"
  for i in "${!lines[@]}"; do cat "$out/raw/$device-$cudnn/$i.jsonl"; done > "$raw"
  "$build/wsest-calibrate" ingest "$raw" --models "$out/cases" --out "$out/records" --name "shadow-cudnn$cudnn" \
    --device "$device" 2> "$out/raw/$device-$cudnn.ingest.log" | sed "s/^/run_corpus: $device cuDNN $cudnn: /" >&2
  grep -o "case '.*' failed when measured: .*" "$out/raw/$device-$cudnn.ingest.log" |
    sed "s/^/$device $cudnn: /" >> "$out/failures.txt" || true
done
log "${#MATRIX[@]} device/cuDNN settings x ${#lines[@]} cases in $((SECONDS - start)) s"
# Cases the shadow device cannot run, with the reason (calibrate/shadow/not_shadowable.tsv), are
# expected to fail; any other failure is reported.
unexpected="$(grep -v -F -f <(grep -v '^#' "$here/not_shadowable.tsv" | cut -f1 | sed "s/^/case '/; s/\$/'/") \
  "$out/failures.txt" || true)"
if [[ -n "$unexpected" ]]; then
  log "cases that failed on the shadow device:"
  echo "$unexpected" >&2
  exit 1
fi
exit 0
