#!/usr/bin/env bash
# Prints the path of an ONNX Runtime 1.29.0 core library (libonnxruntime.so.1) with the CUDA provider
# beside it, where ORT looks for its providers: a folder of links to what calibrate/fetch_ort.sh and
# calibrate/fetch_ort_cuda.sh fetched (fetching them if needed), under
# ${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0/with-cuda. For wsest-session --ort-lib.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
node_modules="$(bash "$here/../fetch_ort.sh")"
cuda_dir="$(bash "$here/../fetch_ort_cuda.sh")"
dir="${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0/with-cuda"
mkdir -p "$dir"
for target in "$node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" \
              "$cuda_dir/libonnxruntime_providers_cuda.so" "$cuda_dir/libonnxruntime_providers_shared.so"; do
  [[ -e "$target" ]] || { echo "ort_lib: $target is missing" >&2; exit 1; }
  ln -sfn "$target" "$dir/$(basename "$target")"
done
echo "$dir/libonnxruntime.so.1"
