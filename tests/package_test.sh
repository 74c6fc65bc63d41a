#!/usr/bin/env bash
# Installs the built tree into a scratch prefix, then builds and runs examples/consumer against it
# with find_package(wsest): what an EP's build outside this tree does.
set -euo pipefail
cmake=$1 build=$2 source=$3
work="$build/test_tmp/package"
rm -rf "$work" && mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" >/dev/null
"$cmake" -S "$source/examples/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
"$cmake" --build "$work/consumer" >/dev/null
c_out=$(LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/consumer_c")
cxx_out=$("$work/consumer/consumer_cxx")
# fp16 BatchNormalization: four fp32 copies of C = 64 channels, 4 * 4 * 64 = 1024 bytes
# (onnxruntime core/providers/cuda/nn/batch_norm.cc).
expected_c="wsest 0.1.0 (ORT 1.29.0): cudnn_inference_fp32_params 1024 bytes"
expected_cxx="Relu: exact 0 bytes"
[[ "$c_out" == "$expected_c" ]] || { echo "C consumer printed '$c_out', expected '$expected_c'"; exit 1; }
[[ "$cxx_out" == "$expected_cxx" ]] || { echo "C++ consumer printed '$cxx_out', expected '$expected_cxx'"; exit 1; }
test -f "$work/prefix/lib/pkgconfig/wsest.pc" || { echo "no pkg-config file installed"; exit 1; }
echo "package: find_package(wsest) consumer built and ran (C ABI shared, C++ static)"
