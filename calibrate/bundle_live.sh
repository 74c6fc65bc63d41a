#!/usr/bin/env bash
# Packs what a GPU machine needs to check wsest's live path (issue 18) and to record the library
# tables (wsest_record_library) there, in one folder the device tool carries (calibrate/.cache/ is
# git-ignored):
#
#   calibrate/.cache/live_bundle/live.tar.xz   bin/: the CLI, its live module, wsest_tests,
#                                              make_demo_models and wsest_record_library of BUILD_DIR,
#                                              debug info stripped; lib/: the shared libraries they
#                                              need beyond glibc and CUDA (onnx, protobuf, fmt), and
#                                              lib/fallback/: this machine's libstdc++ and libgcc_s,
#                                              used there only if the binaries do not start without
#                                              them; build_dir.txt: BUILD_DIR, which the tests name
#                                              (their CLI and demo-tool paths are compiled in);
#                                              models/: PP-OCRv4's detector, when fetched
#
#   bash calibrate/bundle_live.sh [BUILD_DIR]   (default build: the tree tools/setup.sh builds, with
#                                                WSEST_WITH_CUDA on; WSEST_LIVE_BUNDLE: another folder)
# calibrate/run_on_gpu.sh's stage `live` unpacks and runs it. Prints the folder.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
out="${WSEST_LIVE_BUNDLE:-$here/.cache/live_bundle}"  # tests/gpu_script_dry_run.sh writes elsewhere
log() { echo "bundle_live: $*" >&2; }

tools=(wsest libwsest_live_cuda.so wsest_tests make_demo_models wsest_record_library)
for tool in "${tools[@]}"; do
  [[ -f "$build/$tool" ]] || { log "$build/$tool is missing: build with WSEST_WITH_CUDA on (tools/setup.sh)"; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/live/bin" "$tmp/live/lib/fallback" "$out"
for tool in "${tools[@]}"; do
  # The dynamic symbol table stays (the module's entry point is looked up by name).
  strip --strip-unneeded -o "$tmp/live/bin/$tool" "$build/$tool"
done
# What the binaries need from outside: glibc's own libraries are the GPU machine's; the CUDA ones
# (libcudart, libcublasLt, libcudnn) come from its Python's nvidia-* packages (run_on_gpu.sh).
while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | ld-linux*) ;;
    libcud* | libcublas*) ;;
    libstdc++.so.* | libgcc_s.so.*) cp -L "$lib" "$tmp/live/lib/fallback/" ;;
    *) cp -L "$lib" "$tmp/live/lib/" ;;
  esac
done < <(for tool in "${tools[@]}"; do ldd "$build/$tool"; done | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
# A real Conv-heavy model nobody here wrote, when tools/fetch_real_models.sh has fetched it.
detector="${WSEST_MODELS_CACHE:-$HOME/.cache/wsest-models}/models/ch_PP-OCRv4_det_infer.onnx"
if [[ -f "$detector" ]]; then
  mkdir -p "$tmp/live/models" && cp "$detector" "$tmp/live/models/"
else
  log "no $detector (tools/fetch_real_models.sh): the GPU run checks the demo model only"
fi
echo "$build" > "$tmp/live/build_dir.txt"
git -C "$root" describe --always --dirty > "$tmp/live/commit.txt" 2>/dev/null || echo unknown > "$tmp/live/commit.txt"

pack() { tar -C "$tmp" -cf - live | xz -9 -T2 > "$out/live.tar.xz.part" && mv "$out/live.tar.xz.part" "$out/live.tar.xz"; }
pack
# The device tool carries at most 64 MiB: the working tree (tracked and untracked-not-ignored files)
# with both bundles. Over 63 MiB, the detector stays behind.
tree=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | awk 'END {print $1}')
ort=0  # calibrate/bundle.sh's archives, when it has been run
for archive in "$here/.cache/bundle"/*.tar.xz; do
  [[ -f "$archive" ]] && ort=$((ort + $(stat -c %s "$archive")))
done
total=$((${tree:-0} + ort + $(du -b "$out/live.tar.xz" | cut -f1)))
if ((total > 63 * 1048576)) && [[ -d "$tmp/live/models" ]]; then
  log "$((total / 1048576)) MiB with the working tree and calibrate/.cache/bundle: packing without the detector"
  rm -rf "$tmp/live/models"
  pack
  total=$((${tree:-0} + ort + $(du -b "$out/live.tar.xz" | cut -f1)))
fi
(cd "$out" && sha256sum live.tar.xz > SHA256SUMS)
log "$(du -b "$out/live.tar.xz" | cut -f1) bytes in $out/live.tar.xz; with the working tree and the ORT bundle" \
    "$((total / 1048576)) MiB of the device tool's 64"
echo "$out"
