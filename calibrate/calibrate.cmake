# Included by the top CMakeLists.txt: the single-node case generator, and the measuring runner when
# ONNX Runtime's C API header is present.
file(GLOB WSEST_CASE_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/calibrate/cases/*.cc)
add_executable(wsest_make_cases ${WSEST_CASE_SOURCES})
set_target_properties(wsest_make_cases PROPERTIES OUTPUT_NAME wsest-make-cases)
target_compile_options(wsest_make_cases PRIVATE ${WSEST_WARNINGS})
target_include_directories(wsest_make_cases PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(wsest_make_cases PRIVATE onnx_proto protobuf::libprotobuf)

# Same root as calibrate/fetch_ort_headers.sh: ${WSEST_ORT_CACHE:-$HOME/.cache/wsest-ort}/1.29.0,
# as examples/ort_plugin_ep/ort_paths.cmake computes it.
include(${CMAKE_CURRENT_SOURCE_DIR}/examples/ort_plugin_ep/ort_paths.cmake)
set(WSEST_ORT_INCLUDE_DIR "${ORT_INCLUDE_DIR}" CACHE PATH
    "ONNX Runtime 1.29.0 C API headers (calibrate/fetch_ort_headers.sh)")
if(EXISTS "${WSEST_ORT_INCLUDE_DIR}/onnxruntime_c_api.h")
  # Loads ORT and CUDA with dlopen: no link-time dependency, so the binary carries to the GPU machine.
  add_executable(wsest_measure calibrate/measure.cc calibrate/ort_runner.cc)
  set_target_properties(wsest_measure PROPERTIES OUTPUT_NAME wsest-measure)
  target_include_directories(wsest_measure PRIVATE ${WSEST_ORT_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_options(wsest_measure PRIVATE ${WSEST_WARNINGS})
  target_link_libraries(wsest_measure PRIVATE ${CMAKE_DL_LIBS} -static-libstdc++ -static-libgcc)
  add_executable(wsest_session calibrate/session.cc calibrate/ort_runner.cc)
  set_target_properties(wsest_session PROPERTIES OUTPUT_NAME wsest-session)
  target_include_directories(wsest_session PRIVATE ${WSEST_ORT_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_options(wsest_session PRIVATE ${WSEST_WARNINGS})
  target_link_libraries(wsest_session PRIVATE ${CMAKE_DL_LIBS} -static-libstdc++ -static-libgcc)
  add_library(wsest_cuda_alloc_shim MODULE calibrate/cuda_alloc_shim.cc)
  set_target_properties(wsest_cuda_alloc_shim PROPERTIES OUTPUT_NAME cuda_alloc_shim PREFIX "")
  target_compile_options(wsest_cuda_alloc_shim PRIVATE ${WSEST_WARNINGS})
  target_link_libraries(wsest_cuda_alloc_shim PRIVATE ${CMAKE_DL_LIBS})
else()
  message(STATUS "wsest: no ONNX Runtime C API header in ${WSEST_ORT_INCLUDE_DIR}: wsest-measure is not built "
                 "(run calibrate/fetch_ort_headers.sh)")
endif()
