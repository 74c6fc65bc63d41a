#!/usr/bin/env bash
# Assembles what a GPU machine needs to measure ORT 1.29.0's CUDA EP, in one folder that the device
# tool carries (calibrate/.cache/ is git-ignored; the device tool's limit is 64 MiB per call):
#
#   calibrate/.cache/bundle/ort.tar.xz     libonnxruntime.so.1 (onnxruntime-node 1.29.0), the CUDA
#                                          provider shrunk to sm_90 (calibrate/shrink_fatbin), and
#                                          libonnxruntime_providers_shared.so
#   calibrate/.cache/bundle/tools.tar.xz   wsest-measure, cuda_alloc_shim.so (built here: they load ORT
#                                          and CUDA with dlopen and link libstdc++ statically), and the
#                                          single-node cases (wsest-make-cases: models + cases.tsv)
#
#   bash calibrate/bundle.sh [BUILD_DIR]   (default build-cal; needs wsest-measure built there, i.e.
#                                           calibrate/fetch_ort_headers.sh run before cmake)
# Prints the sizes. Idempotent; the ORT archive is rebuilt only when missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$root/build-cal}" && pwd)"
out="$here/.cache/bundle"
keep_sm="${WSEST_KEEP_SM:-90}"
log() { echo "bundle: $*" >&2; }

for tool in wsest-measure cuda_alloc_shim.so wsest-make-cases shrink_fatbin; do
  [[ -f "$build/$tool" ]] || { log "$build/$tool is missing: build it first (cmake --build $build)"; exit 1; }
done

node_modules="$(bash "$here/fetch_ort.sh")"
cuda_dir="$(bash "$here/fetch_ort_cuda.sh")"
core="$node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
[[ -f "$core" ]] || { log "no $core"; exit 1; }

mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [[ ! -f "$out/ort.tar.xz" ]]; then
  mkdir -p "$tmp/ort"
  cp "$core" "$tmp/ort/"
  cp "$cuda_dir/libonnxruntime_providers_shared.so" "$tmp/ort/"
  "$build/shrink_fatbin" --keep-sm "$keep_sm" "$cuda_dir/libonnxruntime_providers_cuda.so" \
    "$tmp/ort/libonnxruntime_providers_cuda.so" >&2
  log "compressing the ORT libraries (xz -9, a few minutes)"
  tar -C "$tmp" -cf - ort | xz -9 -T2 > "$out/ort.tar.xz.part"
  mv "$out/ort.tar.xz.part" "$out/ort.tar.xz"
fi

mkdir -p "$tmp/tools/bin"
cp "$build/wsest-measure" "$build/cuda_alloc_shim.so" "$tmp/tools/bin/"
# The cases stay unpacked here too (calibrate/.cache/cases, not carried): ingest resolves model paths there.
rm -rf "$here/.cache/cases"
"$build/wsest-make-cases" "$here/.cache/cases" >&2
cp -r "$here/.cache/cases" "$tmp/tools/cases"
cp "$here/export_models.py" "$tmp/tools/"
# Sources and ORT's C API headers, so run_on_gpu.sh can rebuild the runner there if this build's
# binary does not run (e.g. an older glibc).
mkdir -p "$tmp/tools/src"
mkdir -p "$tmp/tools/src/calibrate"
cp "$here/measure.cc" "$here/cuda_alloc_shim.cc" "$here/ort_runner.cc" "$tmp/tools/src/"
cp "$here/ort_runner.h" "$tmp/tools/src/calibrate/"
ort_include="${WSEST_ORT_INCLUDE_DIR:-${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0/include}"
cp "$ort_include"/onnxruntime_c_api.h "$ort_include"/onnxruntime_error_code.h "$ort_include"/onnxruntime_ep_c_api.h \
  "$tmp/tools/src/"
tar -C "$tmp" -cf - tools | xz -9 -T2 > "$out/tools.tar.xz"
(cd "$out" && sha256sum ort.tar.xz tools.tar.xz > SHA256SUMS)
ls -l "$out" >&2
total=$(du -cb "$out"/*.tar.xz | tail -1 | cut -f1)
log "bundle: $total bytes in $out (the device tool carries at most 64 MiB with the working tree)"
echo "$out"
