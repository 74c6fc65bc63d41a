// libFuzzer target: bytes -> argv -> the wsest tool's flag parsing and checks (tools/cli_options.cc:
// CLI11, --dim/--input/--value parsing, device lookup, EP options and variables, --budget sizes), as both
// builds of the tool parse it (with and without --no-live). The model is never loaded: the other
// targets cover that. The seeds in fuzz/corpus/args are command lines from README.md, one argument
// per line, without the program name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/common.h"
#include "tools/cli_options.h"

namespace {

// A shell's argv is bounded too; these keep one input's work small without losing any flag.
constexpr size_t kMaxArgs = 64;
constexpr size_t kMaxArgLength = 256;

// Splits at NUL or newline (a separator at the very end ends the last argument, so a seed file may
// end with a newline; an empty input is no arguments). A longer argument is cut at kMaxArgLength;
// arguments past kMaxArgs are dropped. Empty arguments in between are kept: a user can type "".
std::vector<std::string> SplitArgs(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  std::string current;
  bool pending = false;
  for (size_t i = 0; i < size && args.size() < kMaxArgs; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\0' || c == '\n') {
      args.push_back(std::move(current));
      current.clear();
      pending = false;
    } else {
      pending = true;
      if (current.size() < kMaxArgLength) current.push_back(c);
    }
  }
  if (pending && args.size() < kMaxArgs) args.push_back(std::move(current));
  return args;
}

void CheckParsed(const wsest::Result<wsest::cli::CliOptions>& parsed, const wsest::cli::CliBuild& build) {
  using wsest::cli::Action;
  using wsest::fuzz::Fail;
  if (!parsed.ok()) {
    wsest::fuzz::CheckError(parsed.error());
    return;
  }
  const wsest::cli::CliOptions& cli = *parsed;
  if (cli.action == Action::kHelp || cli.action == Action::kVersion) {
    if (cli.text.empty() || cli.text.back() != '\n') Fail("help/version", "text empty or without its newline");
    return;
  }
  if (cli.action != Action::kEstimate) return;
  // What main() relies on without checking again.
  if (cli.model_path.empty()) Fail("estimate", "no model path");
  if (!build.live_queries && cli.no_live) Fail("--no-live", "set in a build without live queries");
  for (const auto& [name, value] : cli.model.dims) {
    if (name.empty() || value < 0) Fail("--dim", "'" + name + "' empty or negative");
  }
  for (const auto& range : cli.ranges) {
    if (range.name.empty() || range.lo < 0 || range.lo > range.hi) Fail("--dim range", "'" + range.name + "'");
  }
  for (const auto& [name, shape] : cli.model.input_shapes) {
    if (name.empty() || shape.empty()) Fail("--input", "'" + name + "' empty name or shape");
    for (int64_t d : shape) {
      if (d < 0) Fail("--input", "'" + name + "' has a negative dim");
    }
  }
  for (const auto& [name, values] : cli.model.input_values) {
    if (name.empty() || values.empty()) Fail("--value", "'" + name + "' empty name or no value");
  }
  if (cli.target.device.id.empty()) Fail("--device", "no device profile");
  if ((!cli.max_dim.empty() || cli.partition) && !cli.budget) Fail("--max-dim/--partition", "no budget");
  if (!cli.max_dim.empty() && !cli.ranges.empty()) Fail("--max-dim", "combined with a range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args = SplitArgs(data, size);
  args.insert(args.begin(), "wsest");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(args.size());

  for (const bool live_queries : {false, true}) {
    const wsest::cli::CliBuild build{"data/records", live_queries};
    CheckParsed(wsest::cli::ParseCommandLine(argc, argv.data(), build), build);
  }
  return 0;
}
