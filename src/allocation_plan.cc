#include "src/allocation_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "src/cpu_fallback.h"
#include "wsest/plan.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

// SameShape (allocation_planner.cc): identical rank and, dim by dim, the same value or the same
// non-empty dim_param in the graph's static shapes; a scalar or a shape not fully determined never
// matches.
bool SameStaticShape(const TensorInfo* a, const TensorInfo* b) {
  if (a == nullptr || b == nullptr || !a->has_shape || !b->has_shape || a->dims.empty() ||
      a->dims.size() != b->dims.size()) {
    return false;
  }
  for (size_t i = 0; i < a->dims.size(); ++i) {
    const Dim& x = a->dims[i];
    const Dim& y = b->dims[i];
    if (x.known() && y.known() && x.value == y.value) continue;
    if (!x.known() && !y.known() && !x.symbol.empty() && x.symbol == y.symbol) continue;
    return false;
  }
  return true;
}

// A hash of what SameStaticShape and an equal element size compare: buffers that match have equal
// hashes. Nullopt for a shape that matches nothing (SameStaticShape's refusals).
std::optional<uint64_t> ReuseHash(int64_t element_size, const TensorInfo* shape) {
  if (shape == nullptr || !shape->has_shape || shape->dims.empty()) return std::nullopt;
  uint64_t h = static_cast<uint64_t>(element_size) * 0x9e3779b97f4a7c15u;
  for (const Dim& d : shape->dims) {
    if (!d.known() && d.symbol.empty()) return std::nullopt;
    const uint64_t x = d.known() ? static_cast<uint64_t>(d.value) : std::hash<std::string>{}(d.symbol) ^ (1ull << 63);
    h = (h ^ x) * 0x100000001b3u + (h >> 29);
  }
  return h;
}

bool OnCuda(const NodeView& node, const Estimate& estimate) {
  return !IsFoldedIntoInitializer(node) && estimate.variant != "cpu_ep" &&
         FindEstimator(node.domain, node.op_type, node.opset) != nullptr;
}

// One body's weights (its initializers and Constants) and whether a CUDA node reads each from device
// memory, chained to the enclosing body's (null at a body of the main graph).
struct BodyScope {
  std::unordered_map<std::string_view, bool> read_on_device;
  BodyScope* outer;
};

// The weights of `body`, and of the bodies nested in it, that a CUDA node reads from device memory,
// each once: its own first, then its nested bodies', appended to `bytes`. ORT places a weight where
// its readers need it, an outer scope's included (allocation_planner.cc GeneratePlanForWeights
// follows implicit inputs into the subgraphs): Silero VAD's decoder LSTM weights are Constants of
// one branch read in a nested If's branches. A read that no body in the chain holds goes to
// `outer_reads` (a main-graph weight). A body node is the CUDA EP's as far as it has a CUDA kernel,
// less what ORT's CPU fallback of shape computations moves (cpu_fallback.h, run per graph as ORT
// partitions each subgraph): their small weights stay on the host.
void PlaceBodyWeights(const Subgraph& body, BodyScope* outer, std::vector<const TensorInfo*>* outer_reads,
                      std::vector<uint64_t>* bytes, size_t* unsized) {
  BodyScope scope{{}, outer};
  for (const TensorInfo& t : body.initializers) scope.read_on_device.emplace(t.name, false);
  std::vector<bool> cuda(body.nodes.size());
  for (size_t i = 0; i < body.nodes.size(); ++i) {
    const NodeView& node = body.nodes[i];
    cuda[i] = !IsFoldedIntoInitializer(node) && FindEstimator(node.domain, node.op_type, node.opset) != nullptr;
  }
  const std::vector<bool> moved = CpuPreferredNodes(body.nodes, body.inputs, cuda);
  for (size_t i = 0; i < body.nodes.size(); ++i) {
    if (!cuda[i] || moved[i]) continue;
    const NodeView& node = body.nodes[i];
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      if (!node.inputs[k].present() || CudaKernelInputOnHost(node, k)) continue;
      bool* read = nullptr;  // the innermost scope's entry for the name: bodies may reuse an outer name
      for (BodyScope* s = &scope; s != nullptr && read == nullptr; s = s->outer) {
        auto it = s->read_on_device.find(node.inputs[k].name);
        if (it != s->read_on_device.end()) read = &it->second;
      }
      if (read != nullptr)
        *read = true;
      else
        outer_reads->push_back(&node.inputs[k]);
    }
  }
  // Nested bodies mark this body's weights too: they are walked before its weights are counted.
  std::vector<uint64_t> nested;
  for (const NodeView& node : body.nodes)
    for (const Subgraph& inner : node.subgraphs) PlaceBodyWeights(inner, &scope, outer_reads, &nested, unsized);
  for (const TensorInfo& t : body.initializers) {
    auto it = scope.read_on_device.find(t.name);
    if (!it->second) continue;
    it->second = false;  // once
    const auto b = TensorBytes(t);
    if (!b) ++*unsized;
    if (b.value_or(0) > 0) bytes->push_back(*b);
  }
  bytes->insert(bytes->end(), nested.begin(), nested.end());
}

