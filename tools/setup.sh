#!/usr/bin/env bash
# One command for a fresh Debian 12 (as root): install the packages, fetch real ONNX Runtime 1.29.0
# (for the tests that compare with it), build, generate the demo models and run wsest on one.
# Re-running skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake git ca-certificates
          libonnx-dev libprotobuf-dev protobuf-compiler libfmt-dev libgtest-dev libcli11-dev nlohmann-json3-dev
          clang libclang-rt-14-dev  # clang + libFuzzer: tools/robustness.sh
          pybind11-dev python3-dev python3-onnx python3-pytest python3-pandas  # the Python package (python/)
          chromium)  # headless: the --timeline and --html pages' browser tests
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# Node.js runs real ONNX Runtime (onnxruntime-node) in the tests; the machine image may ship its own.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash calibrate/fetch_ort.sh
# The headers go where WSEST_ORT_CACHE says (default ~/.cache/wsest-ort): hand cmake the path the
# script prints, so that wsest-measure and wsest-session (the shadow tests) are built wherever it is.
ort_include="$(bash calibrate/fetch_ort_headers.sh)"  # also examples/ort_plugin_ep's headers
bash calibrate/fetch_ort_cuda.sh >/dev/null  # the CUDA provider the shadow device runs (shadow.corpus)
# Real models nobody here wrote (the real_models test); the stamp makes that test fail, not skip, under CI=true.
models_dir="$(bash tools/fetch_real_models.sh)"
touch "${WSEST_MODELS_CACHE:-$HOME/.cache/wsest-models}/.fetched-by-setup"
echo "setup: real models in $models_dir"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWSEST_WERROR=ON -DWSEST_ORT_INCLUDE_DIR="$ort_include" >/dev/null
cmake --build build -j"$(nproc)"
# Say what the shadow tests need and whether it was built (they fail under CI=true without it).
for built in build/wsest-measure build/wsest-session build/shadow/lib/libcudart.so.13; do
  if [[ -e "$built" ]]; then echo "setup: built $built"; else echo "setup: NOT built: $built"; fi
done

# The Python package, for Debian's /usr/bin/python3, into its site-packages (README, Python).
cmake --install build --component python >/dev/null
echo "setup: installed the wsest Python package: /usr/bin/python3 -c 'import wsest'"

build/make_demo_models demo >/dev/null
echo "setup: demo models in demo/; running: build/wsest demo/bert_base.onnx --dim batch=1 --dim sequence=128"
echo
build/wsest demo/bert_base.onnx --dim batch=1 --dim sequence=128
