#include "tools/cli_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <optional>

namespace wsest::cli {
namespace {

// "name=value" -> (name, value); false if there is no '=' or either side is empty.
bool SplitAssignment(const std::string& text, std::string* name, std::string* value) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) return false;
  *name = text.substr(0, eq);
  *value = text.substr(eq + 1);
  return true;
}

bool ParseInt64(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  *out = v;
  return true;
}

// --dim name=value binds a dim; --dim name=low..high adds a range.
std::optional<Error> AddDim(const std::string& flag, CliOptions* out) {
  std::string name, value;
  if (flag.find("..") != std::string::npos && SplitAssignment(flag, &name, &value)) {
    DimRange range{name, 0, 0};
    const auto sep = value.find("..");
    if (!ParseInt64(value.substr(0, sep), &range.lo) || !ParseInt64(value.substr(sep + 2), &range.hi) || range.lo < 0 ||
        range.lo > range.hi)
      return InvalidArgument(fmt::format("--dim '{}': expected name=low..high with 0 <= low <= high", flag));
    out->ranges.push_back(range);
    return std::nullopt;
  }
  if (!SplitAssignment(flag, &name, &value))
    return InvalidArgument(fmt::format("--dim '{}': expected name=integer", flag));
  int64_t v = 0;
  if (!ParseInt64(value, &v))
    return InvalidArgument(fmt::format("--dim '{}': expected name=integer or name=low..high", flag));
  if (v < 0) return InvalidArgument(fmt::format("--dim '{}': a dim cannot be negative", flag));
  out->model.dims[name] = v;
  return std::nullopt;
}

// "a,b,c" -> its integers; on the first part that is not one of at least `min`, nullopt and that part in `bad`.
std::optional<std::vector<int64_t>> ParseIntList(const std::string& text, int64_t min, std::string* bad) {
  std::vector<int64_t> ints;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int64_t v = 0;
    if (!ParseInt64(part, &v) || v < min) {
      *bad = part;
      return std::nullopt;
    }
    ints.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ints;
}

// --input name=d0,d1,...: every dim a non-negative integer.
std::optional<Error> AddInputShape(const std::string& flag, CliOptions* out) {
  std::string name, value, bad;
  if (!SplitAssignment(flag, &name, &value))
    return InvalidArgument(fmt::format("--input '{}': expected name=d0,d1,...", flag));
  std::optional<std::vector<int64_t>> shape = ParseIntList(value, 0, &bad);
  if (!shape)
    return InvalidArgument(fmt::format("--input '{}': '{}' is not a non-negative integer dim", flag, bad));
  out->model.input_shapes[name] = *shape;
  return std::nullopt;
}

// --value name=v0,v1,...: every value an integer (a bool input takes 0 and 1).
std::optional<Error> AddInputValue(const std::string& flag, CliOptions* out) {
  std::string name, text, bad;
  if (!SplitAssignment(flag, &name, &text))
    return InvalidArgument(fmt::format("--value '{}': expected name=v0,v1,...", flag));
  std::optional<std::vector<int64_t>> values = ParseIntList(text, std::numeric_limits<int64_t>::min(), &bad);
  if (!values) return InvalidArgument(fmt::format("--value '{}': '{}' is not a 64-bit integer", flag, bad));
  if (out->model.input_values.count(name))
    return InvalidArgument(fmt::format("--value '{}': input '{}' has a value already; give one", flag, name));
  out->model.input_values[name] = std::move(*values);
  return std::nullopt;
}

// --max-shape 'a:[8,4096];b:[8,4096]', the format of ORT 1.29.0's session.max_shape_override
// (include/onnxruntime_session_options_config_keys.h kOrtSessionOptionsMaxShapeOverride: each name a
// graph input, dims positive integers): each input's largest shape, bound as --input binds it.
std::optional<Error> AddMaxShapes(const std::string& text, CliOptions* out) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string entry = text.substr(start, end - start);
    start = end + 1;
    if (entry.empty()) continue;
    const auto colon = entry.rfind(':');
    const bool bracketed = colon != std::string::npos && colon + 2 <= entry.size() && entry[colon + 1] == '[' &&
                           entry.back() == ']';
    if (!bracketed || colon == 0)
      return InvalidArgument(fmt::format("--max-shape '{}': expected name:[d0,d1,...]", entry));
    const std::string name = entry.substr(0, colon);
    if (out->model.input_shapes.count(name))
      return InvalidArgument(fmt::format("--max-shape: input '{}' also has an --input shape; give one", name));
    const std::string dims = entry.substr(colon + 2, entry.size() - colon - 3);
    if (auto error = AddInputShape(name + "=" + dims, out))
      return InvalidArgument(fmt::format("--max-shape '{}': expected positive integer dims", entry));
    for (int64_t d : out->model.input_shapes[name])
      if (d <= 0) return InvalidArgument(fmt::format("--max-shape '{}': expected positive integer dims", entry));
  }
  return std::nullopt;
}

}  // namespace