// A buffer while planning: the value that owns it (its static shape is what reuse compares) and
// the last node reading any value it holds so far.
struct Owner {
  const TensorInfo* static_shape = nullptr;
  int64_t element_size = 0;
  size_t last_read = 0;
};

}  // namespace

Result<AllocationPlan> PlanAllocations(const Model& model, const Model& unbound, const ModelEstimate& estimate) {
  const auto& nodes = model.nodes();
  const auto& static_nodes = unbound.nodes();
  const size_t n = nodes.size();
  if (static_nodes.size() != n || estimate.nodes.size() != n) {
    return Error{ErrorCode::kInternal, fmt::format("{}: {} nodes bound, {} unbound, {} estimated", model.path(), n,
                                                   static_nodes.size(), estimate.nodes.size())};
  }
  AllocationPlan plan;
  plan.steps.resize(n);
  std::vector<bool> cuda(n);
  for (size_t i = 0; i < n; ++i) cuda[i] = OnCuda(nodes[i], estimate.nodes[i].estimate);

  // Every table below is by tensor id (Model::TensorIds): a 10k-node graph spent 120 M instructions
  // hashing names here.
  const TensorIds& ids = model.tensor_ids();
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  // Readers of every value, and whether a CUDA kernel reads it from device memory.
  std::vector<size_t> last_reader(ids.count, kNone);
  std::vector<char> read_on_device(ids.count, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < nodes[i].inputs.size(); ++k) {
      const int32_t id = ids.input(i, k);
      if (id < 0) continue;
      last_reader[static_cast<size_t>(id)] = i;
      if (cuda[i] && !CudaKernelInputOnHost(nodes[i], k)) read_on_device[static_cast<size_t>(id)] = 1;
    }
  }
  auto on_device = [&](int32_t id) { return id >= 0 && read_on_device[static_cast<size_t>(id)] != 0; };
  std::vector<char> graph_output(ids.count, 0);
  for (int32_t id : ids.graph_outputs)
    if (id >= 0) graph_output[static_cast<size_t>(id)] = 1;
  std::vector<const TensorInfo*> static_shape(ids.count, nullptr);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < nodes[i].outputs.size() && k < static_nodes[i].outputs.size(); ++k) {
      const int32_t id = ids.output(i, k);
      if (id >= 0) static_shape[static_cast<size_t>(id)] = &static_nodes[i].outputs[k];
    }
  }
  auto static_of = [&](int32_t id) { return static_shape[static_cast<size_t>(id)]; };
  auto bytes_of = [&](const TensorInfo& t) {
    const auto bytes = TensorBytes(t);
    if (!bytes) ++plan.unsized_tensors;
    return bytes.value_or(0);
  };

  // Session creation: each initializer (and Constant node value) a device input reads, once.
  std::vector<char> seen(ids.count, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < nodes[i].inputs.size(); ++k) {
      const TensorInfo& in = nodes[i].inputs[k];
      const int32_t id = ids.input(i, k);
      if (!in.present() || !in.is_initializer || !on_device(id) || seen[static_cast<size_t>(id)]) continue;
      seen[static_cast<size_t>(id)] = 1;
      const uint64_t bytes = bytes_of(in);
      if (bytes > 0) plan.initializers.push_back(bytes);
    }
  }
  // The bodies' weights, and the main graph's that only a body reads, as ORT places them.
  std::unordered_set<std::string_view> placed;  // main-graph weights counted
  for (size_t i = 0; i < n; ++i)
    for (const TensorInfo& in : nodes[i].inputs)
      if (in.present() && in.is_initializer) placed.insert(in.name);
  for (const NodeView& node : nodes) {
    for (const Subgraph& body : node.subgraphs) {
      std::vector<const TensorInfo*> outer_reads;
      PlaceBodyWeights(body, nullptr, &outer_reads, &plan.body_initializers, &plan.unsized_tensors);
      for (const TensorInfo* t : outer_reads) {
        if (!t->is_initializer || !placed.insert(t->name).second) continue;
        const uint64_t bytes = bytes_of(*t);
        if (bytes > 0) plan.initializers.push_back(bytes);
      }
    }
  }

  std::vector<size_t> buffer_of(ids.count, kNone);
  std::vector<Owner> owners;
  auto new_buffer = [&](const TensorInfo& t, int32_t id, BufferKind kind, size_t step) {
    PlannedBuffer b;
    b.bytes = bytes_of(t);
    b.kind = kind;
    b.allocate_step = step;
    plan.buffers.push_back(b);
    const size_t reader = last_reader[static_cast<size_t>(id)];
    owners.push_back({static_of(id), ElementSize(t.dtype), reader == kNone ? step : reader});
    buffer_of[static_cast<size_t>(id)] = plan.buffers.size() - 1;
    return plan.buffers.size() - 1;
  };
  auto share = [&](int32_t id, size_t buffer, size_t step) {
    buffer_of[static_cast<size_t>(id)] = buffer;
    const size_t reader = last_reader[static_cast<size_t>(id)];
    owners[buffer].last_read = std::max({owners[buffer].last_read, step, reader == kNone ? step : reader});
  };

  // Feeds a CUDA kernel reads: copied to the device before the first node (utils.cc
  // CopyOneInputAcrossDevices), kPreExisting for the plan (never reused), freed after the run.
  for (size_t k = 0; k < model.inputs().size(); ++k) {
    const TensorInfo& in = model.inputs()[k];
    if (in.is_initializer || !on_device(ids.graph_inputs[k])) continue;
    plan.feeds.push_back(new_buffer(in, ids.graph_inputs[k], BufferKind::kFeed, 0));
  }

  // FindReusableTensor's free list: a freed buffer goes to the front, the first match is taken.
  // Buffers that match share a ReuseHash, so the first match is the buffer freed last among those
  // with the request's hash that match it: one list per hash, searched from its newest end, gives
  // it without walking every freed buffer (most of a plan's cost on a 10k-node transformer, which
  // a --max-dim search plans per probe).
  std::unordered_map<uint64_t, std::vector<size_t>> free_by_hash;
  std::vector<std::optional<uint64_t>> owner_hash;  // per buffer
  std::vector<bool> released;                       // per buffer: on the free list now
  for (size_t i = 0; i < n; ++i) {
    const NodeView& node = nodes[i];
    PlanStep& step = plan.steps[i];
    if (IsFoldedIntoInitializer(node)) continue;
    if (!cuda[i]) {
      // A CPU node's value a CUDA kernel reads comes through MemcpyFromHost: a device buffer.
      for (size_t k = 0; k < node.outputs.size(); ++k) {
        if (node.outputs[k].present() && on_device(ids.output(i, k)))
          step.allocate.push_back(new_buffer(node.outputs[k], ids.output(i, k), BufferKind::kPlanned, i));
      }
    } else {
      for (size_t k = 0; k < node.outputs.size(); ++k) {
        const TensorInfo& o = node.outputs[k];
        if (!o.present() || CudaKernelOutputOnHost(node, k)) continue;
        const int32_t id = ids.output(i, k);
        // A graph output: kAllocateOutput, its own buffer even where the op would alias.
        if (graph_output[static_cast<size_t>(id)]) {
          step.allocate.push_back(new_buffer(o, id, BufferKind::kOutput, i));
          continue;
        }
        if (k == 0 && node.has_input(0)) {
          const int32_t in = ids.input(i, 0);
          const size_t source = buffer_of[static_cast<size_t>(in)];
          // Alias(0, 0): a view of input 0, whatever it is (of a weight or a host value: no buffer).
          if (CudaKernelAliasesInput0(node)) {
            if (source != kNone) share(id, source, i);
            continue;
          }
          // MayInplace(0, 0): input 0's planned buffer when this node is its last reader (use count 1)
          // and the two have the same static shape and element size.
          if (CudaKernelMayInplace0(node) && source != kNone && plan.buffers[source].kind == BufferKind::kPlanned &&
              owners[source].last_read == i &&
              std::count(ids.input_ids.begin() + ids.input_begin[i], ids.input_ids.begin() + ids.input_begin[i + 1],
                         in) == 1 &&
              ElementSize(node.inputs[0].dtype) == ElementSize(o.dtype) &&
              SameStaticShape(static_of(in), static_of(id))) {
            share(id, source, i);
            continue;
          }
        }
        // A freed buffer whose owner has the same static shape and element size, for a value read later.
        if (last_reader[static_cast<size_t>(id)] != kNone) {
          const TensorInfo* shape = static_of(id);
          const std::optional<uint64_t> hash = ReuseHash(ElementSize(o.dtype), shape);
          auto freed = hash ? free_by_hash.find(*hash) : free_by_hash.end();
          if (freed != free_by_hash.end()) {
            std::vector<size_t>& list = freed->second;
            auto match = std::find_if(list.rbegin(), list.rend(), [&](size_t b) {
              return owners[b].element_size == ElementSize(o.dtype) && SameStaticShape(owners[b].static_shape, shape);
            });
            if (match != list.rend()) {
              const size_t b = *match;
              list.erase(std::next(match).base());
              released[b] = false;  // in use again, until its new last reader
              share(id, b, i);
              continue;
            }
          }
        }
        step.allocate.push_back(new_buffer(o, id, BufferKind::kPlanned, i));
      }
      // Scratch: the estimate's buffers on ORT's allocators, taken while the node runs.
      const Estimate& e = estimate.nodes[i].estimate;
      // GetScratchBuffer(0) allocates nothing (cuda_kernel.h).
      for (const Buffer& b : e.session_buffers)
        if (b.bytes > 0)
          (b.allocator == Allocator::kExternal ? plan.session_buffers : plan.session_arena_buffers).push_back(b.bytes);
      step.ep_buffers = e.ep_buffers;
      if (!e.known()) ++plan.unknown_workspace_nodes;
      for (const Buffer& b : e.buffers)
        if (e.known() && b.allocator != Allocator::kExternal) step.scratch.push_back(b.bytes);
    }
    // Buffers this node read or wrote for the last time go on the free list, inputs first, then
    // outputs (the order ORT decrements use counts in), where later outputs may take them.
    released.resize(plan.buffers.size(), false);
    auto release = [&](int32_t id) {
      if (id < 0 || buffer_of[static_cast<size_t>(id)] == kNone) return;
      const size_t b = buffer_of[static_cast<size_t>(id)];
      if (released[b] || plan.buffers[b].kind != BufferKind::kPlanned || owners[b].last_read != i) return;
      released[b] = true;
      while (owner_hash.size() <= b) {
        const Owner& owner = owners[owner_hash.size()];
        owner_hash.push_back(ReuseHash(owner.element_size, owner.static_shape));
      }
      if (owner_hash[b]) free_by_hash[*owner_hash[b]].push_back(b);
    };
    for (size_t k = 0; k < node.inputs.size(); ++k) release(ids.input(i, k));
    for (size_t k = 0; k < node.outputs.size(); ++k) release(ids.output(i, k));
  }
  // At run time a buffer goes back only after the last reader of every value that shared it
  // (GenerateDeallocationPlan), whatever the planner reused it for on the way.
  for (size_t b = 0; b < plan.buffers.size(); ++b) {
    if (plan.buffers[b].kind != BufferKind::kPlanned) continue;
    plan.buffers[b].release_step = owners[b].last_read;
    plan.steps[owners[b].last_read].release.push_back(b);
  }
  return plan;
}

}  // namespace wsest
