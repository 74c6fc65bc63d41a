#include "wsest/verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace wsest {

namespace {

// The unknown nodes, a few by name, the first one's reason, and what would settle them.
std::string UnknownNodesReason(const ModelEstimate& estimate, size_t count, const std::string& device) {
  std::vector<std::string> named;
  std::string first_reason;
  for (const auto& n : estimate.nodes) {
    if (n.estimate.known()) continue;
    if (named.empty()) first_reason = n.estimate.reason;
    if (named.size() == 3) {
      named.push_back("...");
      break;
    }
    named.push_back(fmt::format("{} '{}'", n.op_type, n.name));
  }
  return fmt::format(
      "{} node(s) have no workspace estimate and were counted 0 ({}); the first: {}; a GPU record for {} "
      "(calibrate/run_on_gpu.sh, then --records) or a live GPU would settle them",
      count, fmt::join(named, ", "), first_reason, device);
}

}  // namespace

FitAnswer JudgeFit(const SessionMemory& under_budget, const PeakPlan& plan, const ModelEstimate& estimate,
                   uint64_t budget) {
  FitAnswer a;
  a.budget = budget;
  a.library_bytes = plan.cublas_bytes;
  a.arena_budget = budget > a.library_bytes ? budget - a.library_bytes : 0;
  a.held = under_budget.held_max();
  a.orders = under_budget.orders;
  a.orders_out_of_memory = under_budget.orders_out_of_memory;
  a.out_of_memory_at = under_budget.out_of_memory_at;
  if (budget < a.library_bytes) {
    // cuBLAS's handle workspace alone is over the budget (estimators/gemm.cc CublasHandleWorkspaceBytes).
    a.verdict = Verdict::kDoesNotFit;
    return a;
  }
  const bool lower_bound = under_budget.lower_bound();
  if (a.orders > 0 && a.orders_out_of_memory == a.orders) {
    // Unknowns counted 0 only make the session need more: out of memory stays out of memory.
    a.verdict = Verdict::kDoesNotFit;
    return a;
  }
  if (a.orders_out_of_memory == 0 && !lower_bound) {
    a.verdict = Verdict::kFits;
    return a;
  }
  a.verdict = Verdict::kCannotTell;
  if (a.orders_out_of_memory > 0) {
    a.reasons.push_back(fmt::format(
        "{} of {} sampled orders of the initializers' allocation run out of memory ({}): ORT draws that order "
        "from a hash table, per process (session_state_utils.cc SaveInitializedTensors), so some sessions "
        "would fit and some not",
        a.orders_out_of_memory, a.orders, a.out_of_memory_at));
  }
  if (under_budget.unknown_workspace_nodes > 0)
    a.reasons.push_back(UnknownNodesReason(estimate, under_budget.unknown_workspace_nodes, estimate.device));
  if (under_budget.unsized_tensors > 0) {
    a.reasons.push_back(fmt::format(
        "{} tensor(s) have no known size and were counted 0: bind the model's dims (--dim, --input)",
        under_budget.unsized_tensors));
  }
  return a;
}

Result<FitAnswer> CheckFit(const Model& model, const ModelEstimate& estimate, const PeakPlan& plan,
                           const Target& target, uint64_t budget) {
  // The memory the arena's cudaMallocs can get: the budget or the device, whichever is less, less
  // what cuBLAS's handle takes from the same device.
  const uint64_t device = target.device.memory_bytes;
  const uint64_t usable = device > 0 ? std::min(budget, device) : budget;
  SessionMemoryOptions options;
  options.device_bytes = usable > plan.cublas_bytes ? usable - plan.cublas_bytes : 0;
  WSEST_ASSIGN_OR_RETURN(SessionMemory memory, SimulateSessionMemory(model, estimate, target, options));
  return JudgeFit(memory, plan, estimate, budget);
}

}  // namespace wsest
