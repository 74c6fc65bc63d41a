// The replay behind include/wsest/session_memory.h: the allocation plan (src/allocation_plan.h) run
// through the BFC arena model (src/bfc_arena.h) in the order ORT 1.29.0 makes each request.
#include "wsest/session_memory.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "src/allocation_plan.h"
#include "src/bfc_arena.h"

namespace wsest {
namespace {

// The stream every CUDA node runs on, and the root stream the memory pattern's block is taken on
// (execution_frame.cc: AllocOnStream(peak, device_streams->GetRootStream())).
constexpr BfcArena::Stream kComputeStream = 1;
constexpr BfcArena::Stream kRootStream = 2;

// mem_pattern_planner.h and execution_frame.cc: planned sizes rounded to kAllocAlignment (256).
uint64_t Align256(uint64_t bytes) { return (bytes + 255) / 256 * 256; }

// MemPatternPlanner::TraceAllocation: each planned buffer at the offset of the live blocks' gap that
// wastes least (the tail after the last block counts when it wastes strictly less), else at the end;
// the block is as large as the highest end. Replayed over run 1's allocations and releases.
uint64_t PatternBlockBytes(const AllocationPlan& plan) {
  std::map<uint64_t, std::pair<uint64_t, size_t>> live;  // offset -> (size, buffer)
  std::vector<uint64_t> offset_of(plan.buffers.size(), 0);
  uint64_t block = 0;
  for (const PlanStep& step : plan.steps) {
    for (size_t b : step.allocate) {
      if (plan.buffers[b].kind != BufferKind::kPlanned) continue;
      const uint64_t size = Align256(plan.buffers[b].bytes);
      if (size == 0) continue;
      uint64_t best = 0, waste = UINT64_MAX, current = 0;
      bool found = false;
      for (const auto& [offset, entry] : live) {
        if (offset >= current && offset - current >= size && offset - current - size < waste) {
          best = current;
          waste = offset - current - size;
          found = true;
        }
        current = std::max(current, offset + entry.first);
      }
      if (block > current && block - current >= size && block - current - size < waste) {
        best = current;
        found = true;
      }
      if (!found) best = current;
      block = std::max(block, best + size);
      live[best] = {size, b};
      offset_of[b] = best;
    }
    for (size_t b : step.release) {
      auto it = live.find(offset_of[b]);
      if (it != live.end() && it->second.second == b) live.erase(it);
    }
  }
  return block;
}

struct Replay {
  uint64_t session = 0, first_run = 0, steady = 0;
  uint64_t peak_in_use = 0;  // requests in use at their most, to the end of run 1 (BfcArena)
  bool out_of_memory = false;
  std::string out_of_memory_at;
  std::vector<uint64_t> regions;
  std::vector<ArenaGrowth> growth;
  std::vector<uint64_t> first_run_held;       // after each node of run 1
  std::vector<std::string>* trace = nullptr;  // set: every request is written here
};

// Node labels for messages ("Conv 'c'"), each made when first asked: a replay names a node only
// where a region grows, a trace is kept or a request fails, and making all of a 10k-node graph's
// labels cost 5 M instructions a simulation, which a --max-dim search makes per judged probe.
class NodeLabels {
 public:
  explicit NodeLabels(const std::vector<NodeView>& nodes) : nodes_(nodes), labels_(nodes.size()) {}
  const std::string& operator[](size_t i) const {
    if (labels_[i].empty()) labels_[i] = nodes_[i].Label();  // a Label is never empty
    return labels_[i];
  }

