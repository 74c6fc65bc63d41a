#!/usr/bin/env bash
# Fetches ONNX Runtime 1.29.0's CUDA 13 execution provider from the npm registry (the Unity package
# com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9, about 179 MB; see
# ../shared/research/ort-1.29-from-npm.md) into a cache outside the clone, checks its sha256, and
# unpacks only libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so.
# Prints the folder that holds them. Idempotent: a verified cache is never downloaded again.
# No package scripts run (npm pack does not run them). Never commit what this fetches.
set -euo pipefail

readonly PKG=com.github.asus4.onnxruntime.linux-x64-gpu
readonly PKG_VERSION=0.4.9
# sha256 of the tarball; the registry's own sha1 (dist.shasum) is 4fba8272b000ed4b6789715f67b67d2447fab198.
readonly PKG_SHA256=2b459e0c17f340c92970c10ed86de4f37a3009f93c14053e6ad4334cbb6be412
readonly LIBS=(libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so)

cache="${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}"
tgz="$cache/gpu/$PKG-$PKG_VERSION.tgz"
dest="$cache/1.29.0/cuda"
stamp="$dest/.wsest-complete"

log() { echo "fetch_ort_cuda: $*" >&2; }
sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

if [[ -f "$stamp" && -f "$dest/${LIBS[0]}" && -f "$dest/${LIBS[1]}" ]]; then
  echo "$dest"
  exit 0
fi

mkdir -p "$cache/gpu"
if sha_ok "$tgz" "$PKG_SHA256"; then
  log "reusing $tgz"
else
  command -v npm >/dev/null || { log "npm not found"; exit 1; }
  log "npm pack $PKG@$PKG_VERSION (about 179 MB)"
  rm -f "$tgz"
  (cd "$cache/gpu" && npm pack --silent --ignore-scripts "$PKG@$PKG_VERSION" >/dev/null)
  if ! sha_ok "$tgz" "$PKG_SHA256"; then
    log "sha256 mismatch for $tgz (expected $PKG_SHA256)"
    rm -f "$tgz"
    exit 1
  fi
fi

tmp="$(mktemp -d "$cache/.unpack-cuda.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
members=()
for lib in "${LIBS[@]}"; do members+=("package/Plugins/Linux/x64/$lib"); done
tar --no-same-owner -xzf "$tgz" -C "$tmp" --strip-components=4 "${members[@]}"
mkdir -p "$dest"
for lib in "${LIBS[@]}"; do mv "$tmp/$lib" "$dest/$lib"; done
touch "$stamp"
log "unpacked the CUDA provider into $dest"
echo "$dest"
