// wsest: the report tool. A thin wrapper: flags in, library calls, a writer out.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/ort_stats.h"
#include "src/coverage.h"
#include "src/records.h"
#include "src/report.h"
#include "src/timeline.h"
#include "wsest/live.h"
#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/registry.h"
#include "wsest/target.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitDoesNotFit = 1;  // --budget: the peak is over it; --max-dim: not even 1 fits
constexpr int kExitError = 2;

int Fail(const std::string& message) {
  std::cerr << "wsest: error: " << message << "\n";
  return kExitError;
}

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wsest: predicts the GPU workspace each node of an ONNX model needs under ONNX Runtime's CUDA EP"};
  std::string model_path;
  std::vector<std::string> dims;
  std::vector<std::string> inputs;
  std::vector<std::string> ep_options;
  std::vector<std::string> ep_env;
  std::string device = wsest::kDefaultDevice;
  std::string node_name;
  std::string records_dir = WSEST_DEFAULT_RECORDS_DIR;
  [[maybe_unused]] bool no_live = false;
  std::string forced_variant;
  bool json = false;
  bool list = false;
  bool list_devices = false;
  bool coverage = false;
  bool strict = false;
  bool allow_symbolic = false;
  std::string ort_stats_path;
  std::string budget_text;
  std::string max_dim;
  std::string timeline_path;
  bool partition = false;

  app.add_option("model", model_path, "the .onnx model (weights may be external; they are never read)");
  app.add_option("--dim", dims,
                 "bind a symbolic dim: name=value, or name=low..high for a range (each node's maximum over the "
                 "range; repeatable)");
  app.add_option("--input", inputs, "shape of a graph input declared without one: name=d0,d1,... (repeatable)");
  app.add_option("--device", device, "device profile (see --list-devices)");
  app.add_option("--ep-option", ep_options, "CUDA EP provider option key=value, e.g. sdpa_kernel=1 (repeatable)");
  app.add_option("--ep-env", ep_env, "ORT_* environment variable NAME=value, e.g. ORT_DISABLE_FLASH_ATTENTION=1");
  app.add_option("--variant", forced_variant,
                 "where the EP's kernel choice depends on run-time values, estimate this variant (e.g. flash)");
  app.add_option("--node", node_name, "print one node's breakdown (its name, or #index)");
  app.add_flag("--json", json, "print JSON instead of the table");
  app.add_flag("--list", list, "print the estimator registry");
  app.add_flag("--list-devices", list_devices, "print the device profiles");
  app.add_flag("--coverage", coverage,
               "count the registry against the kernels ORT's CUDA EP registers (data/ort-1.29.0-cuda-kernels.tsv)");
  app.add_option("--records", records_dir,
                 "recorded library tables (cuDNN, CUB) to answer from when no GPU does: DIR/<device>/*.jsonl");
#ifdef WSEST_WITH_CUDA
  app.add_flag("--no-live", no_live, "do not ask the GPU even when one is present");
