#include "src/fit_report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "src/text.h"

namespace wsest {
namespace {

std::string HeldText(const HeldBytes& h) {
  if (h.min == h.max) return HumanBytes(h.median);
  return fmt::format("{} (over the orders: {} to {})", HumanBytes(h.median), HumanBytes(h.min), HumanBytes(h.max));
}

nlohmann::json RangeJson(const HeldBytes& h) { return {{"min", h.min}, {"max", h.max}}; }

// budget - needed as a signed count, saturating at int64's limits (budgets go up to 2^64 - 1 B).
int64_t Margin(uint64_t budget, uint64_t needed) {
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (budget >= needed) return static_cast<int64_t>(std::min(budget - needed, kMax));
  return -static_cast<int64_t>(std::min(needed - budget, kMax));
}

}  // namespace

void WriteArenaText(const SessionMemory& m, const PeakPlan& plan, std::ostream& out) {
  fmt::print(out, "\ndevice memory ORT holds (its BFC arena replayed; {} sampled orders of the initializers)\n",
             m.orders);
  fmt::print(out, "  session:      {}\n", HeldText(m.session));
  fmt::print(out, "  first run:    {}\n", HeldText(m.first_run));
  fmt::print(out, "  steady:       {}\n", HeldText(m.steady));
  if (m.memory_pattern_used) {
    fmt::print(out, "  pattern:      runs 2 and later take the activations as one block of {}\n",
               HumanBytes(m.pattern_block_bytes));
  } else {
    fmt::print(out, "  pattern:      none (a feed without a static shape, or enable_mem_pattern off)\n");
  }
  // The regions in the order the arena added them; many small ones (kSameAsRequested) by count.
  constexpr size_t kListed = 12;
  std::vector<std::string> regions;
  if (m.regions.size() <= kListed) {
    for (uint64_t r : m.regions) regions.push_back(HumanBytes(r));
    fmt::print(out, "  regions:      {}\n", fmt::join(regions, ", "));
  } else {
    std::vector<uint64_t> largest = m.regions;
    std::sort(largest.rbegin(), largest.rend());
    for (size_t i = 0; i < 4; ++i) regions.push_back(HumanBytes(largest[i]));
    fmt::print(out, "  regions:      {}; the largest {}, ...\n", m.regions.size(), fmt::join(regions, ", "));
  }
  fmt::print(out, "  beside it:    cuBLAS handle workspace {} (outside ORT's arena)\n", HumanBytes(plan.cublas_bytes));
  if (m.gpu_mem_limit_needed)
    fmt::print(out, "  gpu_mem_limit: at least {} ({} B) for every sampled order\n", HumanBytes(*m.gpu_mem_limit_needed),
               *m.gpu_mem_limit_needed);
  if (m.out_of_memory) fmt::print(out, "  out of memory: {}\n", m.out_of_memory_at);
  if (m.lower_bound()) {
    fmt::print(out, "  note:         lower bounds: {} node(s) without a workspace estimate and {} tensor(s) without a "
                    "size were counted 0\n",
               m.unknown_workspace_nodes, m.unsized_tensors);
  }
}

void WriteGraphRewritesNote(const std::vector<GraphRewrite>& rewrites, std::ostream& out) {
  if (rewrites.empty()) return;
  std::vector<std::string> found;
  for (const auto& r : rewrites) found.push_back(fmt::format("{} x{} ({}, first {})", r.what, r.count, r.rule, r.first));
  fmt::print(out, "  graph:        not the one ORT runs: its default optimizations rewrite {}; these figures are for "
                  "the graph as given (README, \"The graph ORT runs\": save ORT's optimized graph and run wsest on it)\n",
             fmt::join(found, "; "));
}

nlohmann::json GraphRewritesJson(const std::vector<GraphRewrite>& rewrites) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rewrites) j.push_back({{"rule", r.rule}, {"what", r.what}, {"count", r.count}, {"first", r.first}});
  return j;
}

void WriteFitText(const FitAnswer& a, std::ostream& out) {
  const uint64_t needed = a.needed_bytes();
  switch (a.verdict) {
    case Verdict::kFits:
      fmt::print(out, "  budget:       {}: fits: ORT holds at most {} + cuBLAS {}, {} to spare\n", HumanBytes(a.budget),
                 HumanBytes(a.held.max), HumanBytes(a.library_bytes), HumanBytes(a.budget > needed ? a.budget - needed : 0));
      break;
    case Verdict::kDoesNotFit:
      if (a.budget < a.library_bytes) {
        fmt::print(out, "  budget:       {}: does NOT fit: cuBLAS's handle workspace alone is {}\n",
                   HumanBytes(a.budget), HumanBytes(a.library_bytes));
      } else {
        fmt::print(out, "  budget:       {}: does NOT fit: ORT runs out of memory in every sampled order ({})\n",
                   HumanBytes(a.budget), a.out_of_memory_at);
      }
      break;
    case Verdict::kCannotTell:
      fmt::print(out, "  budget:       {}: cannot tell (ORT holds at least {} + cuBLAS {})\n", HumanBytes(a.budget),
                 HumanBytes(a.held.min), HumanBytes(a.library_bytes));
      for (const auto& r : a.reasons) fmt::print(out, "    - {}\n", r);
      break;
  }
}

nlohmann::json ArenaJson(const SessionMemory& m, const PeakPlan& plan) {
  nlohmann::json j = {{"session_bytes", m.session.median},
                      {"first_run_peak_bytes", m.first_run.median},
                      {"steady_bytes", m.steady.median},
                      {"session_range", RangeJson(m.session)},
                      {"first_run_peak_range", RangeJson(m.first_run)},
                      {"steady_range", RangeJson(m.steady)},
                      {"sampled_initializer_orders", m.orders},
                      {"memory_pattern", m.memory_pattern_used},
                      {"pattern_block_bytes", m.pattern_block_bytes},
                      {"initializer_bytes", m.initializer_bytes},
                      {"session_buffer_bytes", m.session_buffer_bytes},
                      {"regions", m.regions},
                      {"library_handle_workspaces", {{"cublas_bytes", plan.cublas_bytes}}},
                      {"lower_bound", m.lower_bound()},
                      {"out_of_memory", m.out_of_memory}};
  j["gpu_mem_limit_needed_bytes"] = m.gpu_mem_limit_needed ? nlohmann::json(*m.gpu_mem_limit_needed) : nullptr;
  j["first_run_held_by_node"] = m.first_run_held_by_node;
  return j;
}

nlohmann::json FitJson(const FitAnswer& a, const PeakPlan& plan) {
  return {{"budget_bytes", a.budget},
          {"verdict", VerdictName(a.verdict)},
          {"fits", a.verdict == Verdict::kFits},
          {"held_bytes", RangeJson(a.held)},
          {"library_bytes", a.library_bytes},
          // Under a budget the replay never holds more than it: when an order ran out, what the session
          // needs is not known from this replay (memory.arena.gpu_mem_limit_needed_bytes says).
          {"needed_bytes", a.orders_out_of_memory > 0 ? nlohmann::json(nullptr) : nlohmann::json(a.needed_bytes())},
          {"margin_bytes", a.orders_out_of_memory > 0 ? nlohmann::json(nullptr)
                                                      : nlohmann::json(Margin(a.budget, a.needed_bytes()))},
          {"sampled_initializer_orders", a.orders},
          {"orders_out_of_memory", a.orders_out_of_memory},
          {"live_peak_bytes", plan.peak_bytes},
          {"reasons", a.reasons}};
}

}  // namespace wsest
