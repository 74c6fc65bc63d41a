#!/usr/bin/env bash
# The GPU session's prepared command for the live path (calibrate/bundle_live.sh, then
# calibrate/run_on_gpu.sh live), run here with the shadow device's stub driver and CUDA libraries
# standing in for the GPU, so that the script a device loan depends on is known to work before one.
#   gpu_script_dry_run_test.sh BUILD_DIR SOURCE_DIR
# Without the live module or the shadow device it fails under CI=true and skips (exit 77) elsewhere.
set -uo pipefail
build=$1 src=$2
work="$build/test_tmp/gpu_script_dry_run"

missing=""
[[ -e "$build/libwsest_live_cuda.so" ]] || missing="$build/libwsest_live_cuda.so (CUDA in /usr/local/cuda); "
[[ -e "$build/shadow/lib/libcuda.so.1" ]] || missing+="$build/shadow/lib/libcuda.so.1 (the shadow device)"
if [[ -n "$missing" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL under CI=true: this build lacks $missing"
    exit 1
  fi
  echo "SKIP: this build lacks $missing"
  exit 77
fi

rm -rf "$work" && mkdir -p "$work/out"
WSEST_LIVE_BUNDLE="$work/bundle" bash "$src/calibrate/bundle_live.sh" "$build" > /dev/null || { echo "FAIL: bundle_live.sh"; exit 1; }
OUT="$work/out" WSEST_LIVE_BUNDLE="$work/bundle" WSEST_GPU_WORK="$work/gpu" WSEST_GPU_LIBDIRS="$build/shadow/lib" \
  WSEST_RECORD_DEVICE=h100-sxm bash "$src/calibrate/run_on_gpu.sh" live
log="$work/out/log.txt"

status=0
expect() {  # a line the log must hold, and why
  if ! grep -qE -- "$1" "$log"; then
    echo "FAIL: the log has no line matching '$1' ($2)"
    status=1
  fi
}
# The test binary starts from the bundle and its live tests pass against the stub driver.
expect "live: wsest_tests --gtest_filter='Live\.\*(:LiveLoader\.\*)?' exited 0" "the bundled tests"
# resnet_small has 9 Conv nodes (tools/make_demo_models.cc BuildResNet: stem 1, stage1 2, stage2 3,
# stage3 3), each a cuDNN engine question that only a device answers: unknown with --no-live.
expect "resnet_small: wsest exited 0; 9 node\(s\) answered live, unknown 9 without the GPU -> 0 with it" "demo model"
if [[ -f "${WSEST_MODELS_CACHE:-$HOME/.cache/wsest-models}/models/ch_PP-OCRv4_det_infer.onnx" ]]; then
  # PP-OCRv4's detector has 64 Conv nodes (README: "64 node(s) have no workspace estimate").
  expect "ppocr_det: wsest exited 0; 64 node\(s\) answered live, unknown 64 without the GPU -> 0 with it" "real model"
fi
expect "live: wsest_record_library exited 0: queries [1-9][0-9]*, recorded [1-9][0-9]*, failed 0" "library tables"
# What comes back from the GPU machine: one archive holding the library table and the reports.
listing="$(tar -tJf "$work/out/live.tar.xz" 2>&1)"
for f in live_results/tests.txt live_results/summary.txt live_results/resnet_small.live.json \
         live_results/resnet_small.no-live.json live_results/records/h100-sxm/library.jsonl; do
  if ! grep -qx -- "$f" <<< "$listing"; then
    echo "FAIL: $work/out/live.tar.xz lacks $f"
    status=1
  fi
done
((status == 0)) && echo "PASS: the live stage of calibrate/run_on_gpu.sh runs end to end on the shadow device"
exit $status
