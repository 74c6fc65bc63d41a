// "Will it fit?": a budget of device memory against what ONNX Runtime 1.29.0 will hold for the
// session (include/wsest/session_memory.h, replayed with the budget as the memory cudaMalloc can
// get) plus the library handle workspaces outside its arena. Three answers, never a guess:
// - fits: no sampled initializer order runs out, and no node or tensor was counted 0 for want of an
//   estimate or a size;
// - does_not_fit: every sampled order runs out, even where unknowns were counted 0 (they only add);
// - cannot_tell: anything between; the reasons say what is unknown and what would settle it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wsest/estimate.h"
#include "wsest/plan.h"
#include "wsest/session_memory.h"

namespace wsest {

struct FitAnswer {
  Verdict verdict = Verdict::kCannotTell;
  uint64_t budget = 0;
  uint64_t library_bytes = 0;  // cuBLAS handle workspace: taken outside ORT's arena, before it
  uint64_t arena_budget = 0;   // budget - library_bytes: what the arena's cudaMallocs can get
  HeldBytes held;              // the arena's most held under the budget, over the sampled orders
  size_t orders = 0;
  size_t orders_out_of_memory = 0;
  std::string out_of_memory_at;  // the step of the first order that ran out
  // Why the answer is not plain, and what would settle it; empty for a plain fits / does_not_fit.
  std::vector<std::string> reasons;
  // Device memory needed: held + library (a lower bound when unknowns were counted 0). Meaningless
  // when an order ran out: the replay under the budget never holds more than the budget.
  uint64_t needed_bytes() const { return held.max + library_bytes; }
};

// `under_budget` is SimulateSessionMemory with SessionMemoryOptions::device_bytes = budget -
// plan.cublas_bytes; `estimate` names the unknown nodes.
FitAnswer JudgeFit(const SessionMemory& under_budget, const PeakPlan& plan, const ModelEstimate& estimate,
                   uint64_t budget);

// The replay and the judgement in one: what the CLI, the C API and Python call.
Result<FitAnswer> CheckFit(const Model& model, const ModelEstimate& estimate, const PeakPlan& plan,
                           const Target& target, uint64_t budget);

}  // namespace wsest
