// What every fuzz target checks on whatever the library returns: a failure is an Error with a
// message, an estimate obeys its own invariants (unknown is never 0, a known total is the sum of
// its buffers), and every writer renders it without throwing. A violated check aborts, so libFuzzer
// records the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "wsest/model.h"
#include "wsest/target.h"

namespace wsest::fuzz {

[[noreturn]] inline void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "wsest fuzz check failed: %s: %s\n", what, detail.c_str());
  std::abort();
}

inline void CheckError(const Error& error) {
  if (error.message.empty()) Fail("error without a message", ErrorCodeName(error.code));
}

// Estimates `model` for `target`, checks the result and renders it with every writer.
void EstimateAndWrite(const Model& model, const Target& target);

}  // namespace wsest::fuzz
