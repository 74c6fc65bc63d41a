# The shadow device (calibrate/shadow/shadow.h): stub CUDA libraries, built from CUDA's and cuDNN's
# own headers, under which the real ONNX Runtime 1.29.0 CUDA provider runs with no GPU. They land in
# ${CMAKE_BINARY_DIR}/shadow/lib under the sonames the provider needs. Built wherever the headers are
# (/usr/local/cuda/include here); skipped, saying so, where they are not.
find_path(WSEST_CUDA_RUNTIME_HEADER_DIR cuda_runtime_api.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
find_path(WSEST_CUDNN_HEADER_DIR cudnn_graph.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
if(NOT WSEST_CUDA_RUNTIME_HEADER_DIR OR NOT WSEST_CUDNN_HEADER_DIR)
  message(STATUS "wsest: no CUDA or cuDNN headers: the shadow device (calibrate/shadow) is not built")
  set(WSEST_SHADOW_FOUND OFF)
  return()
endif()
set(WSEST_SHADOW_FOUND ON)
set(WSEST_SHADOW_LIB_DIR ${CMAKE_BINARY_DIR}/shadow/lib)

# Settings, the log, and the device profiles compiled in (each stub library carries its own copy; the
# trace they append to lives in the runtime stub, which every other stub links).
add_library(wsest_shadow_common STATIC calibrate/shadow/shadow.cc ${CMAKE_CURRENT_BINARY_DIR}/generated/kDevicesJson.cc)
target_include_directories(wsest_shadow_common PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_options(wsest_shadow_common PRIVATE ${WSEST_WARNINGS} -fvisibility=hidden)
target_link_libraries(wsest_shadow_common PRIVATE nlohmann_json::nlohmann_json)

# wsest_shadow_stub(target soname [VERSION node] EXPORTS glob... SOURCES file... [LINK lib...])
# The version node is the symbol version the provider's imports carry (cudart, cuBLAS, cuBLASLt:
# `nm -D` shows cudaMalloc@libcudart.so.13); cuDNN, cuFFT, cuRAND and the driver are unversioned.
function(wsest_shadow_stub target soname)
  cmake_parse_arguments(ARG "" "VERSION" "EXPORTS;SOURCES;LINK" ${ARGN})
  list(JOIN ARG_EXPORTS "; " exports)
  set(script ${CMAKE_CURRENT_BINARY_DIR}/shadow/${target}.map)
  if(ARG_VERSION)
    file(WRITE ${script} "${ARG_VERSION} { global: ${exports}; local: *; };\n")
  else()
    file(WRITE ${script} "{ global: ${exports}; local: *; };\n")
  endif()
  add_library(${target} SHARED ${ARG_SOURCES})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${WSEST_CUDA_RUNTIME_HEADER_DIR}
                                               ${WSEST_CUDNN_HEADER_DIR})
  target_compile_options(${target} PRIVATE ${WSEST_WARNINGS})
  target_link_libraries(${target} PRIVATE wsest_shadow_common ${ARG_LINK} ${CMAKE_DL_LIBS})
  target_link_options(${target} PRIVATE -Wl,--version-script=${script} -Wl,-soname,${soname})
  set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${WSEST_SHADOW_LIB_DIR}
                                             OUTPUT_NAME ${target} PREFIX "" SUFFIX ".so"
                                             LINK_DEPENDS ${script} NO_SONAME ON)
  # The soname is the file name the provider and its dlopen calls ask for.
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND ${CMAKE_COMMAND} -E create_symlink ${target}.so ${WSEST_SHADOW_LIB_DIR}/${soname})
endfunction()

wsest_shadow_stub(shadow_cudart libcudart.so.13 VERSION libcudart.so.13
                  EXPORTS cuda* __cuda* wsest_shadow_* SOURCES calibrate/shadow/cudart_stub.cc)
wsest_shadow_stub(shadow_cublas libcublas.so.13 VERSION libcublas.so.13
                  EXPORTS cublas* SOURCES calibrate/shadow/cublas_stub.cc LINK shadow_cudart)
wsest_shadow_stub(shadow_cublaslt libcublasLt.so.13 VERSION libcublasLt.so.13
                  EXPORTS cublasLt* SOURCES calibrate/shadow/cublaslt_stub.cc LINK shadow_cudart)
wsest_shadow_stub(shadow_curand libcurand.so.10 EXPORTS curand* SOURCES calibrate/shadow/curand_stub.cc LINK shadow_cudart)
wsest_shadow_stub(shadow_cudnn libcudnn.so.9 EXPORTS cudnn*
                  SOURCES calibrate/shadow/cudnn_stub.cc calibrate/shadow/cudnn_backend_stub.cc LINK shadow_cudart)
wsest_shadow_stub(shadow_cufft libcufft.so.12 EXPORTS cufft* SOURCES calibrate/shadow/cufft_stub.cc LINK shadow_cudart)
wsest_shadow_stub(shadow_driver libcuda.so.1 EXPORTS cu[A-Z]* SOURCES calibrate/shadow/driver_stub.cc
                  LINK shadow_cudart)
# The provider opens cuDNN and cuFFT by their unversioned names too.
add_custom_command(TARGET shadow_cudnn POST_BUILD
                   COMMAND ${CMAKE_COMMAND} -E create_symlink libcudnn.so.9 ${WSEST_SHADOW_LIB_DIR}/libcudnn.so)
add_custom_command(TARGET shadow_cufft POST_BUILD
                   COMMAND ${CMAKE_COMMAND} -E create_symlink libcufft.so.12 ${WSEST_SHADOW_LIB_DIR}/libcufft.so)
add_custom_target(wsest_shadow_device ALL DEPENDS shadow_cudart shadow_cublas shadow_cublaslt shadow_curand
                                                  shadow_cudnn shadow_cufft shadow_driver)