Result<CliOptions> ParseCommandLine(int argc, const char* const* argv, const CliBuild& build) {
  CliOptions out;
  out.records_dir = build.default_records_dir;
  std::string device = kDefaultDevice;
  std::vector<std::string> dims, inputs, values, ep_options, ep_env;
  std::string budget_text;
  bool list = false;
  bool list_devices = false;
  bool coverage = false;

  CLI::App app{"wsest: predicts the GPU workspace each node of an ONNX model needs under ONNX Runtime's CUDA EP"};
  app.add_option("model", out.model_path, "the .onnx model (weights may be external; they are never read)");
  app.add_option("--dim", dims,
                 "bind a symbolic dim: name=value, or name=low..high for a range (each node's maximum over the "
                 "range; repeatable)");
  app.add_option("--input", inputs, "shape of a graph input declared without one: name=d0,d1,... (repeatable)");
  app.add_option("--value", values,
                 "contents of an integer or bool graph input that decide shapes or branches, row-major: "
                 "name=v0,v1,... (Silero VAD's sr=16000; repeatable)");
  std::string max_shape;
  app.add_option("--max-shape", max_shape,
                 "the inputs' largest shapes in ORT's session.max_shape_override syntax: "
                 "'input_ids:[8,4096];attention_mask:[8,4096]'");
  app.add_option("--only", out.only, "list only these nodes in the table: unknown, or workspace (non-zero)")
      ->check(CLI::IsMember({"unknown", "workspace"}));
  app.add_option("--device", device, "device profile (see --list-devices)");
  app.add_option("--ep-option", ep_options, "CUDA EP provider option key=value, e.g. sdpa_kernel=1 (repeatable)");
  app.add_option("--ep-env", ep_env, "ORT_* environment variable NAME=value, e.g. ORT_DISABLE_FLASH_ATTENTION=1");
  std::string cudnn_version;
  app.add_option("--cudnn-version", cudnn_version,
                 fmt::format("the cuDNN version ORT will load (cudnnGetVersion), e.g. 9.2.1; decides cuDNN attention "
                             "(default {})",
                             CudnnVersionText(kDefaultCudnnVersion)));
  app.add_option("--variant", out.target.forced_variant,
                 "where the EP's kernel choice depends on run-time values, estimate this variant (e.g. flash)");
  app.add_option("--node", out.node_name, "print one node's breakdown (its name, or #index)");
  app.add_flag("--json", out.json, "print JSON instead of the table");
  app.add_flag("--list", list, "print the estimator registry");
  app.add_flag("--list-devices", list_devices, "print the device profiles");
  app.add_flag("--coverage", coverage,
               "count the registry against the kernels ORT's CUDA EP registers (data/ort-1.29.0-cuda-kernels.tsv)");
  app.add_option("--records", out.records_dir,
                 "recorded library tables (cuDNN, CUB) to answer from when no GPU does: DIR/<device>/*.jsonl");
  if (build.live_queries) app.add_flag("--no-live", out.no_live, "do not ask the GPU even when one is present");
  app.add_flag("--strict", out.strict, "make an op with no estimator an error (exit 2)");
  app.add_flag("--allow-symbolic", out.model.allow_symbolic,
               "leave unbound symbolic dims symbolic (estimates that need them are unknown) instead of failing");
  app.add_option("--ort-stats", out.ort_stats_path,
                 "write ORT's per-node stats CSV (for session.resource_cuda_partitioning_settings) to FILE");
  app.add_option("--budget", budget_text,
                 "GPU memory budget, e.g. 8GiB: the verdict for the device memory ORT will hold; exit 0 fits, "
                 "1 does not fit, 3 cannot tell");
  std::string fit_layers_text;
  app.add_option("--fit-layers", fit_layers_text,
                 "plan which layers (from node names) stay on the GPU within this budget, e.g. 6GiB, and print "
                 "the session config entry that makes ORT run the plan");
  app.add_option("--layer-pattern", out.layer_pattern,
                 "with --fit-layers: a regex whose first capture group, matched at the start of a node name, is "
                 "its layer's prefix");
  app.add_flag("--arena", out.arena,
               "simulate ORT's BFC arena: device memory held after session creation, at the first run's "
               "peak and in steady state (on with --budget and --timeline)");
  app.add_option("--max-dim", out.max_dim, "with --budget: the largest value of this symbolic dim that fits");
  app.add_option("--timeline", out.timeline_path, "write the memory timeline as an SVG picture to FILE.svg");
  app.add_option("--html", out.html_path,
                 "write a self-contained HTML report to FILE.html: figures, the timeline with each node's detail, "
                 "the node table");
  app.add_flag("--partition", out.partition,
               "with --budget: preview ORT's capacity-aware partitioning (greedy) and a liveness-aware one");
  app.set_version_flag("--version", std::string("wsest ") + Version() + " (" + kEpName + " " + kEpRelease + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out.action = Action::kHelp;
    out.text = app.help();
    return out;
  } catch (const CLI::CallForVersion& e) {
    // CLI11's App::exit prints the version line with std::endl.
    out.action = Action::kVersion;
    out.text = std::string(e.what()) + "\n";
    return out;
  } catch (const CLI::ParseError& e) {
    return InvalidArgument(e.what());
  }

  if (list) {
    out.action = Action::kListRegistry;
    return out;
  }
  if (coverage) {
    out.action = Action::kCoverage;
    return out;
  }
  if (list_devices) {
    out.action = Action::kListDevices;
    return out;
  }
  if (out.model_path.empty())
    return InvalidArgument("no model given; usage: wsest MODEL.onnx [--dim name=value ...] (see --help)");

  for (const auto& d : dims)
    if (auto error = AddDim(d, &out)) return *error;
  for (const auto& in : inputs)
    if (auto error = AddInputShape(in, &out)) return *error;
  for (const auto& v : values)
    if (auto error = AddInputValue(v, &out)) return *error;
  if (!max_shape.empty())
    if (auto error = AddMaxShapes(max_shape, &out)) return *error;

  WSEST_ASSIGN_OR_RETURN(out.target.device, FindDevice(device));
  if (!cudnn_version.empty()) {
    auto version = ParseCudnnVersion(cudnn_version);
    if (!version.ok()) return Error{version.error().code, "--cudnn-version: " + version.error().message};
    out.target.cudnn_version = *version;
  }
  for (const auto& o : ep_options) {
    std::string key, value;
    if (!SplitAssignment(o, &key, &value))
      return InvalidArgument(fmt::format("--ep-option '{}': expected key=value", o));
    auto set = out.target.ep.SetProviderOption(key, value);
    if (!set.ok()) return set.error();
  }
  for (const auto& e : ep_env) {
    std::string key, value;
    if (!SplitAssignment(e, &key, &value)) return InvalidArgument(fmt::format("--ep-env '{}': expected NAME=value", e));
    auto set = out.target.ep.SetEnv(key, value);
    if (!set.ok()) return set.error();
  }

  if (!budget_text.empty()) {
    auto parsed = ParseByteSize(budget_text);
    if (!parsed.ok()) return Error{parsed.error().code, fmt::format("--budget: {}", parsed.error().message)};
    out.budget = *parsed;
  }
  if (!fit_layers_text.empty()) {
    auto parsed = ParseByteSize(fit_layers_text);
    if (!parsed.ok()) return Error{parsed.error().code, fmt::format("--fit-layers: {}", parsed.error().message)};
    out.fit_layers = *parsed;
  }
  if (!out.layer_pattern.empty() && !out.fit_layers)
    return InvalidArgument("--layer-pattern: give the budget to plan the layers for with --fit-layers");
  if (!out.max_dim.empty() && !out.budget)
    return InvalidArgument("--max-dim " + out.max_dim + ": give the budget to fit with --budget");
  if (out.partition && !out.budget)
    return InvalidArgument("--partition: give the budget to partition under with --budget");
  if (!out.max_dim.empty() && !out.ranges.empty())
    return InvalidArgument("--max-dim and a --dim range cannot be combined");
  return out;
}

}  // namespace wsest::cli
