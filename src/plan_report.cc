// The writers of include/wsest/plan.h's answers (the peak, the budget on the live peak, --max-dim,
// ranges, the partition preview): text sections and one JSON object, beside the other writers of
// one model estimate (src/report.cc, src/fit_report.cc).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/text.h"
#include "wsest/plan.h"

namespace wsest {

namespace {

std::string NodeText(const Model& model, size_t index) {
  const NodeView& node = model.nodes()[index];
  return fmt::format("#{} {} ({})", index, node.name.empty() ? "(unnamed)" : node.name, node.op_type);
}

std::string SignedBytes(int64_t margin) {
  return margin >= 0 ? HumanBytes(static_cast<uint64_t>(margin))
                     : "-" + HumanBytes(static_cast<uint64_t>(-(margin + 1)) + 1);
}

}  // namespace

void WritePeakText(const Model& model, const PeakPlan& plan, std::ostream& out) {
  fmt::print(out, "\nmemory (ORT's execution order; weights resident, activations live producer to last reader)\n");
  const MemoryStep* p = plan.peak();
  if (!p) {
    fmt::print(out, "  peak:         {} (no nodes: weights and cuBLAS only)\n", HumanBytes(plan.peak_bytes));
    return;
  }
  fmt::print(out, "  peak:         {} ({} B) at {}\n", HumanBytes(plan.peak_bytes), plan.peak_bytes,
             NodeText(model, p->node));
  fmt::print(out, "    weights:      {}\n", HumanBytes(p->weights));
  fmt::print(out, "    activations:  {}\n", HumanBytes(p->activations));
  fmt::print(out, "    workspace:    {}{}\n", HumanBytes(p->workspace), p->workspace_known ? "" : " (unknown, counted 0)");
  fmt::print(out, "    cuBLAS:       {}{}\n", HumanBytes(p->cublas),
             p->cublas ? "" : " (handle workspace not counted)");
  if (plan.unknown_workspace_nodes > 0) {
    fmt::print(out, "  note:         {} node(s) have no workspace estimate and count 0: the peak is a lower bound\n",
               plan.unknown_workspace_nodes);
  }
  if (plan.unsized_tensors > 0) {
    fmt::print(out, "  note:         {} tensor(s) have no known size and count 0\n", plan.unsized_tensors);
  }
}

void WriteBudgetText(const BudgetVerdict& v, std::ostream& out) {
  if (v.fits) {
    fmt::print(out, "  budget:       {}: fits, {} to spare ({} B)\n", HumanBytes(v.budget), SignedBytes(v.margin),
               v.margin);
  } else {
    fmt::print(out, "  budget:       {}: does NOT fit, over by {} ({} B)\n", HumanBytes(v.budget),
               SignedBytes(-v.margin), -v.margin);
  }
}

void WriteMaxDimText(const MaxDimResult& r, std::ostream& out) {
  const bool judged = std::any_of(r.probes.begin(), r.probes.end(), [](const DimProbe& p) { return p.judged; }) ||
                      r.largest_by_live_peak.has_value();
  fmt::print(out, "\nlargest {} within {} ({}; {} probes)\n", r.dim, HumanBytes(r.budget),
             judged ? "judged as --budget is" : "by the live peak", r.probes.size());
  // The probe of `value` that decided it: the newest (a value judged after phase 1 comes twice).
  auto newest = [&](int64_t value) -> const DimProbe* {
    for (auto p = r.probes.rbegin(); p != r.probes.rend(); ++p)
      if (p->value == value) return &*p;
    return nullptr;
  };
  if (r.largest) {
    fmt::print(out, "  {}: {}{}\n", r.dim, *r.largest, r.reached_limit ? " (the search limit; larger may fit)" : "");
  } else if (const DimProbe* one = newest(1); one == nullptr) {
    fmt::print(out, "  {}:  none\n", r.dim);
  } else if (one->verdict == Verdict::kCannotTell) {
    fmt::print(out, "  {}:  cannot tell: not even {}=1 surely fits: {}\n", r.dim, r.dim,
               one->unknown_workspace_nodes > 0
                   ? fmt::format("{} node(s) have no workspace estimate (a GPU record or a live GPU would settle "
                                 "them; --budget names them)",
                                 one->unknown_workspace_nodes)
                   : std::string("the sampled initializer orders disagree (--budget says how)"));
  } else if (one->overflowed || one->peak > r.budget) {
    fmt::print(out, "  {}:  none: even {}=1 needs {}\n", r.dim, r.dim,
               one->overflowed ? "over 2^64 B" : HumanBytes(one->peak) + " (its live peak)");
  } else {
    fmt::print(out, "  {}:  none: at {}=1 ORT's arena runs out of memory (live peak {})\n", r.dim, r.dim,
               HumanBytes(one->peak));
  }
  if (r.largest_by_live_peak && (!r.largest || *r.largest_by_live_peak > *r.largest))
    fmt::print(out, "  live peak:    fits up to {}={} (unknowns counted 0){}\n", r.dim, *r.largest_by_live_peak,
               r.largest ? "; ORT's arena needs more" : ": an upper bound");
  std::vector<std::string> probes;
  for (const auto& p : r.probes)
    probes.push_back(fmt::format("{}={} {} {}", r.dim, p.value, p.overflowed ? "over 2^64 B" : HumanBytes(p.peak),
                                 p.live_only                         ? "live fits"
                                 : p.verdict == Verdict::kFits       ? "fits"
                                 : p.verdict == Verdict::kCannotTell ? "cannot tell"
                                                                     : "no"));
  fmt::print(out, "  probes (live peak, verdict): {}\n", fmt::join(probes, "; "));
  for (const auto& w : r.warnings) fmt::print(out, "  warning: {}\n", w);
}

void WriteRangeText(const RangeResult& r, std::ostream& out) {
  std::vector<std::string> ranges;
  for (const auto& d : r.ranges) {
    const auto points = RangeBreakpoints(d.lo, d.hi);
    ranges.push_back(fmt::format("{}={}..{} ({} values: ends, powers of two and +/-1)", d.name, d.lo, d.hi,
                                 points.size()));
  }
  fmt::print(out, "\nranges: {}; {} combinations evaluated\n", fmt::join(ranges, ", "), r.points.size());
  const RangePoint& p = r.points[r.peak_point];
  std::vector<std::string> dims;
  for (const auto& [name, value] : p.dims) dims.push_back(fmt::format("{}={}", name, value));
  fmt::print(out, "  per node:     the largest workspace over the points, labelled upper_bound\n");
  fmt::print(out, "  peak:         largest at {}: {}\n", fmt::join(dims, ", "), HumanBytes(p.peak_bytes));
}

void WritePartitionText(const Model& model, const PartitionPreview& p, std::ostream& out) {
  const size_t total = p.entries.size();
  fmt::print(out, "\npartition preview under {} ({} nodes ORT partitions)\n", HumanBytes(p.budget), total);
  fmt::print(out, "  ORT greedy (stats file, sum of the 4 columns in topological order, stop at the first miss):\n");
  if (p.greedy_stop) {
    const auto& e = p.entries[*p.greedy_stop];
    fmt::print(out, "    GPU {} nodes, CPU {} nodes; stops at {}: cost {} takes the sum to {}\n", p.greedy_gpu_nodes,
               total - p.greedy_gpu_nodes, NodeText(model, e.node), HumanBytes(e.cost), HumanBytes(e.greedy_sum));
  } else {
    fmt::print(out, "    GPU all {} nodes (sum of costs {})\n", total,
               HumanBytes(total ? p.entries.back().greedy_sum : 0));
  }
  fmt::print(out, "  liveness-aware (weights read so far + largest live step so far):\n");
  if (p.liveness_stop) {
    const auto& e = p.entries[*p.liveness_stop];
    fmt::print(out, "    GPU {} nodes, CPU {} nodes; stops at {}: needs {}\n", p.liveness_gpu_nodes,
               total - p.liveness_gpu_nodes, NodeText(model, e.node), HumanBytes(e.liveness_need));
  } else {
    fmt::print(out, "    GPU all {} nodes (needs {})\n", total, HumanBytes(total ? p.entries.back().liveness_need : 0));
  }
  if (p.unknown_workspace_nodes > 0)
    fmt::print(out, "  note: {} node(s) without a workspace estimate are costed without it\n", p.unknown_workspace_nodes);
}

std::string PlanJson(const Model& model, const PeakPlan& plan, const BudgetVerdict* budget,
                     const MaxDimResult* max_dim, const RangeResult* range, const PartitionPreview* partition) {
  using nlohmann::json;
  json doc = json::object();
  json memory = {{"peak_bytes", plan.peak_bytes},
                 {"weights_bytes", plan.weights_bytes},
                 {"cublas_handle_workspace_bytes", plan.cublas_bytes},
                 {"unknown_workspace_nodes", plan.unknown_workspace_nodes},
                 {"unsized_tensors", plan.unsized_tensors},
                 {"exactness", ExactnessName(plan.exactness)}};
  if (const MemoryStep* p = plan.peak()) {
    const NodeView& node = model.nodes()[p->node];
    memory["peak_node"] = {{"index", p->node}, {"name", node.name}, {"op_type", node.op_type}};
    memory["peak_parts"] = {{"weights_bytes", p->weights},
                            {"activations_bytes", p->activations},
                            {"workspace_bytes", p->workspace},
                            {"cublas_handle_workspace_bytes", p->cublas}};
  } else {
    memory["peak_node"] = nullptr;
  }
  json steps = json::array();
  for (const auto& s : plan.steps)
    steps.push_back({s.node, s.weights, s.activations, s.workspace, s.cublas});
  memory["steps_columns"] = {"index", "weights_bytes", "activations_bytes", "workspace_bytes",
                             "cublas_handle_workspace_bytes"};
  memory["steps"] = std::move(steps);
  doc["memory"] = std::move(memory);
  if (budget) {
    doc["budget"] = {{"budget_bytes", budget->budget},
                     {"peak_bytes", budget->peak},
                     {"fits", budget->fits},
                     {"margin_bytes", budget->margin}};
  }
  if (max_dim) {
    json probes = json::array();
    for (const auto& p : max_dim->probes)
      probes.push_back({{"value", p.value},
                        {"peak_bytes", p.overflowed ? json(nullptr) : json(p.peak)},
                        {"fits", p.fits},
                        {"verdict", VerdictName(p.verdict)},
                        {"judged", p.judged},
                        {"needed_bytes", p.needed_bytes ? json(*p.needed_bytes) : json(nullptr)}});
    doc["max_dim"] = {{"dim", max_dim->dim},
                      {"budget_bytes", max_dim->budget},
                      {"largest", max_dim->largest ? json(*max_dim->largest) : json(nullptr)},
                      {"largest_by_live_peak",
                       max_dim->largest_by_live_peak ? json(*max_dim->largest_by_live_peak) : json(nullptr)},
                      {"reached_limit", max_dim->reached_limit},
                      {"assumption", "the live peak does not decrease as the dim grows; below the largest value whose "
                                     "live peak fits and the 8 under it, neither does the judge's verdict"},
                      {"probes", std::move(probes)},
                      {"warnings", max_dim->warnings}};
  }
  if (range) {
    json ranges = json::array();
    for (const auto& d : range->ranges)
      ranges.push_back({{"dim", d.name}, {"low", d.lo}, {"high", d.hi}, {"values", RangeBreakpoints(d.lo, d.hi)}});
    json points = json::array();
    for (const auto& p : range->points) points.push_back({{"dims", p.dims}, {"peak_bytes", p.peak_bytes}});
    doc["range"] = {{"ranges", std::move(ranges)},
                    {"points", std::move(points)},
                    {"peak_point", range->points[range->peak_point].dims}};
  }
  if (partition) {
    json entries = json::array();
    for (const auto& e : partition->entries) {
      const NodeView& node = model.nodes()[e.node];
      entries.push_back({{"index", e.node},
                         {"name", node.name},
                         {"cost_bytes", e.cost},
                         {"greedy_sum_bytes", e.greedy_sum},
                         {"greedy_gpu", e.greedy_gpu},
                         {"liveness_need_bytes", e.liveness_need},
                         {"liveness_gpu", e.liveness_gpu}});
    }
    doc["partition"] = {{"budget_bytes", partition->budget},
                        {"greedy_gpu_nodes", partition->greedy_gpu_nodes},
                        {"liveness_gpu_nodes", partition->liveness_gpu_nodes},
                        {"nodes", std::move(entries)}};
  }
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);  // model names may be invalid UTF-8
}

}  // namespace wsest
