#!/usr/bin/env bash
# The one command a GPU session runs: it measures ORT 1.29.0's CUDA EP (issue 8) and checks wsest's
# live path on the GPU (issue 18). Through the device tool, from the repo root, after
# `bash calibrate/bundle.sh build` and `bash calibrate/bundle_live.sh` here (the tree tools/setup.sh builds):
#
#   run(command="bash calibrate/run_on_gpu.sh live cases", timeout_s=600,
#       carry=["calibrate/.cache/bundle", "calibrate/.cache/live_bundle"])
#
# Stages, in the order given (default: cases):
#   live    (live bundle) wsest_tests' Live.* and LiveLoader.* tests; the CLI's --json on the demo
#           resnet_small at batch 8 and on PP-OCRv4's detector when bundled, live and with --no-live;
#           wsest_record_library for this GPU's profile. A minute or less.
#   cases   (ORT bundle) wsest-measure on every single-node case, one process per case (a crash or
#           hang costs one case), with the allocation shim preloaded.
#   models  (ORT bundle) exports the well-known models (calibrate/export_models.py), splits them into
#           single-node cases and measures those too. `all` is cases and models.
# The CUDA 13 libraries come from the machine's Python (pip nvidia-* packages) or /usr/local/cuda;
# WSEST_GPU_LIBDIRS (folders, ':'-separated) replaces that search. The ORT stages stop starting
# cases after WSEST_GPU_BUDGET_S seconds from the start (default 480) and write what they have.
# Everything lands in $OUT:
#   raw_cases.jsonl, raw_models.jsonl   wsest-measure lines (ingest them here, see below)
#   models.tar.xz                       exported and split graphs, weights stripped (stage models)
#   live.tar.xz                         stage live: tests.txt, *.json reports, library.jsonl, summary.txt
#   env.txt, log.txt                    GPU, driver, library folders; per-stage log
# Back here:
#   build-cal/wsest-calibrate ingest $FILES/raw_cases.jsonl --models calibrate/.cache/cases
#   build-cal/wsest-calibrate check data/records
#   tar -xJf $FILES/live.tar.xz; the library table goes to data/records/<device>/library.jsonl
# A dry run without a GPU: WSEST_MEASURE_EP=cpu for the ORT stages; for the live stage,
# WSEST_GPU_LIBDIRS=build/shadow/lib (the shadow device's stub driver and libraries stand in).
set -uo pipefail

stages=("$@")
((${#stages[@]})) || stages=(cases)
: "${OUT:?run through the device tool: OUT is where results go}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$root/calibrate/.cache/bundle"
live_bundle="${WSEST_LIVE_BUNDLE:-$root/calibrate/.cache/live_bundle}"
work="${WSEST_GPU_WORK:-/tmp/wsest-gpu}"  # unpacked bundles; emptied first
budget="${WSEST_GPU_BUDGET_S:-480}"
ep="${WSEST_MEASURE_EP:-cuda}"  # cpu: a dry run of the ORT stages on a machine without a GPU
start=$SECONDS
log() { echo "run_on_gpu: $*" | tee -a "$OUT/log.txt" >&2; }
for s in "${stages[@]}"; do
  case "$s" in live | cases | models | all) ;; *) log "unknown stage '$s' (live, cases, models, all)"; exit 1 ;; esac
done
rm -rf "$work" && mkdir -p "$work/lib" "$work/stats"

# CUDA 13 libraries the provider needs (NEEDED: libcudart.so.13, libcublas.so.13, libcublasLt.so.13,
# libcurand.so.10; opened at run time: libcudnn.so (a link to libcudnn.so.9 is made), libcufft.so.12);
# wsest's live module needs libcudart, libcublasLt and libcudnn of the same.
libdirs=""
if [[ -n "${WSEST_GPU_LIBDIRS:-}" ]]; then
  IFS=: read -ra chosen <<< "$WSEST_GPU_LIBDIRS"
  for d in "${chosen[@]}"; do libdirs="$libdirs:$(cd "$d" && pwd)"; done
  [[ -e "${chosen[0]}/libcudnn.so.9" ]] && ln -sf "$(cd "${chosen[0]}" && pwd)/libcudnn.so.9" "$work/lib/libcudnn.so"
else
  for name in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcufft.so.12 libcudnn.so.9; do
    found="$(python3 - "$name" <<'PY' 2>/dev/null
import glob, os, site, sys
roots = site.getsitepackages() + [site.getusersitepackages()]
for r in roots:
    for p in glob.glob(os.path.join(r, "nvidia", "**", sys.argv[1]), recursive=True):
        print(os.path.dirname(p)); sys.exit(0)
PY
)"
    [[ -z "$found" ]] && found="$(dirname "$(ls /usr/local/cuda*/lib64/"$name" /usr/lib/x86_64-linux-gnu/"$name" 2>/dev/null | head -1)" 2>/dev/null)"
    if [[ -z "$found" || "$found" == "." ]]; then log "missing $name"; else libdirs="$libdirs:$found"; fi
    [[ "$name" == libcudnn.so.9 && -n "$found" ]] && ln -sf "$found/libcudnn.so.9" "$work/lib/libcudnn.so"
  done
