// wsest: the report tool. A thin wrapper: flags in (parsed and checked by tools/cli_options.cc), library
// calls, a writer out. tools/wsest.cc and the Python package (python/) both run it.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "src/ort_stats.h"
#include "src/coverage.h"
#include "src/fit_report.h"
#include "src/html_report.h"
#include "src/layer_report.h"
#include "src/records.h"
#include "src/report.h"
#include "src/timeline.h"
#include "tools/cli_options.h"
#include "tools/cli_run.h"
#include "wsest/layer_plan.h"
#include "wsest/live.h"
#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/registry.h"
#include "wsest/session_memory.h"
#include "wsest/target.h"
#include "wsest/verdict.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitDoesNotFit = 1;  // --budget: ORT runs out of memory; --max-dim: not even 1 fits
constexpr int kExitError = 2;
constexpr int kExitCannotTell = 3;  // --budget: unknowns (or the initializers' order) decide it

int Fail(std::ostream& err, const std::string& message) {
  err << "wsest: error: " << message << "\n";
  return kExitError;
}

// The report is written: exit without destroying the parsed model and its views, as compilers do
// (freeing a 10k-node graph message by message was 6% of the run; bench/). Sanitizer builds return
// normally so that LeakSanitizer still checks the whole program.
int ExitWithoutFreeing(int code) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return code;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return code;
#endif
#endif
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace

