// ORT 1.29.0's allocation plan for a CUDA session, as its sequential planner makes it
// (core/framework/allocation_planner.cc ComputeSingleStreamReusePlan, GenerateDeallocationPlan): which
// device buffers exist, which node allocates each, which node is the last to read it, and what each
// node takes as scratch. include/wsest/session_memory.h replays it through the arena.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/result.h"

namespace wsest {

enum class BufferKind {
  kPlanned,  // kAllocate: a planned activation (in the memory pattern's block from run 2)
  kOutput,   // kAllocateOutput: a graph output, handed to the caller, freed after the run
  kFeed,     // a feed's device copy, made before the first node and freed after the run
};

struct PlannedBuffer {
  uint64_t bytes = 0;
  BufferKind kind = BufferKind::kPlanned;
  size_t allocate_step = 0;  // the node that allocates it (feeds: 0, before it)
  size_t release_step = 0;   // the last node reading any value it holds (planned buffers only)
};

// One node of the run: the buffers it allocates (in output order), its scratch (freed when it
// returns), and the planned buffers it is the last reader of (released after it, in ORT's order).
struct PlanStep {
  std::vector<size_t> allocate;
  std::vector<uint64_t> scratch;
  std::vector<size_t> release;
  std::vector<Buffer> ep_buffers;  // shared EP buffers the node asks for (Estimate::ep_buffers)
};

struct AllocationPlan {
  std::vector<uint64_t> initializers;     // bytes of each initializer a device input reads
  // Then those of the If/Loop/Scan bodies, which ORT places after the main graph's, when it finalizes
  // each subgraph's session state (session_state.cc FinalizeSessionStateImpl): body by body.
  std::vector<uint64_t> body_initializers;
  // Kernels' own buffers for the session (Estimate::session_buffers): cudaMallocs outside the arena
  // (the allocator's Reserve), and those taken from the arena (GetScratchBuffer in a constructor: an
  // RNN's cached weights and dropout states).
  std::vector<uint64_t> session_buffers;
  std::vector<uint64_t> session_arena_buffers;
  std::vector<PlannedBuffer> buffers;
  std::vector<size_t> feeds;           // feed buffers, in graph input order
  std::vector<PlanStep> steps;         // one per node of the model
  size_t unsized_tensors = 0;          // device tensors of unknown size (counted 0)
  size_t unknown_workspace_nodes = 0;  // CUDA nodes whose scratch is unknown (counted 0)
};

// `model`: bound; `unbound`: the same graph with its input dims left symbolic, whose shapes are the
// static shapes ORT's planner compares (two tensors share a buffer only when their static shapes are
// identical, dim by dim, value or dim_param). `estimate`: the model's, for placement and scratch.
Result<AllocationPlan> PlanAllocations(const Model& model, const Model& unbound, const ModelEstimate& estimate);

}  // namespace wsest