fi
gpu="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
gpu_name="${gpu%%,*}"
driver="${gpu##*, }"
{ echo "gpu: $gpu"; echo "CUDA library folders: ${libdirs#:}"; nvidia-smi; } > "$OUT/env.txt" 2>&1
log "GPU '$gpu_name', driver $driver; stages: ${stages[*]}"

# Stage live: wsest's own binaries (calibrate/bundle_live.sh) on this machine's GPU.
run_live() {
  local dir="$work/live" results="$work/live_results" lib code build_dir model
  [[ -f "$live_bundle/live.tar.xz" ]] || { log "live: no bundle in $live_bundle: run calibrate/bundle_live.sh and carry it"; return 1; }
  (cd "$live_bundle" && sha256sum -c --quiet SHA256SUMS) || { log "live: bundle checksum mismatch"; return 1; }
  tar -C "$work" -xJf "$live_bundle/live.tar.xz" || { log "live: cannot unpack"; return 1; }
  mkdir -p "$results"
  lib="$dir/lib$libdirs"
  if ! LD_LIBRARY_PATH="$lib" "$dir/bin/wsest" --version > /dev/null 2>> "$OUT/log.txt"; then
    lib="$dir/lib:$dir/lib/fallback$libdirs"  # an older libstdc++ here than on the bundling machine
    LD_LIBRARY_PATH="$lib" "$dir/bin/wsest" --version > /dev/null 2>> "$OUT/log.txt" || { log "live: the bundled wsest does not start"; return 1; }
    log "live: runs with the bundled libstdc++"
  fi
  log "live: wsest $(LD_LIBRARY_PATH="$lib" "$dir/bin/wsest" --version 2>&1 | head -1), commit $(cat "$dir/commit.txt")"
  # The tests run the CLI and the demo tool at the paths compiled in (the bundling machine's build folder).
  build_dir="$(cat "$dir/build_dir.txt")"
  local filter='Live.*:LiveLoader.*'
  if [[ ! -e "$build_dir" ]]; then
    mkdir -p "$(dirname "$build_dir")" && ln -s "$dir/bin" "$build_dir"
  elif [[ "$(readlink -f "$build_dir")" != "$dir/bin" ]]; then
    log "live: $build_dir exists here and is not the bundle: only the Live.* tests run"
    filter='Live.*'
  fi
  LD_LIBRARY_PATH="$lib" timeout 120 "$dir/bin/wsest_tests" --gtest_filter="$filter" > "$results/tests.txt" 2>&1
  code=$?
  log "live: wsest_tests --gtest_filter='$filter' exited $code: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$results/tests.txt" | tr '\n' ' ')"
  LD_LIBRARY_PATH="$lib" "$dir/bin/make_demo_models" "$dir/demo" > /dev/null 2>> "$OUT/log.txt"
  local -a runs=("resnet_small|$dir/demo/resnet_small.onnx|--dim batch=8")
  [[ -f "$dir/models/ch_PP-OCRv4_det_infer.onnx" ]] &&
    runs+=("ppocr_det|$dir/models/ch_PP-OCRv4_det_infer.onnx|--input x=1,3,960,960")
  local run name args
  for run in "${runs[@]}"; do
    IFS='|' read -r name model args <<< "$run"
    # shellcheck disable=SC2086  # args are flags, split on purpose
    LD_LIBRARY_PATH="$lib" timeout 120 "$dir/bin/wsest" "$model" $args --json > "$results/$name.live.json" 2>> "$OUT/log.txt"
    code=$?
    LD_LIBRARY_PATH="$lib" timeout 120 "$dir/bin/wsest" "$model" $args --json --no-live > "$results/$name.no-live.json" 2>> "$OUT/log.txt"
    log "live: $name: wsest exited $code; $(python3 - "$results/$name.live.json" "$results/$name.no-live.json" <<'PY' 2>&1
