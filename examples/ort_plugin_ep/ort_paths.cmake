# Where calibrate/fetch_ort.sh (core library) and calibrate/fetch_ort_headers.sh (headers) put
# ONNX Runtime 1.29.0: ${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0. Override either path with
# -DORT_INCLUDE_DIR=... / -DORT_LIBRARY=... Sets WSEST_ORT_FOUND.
if(DEFINED ENV{WSEST_ORT_CACHE} AND NOT "$ENV{WSEST_ORT_CACHE}" STREQUAL "")
  set(_wsest_ort_root "$ENV{WSEST_ORT_CACHE}/1.29.0")
else()
  set(_wsest_ort_root "$ENV{HOME}/.cache/wsest-ort/1.29.0")
endif()
set(ORT_INCLUDE_DIR "${_wsest_ort_root}/include" CACHE PATH
    "ONNX Runtime 1.29.0 headers, with onnxruntime_ep_c_api.h (calibrate/fetch_ort_headers.sh)")
set(ORT_LIBRARY "${_wsest_ort_root}/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
    CACHE FILEPATH "ONNX Runtime 1.29.0 core library libonnxruntime.so.1 (calibrate/fetch_ort.sh)")
if(EXISTS "${ORT_INCLUDE_DIR}/onnxruntime_ep_c_api.h" AND EXISTS "${ORT_LIBRARY}")
  set(WSEST_ORT_FOUND TRUE)
else()
  set(WSEST_ORT_FOUND FALSE)
endif()