#endif
  app.add_flag("--strict", strict, "make an op with no estimator an error (exit 2)");
  app.add_flag("--allow-symbolic", allow_symbolic,
               "leave unbound symbolic dims symbolic (estimates that need them are unknown) instead of failing");
  app.add_option("--ort-stats", ort_stats_path,
                 "write ORT's per-node stats CSV (for session.resource_cuda_partitioning_settings) to FILE");
  app.add_option("--budget", budget_text, "GPU memory budget, e.g. 8GiB: prints the verdict; exit 1 if it does not fit");
  app.add_option("--max-dim", max_dim, "with --budget: the largest value of this symbolic dim that fits");
  app.add_option("--timeline", timeline_path, "write the memory timeline as an SVG picture to FILE.svg");
  app.add_flag("--partition", partition,
               "with --budget: preview ORT's capacity-aware partitioning (greedy) and a liveness-aware one");
  app.set_version_flag("--version", std::string("wsest ") + wsest::Version() + " (" + wsest::kEpName + " " +
                                        wsest::kEpRelease + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(e.what());
  }

  if (list) {
    wsest::WriteRegistry(std::cout);
    return kExitOk;
  }
  if (coverage) {
    auto written = wsest::WriteCoverage(std::cout);
    if (!written.ok()) return Fail(written.error().message);
    return kExitOk;
  }
  if (list_devices) {
    wsest::WriteDevices(std::cout);
    return kExitOk;
  }
  if (model_path.empty()) return Fail("no model given; usage: wsest MODEL.onnx [--dim name=value ...] (see --help)");

  wsest::ModelOptions options;
  options.allow_symbolic = allow_symbolic;
  std::vector<wsest::DimRange> ranges;
  for (const auto& d : dims) {
    std::string name, value;
    int64_t v = 0;
    const auto dots = d.find("..");
    if (dots != std::string::npos && SplitAssignment(d, &name, &value)) {
      wsest::DimRange range{name, 0, 0};
      const auto sep = value.find("..");
      if (!ParseInt64(value.substr(0, sep), &range.lo) || !ParseInt64(value.substr(sep + 2), &range.hi) ||
          range.lo < 0 || range.lo > range.hi)
        return Fail(fmt::format("--dim '{}': expected name=low..high with 0 <= low <= high", d));
      ranges.push_back(range);
      continue;
    }
    if (!SplitAssignment(d, &name, &value)) return Fail(fmt::format("--dim '{}': expected name=integer", d));
    if (!ParseInt64(value, &v)) return Fail(fmt::format("--dim '{}': expected name=integer or name=low..high", d));
    if (v < 0) return Fail(fmt::format("--dim '{}': a dim cannot be negative", d));
    options.dims[name] = v;
  }
  for (const auto& in : inputs) {
    std::string name, value;
    if (!SplitAssignment(in, &name, &value)) return Fail(fmt::format("--input '{}': expected name=d0,d1,...", in));
    std::vector<int64_t> shape;
    size_t start = 0;
    while (start <= value.size()) {
      const size_t comma = value.find(',', start);
      const std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      int64_t v = 0;
      if (!ParseInt64(part, &v) || v < 0)
        return Fail(fmt::format("--input '{}': '{}' is not a non-negative integer dim", in, part));
      shape.push_back(v);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    options.input_shapes[name] = shape;
  }

  wsest::Target target;
  auto profile = wsest::FindDevice(device);
  if (!profile.ok()) return Fail(profile.error().message);
  target.device = *profile;
  target.forced_variant = forced_variant;
  for (const auto& o : ep_options) {
    std::string key, value;
    if (!SplitAssignment(o, &key, &value)) return Fail(fmt::format("--ep-option '{}': expected key=value", o));
    auto set = target.ep.SetProviderOption(key, value);
    if (!set.ok()) return Fail(set.error().message);
  }
  for (const auto& e : ep_env) {
    std::string key, value;
    if (!SplitAssignment(e, &key, &value)) return Fail(fmt::format("--ep-env '{}': expected NAME=value", e));
    auto set = target.ep.SetEnv(key, value);
    if (!set.ok()) return Fail(set.error().message);
  }

  // Library-backed estimators (Conv, cuDNN reductions, RNN) ask, in order: the GPU when one answers
  // (builds with WSEST_WITH_CUDA), then tables recorded on a GPU for this device.
  std::unique_ptr<wsest::LibraryQueries> live;
#ifdef WSEST_WITH_CUDA
  std::string why_no_gpu;
  if (!no_live) live = wsest::CreateLiveQueries(0, &why_no_gpu);
#endif
  wsest::RecordedQueries recorded(target.device.id);
  if (!records_dir.empty()) {
    auto loaded_records = recorded.LoadDir(records_dir + "/" + target.device.id);
    if (!loaded_records.ok()) return Fail(loaded_records.error().message);
  }
  std::vector<const wsest::LibraryQueries*> sources;
  if (live) sources.push_back(live.get());
  if (recorded.size() > 0) sources.push_back(&recorded);
  wsest::LayeredQueries library(sources);
  if (!sources.empty()) target.live = &library;

  std::optional<uint64_t> budget;
  if (!budget_text.empty()) {
    auto parsed = wsest::ParseByteSize(budget_text);
    if (!parsed.ok()) return Fail(fmt::format("--budget: {}", parsed.error().message));
    budget = *parsed;
  }
  if (!max_dim.empty() && !budget) return Fail("--max-dim " + max_dim + ": give the budget to fit with --budget");
  if (partition && !budget) return Fail("--partition: give the budget to partition under with --budget");
  if (!max_dim.empty() && !ranges.empty()) return Fail("--max-dim and a --dim range cannot be combined");

  // Dims that --max-dim or a range sets are bound per probe: the first load leaves them symbolic.
  wsest::ModelOptions load_options = options;
  if (!ranges.empty() || !max_dim.empty()) load_options.allow_symbolic = true;
  auto loaded = wsest::Model::Load(model_path, load_options);
  if (!loaded.ok()) return Fail(loaded.error().message);
  // The CUDA EP's cuBLAS handle keeps its workspace for the session: part of every step's memory.
  const wsest::PlanOptions plan_options = wsest::PlanOptionsFor(target.device);

  std::optional<wsest::MaxDimResult> max_dim_result;
  std::optional<wsest::RangeResult> range_result;
  std::optional<wsest::Model> model;
  std::optional<wsest::ModelEstimate> estimate;
  wsest::PeakPlan plan;
  if (!max_dim.empty()) {
    auto found = wsest::FindMaxDim(*loaded, options, max_dim, *budget, target, plan_options);
    if (!found.ok()) return Fail(found.error().message);
    max_dim_result = std::move(*found);
    wsest::ModelOptions at = options;
    at.dims[max_dim] = max_dim_result->largest.value_or(1);
    auto bound = loaded->Rebind(at);
    if (!bound.ok()) return Fail(bound.error().message);
    model = *bound;
  } else if (!ranges.empty()) {
    auto evaluated = wsest::EstimateRange(*loaded, options, ranges, target, plan_options);
    if (!evaluated.ok()) return Fail(evaluated.error().message);
    range_result = std::move(*evaluated);
    model = range_result->points[range_result->peak_point].model;
    estimate = range_result->envelope;
    plan = range_result->peak;
  } else {
    model = *loaded;
  }
  if (!estimate) {
    auto estimated = wsest::EstimateModel(*model, target);
    if (!estimated.ok()) return Fail(estimated.error().message);
    estimate = std::move(*estimated);
    auto planned = wsest::PlanPeak(*model, *estimate, plan_options);
    if (!planned.ok()) return Fail(planned.error().message);
    plan = std::move(*planned);
  }
  std::optional<wsest::BudgetVerdict> verdict;
  if (budget) verdict = wsest::CheckBudget(plan, *budget);
  std::optional<wsest::PartitionPreview> preview;
  if (partition) preview = wsest::PreviewPartition(*model, *estimate, plan, *budget);

  if (!node_name.empty()) {
    if (!wsest::WriteNodeDetail(*estimate, *model, node_name, std::cout))
      return Fail(fmt::format("{}: no node named '{}'", model_path, node_name));
  } else if (json) {
    std::ostringstream base;
    wsest::WriteJson(*estimate, base);
    auto doc = nlohmann::json::parse(base.str());
    doc["summary"]["peak_bytes"] = plan.peak_bytes;
    const auto extra = nlohmann::json::parse(wsest::PlanJson(
        *model, plan, verdict ? &*verdict : nullptr, max_dim_result ? &*max_dim_result : nullptr,
        range_result ? &*range_result : nullptr, preview ? &*preview : nullptr));
    for (const auto& [key, value] : extra.items()) doc[key] = value;
    std::cout << doc.dump(1) << "\n";
  } else {
    wsest::WriteTable(*estimate, *model, std::cout);
    wsest::WritePeakText(*model, plan, std::cout);
    if (verdict) wsest::WriteBudgetText(*verdict, std::cout);
    if (range_result) wsest::WriteRangeText(*range_result, std::cout);
    if (max_dim_result) wsest::WriteMaxDimText(*max_dim_result, std::cout);
    if (preview) wsest::WritePartitionText(*model, *preview, std::cout);
  }
  if (strict && estimate->summary.unknown > 0) {
    for (const auto& n : estimate->nodes) {
      if (!n.estimate.known()) {
        return Fail(fmt::format("--strict: {} node(s) have no estimate; first: {} '{}': {}", estimate->summary.unknown,
                                n.op_type, n.name, n.estimate.reason));
      }
    }
  }

  if (!ort_stats_path.empty()) {
    std::vector<wsest::OrtStatsRow> rows;
    if (range_result) {
      // ORT keeps each column's maximum over the runs it recorded; so does a range.
      std::vector<std::vector<wsest::OrtStatsRow>> runs;
      for (const auto& p : range_result->points) runs.push_back(wsest::OrtStatsRows(p.model, p.estimate));
      rows = wsest::MergeOrtStatsMax(runs);
    } else {
      rows = wsest::OrtStatsRows(*model, *estimate);
    }
    size_t unknown = 0;
    const wsest::OrtStatsRow* first_unknown = nullptr;
    for (const auto& r : rows) {
      if (r.workspace_known) continue;
      if (!first_unknown) first_unknown = &r;
      ++unknown;
    }
    std::ofstream file(ort_stats_path);
    if (!file) return Fail(fmt::format("--ort-stats {}: cannot open the file for writing", ort_stats_path));
    wsest::WriteOrtStats(rows, file);
    file.close();
    if (!file) return Fail(fmt::format("--ort-stats {}: writing failed", ort_stats_path));
    if (unknown > 0) {
      std::cerr << fmt::format(
          "wsest: warning: --ort-stats {}: {} node(s) have no workspace estimate; their total_temp_allocations is "
          "written as 0 (ORT also costs a node it cannot find at 0), so a partitioning budget under-counts them; "
          "first: {} (--strict refuses instead)\n",
          ort_stats_path, unknown, first_unknown->name);
    }
  }
  if (!timeline_path.empty()) {
    wsest::TimelineOptions timeline;
    std::vector<std::string> bound_dims;
    for (const auto& [name, value] : options.dims) bound_dims.push_back(fmt::format("{}={}", name, value));
    if (max_dim_result) bound_dims.push_back(fmt::format("{}={} (largest that fits)", max_dim,
                                                         max_dim_result->largest.value_or(1)));
    if (range_result)
      for (const auto& [name, value] : range_result->points[range_result->peak_point].dims)
        bound_dims.push_back(fmt::format("{}={} (peak of the range)", name, value));
    timeline.title = fmt::format("{}: GPU memory over execution order", model_path);
    timeline.subtitle = fmt::format("{} | {} | {}", estimate->device, estimate->ep, fmt::join(bound_dims, ", "));
    timeline.budget = budget;
    std::ofstream file(timeline_path);
    if (!file) return Fail(fmt::format("--timeline {}: cannot open the file for writing", timeline_path));
    wsest::WriteTimelineSvg(*model, plan, timeline, file);
    file.close();
    if (!file) return Fail(fmt::format("--timeline {}: writing failed", timeline_path));
  }
  if (max_dim_result && !max_dim_result->largest) return kExitDoesNotFit;
  if (verdict && !verdict->fits) return kExitDoesNotFit;
  return kExitOk;
}
