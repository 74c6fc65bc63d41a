#!/usr/bin/env bash
# Robustness checks (issue 9), after tools/setup.sh has installed the packages (clang and
# libclang-rt-14-dev included):
#   1. the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer   (build-asan, gcc)
#   2. tests/thread_test.cc under ThreadSanitizer                                  (build-tsan, gcc)
#   3. each libFuzzer target for a short run on its seeds                          (build-fuzz, clang)
# Usage: bash tools/robustness.sh [asan|tsan|fuzz ...]   (default: all three)
# FUZZ_RUNS (default 20000, seed 1: deterministic) bounds each target's executions; FUZZ_SECONDS, if set,
# runs each target for that long instead (exploratory).
set -euo pipefail
cd "$(dirname "$0")/.."

steps=("$@")
((${#steps[@]})) || steps=(asan tsan fuzz)
jobs=$(nproc)
say() { echo "robustness: $*"; }
elapsed() { echo "$(($(date +%s) - $1))s"; }

run_asan() {
  local t0=$(date +%s)
  say "ASan+UBSan: building build-asan (the library, the CLI and the test binary)"
  # The CUDA live path and the ORT plugin example link libraries built without sanitizers; they
  # are tested in the plain build.
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWSEST_WERROR=ON -DWSEST_SANITIZE=ON \
    -DWSEST_WITH_CUDA=OFF -DWSEST_BUILD_ORT_EXAMPLE=OFF >/dev/null
  cmake --build build-asan -j"$jobs" --target wsest_tests wsest_cli make_demo_models
  say "ASan+UBSan: running the tests"
  # The package test, the calibration tools' test, and the tests that need tools or modules this
  # build does not make (the shadow device's wsest-session, the Python extension, the real models'
  # shape dumper) run in the plain build; html.browser reads the sanitized CLI's page.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E '^(package|ort|calibrate|shadow|python)\.|^real_models$'
  say "ASan+UBSan: passed in $(elapsed "$t0")"
}

run_tsan() {
  local t0=$(date +%s)
  say "TSan: building build-tsan (wsest_thread_test)"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWSEST_WERROR=ON -DWSEST_TSAN=ON \
    -DWSEST_BUILD_TESTS=OFF -DWSEST_WITH_CUDA=OFF -DWSEST_BUILD_ORT_EXAMPLE=OFF >/dev/null
  cmake --build build-tsan -j"$jobs" --target wsest_thread_test
  say "TSan: running tests/thread_test.cc"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/wsest_thread_test
  say "TSan: passed in $(elapsed "$t0")"
}

run_fuzz() {
  local t0=$(date +%s)
  say "fuzz: building build-fuzz (clang, libFuzzer, ASan+UBSan)"
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DWSEST_FUZZ=ON -DWSEST_BUILD_TESTS=OFF -DWSEST_WITH_CUDA=OFF -DWSEST_BUILD_ORT_EXAMPLE=OFF >/dev/null
  cmake --build build-fuzz -j"$jobs" --target model_fuzzer options_fuzzer args_fuzzer
  # CI runs a fixed number of executions from a fixed seed, so a red run is reproducible and a
  # green one stays green; long exploratory runs set FUZZ_SECONDS (or a larger FUZZ_RUNS) by hand.
  local limit=(-runs="${FUZZ_RUNS:-20000}" -seed=1)
  [[ -n "${FUZZ_SECONDS:-}" ]] && limit=(-max_total_time="$FUZZ_SECONDS")
  # Input bounds: a model seed is at most 9 KiB (the 12-layer demo models, 36 KiB, and their mutants
  # ran 5x slower without reaching more code than their 2-layer versions); an argv is at most
  # 64 x 256 bytes. fuzz/LONG_RUNS.md has the measurements.
  local -A max_len=([model_fuzzer]=16384 [options_fuzzer]=65536 [args_fuzzer]=16448)
  # malloc_context_size=2: Debian's onnx and protobuf have no frame pointers, so deeper allocation
  # stacks are garbage that fills ASan's stack depot (4x slower, RSS growing without bound). Errors
  # are still caught; rerun an artifact without it for full allocation stacks.
  for target in model_fuzzer options_fuzzer args_fuzzer; do
    # New inputs go to a scratch corpus; the committed seeds in fuzz/corpus stay as they are.
    local scratch="build-fuzz/corpus/$target"
    mkdir -p "$scratch"
    say "fuzz: $target ${limit[*]}"
    local log="build-fuzz/$target.log" rc=0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:malloc_context_size=2 UBSAN_OPTIONS=print_stacktrace=1 \
      "build-fuzz/fuzz/$target" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$target]}" \
      -print_final_stats=1 -artifact_prefix="build-fuzz/$target-" "$scratch" "fuzz/corpus/${target%_fuzzer}" \
      >"$log" 2>&1 || rc=$?
    grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::(number_of_executed_units|peak_rss_mb|new_units_added))' "$log" || true
    if ((rc)); then
      tail -n 60 "$log"
      say "fuzz: $target FAILED (exit $rc; the input is build-fuzz/$target-*, the log $log)"
      return 1
    fi
  done
  say "fuzz: passed in $(elapsed "$t0")"
}

for step in "${steps[@]}"; do
  case "$step" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    fuzz) run_fuzz ;;
    *) echo "usage: $0 [asan|tsan|fuzz ...]" >&2; exit 2 ;;
  esac
done