 private:
  const std::vector<NodeView>& nodes_;
  mutable std::vector<std::string> labels_;
};

// Where a request comes from ("run 1: Conv 'c' (scratch)"): `what`, or node `node`'s label when
// `labels` is set, put together only when a region grows, a trace is kept or the request fails: a
// replay makes hundreds of thousands of requests, and building each one's text was three string
// allocations apiece.
struct Site {
  std::string_view run, what, suffix;
  const NodeLabels* labels = nullptr;
  size_t node = 0;
  std::string What() const {
    return (labels != nullptr ? (*labels)[node] : std::string(what)) + std::string(suffix);
  }
  std::string Text() const { return run.empty() ? What() : std::string(run) + ": " + What(); }
};

// Takes `bytes` from the arena on `stream`, noting a region it adds as growth at `site`.
std::optional<uint64_t> Take(BfcArena& arena, uint64_t bytes, BfcArena::Stream stream, const Site& site, Replay* r) {
  const size_t regions = arena.regions().size();
  auto h = arena.Allocate(bytes, stream);
  if (h && arena.regions().size() > regions) r->growth.push_back({site.Text(), bytes, arena.regions().back()});
  if (r->trace != nullptr) {
    const std::string what = site.Text();
    const BfcArena::Placement p = h ? arena.Where(*h) : BfcArena::Placement{};
    r->trace->push_back(h ? fmt::format("{}: {} B -> region {} +{} ({} B)", what, bytes, p.region, p.offset, p.size)
                          : fmt::format("{}: {} B -> out of memory", what, bytes));
  }
  return h;
}

// One run through the arena: feeds, then (from run 2) the pattern's block, then each node's outputs,
// scratch and releases; at the end outputs and feeds go back and the stream's chunks are untagged.
// The EP's shared buffers (GetConstOnes): one per name, held from the first node that asks, freed
// and taken again larger when a later node asks for more (ConstantBufferImpl::GetBuffer).
struct EpBuffers {
  std::map<std::string, std::pair<uint64_t, uint64_t>> held;  // name -> (bytes, reservation)
  bool Ask(BfcArena& arena, const Buffer& b) {
    auto it = held.find(b.name);
    if (it != held.end() && it->second.first >= b.bytes) return true;
    if (it != held.end()) {
      arena.Free(it->second.second);
      held.erase(it);
    }
    auto reserved = arena.Reserve(b.bytes);
    if (!reserved) return false;
    held[b.name] = {b.bytes, *reserved};
    return true;
  }
};

bool RunOnce(BfcArena& arena, const AllocationPlan& plan, const NodeLabels& labels,
             std::optional<uint64_t> pattern_block, EpBuffers& ep_buffers, const std::string& run, Replay* replay,
             std::string* failed_at) {
  std::vector<uint64_t> handle(plan.buffers.size(), 0);
  auto take = [&](uint64_t bytes, BfcArena::Stream stream, const Site& site) -> std::optional<uint64_t> {
    auto h = Take(arena, bytes, stream, site, replay);
    if (!h) *failed_at = site.What();
    return h;
  };
  for (size_t b : plan.feeds) {
    auto h = take(plan.buffers[b].bytes, kComputeStream, Site{run, "a feed's device copy", {}});
    if (!h) return false;
    handle[b] = *h;
  }
  uint64_t block_handle = 0;
  if (pattern_block) {
    // A block the arena cannot give is not an error: the run allocates each planned tensor on its
    // own, as run 1 does (execution_frame.cc ExecutionFrame::ExecutionFrame catches the failed
    // Alloc of the pattern's buffer and logs it at INFO).
    auto h = Take(arena, *pattern_block, kRootStream, Site{run, "the memory pattern's block", {}}, replay);
    if (h) {
      block_handle = *h;
    } else {
      pattern_block.reset();
    }
  }
  std::vector<uint64_t> scratch;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& step = plan.steps[i];
    for (size_t b : step.allocate) {
      if (pattern_block && plan.buffers[b].kind == BufferKind::kPlanned) continue;  // inside the block
      auto h = take(plan.buffers[b].bytes, kComputeStream, Site{run, {}, {}, &labels, i});
      if (!h) return false;
      handle[b] = *h;
    }
    for (const Buffer& b : step.ep_buffers) {
      if (!ep_buffers.Ask(arena, b)) {
        *failed_at = labels[i] + " (the EP's buffer " + b.name + ")";
        return false;
      }
    }
    scratch.clear();
    for (uint64_t bytes : step.scratch) {
      auto h = take(bytes, kComputeStream, Site{run, {}, " (scratch)", &labels, i});
      if (!h) return false;
      scratch.push_back(*h);
    }
    auto free = [&](uint64_t h, const char* what) {
      if (replay->trace != nullptr && h != 0) {
        const BfcArena::Placement p = arena.Where(h);
        replay->trace->push_back(
            fmt::format("{}: {}: free {} region {} +{} ({} B)", run, labels[i], what, p.region, p.offset, p.size));
      }
      arena.Free(h);
    };
    for (uint64_t h : scratch) free(h, "scratch");
    if (!pattern_block && replay->first_run_held.size() < plan.steps.size())
      replay->first_run_held.push_back(arena.held_bytes());
    for (size_t b : step.release) {
      if (!pattern_block) free(handle[b], "buffer");
    }
  }
  for (size_t b = 0; b < plan.buffers.size(); ++b) {
    if (plan.buffers[b].kind != BufferKind::kPlanned) arena.Free(handle[b]);
  }
  if (pattern_block) arena.Free(block_handle);
  arena.ReleaseStream(kComputeStream);
  return true;
}

Replay ReplaySession(const AllocationPlan& plan, const std::vector<uint64_t>& initializers,
                     const NodeLabels& labels, const ArenaSettings& settings,
                     std::optional<uint64_t> pattern_block, std::vector<std::string>* trace) {
  Replay r;
  r.trace = trace;
  BfcArena arena(settings);
  for (uint64_t bytes : initializers) {
    if (!Take(arena, bytes, BfcArena::kNoStream, Site{{}, "session creation", {}}, &r)) {
      r.out_of_memory = true;
      r.out_of_memory_at = "session creation (initializers)";
      r.session = r.first_run = r.steady = arena.held_bytes();
      return r;
    }
  }
  // Kernels are created after the initializers are in place: what their constructors take from the
  // arena (session_state.cc FinalizeSessionStateImpl: SaveInitializedTensors, then CreateKernels), then
  // their Reserves.
  for (uint64_t bytes : plan.session_arena_buffers) {
    if (!Take(arena, bytes, BfcArena::kNoStream, Site{{}, "session creation (a kernel)", {}}, &r)) {
      r.out_of_memory = true;
      r.out_of_memory_at = "session creation (a kernel's own buffer)";
      r.session = r.first_run = r.steady = arena.held_bytes();
      return r;
    }
  }
  for (uint64_t bytes : plan.session_buffers) {
    if (!arena.Reserve(bytes)) {
      r.out_of_memory = true;
      r.out_of_memory_at = "session creation (a kernel's own buffer)";
      r.session = r.first_run = r.steady = arena.held_bytes();
      return r;
    }
  }
  r.session = arena.held_bytes();
  std::string failed_at;
  EpBuffers ep_buffers;
  if (!RunOnce(arena, plan, labels, std::nullopt, ep_buffers, "run 1", &r, &failed_at)) {
    r.out_of_memory = true;
    r.out_of_memory_at = "run 1, " + failed_at;
  }
  r.first_run = arena.held_bytes();
  // Run 2's memory-pattern block is optional (a limit that cannot give it sends the run tensor by
  // tensor), so only session creation and run 1 bound the limit from below.
  r.peak_in_use = arena.peak_requested_in_use_bytes();
  // Run 2 sets the steady state (run 3 finds the root-tagged block free and takes it again).
  if (!r.out_of_memory && !RunOnce(arena, plan, labels, pattern_block, ep_buffers, "run 2", &r, &failed_at)) {
    r.out_of_memory = true;
    r.out_of_memory_at = "run 2, " + failed_at;
  }
  r.steady = arena.held_bytes();
  r.regions = arena.regions();
  return r;
}

uint64_t Sum(const std::vector<uint64_t>& v) {
  uint64_t s = 0;
  for (uint64_t x : v) s += x;
  return s;
}

HeldBytes Spread(std::vector<uint64_t> values) {
  std::sort(values.begin(), values.end());
  return {values[values.size() / 2], values.front(), values.back()};
}

}  // namespace

