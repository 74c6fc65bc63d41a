#include "src/cpu_fallback.h"

#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "wsest/registry.h"

namespace wsest {
namespace {

// kSmallInitializerThreshold: an initializer of at most 100 elements can move to the CPU with its reader.
constexpr int64_t kSmallInitializerElements = 100;

// The input types GetCpuPreferredNodes never moves: float16, bfloat16 and the 8-bit and 4-bit floats.
bool KeepsNodeOnGpu(DataType t) {
  switch (t) {
    case DataType::kFloat16:
    case DataType::kBfloat16:
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E4M3FNUZ:
    case DataType::kFloat8E5M2:
    case DataType::kFloat8E5M2FNUZ:
    case DataType::kFloat4E2M1:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<bool> CpuPreferredNodes(const Model& model, const std::vector<bool>& cuda) {
  return CpuPreferredNodes(model.nodes(), model.inputs(), cuda);
}

std::vector<bool> CpuPreferredNodes(const std::vector<NodeView>& nodes, const std::vector<TensorInfo>& inputs,
                                    const std::vector<bool>& cuda) {
  const size_t n = nodes.size();
  std::vector<bool> moved(n, false);
  // The walk starts from the outputs CUDA kernels leave in host memory; a graph without any (most
  // networks) has nothing to move, and skips indexing its consumers.
  std::vector<std::string_view> seeds;
  for (size_t i = 0; i < n; ++i) {
    if (!cuda[i]) continue;
    for (size_t k = 0; k < nodes[i].outputs.size(); ++k) {
      const auto& o = nodes[i].outputs[k];
      if (o.present() && CudaKernelOutputOnHost(nodes[i], k)) seeds.push_back(o.name);
    }
  }
  if (seeds.empty()) return moved;
  std::unordered_map<std::string_view, std::vector<size_t>> consumers;
  for (size_t i = 0; i < n; ++i) {
    for (const auto& in : nodes[i].inputs)
      if (in.present()) consumers[in.name].push_back(i);
  }
  std::unordered_set<std::string_view> graph_inputs;
  for (const auto& in : inputs)
    if (!in.is_initializer) graph_inputs.insert(in.name);
  std::unordered_set<std::string_view> host_values;  // cpu_output_args
  // A min-heap by topological order; each node is visited once.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> candidates;
  std::vector<bool> visited(n, false);
  auto mark_host = [&](std::string_view name) {
    host_values.insert(name);
    for (size_t c : consumers[name]) candidates.push(c);
  };
  auto mark_host_outputs = [&](size_t i) {
    for (const auto& o : nodes[i].outputs)
      if (o.present()) mark_host(o.name);
  };
  for (std::string_view name : seeds) mark_host(name);
  while (!candidates.empty()) {
    const size_t i = candidates.top();
    candidates.pop();
    if (visited[i]) continue;
    visited[i] = true;
    const NodeView& node = nodes[i];
    if (!cuda[i]) {
      // Not the CUDA EP's: it runs on the CPU, so its outputs are host tensors.
      mark_host_outputs(i);
      continue;
    }
    bool to_cpu = true;
    for (size_t k = 0; k < node.inputs.size() && to_cpu; ++k) {
      const TensorInfo& in = node.inputs[k];
      if (KeepsNodeOnGpu(in.dtype)) {
        to_cpu = false;
        break;
      }
      const auto count = in.element_count();
      const bool small_initializer = in.present() && in.is_initializer && count && *count <= kSmallInitializerElements;
      const bool host = in.present() && host_values.count(in.name) != 0;
      if (!small_initializer && !(in.present() && graph_inputs.count(in.name) != 0) && !host) to_cpu = false;
      // A host tensor read through an input the CUDA kernel takes in host memory: it stays on the GPU.
      if (host && CudaKernelInputOnHost(node, k)) to_cpu = false;
    }
    if (!to_cpu) continue;
    moved[i] = true;
    mark_host_outputs(i);
  }
  return moved;
}

}  // namespace wsest
