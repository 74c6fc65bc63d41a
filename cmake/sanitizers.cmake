# Sanitizer and fuzzing builds (issue 9). Each lives in its own build tree (tools/robustness.sh):
#   WSEST_SANITIZE  AddressSanitizer + UndefinedBehaviorSanitizer over everything (CMakeLists.txt)
#   WSEST_TSAN      ThreadSanitizer over everything; tests/thread_test.cc is the test that matters
#   WSEST_FUZZ      clang + libFuzzer: the library gets coverage instrumentation, fuzz/ its targets,
#                   everything runs under ASan + UBSan. Debian's onnx and protobuf stay uninstrumented.
option(WSEST_TSAN "Build with ThreadSanitizer" OFF)
option(WSEST_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang and libclang-rt-14-dev)" OFF)

if(WSEST_TSAN AND (WSEST_SANITIZE OR WSEST_FUZZ))
  message(FATAL_ERROR "WSEST_TSAN cannot be combined with WSEST_SANITIZE or WSEST_FUZZ; use separate build trees")
endif()

if(WSEST_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

if(WSEST_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "WSEST_FUZZ needs clang: cmake -DCMAKE_CXX_COMPILER=clang++ -DWSEST_FUZZ=ON ...")
  endif()
  if(NOT WSEST_SANITIZE)
    # Any UB aborts, so libFuzzer records it as a crash.
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
  endif()
endif()