Result<ArenaSettings> ArenaSettingsFor(const Target& target) {
  ArenaSettings s;
  s.device_bytes = target.device.memory_bytes;
  if (auto v = target.ep.ProviderOption("arena_extend_strategy")) {
    // cuda_execution_provider_info.cc: the enum's names or its values.
    if (*v == "kNextPowerOfTwo" || *v == "0") {
      s.extend = ArenaSettings::Extend::kNextPowerOfTwo;
    } else if (*v == "kSameAsRequested" || *v == "1") {
      s.extend = ArenaSettings::Extend::kSameAsRequested;
    } else {
      return InvalidArgument(
          fmt::format("arena_extend_strategy '{}': ORT 1.29.0 takes kNextPowerOfTwo (0) or "
                      "kSameAsRequested (1)",
                      *v));
    }
  }
  if (auto v = target.ep.ProviderOption("gpu_mem_limit")) {
    char* end = nullptr;
    const unsigned long long limit = std::strtoull(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || (*v)[0] == '-') {
      return InvalidArgument(fmt::format("gpu_mem_limit '{}': ORT 1.29.0 takes a byte count", *v));
    }
    s.memory_limit = limit == 0 ? UINT64_MAX : limit;
  }
  return s;
}

HeldBytes SessionMemory::held_max() const {
  return {std::max({session.median, first_run.median, steady.median}),
          std::max({session.min, first_run.min, steady.min}), std::max({session.max, first_run.max, steady.max})};
}

