#!/usr/bin/env bash
# Fetches ONNX Runtime 1.29.0 (the CPU-capable core library from the onnxruntime-node npm package)
# into a cache outside the clone, checks the tarballs' sha256, and prints the node_modules path for
# tests/ort/output_shapes.js (WSEST_ORT_NODE_MODULES). Idempotent: a verified cache is reused.
# Only package.json, dist/ and bin/napi-v6/linux/x64/ of onnxruntime-node are unpacked.
# No package scripts run (npm pack does not run them). Never commit what this fetches.
set -euo pipefail

readonly ORT_VERSION=1.29.0
readonly NODE_SHA256=cfdfb45ec4044b1fdca43e5d2e180fb6817e649ff8ad1e0dfc90e18e51b67037
readonly COMMON_SHA256=9b56a571348dc0e980f939b88989864946148d8500cbd0957534975389a1743b

cache="${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}"
dest="$cache/$ORT_VERSION/node_modules"
stamp="$dest/.wsest-complete"

log() { echo "fetch_ort: $*" >&2; }

if [[ -f "$stamp" && -f "$dest/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" ]]; then
  echo "$dest"
  exit 0
fi

mkdir -p "$cache"

sha_ok() {  # file expected-sha256
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]
}

fetch_tgz() {  # package expected-sha256
  local pkg=$1 sha=$2 tgz="$cache/$1-$ORT_VERSION.tgz"
  if sha_ok "$tgz" "$sha"; then
    log "reusing $tgz"
  else
    command -v npm >/dev/null || { log "npm not found"; exit 1; }
    log "npm pack $pkg@$ORT_VERSION"
    rm -f "$tgz"
    (cd "$cache" && npm pack --silent --ignore-scripts "$pkg@$ORT_VERSION" >/dev/null)
    if ! sha_ok "$tgz" "$sha"; then
      log "sha256 mismatch for $tgz (expected $sha)"
      rm -f "$tgz"
      exit 1
    fi
  fi
}

fetch_tgz onnxruntime-node "$NODE_SHA256"
fetch_tgz onnxruntime-common "$COMMON_SHA256"

# Unpack into a temporary folder first so an interrupted run never leaves a half tree behind.
tmp="$(mktemp -d "$cache/.unpack.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/onnxruntime-node" "$tmp/onnxruntime-common"
tar -xzf "$cache/onnxruntime-node-$ORT_VERSION.tgz" -C "$tmp/onnxruntime-node" --strip-components=1 \
  package/package.json package/dist package/bin/napi-v6/linux/x64
tar -xzf "$cache/onnxruntime-common-$ORT_VERSION.tgz" -C "$tmp/onnxruntime-common" --strip-components=1
mkdir -p "$dest"
rm -rf "$dest/onnxruntime-node" "$dest/onnxruntime-common"
mv "$tmp/onnxruntime-node" "$tmp/onnxruntime-common" "$dest/"
touch "$stamp"
log "unpacked ONNX Runtime $ORT_VERSION"
echo "$dest"
