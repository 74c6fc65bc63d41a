// The wsest tool's command line: flags parsed and checked into plain options, without touching the
// disk, printing or exiting, so that tools/wsest.cc runs them and fuzz/args_fuzzer.cc can feed any argv.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest::cli {

// What the command line asks for. Only kEstimate needs a model; the rest are answered from the
// registry, the device table or the text CLI11 renders.
enum class Action {
  kEstimate,
  kHelp,          // --help: print `text`
  kVersion,       // --version: print `text`
  kListRegistry,  // --list
  kCoverage,      // --coverage
  kListDevices,   // --list-devices
};

struct CliOptions {
  Action action = Action::kEstimate;
  std::string text;  // kHelp, kVersion: printed as is, newline included

  std::string model_path;
  ModelOptions model;              // --dim, --input, --value, --allow-symbolic
  std::vector<DimRange> ranges;    // --dim name=low..high
  Target target;                   // --device, --ep-option, --ep-env, --variant; no library queries yet
  std::string records_dir;         // --records
  bool no_live = false;            // --no-live
  std::string node_name;           // --node
  bool json = false;               // --json
  bool strict = false;             // --strict
  std::optional<uint64_t> budget;  // --budget, in bytes
  std::string max_dim;             // --max-dim (needs --budget)
  bool partition = false;          // --partition (needs --budget)
  std::string ort_stats_path;      // --ort-stats
  std::string timeline_path;       // --timeline
  bool arena = false;              // --arena (also on with --budget and --timeline)
  std::optional<uint64_t> fit_layers;  // --fit-layers, in bytes
  std::string layer_pattern;       // --layer-pattern
  std::string only;                // --only unknown|workspace: the table's rows
  std::string html_path;           // --html
};

// What differs between builds of the tool: where the committed records are, and whether it can
// ask a GPU (only then is --no-live a flag).
struct CliBuild {
  std::string default_records_dir;
  bool live_queries = false;
};

// Parses argv as `wsest` does (argv[0] is the program name) and checks every flag that can be
// checked without the model: dims, input shapes, device, EP options and variables, the budget and
// the flags that need one. A listing (--list, --coverage, --list-devices) is returned before the
// model flags are checked, as the tool answers it whatever they say. An error carries the message
// the tool prints after "wsest: error: ".
Result<CliOptions> ParseCommandLine(int argc, const char* const* argv, const CliBuild& build);

}  // namespace wsest::cli