int wsest::cli::RunCli(int argc, char** argv, std::ostream& out, std::ostream& err, CliEnd end) {
  const auto Fail = [&err](const std::string& message) { return ::Fail(err, message); };
  wsest::cli::CliBuild build;
  build.default_records_dir = WSEST_DEFAULT_RECORDS_DIR;
#ifdef WSEST_WITH_CUDA
  build.live_queries = true;
#endif
  auto parsed = wsest::cli::ParseCommandLine(argc, argv, build);
  if (!parsed.ok()) return Fail(parsed.error().message);
  const wsest::cli::CliOptions& cli = *parsed;
  // Help, version and the listings need no model.
  switch (cli.action) {
    case wsest::cli::Action::kHelp:
    case wsest::cli::Action::kVersion:
      out << cli.text;
      return kExitOk;
    case wsest::cli::Action::kListRegistry:
      wsest::WriteRegistry(out);
      return kExitOk;
    case wsest::cli::Action::kCoverage: {
      auto written = wsest::WriteCoverage(out);
      if (!written.ok()) return Fail(written.error().message);
      return kExitOk;
    }
    case wsest::cli::Action::kListDevices:
      wsest::WriteDevices(out);
      return kExitOk;
    case wsest::cli::Action::kEstimate:
      break;
  }
  // onnx's schema registration (49 M instructions, a tenth of a 10k-node run; callgrind) needs no
  // model, so a second thread does it while this one reads and parses the file.
  struct JoinOnExit {
    std::thread thread;
    ~JoinOnExit() { thread.join(); }
  } warm_registry{std::thread(wsest::PrepareSchemas)};
  const std::string& model_path = cli.model_path;
  // The CLI owns its process: views are built and nodes estimated on up to 8 of the machine's
  // threads, and --max-dim works out a probe ahead on a second one.
  const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  wsest::ModelOptions options = cli.model;
  options.threads = threads;
  const std::vector<wsest::DimRange>& ranges = cli.ranges;
  const std::string& max_dim = cli.max_dim;
  const std::optional<uint64_t>& budget = cli.budget;
  wsest::Target target = cli.target;

  // Library-backed estimators (Conv, cuDNN reductions, RNN) ask, in order: the GPU when one answers
  // (builds with WSEST_WITH_CUDA), then tables recorded on a GPU for this device. The live source
  // loads CUDA at the first question, so a model that asks none never maps a CUDA library.
  std::unique_ptr<wsest::LibraryQueries> live;
#ifdef WSEST_WITH_CUDA
  if (!cli.no_live) live = wsest::CreateLazyLiveQueries(0);
#endif
  wsest::RecordedQueries recorded(target.device.id);
  if (!cli.records_dir.empty()) {
    auto loaded_records = recorded.LoadDir(cli.records_dir + "/" + target.device.id);
    if (!loaded_records.ok()) return Fail(loaded_records.error().message);
  }
  std::vector<const wsest::LibraryQueries*> sources;
  if (live) sources.push_back(live.get());
  if (recorded.size() > 0) sources.push_back(&recorded);
  wsest::LayeredQueries library(sources);
  if (!sources.empty()) target.live = &library;

  wsest::EstimateOptions estimate_options;
  estimate_options.threads = threads;

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
    // Each probe judged as --budget is: the device memory ORT holds, three-valued.
    const wsest::ProbeJudge judge = [&](const wsest::Model& m, const wsest::ModelEstimate& e,
                                        const wsest::PeakPlan& p) -> wsest::Result<wsest::ProbeVerdict> {
      auto answer = wsest::CheckFit(m, e, p, target, *budget);
      if (!answer.ok()) return answer.error();
      wsest::ProbeVerdict v{answer->verdict, std::nullopt};
      if (answer->orders_out_of_memory == 0) v.needed_bytes = answer->needed_bytes();
      return v;
    };
    auto found = wsest::FindMaxDim(*loaded, options, max_dim, *budget, target, plan_options, int64_t{1} << 20, judge,
                                   estimate_options.threads);
    if (!found.ok()) return Fail(found.error().message);
    max_dim_result = std::move(*found);
    if (max_dim_result->model_at_largest) {
      model = *max_dim_result->model_at_largest;  // bound at the answer by the search's own probe
    } else {
      wsest::ModelOptions at = options;
      at.dims[max_dim] = 1;  // not even 1 fits: report at 1
      auto bound = loaded->Rebind(at);
      if (!bound.ok()) return Fail(bound.error().message);
      model = *bound;
    }
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
    auto estimated = wsest::EstimateModel(*model, target, estimate_options);
    if (!estimated.ok()) return Fail(estimated.error().message);
    estimate = std::move(*estimated);
    auto planned = wsest::PlanPeak(*model, *estimate, plan_options);
    if (!planned.ok()) return Fail(planned.error().message);
    plan = std::move(*planned);
  }
  // Device memory as ORT holds it (its BFC arena replayed) and the budget's verdict on it.
  std::optional<wsest::SessionMemory> arena;
  if (cli.arena || budget || !cli.timeline_path.empty() || !cli.html_path.empty()) {
    wsest::SessionMemoryOptions arena_options;
    arena_options.find_gpu_mem_limit = cli.arena || budget;
    auto simulated = wsest::SimulateSessionMemory(*model, *estimate, target, arena_options);
    if (!simulated.ok()) return Fail(simulated.error().message);
    arena = std::move(*simulated);
  }
  std::optional<wsest::FitAnswer> fit;
  if (budget) {
    auto judged = wsest::CheckFit(*model, *estimate, plan, target, *budget);
    if (!judged.ok()) return Fail(judged.error().message);
    fit = std::move(*judged);
  }
  std::optional<wsest::LayerPlan> layer_plan;
  if (cli.fit_layers) {
    auto planned_layers = wsest::PlanLayers(*model, *estimate, plan, target, *cli.fit_layers, cli.layer_pattern);
    if (!planned_layers.ok()) return Fail(planned_layers.error().message);
    layer_plan = std::move(*planned_layers);
  }
  std::optional<wsest::PartitionPreview> preview;
  if (cli.partition) preview = wsest::PreviewPartition(*model, *estimate, plan, *budget);

  if (!cli.node_name.empty()) {
    if (!wsest::WriteNodeDetail(*estimate, *model, cli.node_name, out))
      return Fail(fmt::format("{}: no node named '{}'", model_path, cli.node_name));
  } else if (cli.json) {
    std::ostringstream base;
    wsest::WriteJson(*estimate, base);
    auto doc = nlohmann::json::parse(base.str());
    doc["summary"]["peak_bytes"] = plan.peak_bytes;
    const auto extra = nlohmann::json::parse(wsest::PlanJson(
        *model, plan, nullptr, max_dim_result ? &*max_dim_result : nullptr, range_result ? &*range_result : nullptr,
        preview ? &*preview : nullptr));
    for (const auto& [key, value] : extra.items()) doc[key] = value;
    if (arena) {
      doc["memory"]["arena"] = wsest::ArenaJson(*arena, plan);
      doc["memory"]["arena"]["graph_rewrites"] = wsest::GraphRewritesJson(wsest::FindGraphRewrites(*model));
    }
    if (fit) doc["budget"] = wsest::FitJson(*fit, plan);
    if (layer_plan) doc["layer_plan"] = wsest::LayerPlanJson(*layer_plan, plan);
    out << doc.dump(1) << "\n";
  } else {
    wsest::WriteTable(*estimate, *model, out,
                      cli.only.empty()          ? wsest::TableRows::kAll
                      : cli.only == "unknown" ? wsest::TableRows::kUnknown
                                              : wsest::TableRows::kWorkspace);
    wsest::WritePeakText(*model, plan, out);
    if (arena) {
      wsest::WriteArenaText(*arena, plan, out);
      wsest::WriteGraphRewritesNote(wsest::FindGraphRewrites(*model), out);
    }
    if (fit) wsest::WriteFitText(*fit, out);
    if (range_result) wsest::WriteRangeText(*range_result, out);
    if (max_dim_result) wsest::WriteMaxDimText(*max_dim_result, out);
    if (preview) wsest::WritePartitionText(*model, *preview, out);
    if (layer_plan) wsest::WriteLayerPlanText(*layer_plan, out);
  }
  if (cli.strict && estimate->summary.unknown > 0) {
    for (const auto& n : estimate->nodes) {
      if (!n.estimate.known()) {
        return Fail(fmt::format("--strict: {} node(s) have no estimate; first: {} '{}': {}", estimate->summary.unknown,
                                n.op_type, n.name, n.estimate.reason));
      }
    }
  }

  if (!cli.ort_stats_path.empty()) {
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
    std::ofstream file(cli.ort_stats_path);
    if (!file) return Fail(fmt::format("--ort-stats {}: cannot open the file for writing", cli.ort_stats_path));
    wsest::WriteOrtStats(rows, file);
    file.close();
    if (!file) return Fail(fmt::format("--ort-stats {}: writing failed", cli.ort_stats_path));
    if (unknown > 0) {
      err << fmt::format(
          "wsest: warning: --ort-stats {}: {} node(s) have no workspace estimate; their total_temp_allocations is "
          "written as 0 (ORT also costs a node it cannot find at 0), so a partitioning budget under-counts them; "
          "first: {} (--strict refuses instead)\n",
          cli.ort_stats_path, unknown, first_unknown->name);
    }
  }
  if (!cli.timeline_path.empty()) {
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
    if (fit) {
      timeline.verdict = wsest::VerdictName(fit->verdict);
      std::replace(timeline.verdict.begin(), timeline.verdict.end(), '_', ' ');
    }
    if (arena) {
      for (uint64_t held : arena->first_run_held_by_node) timeline.held_by_node.push_back(held + plan.cublas_bytes);
      timeline.steady_held = arena->steady.median + plan.cublas_bytes;
    }
    std::ofstream file(cli.timeline_path);
    if (!file) return Fail(fmt::format("--timeline {}: cannot open the file for writing", cli.timeline_path));
    wsest::WriteTimelineSvg(*model, plan, timeline, file);
    file.close();
    if (!file) return Fail(fmt::format("--timeline {}: writing failed", cli.timeline_path));
  }
  if (!cli.html_path.empty()) {
    wsest::HtmlReport html;
    html.model = &*model;
    html.estimate = &*estimate;
    html.plan = &plan;
    html.target = &target;
    html.budget = budget;
    html.fit = fit ? &*fit : nullptr;
    html.partition = preview ? &*preview : nullptr;
    if (arena) html.arena = wsest::ArenaFiguresFrom(*arena, plan);
    std::vector<std::string> dims;
    for (const auto& [name, value] : options.dims) dims.push_back(fmt::format("{}={}", name, value));
    if (max_dim_result)
      dims.push_back(fmt::format("{}={} (largest that fits)", max_dim, max_dim_result->largest.value_or(1)));
    if (range_result)
      for (const auto& [name, value] : range_result->points[range_result->peak_point].dims)
        dims.push_back(fmt::format("{}={} (peak of the range)", name, value));
    html.dims = fmt::format("{}", fmt::join(dims, ", "));
    std::ofstream file(cli.html_path);
    if (!file) return Fail(fmt::format("--html {}: cannot open the file for writing", cli.html_path));
    wsest::WriteHtmlReport(html, file);
    file.close();
    if (!file) return Fail(fmt::format("--html {}: writing failed", cli.html_path));
  }
  int code = kExitOk;
  if (max_dim_result && !max_dim_result->largest) {
    code = kExitDoesNotFit;
    for (const auto& p : max_dim_result->probes)
      if (p.verdict == wsest::Verdict::kCannotTell) code = kExitCannotTell;
  }
  if (fit && fit->verdict == wsest::Verdict::kDoesNotFit) code = kExitDoesNotFit;
  if (fit && fit->verdict == wsest::Verdict::kCannotTell) code = kExitCannotTell;
  return end == CliEnd::kExitProcess ? ExitWithoutFreeing(code) : code;
}
