// What ORT 1.29.0's CUDA kernel definitions (KernelDefBuilder) declare about memory, which the
// session's placement and allocation planner read:
// - InputMemoryType(OrtMemTypeCPUInput, i) / OutputMemoryType(OrtMemTypeCPUOutput, i): inputs and
//   outputs in host memory. A host input (a Reshape's shape, a Slice's starts) is never copied to the
//   device; a host output (Shape's) is where ORT's CPU fallback starts (core/framework/
//   fallback_cpu_capability.cc GetCpuPreferredNodes).
// - Alias(0, 0): the output is a view of input 0 (core/framework/allocation_planner.cc reuses its
//   buffer whatever it is). MayInplace(0, 0): the output may take input 0's buffer when that input is
//   read for the last time and has the same shape.
// Each entry names the kernel file that declares it.
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wsest/registry.h"

namespace wsest {
namespace {

struct HostInputs {
  int since_opset;          // the kernel version from which the inputs are declared host-side
  std::set<size_t> inputs;  // their indices
};

// What one op's kernel definitions declare, found with one hash lookup: the planner asks per input
// of every node, and a --max-dim search plans every probe (a 10k-node graph asked 26k times a plan,
// at about 460 instructions an ask through the ordered tables this replaced; callgrind).
struct KernelMemory {
  std::vector<HostInputs> host_inputs;
  bool aliases_input0 = false;
  bool may_inplace0 = false;
};
using KernelTable = std::unordered_map<std::string_view, KernelMemory>;

// The table for ai.onnx ops (onnx = true) or com.microsoft's.
const KernelTable& Kernels(bool onnx) {
  static const std::array<KernelTable, 2> tables = [] {
    std::array<KernelTable, 2> t;  // [0] com.microsoft, [1] ai.onnx
    KernelTable& ai = t[1];
    const std::pair<const char*, HostInputs> host[] = {
        {"Reshape", {5, {1}}},                   // tensor/reshape.cc: the shape
        {"Expand", {8, {1}}},                    // tensor/expand.cc: the shape
        {"Tile", {6, {1}}},                      // tensor/tile.cc: repeats
        {"Slice", {10, {1, 2, 3, 4}}},           // tensor/slice.cc: starts, ends, axes, steps
        {"Squeeze", {13, {1}}},                  // tensor/squeeze.cc: axes
        {"Unsqueeze", {13, {1}}},                // tensor/unsqueeze.cc: axes
        {"Pad", {11, {1, 2, 3}}},                // tensor/pad.cc: pads, constant_value, axes
        {"Resize", {10, {1, 2, 3}}},             // tensor/resize.cc: roi, scales, sizes
        {"Upsample", {9, {1}}},                  // tensor/upsample.cc: scales
        {"TopK", {10, {1}}},                     // math/topk.cc: K
        {"ConstantOfShape", {9, {0}}},           // generator/constant_of_shape.cc: the shape
        {"Range", {11, {0, 1, 2}}},              // generator/range.cc: start, limit, delta
        {"Split", {13, {1}}},                    // tensor/split.cc: split
        {"OneHot", {11, {1}}},                   // tensor/onehot.cc: depth
        {"CumSum", {11, {1}}},                   // math/cumsum.cc: axis
        {"NonMaxSuppression", {10, {2, 3, 4}}},  // object_detection/non_max_suppression.cc: the thresholds
        {"Trilu", {14, {1}}},                    // tensor/trilu.cc: k
        {"Dropout", {12, {1, 2}}},               // nn/dropout.cc: ratio, training_mode
        {"If", {1, {0}}},                        // controlflow/if.cc: cond
        {"Loop", {1, {0, 1}}},                   // controlflow/loop.cc: the trip count and cond
        // Not Clip: older math/clip.cc took min and max on the host, but the 1.29.0 binary copies a
        // Clip-11's min and max initializers to the device (the shadow device's log for PaddleOCR's
        // ch_PP-OCRv4_det, 24 Clips: 48 more 4-byte host-to-device copies at session creation).
    };
    for (const auto& [op, inputs] : host) ai[op].host_inputs.push_back(inputs);
    // tensor/reshape.cc, squeeze.cc, unsqueeze.cc, flatten.cc, identity_op.cc (Identity and
    // Dropout's output 0).
    for (const char* op : {"Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity", "Dropout"})
      ai[op].aliases_input0 = true;
    // activation/activations.cc (the ACTIVATION_OP kernels), math/unary_elementwise_ops.cc Shrink,
    // tensor/scatter_nd.cc, tensor/trilu.cc; contrib_ops/cuda/activation/activations.cc, registered
    // for both domains.
    for (const char* op : {"Elu", "HardSigmoid", "HardSwish", "LeakyRelu", "Relu", "Selu", "Sigmoid", "Softplus",
                           "Softsign", "Tanh", "ThresholdedRelu", "Shrink", "ScatterND", "Trilu"})
      ai[op].may_inplace0 = true;
    for (const char* op : {"Affine", "ParametricSoftplus", "ScaledTanh", "Gelu", "QuickGelu"})
      ai[op].may_inplace0 = t[0][op].may_inplace0 = true;
    return t;
  }();
  return tables[onnx ? 1 : 0];
}

const KernelMemory* KernelOf(const NodeView& node) {
  const bool onnx = IsOnnxDomain(node.domain);
  if (!onnx && node.domain != "com.microsoft") return nullptr;
  const KernelTable& table = Kernels(onnx);
  auto it = table.find(node.op_type);
  return it == table.end() ? nullptr : &it->second;
}

bool ReduceWithAxesInput(const NodeView& node) {
  // reduction/reduction_ops.cc: axes as input 1, host-side (ReduceSum from 13, the others from 18).
  if (node.op_type.rfind("Reduce", 0) != 0) return false;
  return node.op_type == "ReduceSum" ? node.opset >= 13 : node.opset >= 18;
}

}  // namespace

bool CudaKernelInputOnHost(const NodeView& node, size_t index) {
  if (node.domain == "com.microsoft") {
    // bert/group_query_attention.cc: total_sequence_length; bert/multihead_attention.cc:
    // past_sequence_length.
    if (node.op_type == "GroupQueryAttention") return index == 6;
    if (node.op_type == "MultiHeadAttention") return index == 8;
    return false;
  }
  if (!IsOnnxDomain(node.domain)) return false;
  if (index == 1 && ReduceWithAxesInput(node)) return true;
  const KernelMemory* kernel = KernelOf(node);
  if (kernel == nullptr) return false;
  for (const HostInputs& h : kernel->host_inputs)
    if (node.opset >= h.since_opset && h.inputs.count(index) != 0) return true;
  return false;
}

bool CudaKernelOutputOnHost(const NodeView& node, size_t index) {
  // tensor/shape_op.cc and size.cc declare their one output OrtMemTypeCPUOutput.
  return IsOnnxDomain(node.domain) && index == 0 && (node.op_type == "Shape" || node.op_type == "Size");
}

bool CudaKernelAliasesInput0(const NodeView& node) {
  if (!IsOnnxDomain(node.domain)) return false;
  const KernelMemory* kernel = KernelOf(node);
  return kernel != nullptr && kernel->aliases_input0;
}

bool CudaKernelMayInplace0(const NodeView& node) {
  const KernelMemory* kernel = KernelOf(node);
  return kernel != nullptr && kernel->may_inplace0;
}

}  // namespace wsest
