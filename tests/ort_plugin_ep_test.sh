#!/usr/bin/env bash
# examples/ort_plugin_ep in real ONNX Runtime 1.29.0: for each tiny demo model, a CPU session with
# the WsestBudget plugin EP appended (RegisterExecutionProviderLibrary, GetEpDevices,
# SessionOptionsAppendExecutionProvider_V2) runs the model once (and edge.onnx, from
# examples/ort_plugin_ep/make_edge_model.cc); the costs the EP computed in
# GetCapability through ORT's graph API must equal `wsest --json` node for node.
#   ort_plugin_ep_test.sh CLI DEMO_TOOL EP_LIBRARY CHECK_TOOL WORK_DIR
# EP_LIBRARY and CHECK_TOOL are "-" when the build found no fetched ORT: then the test fails under
# CI=true and skips (exit 77) elsewhere.
set -euo pipefail
cli=$1 demo_tool=$2 ep_library=$3 check_tool=$4 work=$5

if [[ "$ep_library" == "-" || "$check_tool" == "-" ]]; then
  msg="ONNX Runtime 1.29.0 was not fetched when this tree was configured, so examples/ort_plugin_ep"
  msg+=" was not built: run calibrate/fetch_ort.sh and calibrate/fetch_ort_headers.sh, then re-run cmake"
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL under CI=true: $msg"
    exit 1
  fi
  echo "SKIP: $msg"
  exit 77
fi

rm -rf "$work" && mkdir -p "$work"
"$demo_tool" "$work" --tiny >/dev/null
# The dims tests/ort_stats_test.cc binds for the same models.
dims=(--dim batch=2 --dim sequence=8 --dim past_sequence=3 --dim total_sequence=4)
status=0
models=(bert_base gpt2_decode resnet_small)
edge_tool="$(dirname "$check_tool")/wsest_ort_ep_edge_model"
if [[ -x "$edge_tool" ]]; then
  "$edge_tool" "$work/edge.onnx"
  models+=(edge)
fi
for model in "${models[@]}"; do
  mkdir -p "$work/$model"
  "$check_tool" --ep-library "$ep_library" --cli "$cli" --model "$work/$model.onnx" --out "$work/$model" \
    "${dims[@]}" || status=1
done
exit $status
