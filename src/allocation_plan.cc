#include "src/allocation_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <list>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

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

bool OnCuda(const NodeView& node, const Estimate& estimate) {
  return !IsFoldedIntoInitializer(node) && estimate.variant != "cpu_ep" &&
         FindEstimator(node.domain, node.op_type, node.opset) != nullptr;
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

  // Readers of every value, and whether a CUDA kernel reads it from device memory.
  std::unordered_map<std::string_view, size_t> last_reader;
  std::unordered_set<std::string_view> read_on_device;
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < nodes[i].inputs.size(); ++k) {
      const TensorInfo& in = nodes[i].inputs[k];
      if (!in.present()) continue;
      last_reader[in.name] = i;
      if (cuda[i] && !CudaKernelInputOnHost(nodes[i], k)) read_on_device.insert(in.name);
    }
  }
  std::unordered_set<std::string_view> graph_outputs;
  for (const auto& o : model.outputs()) graph_outputs.insert(o.name);
  std::unordered_map<std::string_view, const TensorInfo*> static_shape;
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < nodes[i].outputs.size() && k < static_nodes[i].outputs.size(); ++k)
      static_shape[nodes[i].outputs[k].name] = &static_nodes[i].outputs[k];
  auto static_of = [&](std::string_view name) -> const TensorInfo* {
    auto it = static_shape.find(name);
    return it == static_shape.end() ? nullptr : it->second;
  };
  auto bytes_of = [&](const TensorInfo& t) {
    const auto bytes = TensorBytes(t);
    if (!bytes) ++plan.unsized_tensors;
    return bytes.value_or(0);
  };

  // Session creation: each initializer (and Constant node value) a device input reads, once.
  std::unordered_set<std::string_view> seen;
  for (const auto& node : nodes) {
    for (const auto& in : node.inputs) {
      if (!in.present() || !in.is_initializer || !read_on_device.count(in.name) || !seen.insert(in.name).second)
        continue;
      const uint64_t bytes = bytes_of(in);
      if (bytes > 0) plan.initializers.push_back(bytes);
    }
  }

  std::unordered_map<std::string_view, size_t> buffer_of;
  std::vector<Owner> owners;
  auto new_buffer = [&](const TensorInfo& t, BufferKind kind, size_t step) {
    PlannedBuffer b;
    b.bytes = bytes_of(t);
    b.kind = kind;
    b.allocate_step = step;
    plan.buffers.push_back(b);
    auto reader = last_reader.find(t.name);
    owners.push_back({static_of(t.name), ElementSize(t.dtype), reader == last_reader.end() ? step : reader->second});
    buffer_of[t.name] = plan.buffers.size() - 1;
    return plan.buffers.size() - 1;
  };
  auto share = [&](std::string_view value, size_t buffer, size_t step) {
    buffer_of[value] = buffer;
    auto reader = last_reader.find(value);
    owners[buffer].last_read =
        std::max({owners[buffer].last_read, step, reader == last_reader.end() ? step : reader->second});
  };

  // Feeds a CUDA kernel reads: copied to the device before the first node (utils.cc
  // CopyOneInputAcrossDevices), kPreExisting for the plan (never reused), freed after the run.
  for (const auto& in : model.inputs()) {
    if (in.is_initializer || !read_on_device.count(in.name)) continue;
    plan.feeds.push_back(new_buffer(in, BufferKind::kFeed, 0));
  }

  // FindReusableTensor's free list: a freed buffer goes to the front, the first match is taken.
  std::list<size_t> free_list;
  std::vector<bool> released;  // per buffer: on the free list now
  for (size_t i = 0; i < n; ++i) {
    const NodeView& node = nodes[i];
    PlanStep& step = plan.steps[i];
    if (IsFoldedIntoInitializer(node)) continue;
    if (!cuda[i]) {
      // A CPU node's value a CUDA kernel reads comes through MemcpyFromHost: a device buffer.
      for (const auto& o : node.outputs) {
        if (o.present() && read_on_device.count(o.name))
          step.allocate.push_back(new_buffer(o, BufferKind::kPlanned, i));
      }
    } else {
      for (size_t k = 0; k < node.outputs.size(); ++k) {
        const TensorInfo& o = node.outputs[k];
        if (!o.present() || CudaKernelOutputOnHost(node, k)) continue;
        // A graph output: kAllocateOutput, its own buffer even where the op would alias.
        if (graph_outputs.count(o.name)) {
          step.allocate.push_back(new_buffer(o, BufferKind::kOutput, i));
          continue;
        }
        if (k == 0 && node.has_input(0)) {
          const std::string_view in = node.inputs[0].name;
          auto source = buffer_of.find(in);
          // Alias(0, 0): a view of input 0, whatever it is (of a weight or a host value: no buffer).
          if (CudaKernelAliasesInput0(node)) {
            if (source != buffer_of.end()) share(o.name, source->second, i);
            continue;
          }
          // MayInplace(0, 0): input 0's planned buffer when this node is its last reader (use count 1)
          // and the two have the same static shape and element size.
          if (CudaKernelMayInplace0(node) && source != buffer_of.end() &&
              plan.buffers[source->second].kind == BufferKind::kPlanned && owners[source->second].last_read == i &&
              std::count_if(node.inputs.begin(), node.inputs.end(),
                            [&](const TensorInfo& t) { return t.name == in; }) == 1 &&
              ElementSize(node.inputs[0].dtype) == ElementSize(o.dtype) &&
              SameStaticShape(static_of(in), static_of(o.name))) {
            share(o.name, source->second, i);
            continue;
          }
        }
        // A freed buffer whose owner has the same static shape and element size, for a value read later.
        if (last_reader.count(o.name)) {
          const TensorInfo* shape = static_of(o.name);
          auto match = std::find_if(free_list.begin(), free_list.end(), [&](size_t b) {
            return owners[b].element_size == ElementSize(o.dtype) && SameStaticShape(owners[b].static_shape, shape);
          });
          if (match != free_list.end()) {
            const size_t b = *match;
            free_list.erase(match);
            released[b] = false;  // in use again, until its new last reader
            share(o.name, b, i);
            continue;
          }
        }
        step.allocate.push_back(new_buffer(o, BufferKind::kPlanned, i));
      }
      // Scratch: the estimate's buffers on ORT's allocators, taken while the node runs.
      const Estimate& e = estimate.nodes[i].estimate;
      for (const Buffer& b : e.session_buffers) plan.session_buffers.push_back(b.bytes);
      step.ep_buffers = e.ep_buffers;
      if (!e.known()) ++plan.unknown_workspace_nodes;
      for (const Buffer& b : e.buffers)
        if (e.known() && b.allocator != Allocator::kExternal) step.scratch.push_back(b.bytes);
    }
    // Buffers this node read or wrote for the last time go on the free list, inputs first, then
    // outputs (the order ORT decrements use counts in), where later outputs may take them.
    released.resize(plan.buffers.size(), false);
    auto release = [&](std::string_view value) {
      auto it = buffer_of.find(value);
      if (it == buffer_of.end()) return;
      const size_t b = it->second;
      if (released[b] || plan.buffers[b].kind != BufferKind::kPlanned || owners[b].last_read != i) return;
      released[b] = true;
      free_list.push_front(b);
    };
    for (const auto& in : node.inputs)
      if (in.present()) release(in.name);
    for (const auto& o : node.outputs)
      if (o.present()) release(o.name);
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
