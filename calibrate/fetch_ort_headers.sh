#!/usr/bin/env bash
# Fetches the C/C++ headers of ONNX Runtime 1.29.0 (plain C API, plugin-EP C API
# onnxruntime_ep_c_api.h, C++ wrappers, config keys) for examples/ort_plugin_ep/, from the npm
# package com.github.asus4.onnxruntime@0.4.9 (about 150 MB; its headers are 1.29.0's, its own
# libraries are not used: see ../shared/research/ort-1.29-from-npm.md). Only the headers listed
# below are unpacked, into ${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0/include; the tarball's
# sha256 is checked and the headers must declare ORT_API_VERSION 29. Prints the include path.
# Idempotent: a verified cache is reused. No package scripts run (npm pack does not run them).
# Never commit what this fetches.
set -euo pipefail

readonly ORT_VERSION=1.29.0
readonly ORT_API_VERSION=29
readonly PKG=com.github.asus4.onnxruntime
readonly PKG_VERSION=0.4.9
# sha256 of the tarball; the registry's own sha1 (dist.shasum) is 3659f34012db8208ffb7f67d704204cb08792fed.
readonly PKG_SHA256=e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d
# The package carries the headers only inside its iOS xcframework; all three slices hold the same
# files, so one slice is enough.
readonly HEADER_DIR='package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers'
readonly HEADERS=(
  onnxruntime_c_api.h
  onnxruntime_ep_c_api.h
  onnxruntime_error_code.h
  onnxruntime_cxx_api.h
  onnxruntime_cxx_inline.h
  onnxruntime_float16.h
  onnxruntime_session_options_config_keys.h
  onnxruntime_run_options_config_keys.h
  onnxruntime_env_config_keys.h
  onnxruntime_ep_device_ep_metadata_keys.h
  cpu_provider_factory.h
)

cache="${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}"
dest="$cache/$ORT_VERSION/include"
stamp="$dest/.wsest-complete"
tgz="$cache/$PKG-$PKG_VERSION.tgz"

log() { echo "fetch_ort_headers: $*" >&2; }

api_version_ok() {  # include-dir
  grep -Eq "^#define ORT_API_VERSION $ORT_API_VERSION\$" "$1/onnxruntime_c_api.h" 2>/dev/null
}

if [[ -f "$stamp" ]] && api_version_ok "$dest"; then
  echo "$dest"
  exit 0
fi

mkdir -p "$cache"

sha_ok() {  # file expected-sha256
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]
}

if sha_ok "$tgz" "$PKG_SHA256"; then
  log "reusing $tgz"
else
  command -v npm >/dev/null || { log "npm not found"; exit 1; }
  log "npm pack $PKG@$PKG_VERSION (about 150 MB)"
  rm -f "$tgz"
  (cd "$cache" && npm pack --silent --ignore-scripts "$PKG@$PKG_VERSION" >/dev/null)
  if ! sha_ok "$tgz" "$PKG_SHA256"; then
    log "sha256 mismatch for $tgz (expected $PKG_SHA256)"
    rm -f "$tgz"
    exit 1
  fi
fi

# Unpack into a temporary folder first so an interrupted run never leaves a half tree behind.
tmp="$(mktemp -d "$cache/.unpack-headers.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
members=()
for h in "${HEADERS[@]}"; do members+=("$HEADER_DIR/$h"); done
tar --no-same-owner -xzf "$tgz" -C "$tmp" "${members[@]}"
if ! api_version_ok "$tmp/$HEADER_DIR"; then
  found=$(grep -E '^#define ORT_API_VERSION' "$tmp/$HEADER_DIR/onnxruntime_c_api.h" || echo "none")
  log "$PKG@$PKG_VERSION's headers are not ONNX Runtime $ORT_VERSION's:" \
    "expected ORT_API_VERSION $ORT_API_VERSION, found '$found'"
  exit 1
fi
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$tmp/$HEADER_DIR" "$dest"
touch "$stamp"
log "unpacked ONNX Runtime $ORT_VERSION headers (ORT_API_VERSION $ORT_API_VERSION)"
echo "$dest"
