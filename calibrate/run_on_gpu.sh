#!/usr/bin/env bash
# The one command a GPU session runs to measure ORT 1.29.0's CUDA EP (issue 8). Through the device
# tool, from the repo root, after `bash calibrate/bundle.sh` here:
#
#   run(command="bash calibrate/run_on_gpu.sh", carry=["calibrate/.cache/bundle"], timeout_s=600)
#
# It unpacks the bundle, finds the CUDA 13 libraries of the machine's Python (pip nvidia-* packages)
# or /usr/local/cuda, and runs wsest-measure on every single-node case, one process per case (a
# crash or hang costs one case), with the allocation shim preloaded. With the stage argument
# `models` (or `all`) it then exports the well-known models (calibrate/export_models.py), splits them
# into single-node cases and measures those too. It stops starting cases after WSEST_GPU_BUDGET_S
# seconds (default 480) and writes what it has. Everything lands in $OUT:
#   raw_cases.jsonl, raw_models.jsonl   wsest-measure lines (ingest them here, see below)
#   models.tar.xz                       exported and split graphs, weights stripped (stage models)
#   env.txt, log.txt                    GPU, driver, library folders; per-case log
# Back here:
#   build-cal/wsest-calibrate ingest $FILES/raw_cases.jsonl --models calibrate/.cache/cases
#   build-cal/wsest-calibrate check data/records
set -uo pipefail

stage="${1:-cases}"
: "${OUT:?run through the device tool: OUT is where results go}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$root/calibrate/.cache/bundle"
work=/tmp/wsest-gpu
budget="${WSEST_GPU_BUDGET_S:-480}"
ep="${WSEST_MEASURE_EP:-cuda}"  # cpu: a dry run of this script on a machine without a GPU
start=$SECONDS
log() { echo "run_on_gpu: $*" | tee -a "$OUT/log.txt" >&2; }

[[ -f "$bundle/ort.tar.xz" && -f "$bundle/tools.tar.xz" ]] || { log "no bundle in $bundle: run calibrate/bundle.sh and carry it"; exit 1; }
(cd "$bundle" && sha256sum -c --quiet SHA256SUMS) || { log "bundle checksum mismatch"; exit 1; }
rm -rf "$work" && mkdir -p "$work/lib" "$work/stats"
tar -C "$work" -xJf "$bundle/ort.tar.xz" && tar -C "$work" -xJf "$bundle/tools.tar.xz" || { log "cannot unpack"; exit 1; }

# CUDA 13 libraries the provider needs (NEEDED: libcudart.so.13, libcublas.so.13, libcublasLt.so.13,
# libcurand.so.10; opened at run time: libcudnn.so (a link to libcudnn.so.9 is made), libcufft.so.12).
libdirs=""
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
# The runner was built on the bundling machine; rebuild it here if it does not start (e.g. glibc).
probe="$("$work/tools/bin/wsest-measure" --help 2>&1)"
if [[ "$probe" != *usage* ]]; then
  log "rebuilding wsest-measure here"
  g++ -std=c++17 -O2 -I "$work/tools/src" "$work/tools/src/measure.cc" "$work/tools/src/ort_runner.cc" \
      -o "$work/tools/bin/wsest-measure" -ldl &&
    g++ -std=c++17 -O2 -shared -fPIC "$work/tools/src/cuda_alloc_shim.cc" -o "$work/tools/bin/cuda_alloc_shim.so" -ldl ||
    { log "cannot build wsest-measure"; exit 1; }
fi
export LD_LIBRARY_PATH="$work/ort:$work/lib${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
gpu="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
gpu_name="${gpu%%,*}"
driver="${gpu##*, }"
{ echo "gpu: $gpu"; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; nvidia-smi; } > "$OUT/env.txt" 2>&1
log "GPU '$gpu_name', driver $driver"

measure() {  # cases.tsv raw.jsonl
  local cases="$1" raw="$2" dir line n=0 ok=0
  dir="$(dirname "$cases")"
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    if (( SECONDS - start > budget )); then log "time budget spent: stopping before '${line%%$'\t'*}'"; break; fi
    n=$((n + 1))
    printf '%s\n' "$line" > "$dir/one.tsv"
    if LD_PRELOAD="$work/tools/bin/cuda_alloc_shim.so" timeout 90 "$work/tools/bin/wsest-measure" \
         --ort-lib "$work/ort/libonnxruntime.so.1" --ep "$ep" --cases "$dir/one.tsv" --out "$raw" \
         --stats-dir "$work/stats" --runs 3 --gpu-name "$gpu_name" --driver "$driver" >> "$OUT/log.txt" 2>&1; then
      ok=$((ok + 1))
    else
      log "case '${line%%$'\t'*}' exited $?"
    fi
  done < "$cases"
  log "$ok of $n case processes ran to the end ($(wc -l < "$raw" 2>/dev/null || echo 0) lines in $(basename "$raw"))"
}

if [[ "$stage" == cases || "$stage" == all ]]; then
  measure "$work/tools/cases/cases.tsv" "$OUT/raw_cases.jsonl"
fi
if [[ "$stage" == models || "$stage" == all ]]; then
  if python3 "$work/tools/export_models.py" --out "$work/models" >> "$OUT/log.txt" 2>&1; then
    measure "$work/models/cases.tsv" "$OUT/raw_models.jsonl"
    python3 "$work/tools/export_models.py" --strip "$work/models" >> "$OUT/log.txt" 2>&1
    tar -C "$work/models" -cJf "$OUT/models.tar.xz" --exclude='*.data' --exclude='one.tsv' . 2>> "$OUT/log.txt"
  else
    log "export_models.py failed (see log.txt)"
  fi
fi
log "done in $((SECONDS - start)) s"