Result<SessionMemory> SimulateSessionMemory(const Model& model, const ModelEstimate& estimate, const Target& target,
                                            const SessionMemoryOptions& options) {
  WSEST_ASSIGN_OR_RETURN(ArenaSettings settings, ArenaSettingsFor(target));
  // The static shapes ORT's planner compares: the graph inferred with its inputs' dims unbound.
  WSEST_ASSIGN_OR_RETURN(Model unbound, model.WithDeclaredDims());
  WSEST_ASSIGN_OR_RETURN(AllocationPlan plan, PlanAllocations(model, unbound, estimate));
  const NodeLabels labels(model.nodes());

  SessionMemory out;
  out.unknown_workspace_nodes = plan.unknown_workspace_nodes;
  out.unsized_tensors = plan.unsized_tensors;
  for (uint64_t b : plan.initializers) out.initializer_bytes += b;
  for (uint64_t b : plan.body_initializers) out.initializer_bytes += b;
  for (uint64_t b : plan.session_buffers) out.session_buffer_bytes += b;
  for (uint64_t b : plan.session_arena_buffers) out.session_buffer_bytes += b;
  // The memory pattern (session_state.cc ResolveMemoryPatternFlag): sequential execution and every
  // graph input shaped; the block is laid out from run 1.
  bool shaped_inputs = true;
  for (const auto& in : unbound.inputs())
    if (!in.is_initializer && !in.has_shape) shaped_inputs = false;
  std::optional<uint64_t> block;
  if (options.memory_pattern && shaped_inputs) {
    block = PatternBlockBytes(plan);
    out.memory_pattern_used = true;
    out.pattern_block_bytes = *block;
  }
  // The initializers' order is a hash table's and changes from process to process: replay several,
  // each a fixed shuffle, so the figures repeat from run to run of wsest. The bodies' come after.
  auto replay_orders = [&](const ArenaSettings& with, bool traced) {
    std::vector<Replay> replays;
    if (!options.initializer_order.empty()) {
      replays.push_back(ReplaySession(plan, options.initializer_order, labels, with, block,
                                      traced ? &out.trace : nullptr));
    }
    const int orders = options.initializer_order.empty() ? std::max(1, options.initializer_orders) : 0;
    for (int k = 0; k < orders; ++k) {
      std::vector<uint64_t> order = plan.initializers;
      std::mt19937_64 shuffle(0x5eed0000u + static_cast<uint64_t>(k));
      std::shuffle(order.begin(), order.end(), shuffle);
      order.insert(order.end(), plan.body_initializers.begin(), plan.body_initializers.end());
      const bool trace_this = traced && replays.empty();
      replays.push_back(ReplaySession(plan, order, labels, with, block, trace_this ? &out.trace : nullptr));
    }
    return replays;
  };
  if (!options.initializer_order.empty()) {
    // A given order (the one a shadow session logged): it must be the plan's initializers.
    std::vector<uint64_t> given = options.initializer_order, planned = plan.initializers;
    planned.insert(planned.end(), plan.body_initializers.begin(), plan.body_initializers.end());
    std::sort(given.begin(), given.end());
    std::sort(planned.begin(), planned.end());
    if (given != planned) {
      return InvalidArgument(
          fmt::format("{}: the given initializer order has {} sizes summing to {}, the plan {} "
                      "summing to {}",
                      model.path(), given.size(), Sum(given), planned.size(), Sum(planned)));
    }
  }
  if (options.device_bytes) settings.device_bytes = std::min(settings.device_bytes, *options.device_bytes);
  const std::vector<Replay> replays = replay_orders(settings, options.trace);
  std::vector<uint64_t> session, first_run, steady;
  for (const Replay& r : replays) {
    session.push_back(r.session);
    first_run.push_back(r.first_run);
    steady.push_back(r.steady);
    if (r.out_of_memory) ++out.orders_out_of_memory;
    if (r.out_of_memory && !out.out_of_memory) {
      out.out_of_memory = true;
      out.out_of_memory_at = r.out_of_memory_at;
    }
  }
  out.orders = replays.size();
  out.session = Spread(session);
  out.first_run = Spread(first_run);
  out.steady = Spread(steady);
  // The regions of the replay whose steady figure is the median.
  for (const Replay& r : replays) {
    if (r.steady == out.steady.median) {
      out.regions = r.regions;
      out.growth = r.growth;
      out.first_run_held_by_node = r.first_run_held;
      break;
    }
  }
  if (options.find_gpu_mem_limit && !out.out_of_memory) {
    // The smallest gpu_mem_limit under which no sampled order runs out (BFCArena::Extend clamps each
    // region to what the limit leaves): bisection to 1 MiB between 0 and a limit that suffices,
    // found by doubling from the most any order held (a region the device's retries shrank can
    // make that figure itself too small under a limit, which clamps instead).
    auto fits_under = [&](uint64_t limit) {
      ArenaSettings with = settings;
      with.memory_limit = limit;
      for (const Replay& r : replay_orders(with, false))
        if (r.out_of_memory) return false;
      return true;
    };
    constexpr uint64_t kStep = uint64_t{1} << 20;
    uint64_t hi = std::max<uint64_t>((out.held_max().max + kStep - 1) / kStep, 1);  // in MiB
    while (!fits_under(hi * kStep) && hi < (uint64_t{1} << 43)) hi *= 2;          // now fits
    // Does not fit: a limit below what some order has in use at once through run 1 cannot hold it, so the bisection starts there rather than at 0 (half its replays on a large
    // model).
    uint64_t in_use = 0;
    for (const Replay& r : replays) in_use = std::max(in_use, r.peak_in_use);
    uint64_t lo = in_use > 0 ? std::min((in_use - 1) / kStep, hi - 1) : 0;
    while (hi - lo > 1) {
      const uint64_t mid = lo + (hi - lo) / 2;
      (fits_under(mid * kStep) ? hi : lo) = mid;
    }
    out.gpu_mem_limit_needed = hi * kStep;
  }
  return out;
}

}  // namespace wsest
