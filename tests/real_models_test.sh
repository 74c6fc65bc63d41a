#!/usr/bin/env bash
# Real models nobody here wrote (tools/fetch_real_models.sh), as a user runs them (issue 17): for each,
# `wsest` runs without error, every shape it infers equals the one real ORT 1.29.0 computes when it
# runs the model on the CPU, no tensor whose shape ORT knows is left without one, and the unknown
# nodes, counted by cause, are the pinned ones.
#   real_models_test.sh WSEST SHAPE_DUMP WORKDIR
# Exit 77 (skipped) when the models or ORT are not fetched; under CI=true that is a failure when
# tools/setup.sh fetched the models (its stamp is in the cache).
set -euo pipefail
wsest=$1 shape_dump=$2 work=$3
here="$(cd "$(dirname "$0")" && pwd)"
cache="${WSEST_MODELS_CACHE:-$HOME/.cache/wsest-models}"
models="$cache/models"
ort_modules="${WSEST_ORT_NODE_MODULES:-${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0/node_modules}"

skip() {
  if [[ "${CI:-}" == true && -f "$cache/.fetched-by-setup" ]]; then
    echo "real_models: FAIL: $* (tools/setup.sh fetched the models, so CI must run this)"
    exit 1
  fi
  echo "real_models: skipped: $*"
  exit 77
}
[[ -n "$(ls "$models"/.wsest-complete-* 2>/dev/null)" ]] || skip "no models in $models (run tools/fetch_real_models.sh)"
[[ -d "$ort_modules/onnxruntime-node" ]] || skip "no onnxruntime-node in $ort_modules (run calibrate/fetch_ort.sh)"
command -v node >/dev/null || skip "node not found"
mkdir -p "$work"

failures=0
# model | input shapes | the summary's unknown lines, joined with ';' (pinned). Before shape folding the
# recognizer had 34 nodes unknown for a lost shape and the classifier 2 (issue 17); what is left is
# the cuDNN convolutions, whose workspace the library decides (no GPU here, no record for them).
# The report's unknown nodes, counted by cause, against the pinned line.
expect_unknowns() {  # name, report, pinned
  local summary; summary="$(echo "$2" | sed -n '/^  unknown causes:/,/^$/p;/^  unknown:/p')"
  local got; got="$(echo "$summary" | tr -s ' ' | tr '\n' ';')"
  if [[ "$got" != "$3" ]]; then
    echo "real_models: FAIL $1: unknown nodes by cause"
    echo "  expected: $3"
    echo "  got:      $got"
    failures=$((failures + 1))
  fi
}

