// Runs the wsest binary as a user would and captures what it prints and its exit code.
#pragma once

#include <string>
#include <vector>

namespace wsest::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program` with `args` (no shell: arguments are passed as they are).
CliResult RunProgram(const std::string& program, const std::vector<std::string>& args);
inline CliResult RunWsest(const std::vector<std::string>& args) { return RunProgram(WSEST_CLI_PATH, args); }

}  // namespace wsest::testing
