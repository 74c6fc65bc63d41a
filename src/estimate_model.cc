// EstimateModel: every node of a bound model estimated (include/wsest/model.h), with ORT's CPU
// fallback applied and the summary the report and the plan read.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "src/block_threads.h"
#include "src/cpu_fallback.h"
#include "src/input_binding.h"
#include "src/current_exception.h"
#include "wsest/bytes.h"
#include "wsest/model.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

// A tensor whose every dim is known but whose byte size passes 64 bits: an error naming the node and
// the tensor, never a size that silently counts 0 (a query [2^26, 2^26, 4096] float is 2^66 B).
std::optional<Error> TensorOverflow(const NodeView& node) {
  auto overflows = [](const TensorInfo& t) {
    if (!t.present() || !t.fully_known()) return false;
    Bytes b = Bytes::FromDim(ElementSize(t.dtype));
    for (const Dim& d : t.dims) b *= Bytes::FromDim(d.value);
    return b.overflow();
  };
  for (const auto* side : {&node.inputs, &node.outputs}) {
    for (const TensorInfo& t : *side) {
      if (!overflows(t)) continue;
      std::vector<std::string> dims;
      for (const Dim& d : t.dims) dims.push_back(std::to_string(d.value));
      return OutOfRange(
          fmt::format("{}: the byte size of tensor '{}' ([{}] {}) overflows 64 bits; check the input "
                      "dims",
                      node.Label(), t.name, fmt::join(dims, ", "), DataTypeName(t.dtype)));
    }
  }
  return std::nullopt;
}

// An unknown estimate whose node reads a tensor with a lost shape names the node that lost it.
void AddLostShape(const NodeView& node, Estimate* estimate) {
  for (const TensorInfo& t : node.inputs) {
    if (t.shape_lost_at.empty()) continue;
    estimate->reason += fmt::format(" (the shape of '{}' was lost at {})", t.name, t.shape_lost_at);
    return;
  }
}

// The graph inputs whose values decide `tensor`'s (an If's condition, a Loop's trip count): those
// reached walking back through the nodes that compute it, except a Shape's or Size's input, whose
// dims alone they read. Integer and bool inputs only: what --value takes. Bounded: a hint, not a proof.
std::vector<std::string> ValueSources(const Model& model, const std::string& tensor,
                                      const std::unordered_map<std::string_view, size_t>& producer) {
  std::vector<std::string> sources;
  std::vector<std::string_view> pending{tensor};
  std::unordered_set<std::string_view> seen{tensor};
  for (size_t walked = 0; !pending.empty() && walked < 256; ++walked) {
    const std::string_view name = pending.back();
    pending.pop_back();
    auto made = producer.find(name);
    if (made == producer.end()) {
      for (const TensorInfo& in : model.inputs())
        if (in.name == name && TakesInputValues(in.dtype) && !in.int_values) sources.push_back(in.name);
      continue;
    }
    const NodeView& node = model.nodes()[made->second];
    if (node.op_type == "Shape" || node.op_type == "Size") continue;
    for (const TensorInfo& in : node.inputs)
      if (in.present() && !in.int_values && seen.insert(in.name).second) pending.push_back(in.name);
  }
  std::sort(sources.begin(), sources.end());
  return sources;
}

// An If whose branch, or a Loop whose trip count, is not known before the run names the graph
// inputs whose values would settle it (ORT reads both on the CPU: If::Compute, Loop::Compute).
void AddValueHint(const Model& model, const NodeView& node,
                  std::optional<std::unordered_map<std::string_view, size_t>>* producer, Estimate* estimate,
                  std::vector<std::string>* value_inputs) {
  if (!IsOnnxDomain(node.domain) || (node.op_type != "If" && node.op_type != "Loop")) return;
  if (estimate->exactness == Exactness::kExact || node.inputs.empty() || !node.inputs[0].present() ||
      node.inputs[0].int_values)
    return;
  if (!producer->has_value()) {
    producer->emplace();
    const auto& nodes = model.nodes();
    for (size_t i = 0; i < nodes.size(); ++i)
      for (const TensorInfo& out : nodes[i].outputs)
        if (out.present()) (**producer)[out.name] = i;
  }
  const std::vector<std::string> sources = ValueSources(model, node.inputs[0].name, **producer);
  if (sources.empty()) return;
  for (const std::string& name : sources)
    if (std::find(value_inputs->begin(), value_inputs->end(), name) == value_inputs->end())
      value_inputs->push_back(name);
  std::vector<std::string> flags;
  for (const std::string& name : sources) flags.push_back(fmt::format("--value {}=...", name));
  estimate->reason +=
      fmt::format(" ({} depends on the value of graph input{} {}: {} settles it)",
                  node.op_type == "If" ? "which branch runs" : "the trip count", sources.size() > 1 ? "s" : "",
                  fmt::format("'{}'", fmt::join(sources, "', '")), fmt::join(flags, " "));
}