import json, sys
live, off = (json.load(open(p))["nodes"] for p in sys.argv[1:3])
asked = [n for n in live if any("live on" in b.get("source", "") for b in n.get("buffers", []))]
unknown = lambda nodes: sum(n["exactness"] == "unknown" for n in nodes)
print(f"{len(asked)} node(s) answered live, unknown {unknown(off)} without the GPU -> {unknown(live)} with it"
      + (f"; first: {asked[0]['op_type']} '{asked[0]['name']}' {asked[0]['workspace_bytes']} B, {asked[0]['reason']}" if asked else ""))
PY
)" | tee -a "$results/summary.txt"
  done
  local -a device=(--device "${WSEST_RECORD_DEVICE:-}")
  [[ -z "${WSEST_RECORD_DEVICE:-}" ]] && device=(--gpu-name "$gpu_name")
  LD_LIBRARY_PATH="$lib" timeout 180 "$dir/bin/wsest_record_library" "${device[@]}" --out "$results/records" \
    > "$results/record_library.txt" 2>&1
  log "live: wsest_record_library exited $?: $(tail -1 "$results/record_library.txt")"
  tar -C "$work" -cJf "$OUT/live.tar.xz" live_results
}

# Stages cases and models: ORT 1.29.0's CUDA EP under wsest-measure (calibrate/bundle.sh).
ort_ready=""
prepare_ort() {
  [[ -n "$ort_ready" ]] && return 0
  [[ -f "$bundle/ort.tar.xz" && -f "$bundle/tools.tar.xz" ]] || { log "no bundle in $bundle: run calibrate/bundle.sh and carry it"; return 1; }
  (cd "$bundle" && sha256sum -c --quiet SHA256SUMS) || { log "bundle checksum mismatch"; return 1; }
  tar -C "$work" -xJf "$bundle/ort.tar.xz" && tar -C "$work" -xJf "$bundle/tools.tar.xz" || { log "cannot unpack"; return 1; }
  # The runner was built on the bundling machine; rebuild it here if it does not start (e.g. glibc).
  local probe
  probe="$("$work/tools/bin/wsest-measure" --help 2>&1)"
  if [[ "$probe" != *usage* ]]; then
    log "rebuilding wsest-measure here"
    g++ -std=c++17 -O2 -I "$work/tools/src" "$work/tools/src/measure.cc" "$work/tools/src/ort_runner.cc" \
        -o "$work/tools/bin/wsest-measure" -ldl &&
      g++ -std=c++17 -O2 -shared -fPIC "$work/tools/src/cuda_alloc_shim.cc" -o "$work/tools/bin/cuda_alloc_shim.so" -ldl ||
      { log "cannot build wsest-measure"; return 1; }
  fi
  ort_ready=1
}

measure() {  # cases.tsv raw.jsonl
  local cases="$1" raw="$2" dir line n=0 ok=0
  dir="$(dirname "$cases")"
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    if (( SECONDS - start > budget )); then log "time budget spent: stopping before '${line%%$'\t'*}'"; break; fi
    n=$((n + 1))
    printf '%s\n' "$line" > "$dir/one.tsv"
    if LD_LIBRARY_PATH="$work/ort:$work/lib${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
         LD_PRELOAD="$work/tools/bin/cuda_alloc_shim.so" timeout 90 "$work/tools/bin/wsest-measure" \
         --ort-lib "$work/ort/libonnxruntime.so.1" --ep "$ep" --cases "$dir/one.tsv" --out "$raw" \
         --stats-dir "$work/stats" --runs 3 --gpu-name "$gpu_name" --driver "$driver" >> "$OUT/log.txt" 2>&1; then
      ok=$((ok + 1))
    else
      log "case '${line%%$'\t'*}' exited $?"
    fi
  done < "$cases"
  log "$ok of $n case processes ran to the end ($(wc -l < "$raw" 2>/dev/null || echo 0) lines in $(basename "$raw"))"
}

run_models() {
  if python3 "$work/tools/export_models.py" --out "$work/models" >> "$OUT/log.txt" 2>&1; then
    measure "$work/models/cases.tsv" "$OUT/raw_models.jsonl"
    python3 "$work/tools/export_models.py" --strip "$work/models" >> "$OUT/log.txt" 2>&1
    tar -C "$work/models" -cJf "$OUT/models.tar.xz" --exclude='*.data' --exclude='one.tsv' . 2>> "$OUT/log.txt"
  else
    log "export_models.py failed (see log.txt)"
  fi
}

for s in "${stages[@]}"; do
  case "$s" in
    live) run_live ;;
    cases) prepare_ort && measure "$work/tools/cases/cases.tsv" "$OUT/raw_cases.jsonl" ;;
    models) prepare_ort && run_models ;;
    all) prepare_ort && measure "$work/tools/cases/cases.tsv" "$OUT/raw_cases.jsonl" && run_models ;;
  esac
done
log "done in $((SECONDS - start)) s"
