#!/usr/bin/env bash
# The shadow corpus against the real ONNX Runtime 1.29.0 CUDA provider (calibrate/shadow): runs every
# single-node case on every device/cuDNN setting of calibrate/shadow/run_corpus.sh, checks today's
# estimates against what the binary did (wsest-calibrate check, with data/records/known_mismatches.tsv),
# and checks that the committed shadow records under data/records are the ones the binary makes now.
#   shadow_corpus_test.sh BUILD_DIR SOURCE_DIR
# Without the shadow device's libraries or ORT's C API header (no CUDA headers, or ORT not fetched)
# it fails under CI=true and skips (exit 77) elsewhere.
set -euo pipefail
build=$1 src=$2
work="$build/test_tmp/shadow_corpus"

missing=""
[[ -e "$build/shadow/lib/libcudart.so.13" ]] ||
  missing="$build/shadow/lib/libcudart.so.13 (the shadow device: CUDA and cuDNN headers in /usr/local/cuda); "
[[ -x "$build/wsest-measure" ]] ||
  missing+="$build/wsest-measure (ORT's C API header: calibrate/fetch_ort_headers.sh, then cmake -DWSEST_ORT_INCLUDE_DIR=<the path it prints>)"
if [[ -n "$missing" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL under CI=true: this build lacks $missing"
    exit 1
  fi
  echo "SKIP: this build lacks $missing"
  exit 77
fi

start=$SECONDS
bash "$src/calibrate/shadow/run_corpus.sh" "$build" "$work"
cp "$src/data/records/known_mismatches.tsv" "$work/records/"
status=0
"$build/wsest-calibrate" check "$work/records" || status=1

# The committed records must be the binary's current answer: same files, same lines.
stale=0
while IFS= read -r fresh; do
  rel="${fresh#"$work/records/"}"
  if ! cmp -s "$fresh" "$src/data/records/$rel"; then
    echo "data/records/$rel differs from what the binary records now"
    stale=1
  fi
done < <(find "$work/records" -name 'shadow-*.jsonl' | sort)
while IFS= read -r committed; do
  rel="${committed#"$src/data/records/"}"
  [[ -f "$work/records/$rel" ]] || { echo "data/records/$rel: no such case set runs any more"; stale=1; }
done < <(find "$src/data/records" -name 'shadow-*.jsonl' | sort)
if ((stale)); then
  echo "regenerate them: bash calibrate/shadow/run_corpus.sh build /tmp/corpus && cp -r /tmp/corpus/records/*/ data/records/"
  status=1
fi
echo "shadow corpus: $((SECONDS - start)) s"
exit $status
