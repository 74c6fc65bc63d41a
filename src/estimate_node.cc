#include <fmt/format.h>

#include <exception>
#include <string>
#include <unordered_map>
#include <vector>

#include "ops/schemas.h"
#include "src/coverage.h"
#include "wsest/registry.h"

namespace wsest {

const EstimatorEntry* FindEstimator(const std::string& domain, const std::string& op_type, int opset) {
  // The table indexed by op type once (immutable after); each op's entries keep their table order,
  // so the first whose domain and opset range match wins, as a scan of the whole table would pick.
  static const std::unordered_map<std::string, std::vector<const EstimatorEntry*>> by_op = [] {
    std::unordered_map<std::string, std::vector<const EstimatorEntry*>> index;
    for (const auto& entry : EstimatorTable()) index[entry.op_type].push_back(&entry);
    return index;
  }();
  auto it = by_op.find(op_type);
  if (it == by_op.end()) return nullptr;
  const bool onnx_domain = IsOnnxDomain(domain);
  for (const EstimatorEntry* entry : it->second) {
    const bool domain_matches = onnx_domain ? entry->domain[0] == '\0' : domain == entry->domain;
    if (domain_matches && entry->since_version <= opset && opset <= entry->until_version) return entry;
  }
  return nullptr;
}

Result<Estimate> EstimateNode(const NodeView& node, const Target& target) {
  const EstimatorEntry* entry = FindEstimator(node.domain, node.op_type, node.opset);
  if (entry == nullptr) {
    // ORT's own domains: an op the CUDA EP has no kernel for is placed on the CPU EP when the session
    // partitions the graph (GetCapability finds no kernel), so it takes no GPU workspace. A custom
    // domain's op may come from a custom-op library with a CUDA kernel: unknown.
    const bool ort_domain = IsOnnxDomain(node.domain) || node.domain == "com.microsoft" ||
                            node.domain == "ai.onnx.ml" || node.domain == "ai.onnx.preview.training";
    // The op must exist at that opset (onnx's schemas or ops/'s rules): a misspelt op fails ORT's load.
    const bool known_op = ort_domain && ops::SchemaRegistry().GetSchema(node.op_type, node.opset, node.domain) != nullptr;
    if (known_op && !CudaEpRegisters(node.domain, node.op_type, node.opset)) {
      Estimate e("cpu_ep", Exactness::kExact);
      const std::string domain = IsOnnxDomain(node.domain) ? "" : node.domain + ".";
      e.reason = fmt::format("onnxruntime {}'s CUDA EP registers no kernel for {}{} at opset {} ({}); ORT runs "
                             "the node on the CPU EP, so it takes no GPU workspace", kEpRelease, domain,
                             node.op_type, node.opset,
                             "data/ort-1.29.0-cuda-kernels.tsv");
      return e;
    }
    return Estimate::Unknown(fmt::format("no estimator for {}{}{} at opset {}", node.domain.empty() ? "" : node.domain,
                                         node.domain.empty() ? "" : ".", node.op_type, node.opset));
  }
  if (auto declined = CudaEpDeclines(node, target)) {
    Estimate e("cpu_ep", Exactness::kExact);
    e.reason = fmt::format("onnxruntime {}'s CUDA EP {}; ORT runs the node on the CPU EP, so it takes no GPU "
                           "workspace", kEpRelease, *declined);
    return e;
  }
  if (entry->estimate == nullptr) return Estimate::NoScratch(fmt::format("{} {}", kEpRelease, entry->kernel));

  Result<Estimate> result = InvalidArgument("");
  try {
    result = entry->estimate(node, target);
  } catch (const std::exception& e) {
    // Estimators do not throw by design; a throw is a wsest bug, reported rather than crashing the host.
    return Error{ErrorCode::kInternal, fmt::format("{}: estimator failed: {}", node.Label(), e.what())};
  }
  if (!result.ok()) return result;
  if (const auto& buffer = result->overflowed_buffer()) {
    return OutOfRange(fmt::format("{}: the byte count of buffer '{}' of variant '{}' overflows 64 bits; check the "
                                  "input dims", node.Label(), *buffer, result->variant));
  }
  return result;
}

}  // namespace wsest
