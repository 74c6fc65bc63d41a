// Softmax and LogSoftmax on the CUDA EP. One kernel class (math/softmax.cc Softmax<T>) serves both
// ops at opsets 1-10, 11-12 and 13+ for float, double, MLFloat16 and BFloat16. From opset 13 the axis
// means one dimension rather than "flatten from here"; when that dimension is not the innermost one the
// kernel transposes the input into a temporary, runs the softmax there and transposes back, taking both
// temporaries from the kernel context's temp-space allocator (OpKernelContext::GetTempSpaceAllocator,
// Tensor::Create). SoftMaxComputeHelper itself launches the warp-wise or block-wise kernel with no buffer.
#include <string>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kSoftmaxSource = "onnxruntime 1.29.0 core/providers/cuda/math/softmax.cc Softmax<T>::ComputeInternal";

bool IsRegisteredType(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kBfloat16;
}

// Input 0 of a softmax node and the axis the kernel reads.
struct SoftmaxDims {
  const TensorInfo* x = nullptr;
  int64_t rank = 0;
  int64_t axis = 0;         // normalized
  int kernel_opset = 0;     // the registration the node binds to: 1, 11 or 13
};

Result<SoftmaxDims> ParseSoftmaxDims(const NodeView& node) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  SoftmaxDims d;
  d.x = node.input(0);
  d.rank = d.x->rank();
  d.kernel_opset = node.opset >= 13 ? 13 : (node.opset >= 11 ? 11 : 1);
  // SoftmaxCore: axis defaults to 1 before opset 13 and to -1 from it.
  const int64_t axis = node.GetInt("axis", d.kernel_opset >= 13 ? -1 : 1);
  if (d.rank >= 0) {
    // HandleNegativeAxis enforces -rank <= axis < rank (a scalar has no axis to take).
    if (d.rank == 0 || axis < -d.rank || axis >= d.rank) {
      return InvalidArgument(node.Label() + ": axis " + std::to_string(axis) + " is out of range for rank " +
                             std::to_string(d.rank));
    }
    d.axis = axis < 0 ? axis + d.rank : axis;
  }
  return d;
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/math/softmax.cc Softmax<T>::ComputeInternal.
Result<Estimate> EstimateSoftmax(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(SoftmaxDims d, ParseSoftmaxDims(node));
  if (d.rank < 0) return Estimate::Unknown(node.Label() + ": input 0 has no shape; the axis position is needed");
  if (!IsRegisteredType(d.x->dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                             DataTypeName(d.x->dtype) + " (float, double, float16, bfloat16 only)");
  }
  // "special case when there is a dim value of 0 in the shape": return before anything else.
  for (const Dim& dim : d.x->dims) {
    if (dim.known() && dim.value == 0) {
      Estimate e{"empty", Exactness::kExact};
      e.reason = std::string("no scratch: the input is empty, ") + kSoftmaxSource + " returns at once";
      return e;
    }
  }
  // softmax.cc: `if (opset_ >= 13 && axis != (rank - 1)) is_transpose_required = true;`
  const bool is_transpose_required = d.kernel_opset >= 13 && d.axis != d.rank - 1;
  if (!is_transpose_required) {
    Estimate e{"direct", Exactness::kExact};
    e.candidates.push_back({"transposed", d.kernel_opset >= 13 ? "the axis is the innermost dim"
                                                               : "opset < 13 flattens from the axis, no transpose",
                            std::nullopt});
    e.reason = std::string("no scratch: ") + kSoftmaxSource + " runs on the node's input and output";
    return e;
  }
  Bytes input_bytes(static_cast<uint64_t>(ElementSize(d.x->dtype)));
  for (size_t i = 0; i < d.x->dims.size(); ++i) {
    const Dim& dim = d.x->dims[i];
    if (!dim.known()) {
      return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(i) + " '" +
                               (dim.symbol.empty() ? "?" : dim.symbol) +
                               "' is symbolic; the transposed copies are input-sized");
    }
    input_bytes = input_bytes * dim.value;
  }
  Estimate e{"transposed", Exactness::kExact};
  e.candidates.push_back({"direct", "opset >= 13 and the axis is not the innermost dim", std::nullopt});
  // temp_input: Tensor::Create(X dtype, transposed dims, temp-space alloc), the input with axis and last swapped.
  e.Add("transposed_input", input_bytes, kSoftmaxSource, Allocator::kTempSpace);
  // intermediate_output: Tensor::Create(Y dtype, transposed dims, temp-space alloc); Y has X's dtype.
  e.Add("intermediate_output", input_bytes, kSoftmaxSource, Allocator::kTempSpace);
  return e;
}

}  // namespace wsest::estimators
