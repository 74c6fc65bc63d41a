// The registry: (domain, op type, opset range) -> estimator function. The one table lives in
// estimators/registry.cc; this header is how callers look it up.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wsest/estimate.h"
#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest {

// An estimator returns an Estimate (possibly Unknown) or an Error for a malformed node.
using EstimatorFn = Result<Estimate> (*)(const NodeView& node, const Target& target);

struct EstimatorEntry {
  const char* domain;      // "" for ai.onnx
  const char* op_type;
  int since_version;       // inclusive, as the EP registers its kernel
  int until_version;       // inclusive; kLatestOpset when open-ended
  const char* family;      // "norm", "attention", "elementwise", ...
  EstimatorFn estimate;    // null: the kernel allocates no scratch (exact 0, `kernel` cited)
  const char* kernel;      // the ORT 1.29.0 source file of the CUDA kernel
  const char* variants;    // comma-separated kernel variants the estimator can pick
  const char* exactness;   // the labels it can return, e.g. "exact" or "exact,upper_bound"
};
constexpr int kLatestOpset = 1 << 20;

// Every entry, in table order.
const std::vector<EstimatorEntry>& EstimatorTable();
// The entry covering (domain, op_type, opset), or null.
const EstimatorEntry* FindEstimator(const std::string& domain, const std::string& op_type, int opset);

// Why ORT 1.29.0's CUDA EP GetCapability turns the node down although a CUDA kernel is registered
// for it (the node then runs on the CPU EP), or nullopt when it takes it (estimators/placement.cc).
std::optional<std::string> CudaEpDeclines(const NodeView& node, const Target& target);

// Whether ORT 1.29.0's CUDA kernel for `node` takes input `index` (or gives output `index`) in host
// memory (the kernel def's OrtMemTypeCPUInput / OrtMemTypeCPUOutput: a Reshape's shape, Shape's
// output); estimators/kernel_defs.cc.
bool CudaKernelInputOnHost(const NodeView& node, size_t index);
bool CudaKernelOutputOnHost(const NodeView& node, size_t index);
// The kernel's Alias(0, 0) (output 0 is a view of input 0) and MayInplace(0, 0) declarations
// (estimators/kernel_defs.cc), which ORT's allocation planner follows.
bool CudaKernelAliasesInput0(const NodeView& node);
bool CudaKernelMayInplace0(const NodeView& node);

// Runs the node's estimator. No entry: Unknown ("no estimator"); a node the CUDA EP has no kernel
// for or declines: cpu_ep, exact 0. An overflowed byte count: an OutOfRange error naming the node
// and the buffer. Errors from the estimator pass through.
Result<Estimate> EstimateNode(const NodeView& node, const Target& target);

}  // namespace wsest