// Every node's own estimate, and whether the CUDA EP takes it, on `threads` threads (the caller's
// included). Nodes are estimated independently, so blocks of them go to whichever thread is free;
// the error returned is the first node's in model order, as on one thread.
Result<bool> EstimateNodes(const std::vector<NodeView>& nodes, const Target& target, int threads,
                           std::vector<Estimate>* estimates, std::vector<bool>* cuda) {
  const size_t n = nodes.size();
  estimates->assign(n, Estimate{});
  std::vector<char> takes(n, 0);  // not vector<bool>: threads write neighbouring entries
  constexpr size_t kBlock = 256;
  std::vector<std::optional<Error>> block_error((n + kBlock - 1) / kBlock);  // what stopped each block
  const size_t stopped = ForEachBlock(n, kBlock, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      std::optional<Error> failed = TensorOverflow(nodes[i]);
      if (!failed) {
        Result<Estimate> estimate = EstimateNode(nodes[i], target);
        if (estimate.ok()) {
          (*estimates)[i] = std::move(*estimate);
          takes[i] = (*estimates)[i].variant != "cpu_ep" &&
                     FindEstimator(nodes[i].domain, nodes[i].op_type, nodes[i].opset) != nullptr;
          continue;
        }
        failed = estimate.error();
      }
      block_error[begin / kBlock] = std::move(failed);
      return false;
    }
    return true;
  });
  if (stopped < block_error.size()) return std::move(*block_error[stopped]);
  cuda->assign(takes.begin(), takes.end());
  return true;
}

}  // namespace

Result<ModelEstimate> EstimateModel(const Model& model, const Target& target, const EstimateOptions& options) try {
  ModelEstimate out;
  out.model_path = model.path();
  out.device = target.device.id;
  out.ep = fmt::format("{} {}", kEpName, kEpRelease);
  out.cudnn = CudnnVersionText(target.cudnn_version);
  const auto& nodes = model.nodes();
  std::vector<Estimate> estimates;
  std::vector<bool> cuda;
  if (auto estimated = EstimateNodes(nodes, target, options.threads, &estimates, &cuda); !estimated.ok())
    return estimated.error();
  // The nodes the CUDA EP takes that ORT's CPU fallback moves off it all the same.
  const std::vector<bool> moved = CpuPreferredNodes(model, cuda);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!moved[i]) continue;
    Estimate cpu("cpu_ep", Exactness::kExact);
    cpu.reason = fmt::format(
        "onnxruntime {} moves this shape computation to the CPU EP "
        "(core/framework/fallback_cpu_capability.cc GetCpuPreferredNodes: every input is a "
        "host tensor, a graph input or a small initializer), so it takes no GPU workspace",
        kEpRelease);
    estimates[i] = std::move(cpu);
  }
  bool first = true;
  std::optional<std::unordered_map<std::string_view, size_t>> producer;  // made for the first hint
  out.nodes.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeView& node = nodes[i];
    Estimate estimate = std::move(estimates[i]);
    auto& summary = out.summary;
    ++summary.nodes;
    if (auto bytes = estimate.workspace_bytes()) {
      ++summary.estimated;
      if (estimate.exactness == Exactness::kExact) ++summary.exact;
      if (estimate.exactness == Exactness::kUpperBound) ++summary.upper_bound;
      if (estimate.exactness == Exactness::kHeuristic) ++summary.heuristic;
      summary.exactness = first ? estimate.exactness : CombineExactness(summary.exactness, estimate.exactness);
      first = false;
      const Bytes sum = Bytes(summary.workspace_sum_bytes) + Bytes(*bytes);
      if (sum.overflow()) return OutOfRange(fmt::format("{}: the sum of workspaces overflows 64 bits", model.path()));
      summary.workspace_sum_bytes = sum.value();
      if (!summary.largest_node || *bytes > summary.workspace_max_bytes) {
        summary.workspace_max_bytes = *bytes;
        summary.largest_node = i;
      }
    } else {
      ++summary.unknown;
    }
    if (!estimate.workspace_bytes()) AddLostShape(node, &estimate);
    AddValueHint(model, node, &producer, &estimate, &out.summary.value_inputs);
    out.nodes.push_back(NodeEstimate{i, node.name, node.op_type, node.domain, std::move(estimate)});
  }
  if (out.summary.unknown > 0) out.summary.exactness = Exactness::kUnknown;
  return out;
} catch (...) {
  return CurrentExceptionAsError(model.path());
}

}  // namespace wsest