check() {  # model, input shapes, pinned unknowns, scalar int64 input values (name=value, optional)
  local model=$1 input=$2 pinned=$3 values=${4:-}
  local name; name="$(basename "$model" .onnx)"
  local args=() spec='{"inputs":{' first=1
  for shape in $input; do
    args+=(--input "$shape")
    [[ $first == 1 ]] || spec+=','
    first=0
    spec+="\"${shape%%=*}\":{\"dims\":[${shape#*=}]}"
  done
  for value in $values; do
    args+=(--value "$value")
    spec+=",\"${value%%=*}\":{\"dims\":[],\"dtype\":\"int64\",\"values\":[${value#*=}]}"
  done
  spec+='}}'
  [[ "$model" == /* ]] || model="$models/$model"
  local report
  if ! report="$("$wsest" "$model" "${args[@]}" 2>&1)"; then
    echo "real_models: FAIL $name: wsest failed: $report"; failures=$((failures + 1)); return
  fi
  [[ "$pinned" != -* ]] || return 0  # only "no error" is asked of it
  "$shape_dump" "$model" "${args[@]}" --expose "$work/$name.all.onnx" > "$work/$name.wsest.json"
  node "$here/ort/output_shapes.js" "$work/$name.all.onnx" "$spec" > "$work/$name.ort.json"
  local compared; compared="$(node "$here/ort/compare_shapes.js" "$work/$name.wsest.json" "$work/$name.ort.json")"
  echo "real_models: $name $input: $compared"
  if ! node -e 'const c=JSON.parse(process.argv[1]); process.exit(c.tensors>0 && c.without_shape+c.partial+c.differ===0 ? 0 : 1)' "$compared"; then
    echo "real_models: FAIL $name: shapes differ from real ORT 1.29.0's, or are missing where ORT knows them"
    failures=$((failures + 1))
  fi
  expect_unknowns "$name" "$report" "$pinned"
}

check ch_PP-OCRv4_rec_infer.onnx "x=8,3,48,320" \
  " unknown: 38; unknown causes:; 38 a library decides (no GPU, no record): Conv x38;"
check ch_PP-OCRv4_det_infer.onnx "x=1,3,960,960" \
  " unknown: 64; unknown causes:; 64 a library decides (no GPU, no record): Conv x62, ConvTranspose x2;"
check ch_ppocr_mobile_v2.0_cls_infer.onnx "x=8,3,48,192" \
  " unknown: 53; unknown causes:; 53 a library decides (no GPU, no record): Conv x53;"
check hello_deepa.onnx "onnx::Flatten_0=1,25,96" \
  " unknown: 0;"
check hello_deepa_old.onnx "onnx::Flatten_0=1,24,96" \
  " unknown: 0;"
check namaste_deepa.onnx "onnx::Flatten_0=1,24,96" \
  " unknown: 0;"

# Silero VAD runs its whole network inside an If on the sample rate, a value ORT reads at run time.
# ORT exposes no tensor inside a branch, so the branch is checked in a copy that runs it in the If's
# place (shape_dump --take-branch): every shape wsest infers inside the branch must equal ORT's.
# What stays partial is the If's outputs in the main graph (and what the model's graph outputs
# declare there): which branch runs is not known before the run, and the branches differ.
check_branch() {  # model, IF=branch, wsest's --input flags, ORT's input spec, pinned comparison, pinned unknowns
  local model=$1 branch=$2 input=$3 spec=$4 pinned_compare=$5 pinned=$6
  local name; name="$(basename "$model" .onnx)"
  local args=()
  for shape in $input; do args+=(--input "$shape"); done
  local report
  if ! report="$("$wsest" "$models/$model" "${args[@]}" 2>&1)"; then
    echo "real_models: FAIL $name: wsest failed: $report"; failures=$((failures + 1)); return
  fi
  "$shape_dump" "$models/$model" "${args[@]}" --take-branch "$branch" --expose "$work/$name.branch.onnx" \
    > "$work/$name.branch.wsest.json"
  node "$here/ort/output_shapes.js" "$work/$name.branch.onnx" "$spec" > "$work/$name.branch.ort.json"
  local compared; compared="$(node "$here/ort/compare_shapes.js" "$work/$name.branch.wsest.json" "$work/$name.branch.ort.json")"
  echo "real_models: $name $branch: $compared"
  if [[ "$compared" != "$pinned_compare"* ]]; then
    echo "real_models: FAIL $name: the shapes in $branch against real ORT 1.29.0's"
    echo "  expected: $pinned_compare"
    failures=$((failures + 1))
  fi
  expect_unknowns "$name" "$report" "$pinned"
}

# Given the sample rate (--value sr=16000), wsest knows the branch ORT takes, and so every shape of
# the main graph, the If's outputs included (without it they are partial: the branches differ).
check silero_vad_v5.onnx "input=1,512 state=2,1,128" \
  " unknown: 1; unknown causes:; 1 a library decides (no GPU, no record): If x1;" "sr=16000"
check silero_vad_legacy.onnx "input=1,512 h=2,1,64 c=2,1,64" \
  " unknown: 1; unknown causes:; 1 a library decides (no GPU, no record): If x1;" "sr=16000"
check silero_vad_v5.onnx "input=1,256 state=2,1,128" \
  " unknown: 1; unknown causes:; 1 a library decides (no GPU, no record): If x1;" "sr=8000"
check silero_vad_legacy.onnx "input=1,256 h=2,1,64 c=2,1,64" \
  " unknown: 1; unknown causes:; 1 a library decides (no GPU, no record): If x1;" "sr=8000"

# 16 kHz, 512 samples: the then_branch. In it, F.pad's pads are reversed as a [-1, 2] matrix, a
# nested If on `x.dim() == 3` and one on `state.shape[0]` pick their branches from folded shapes;
# before body folding (and the matrix and If folds) 13 of the v5 branch's tensors had no shape.
check_branch silero_vad_v5.onnx If_0=then_branch "input=1,512 state=2,1,128" \
  '{"inputs":{"input":{"dims":[1,512]},"sr":{"dims":[],"dtype":"int64","values":[16000]},"state":{"dims":[2,1,128]}}}' \
  '{"tensors":120,"without_shape":0,"partial":4,"differ":0,"equal":116,' \
  " unknown: 1; unknown causes:; 1 a library decides (no GPU, no record): If x1;"
check_branch silero_vad_legacy.onnx If_25=then_branch "input=1,512 h=2,1,64 c=2,1,64" \
  '{"inputs":{"input":{"dims":[1,512]},"sr":{"dims":[],"dtype":"int64","values":[16000]},"h":{"dims":[2,1,64]},"c":{"dims":[2,1,64]}}}' \
  '{"tensors":94,"without_shape":0,"partial":3,"differ":0,"equal":91,' \
  " unknown: 1; unknown causes:; 1 a library decides (no GPU, no record): If x1;"

# The files ORT saves (session.optimized_model_filepath) on its CPU EP, as the README tells users to
# run wsest on them: every one imports ai.onnx.ml opset 5. At level "all" the CPU EP's NCHWc layout
# ops (com.microsoft.nchwc) have no shape rules here, so only "no error" is asked of it.
for level in basic extended all; do
  node "$here/ort/save_optimized.js" "$models/ch_PP-OCRv4_rec_infer.onnx" "$level" \
    "$work/rec_$level.onnx"
done
check "$work/rec_basic.onnx" "x=8,3,48,320" \
  " unknown: 38; unknown causes:; 38 a library decides (no GPU, no record): Conv x38;"
check "$work/rec_extended.onnx" "x=8,3,48,320" \
  " unknown: 38; unknown causes:; 38 a library decides (no GPU, no record): Conv x34, com.microsoft.FusedConv x4;"
check "$work/rec_all.onnx" "x=8,3,48,320" "-"

if ((failures)); then
  echo "real_models: $failures failure(s)"
  exit 1
fi
echo "real_models: all models agree with real ORT 1.29.0"
