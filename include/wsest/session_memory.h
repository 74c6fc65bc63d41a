// Device memory as ONNX Runtime 1.29.0 holds it for a CUDA session: what runs out on a GPU. ORT takes
// device memory through its BFC arena, which rounds every request, keeps every region it grows by
// until the session ends, and grows by doubling regions; its allocation planner decides which tensors
// share a buffer; from the second run a memory pattern allocates all planned activations as one
// block. SimulateSessionMemory replays a session's requests in ORT's order through a model of that
// arena (src/bfc_arena.h) and reports what the arena holds after session creation, after the first
// run and in steady state, beside the live bytes of include/wsest/plan.h.
//
// The replay (src/session_memory.cc), each step as ORT 1.29.0 does it:
// - Session creation: every initializer a CUDA kernel reads from device memory, one arena allocation
//   each, in an order ORT draws from a hash table and that varies between processes
//   (core/framework/session_state_utils.cc SaveInitializedTensors). The replay samples orders and
//   reports the median and the range.
// - Run 1: the feeds' device copies; per node in execution order its outputs as the allocation
//   planner assigns them (core/framework/allocation_planner.cc: Alias views, MayInplace, reuse of a
//   freed buffer of identical shape only), its scratch, freed when it returns, and the release of each
//   buffer after its last reader; at the end the graph outputs and feeds are freed and the stream's
//   chunks untagged (StreamAwareBFCArena::ReleaseStreamBuffers).
// - Runs 2 and later, with the memory pattern on (sequential execution, every feed shaped): the planned
//   activations as one block, laid out by best fit over 256-byte-rounded sizes (mem_pattern_planner.h),
//   allocated after the feeds; outputs and scratch still one by one. A block the arena cannot give
//   (a device or gpu_mem_limit too small for it) leaves the run allocating tensor by tensor.
// - Kernels' own buffers for the session (Estimate::session_buffers), taken when the kernels are
//   created: exact cudaMallocs outside the regions.
// Not modelled: CUDA graphs, several streams, PrePack's buffers (the NHWC convolutions under
// prefer_nhwc), and library handle workspaces (cuBLAS, cuDNN), which live outside ORT's arena and
// are reported beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest {

// OrtArenaCfg as the CUDA EP fills it (cuda_execution_provider.cc CreateCudaAllocator; the defaults
// are core/framework/bfc_arena.h's DEFAULT_* constants).
struct ArenaSettings {
  enum class Extend { kNextPowerOfTwo, kSameAsRequested };
  Extend extend = Extend::kNextPowerOfTwo;                     // arena_extend_strategy 0 / 1
  uint64_t memory_limit = UINT64_MAX;                          // gpu_mem_limit (0 also means none)
  uint64_t initial_chunk_bytes = uint64_t{1} << 20;            // DEFAULT_INITIAL_CHUNK_SIZE_BYTES
  uint64_t max_dead_bytes_per_chunk = uint64_t{128} << 20;     // DEFAULT_MAX_DEAD_BYTES_PER_CHUNK
  uint64_t max_power_of_two_extend_bytes = uint64_t{1} << 30;  // DEFAULT_MAX_POWER_OF_TWO_EXTEND_BYTES
  // The device's memory: a region cudaMalloc cannot get fails, and the arena retries it smaller.
  uint64_t device_bytes = UINT64_MAX;
};

// The arena settings `target` asks for: its provider options arena_extend_strategy and
// gpu_mem_limit, and its device's memory. Errors name a value ORT 1.29.0 would refuse.
Result<ArenaSettings> ArenaSettingsFor(const Target& target);

struct SessionMemoryOptions {
  bool memory_pattern = true;  // SessionOptions.enable_mem_pattern (ORT's default)
  int initializer_orders = 9;  // sampled orders of the initializers' allocation (odd: a true median)
  // One given order instead (the initializers' sizes as one process allocated them, e.g. read from a
  // shadow session's log): the replay of exactly that process.
  std::vector<uint64_t> initializer_order;
  // Record every arena request of the (first) replayed order in SessionMemory::trace.
  bool trace = false;
  // The memory cudaMalloc can get, when less than the device's: a budget. A region past it fails and
  // the arena retries smaller (BFCArena::Extend), as on a GPU with that much free.
  std::optional<uint64_t> device_bytes;
  // Also search the smallest gpu_mem_limit under which no sampled order runs out
  // (SessionMemory::gpu_mem_limit_needed; about 10-20 more replays per order).
  bool find_gpu_mem_limit = false;
};

// Bytes the arena holds (regions plus reservations) at one point, over the sampled initializer orders.
struct HeldBytes {
  uint64_t median = 0;  // what a typical process holds
  uint64_t min = 0;
  uint64_t max = 0;
};

// A region the arena added: where (the session's initializers, or the node whose request did not fit
// a free chunk), the request, and the region's size.
struct ArenaGrowth {
  std::string at;  // "session creation", "run 1: Conv 'conv_3'", "run 2: the memory pattern's block"
  uint64_t request_bytes = 0;
  uint64_t region_bytes = 0;
};

struct SessionMemory {
  HeldBytes session;    // after session creation: the initializers
  HeldBytes first_run;  // at the end of run 1 (held memory never falls, so also its peak)
  HeldBytes steady;     // after runs 2 and later
  bool memory_pattern_used = false;
  bool out_of_memory = false;         // a region the device cannot give even at its smallest retry
  std::string out_of_memory_at;       // the step where it ran out
  uint64_t initializer_bytes = 0;     // on the device (the requests, before the arena rounds them)
  uint64_t session_buffer_bytes = 0;  // kernels' own buffers for the session (Estimate::session_buffers)
  uint64_t pattern_block_bytes = 0;   // the memory pattern's block, when used
  std::vector<uint64_t> regions;      // the arena's regions in steady state, for the median order
  std::vector<ArenaGrowth> growth;    // how they were added, for the median order
  // Held after each node of run 1 (index as Model::nodes()), for the median order; it stops at the node
  // where run 1 ran out of memory.
  std::vector<uint64_t> first_run_held_by_node;
  size_t orders = 0;                  // initializer orders replayed
  size_t orders_out_of_memory = 0;    // of those, how many ran out
  std::optional<uint64_t> gpu_mem_limit_needed;  // SessionMemoryOptions::find_gpu_mem_limit, 1 MiB steps
  // With SessionMemoryOptions::trace: "run 1: Conv 'c': 14745600 B -> region 4 +0 (14745600 B)", ...
  std::vector<std::string> trace;
  // Counted 0 in the replay: the figures are then lower bounds.
  size_t unknown_workspace_nodes = 0;
  size_t unsized_tensors = 0;
  bool lower_bound() const { return unknown_workspace_nodes > 0 || unsized_tensors > 0; }
  // The most the session holds: the largest of the three points (steady can pass the first run when
  // the pattern's block needs a region of its own).
  HeldBytes held_max() const;
};

Result<SessionMemory> SimulateSessionMemory(const Model& model, const ModelEstimate& estimate, const Target& target,
                                            const SessionMemoryOptions& options = {});

}  // namespace wsest
