// Reduce* and ArgMax/ArgMin on the CUDA EP: core/providers/cuda/reduction/reduction_ops.cc, ORT 1.29.0.
// The float/half/bfloat16/double kernels run ReduceComputeCore: a fast matrix path (no cuDNN) for
// ReduceSum/Mean/LogSum/SumSquare over leading or trailing contiguous axes, ArgMax/ArgMin over the
// last axis in a kernel of their own, else cudnnReduceTensor, whose workspace and indices sizes only
// cuDNN knows (live, or a record; otherwise Unknown with the kernel's other buffers listed). The
// integer kernels run SPECIALIZED_REDUCEKERNEL_COMPUTEIMPL (double copies in and out around cuDNN).
//
// What the 1.29.0 binary allocates was measured through the shadow device (calibrate/shadow): the
// cuDNN workspace and indices buffers take exactly the bytes cuDNN answers, the integer path's copies
// are doubles, and the last-axis arg kernel (arg_min_max_last_axis_kernel) takes no buffer. Sources
// of other dates differ on all three.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "wsest/live.h"

namespace wsest::estimators {
namespace {

constexpr const char* kCoreSource = "onnxruntime 1.29.0 core/providers/cuda/reduction/reduction_ops.cc ReduceComputeCore";
constexpr const char* kIntSource =
    "onnxruntime 1.29.0 core/providers/cuda/reduction/reduction_ops.cc SPECIALIZED_REDUCEKERNEL_COMPUTEIMPL";
constexpr const char* kColumnsSource =
    "onnxruntime 1.29.0 core/providers/cuda/reduction/reduction_functions.cu "
    "compute_reduce_matrix_columns_intermediate_buffer_size";

// How each op drives ReduceComputeCore (reduction_ops.h class constructors).
struct ReduceOp {
  const char* op_type;
  const char* cudnn_op;  // cudnnReduceTensorOp_t
  bool calculate_log = false;
  bool calculate_sqt = false;
  bool log_sum_exp = false;
  bool fast_reduction = false;
  bool arg = false;  // ArgMax/ArgMin: ReduceKernel<false>, CUDNN_REDUCE_TENSOR_FLATTENED_INDICES
  int axes_input_since = 18;  // opset from which axes are input 1
};
constexpr ReduceOp kReduceOps[] = {
    {"ReduceSum", "add", false, false, false, true, false, 13},
    {"ReduceMean", "avg", false, false, false, true, false, 18},
    {"ReduceLogSum", "add", true, false, false, true, false, 18},
    {"ReduceSumSquare", "add", false, true, false, true, false, 18},
    {"ReduceLogSumExp", "add", false, false, true, false, false, 18},
    {"ReduceMax", "max", false, false, false, false, false, 18},
    {"ReduceMin", "min", false, false, false, false, false, 18},
    {"ReduceProd", "mul", false, false, false, false, false, 18},
    {"ReduceL1", "norm1", false, false, false, false, false, 18},
    {"ReduceL2", "norm2", false, false, false, false, false, 18},
    {"ArgMax", "max", false, false, false, false, true, 1 << 20},
    {"ArgMin", "min", false, false, false, false, true, 1 << 20},
};

const ReduceOp* FindOp(const std::string& op_type) {
  for (const ReduceOp& op : kReduceOps) {
    if (op_type == op.op_type) return &op;
  }
  return nullptr;
}

// Element types registered in reduction_ops.cc (REGISTER_KERNEL_* lines) per op.
bool IsRegistered(const ReduceOp& op, DataType t) {
  const std::string name = op.op_type;
  if (t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16) return true;
  if (op.arg) return false;
  if (t == DataType::kBfloat16) {
    return name != "ReduceMax" && name != "ReduceMin";
  }
  if (t == DataType::kInt32) {
    return name == "ReduceMax" || name == "ReduceMean" || name == "ReduceMin" || name == "ReduceProd" ||
           name == "ReduceSum" || name == "ReduceL1" || name == "ReduceL2";
  }
  if (t == DataType::kInt64) return name == "ReduceMax" || name == "ReduceMin" || name == "ReduceSum";
  if (t == DataType::kInt8 || t == DataType::kUint8) return name == "ReduceMax" || name == "ReduceMin";
  return false;
}

bool IsIntegerPath(DataType t) {
  return t == DataType::kInt32 || t == DataType::kInt64 || t == DataType::kInt8 || t == DataType::kUint8;
}

// reduction_functions.h AccumulationType_t: half and bfloat16 accumulate in float.
int64_t AccumulationSize(DataType t) { return t == DataType::kDouble ? 8 : 4; }

// The integer kernels convert to double around cuDNN: the 1.29.0 binary allocates 8 bytes per
// element for both copies (measured on the shadow device: ReduceMax int32 [32, 512, 64] over axis 1
// takes 8 * 1048576 and 8 * 2048 bytes besides cuDNN's two buffers).
constexpr int64_t kIntegerPathElement = 8;

enum class Matrix { kNone, kRows, kColumns };

// reduction_functions.cc get_applicable_matrix_reduction: drop dims of 1, require contiguous axes
// (gaps of 1s allowed) touching the first or last dim; m, n must fit in int.
Matrix ApplicableMatrix(const std::vector<int64_t>& dims, const std::vector<int64_t>& axes, int64_t& m, int64_t& n) {
  const int64_t rank = static_cast<int64_t>(dims.size());
  std::set<int64_t> axis_set(axes.begin(), axes.end());
  std::vector<int64_t> new_dims, new_axes;
  for (int64_t i = 0; i < rank; ++i) {
    if (dims[static_cast<size_t>(i)] == 1) continue;
    if (axis_set.count(i) != 0) new_axes.push_back(static_cast<int64_t>(new_dims.size()));
    new_dims.push_back(dims[static_cast<size_t>(i)]);
  }
  if (!axes.empty() && new_axes.empty()) {
    new_axes.push_back(static_cast<int64_t>(new_dims.size()));
    new_dims.push_back(1);
  }
  if (!dims.empty() && new_dims.empty()) new_dims.push_back(1);
  const int64_t new_rank = static_cast<int64_t>(new_dims.size());
  // GetMinAndMaxContiguousAxes: empty axes reduce everything.
  int64_t min_axis = 0, max_axis = new_rank - 1;
  if (!new_axes.empty()) {
    std::vector<int64_t> sorted = new_axes;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i - 1] + 1 == sorted[i]) continue;
      for (int64_t d = sorted[i - 1] + 1; d < sorted[i]; ++d) {
        if (new_dims[static_cast<size_t>(d)] != 1) return Matrix::kNone;
      }
    }
    min_axis = sorted.front();
    while (min_axis > 0 && new_dims[static_cast<size_t>(min_axis - 1)] == 1) --min_axis;
    max_axis = sorted.back();
    while (max_axis + 1 < new_rank && new_dims[static_cast<size_t>(max_axis + 1)] == 1) ++max_axis;
  }
  const bool from_beginning = min_axis == 0;
  const bool to_end = max_axis == new_rank - 1;
  if (!from_beginning && !to_end) return Matrix::kNone;
  const int64_t m_end = from_beginning ? max_axis + 1 : min_axis;
  m = 1;
  n = 1;
  for (int64_t i = 0; i < new_rank; ++i) {
    const int64_t d = new_dims[static_cast<size_t>(i)];
    if (i < m_end) {
      m = (m > (int64_t{1} << 40) || d > (int64_t{1} << 40)) ? (int64_t{1} << 62) : m * d;
    } else {
      n = (n > (int64_t{1} << 40) || d > (int64_t{1} << 40)) ? (int64_t{1} << 62) : n * d;
    }
  }
  constexpr int64_t kIntMax = 2147483647;
  if (m > kIntMax || n > kIntMax) return Matrix::kNone;
  return from_beginning ? Matrix::kRows : Matrix::kColumns;
}

// compute_reduce_matrix_columns_intermediate_buffer_size (reduction_functions.cu): block dims
// x = 32, y = min(8, max(1, n / (4 * 32))); grid x = min(256, max(1, n / (4 * x * y)));
// bytes = align4(m * grid_x * sizeof(TBuf)) + m * sizeof(int) + alignof(max_align_t) - 1 (16 - 1).
Bytes MatrixColumnsBufferBytes(int64_t m, int64_t n, int64_t acc_size) {
  const int64_t block_y = std::min<int64_t>(8, std::max<int64_t>(1, n / (4 * 32)));
  const int64_t grid_x = std::min<int64_t>(256, std::max<int64_t>(1, n / (4 * 32 * block_y)));
  const Bytes partials = AlignUp(Bytes::FromDim(m) * grid_x * acc_size, 4);
  return partials + Bytes::FromDim(m) * 4 + Bytes(15);
}

struct ReduceDims {
  std::vector<int64_t> dims;
  std::vector<int64_t> axes;  // normalized, may be empty (reduce all)
  bool noop = false;          // axes empty and noop_with_empty_axes
};

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/reduction/reduction_ops.cc ReduceKernel<allow_multi_axes>::ComputeImpl,
// ReduceComputeCore and the integer specialisation.
Result<Estimate> EstimateReduce(const NodeView& node, const Target& target) {
  const ReduceOp* op = FindOp(node.op_type);
  if (op == nullptr) return Estimate::Unknown(node.Label() + ": not a reduction op");
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing, expected at least 1 input");
  const TensorInfo& x = node.inputs[0];
  if (!IsRegistered(*op, x.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                             DataTypeName(x.dtype));
  }
  if (!x.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape");
  const int64_t rank = x.rank();
  // PrepareForReduce: "cuDNN only supports up to 8-D tensors in reduction".
  if (rank > 8) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(rank) + ", expected at most 8");
  }
  ReduceDims d;
  // ReduceKernelBase: ArgMax/ArgMin read one `axis` (default 0); the others `axes` from the attribute,
  // or from input 1 (ReduceSum 13+, the rest 18+), plus noop_with_empty_axes.
  std::vector<int64_t> axes;
  if (op->arg) {
    axes.push_back(node.GetInt("axis", 0));
  } else if (node.opset >= op->axes_input_since) {
    if (node.has_input(1)) {
      if (!node.inputs[1].int_values) {
        return Estimate::Unknown(node.Label() + ": axes (input 1) are not a constant; the kernel path depends on them");
      }
      axes = *node.inputs[1].int_values;
    }
    d.noop = axes.empty() && node.GetInt("noop_with_empty_axes", 0) != 0;
  } else {
    axes = node.GetInts("axes");
  }
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      return InvalidArgument(node.Label() + ": axis " + std::to_string(a) + " out of range for input 0 rank " +
                             std::to_string(rank));
    }
    d.axes.push_back(a < 0 ? a + rank : a);
  }
  if (d.noop) {
    Estimate e{"noop_copy", Exactness::kExact};
    e.reason = "no scratch: empty axes with noop_with_empty_axes copy X to Y (ReduceKernel::ComputeImpl)";
    return e;
  }
  for (size_t i = 0; i < x.dims.size(); ++i) {
    if (!x.dims[i].known()) {
      return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(i) + " '" +
                               (x.dims[i].symbol.empty() ? "?" : x.dims[i].symbol) +
                               "' is symbolic; the reduction buffers scale with it");
    }
    d.dims.push_back(x.dims[i].value);
  }
  // PrepareForReduce: output dims keep reduced axes as 1; rank < 3 is padded with 1s for cuDNN.
  std::vector<int64_t> out_dims = d.dims;
  if (d.axes.empty()) {
    for (int64_t& v : out_dims) v = v == 0 ? 0 : 1;
  } else {
    for (int64_t a : d.axes) out_dims[static_cast<size_t>(a)] = 1;
  }
  Bytes input_count(1), output_count(1);
  for (int64_t v : d.dims) input_count *= Bytes::FromDim(v);
  for (int64_t v : out_dims) output_count *= Bytes::FromDim(v);
  std::vector<int64_t> in_cudnn = d.dims, out_cudnn = out_dims;
  while (in_cudnn.size() < 3) {
    in_cudnn.push_back(1);
    out_cudnn.push_back(1);
  }
  const int64_t elem = ElementSize(x.dtype);
  const bool same_count = !input_count.overflow() && !output_count.overflow() &&
                          input_count.value() == output_count.value();

  if (input_count == Bytes(0)) {
    Estimate e{"empty", Exactness::kExact};
    e.reason = "no scratch: input_count == 0 returns before any buffer";
    return e;
  }

  ReductionQuery q;
  q.reduce_op = op->cudnn_op;
  q.flattened_indices = op->arg;
  q.input_dims = in_cudnn;
  q.output_dims = out_cudnn;

  // ---- integer kernels: SPECIALIZED_REDUCEKERNEL_COMPUTEIMPL ----
  if (IsIntegerPath(x.dtype)) {
    if (same_count) {
      Estimate e{"int_copy", Exactness::kExact};
      e.reason = std::string("no scratch: input_count == output_count copies X (") + kIntSource + ")";
      return e;
    }
    Estimate e{"int_via_double_cudnn", Exactness::kExact};
    // temp_X: GetScratchBuffer<double>(input_count), Impl_Cast to double.
    e.Add("temp_X", input_count * kIntegerPathElement, kIntSource);
    q.tensor_dtype = DataType::kDouble;
    q.compute_dtype = DataType::kDouble;
    std::string why_not = "no live or recorded cuDNN answer";
    if (target.live != nullptr) {
      Result<ReductionAnswer> a = target.live->ReductionWorkspace(q);
      if (a.ok()) {
        // indices_cuda and workspace_cuda: exactly the bytes cuDNN asks for (measured on the binary).
        e.Add("indices_cuda", Bytes(a->indices_bytes), std::string(kIntSource) + "; " + a->source);
        e.Add("workspace_cuda", Bytes(a->workspace_bytes), std::string(kIntSource) + "; " + a->source);
        e.Add("temp_Y", output_count * kIntegerPathElement, kIntSource);
        return e;
      }
      why_not = a.error().message;
    }
    e.Add("temp_Y", output_count * kIntegerPathElement, kIntSource);
    e.exactness = Exactness::kUnknown;
    e.reason = node.Label() + ": cudnnGetReductionWorkspaceSize / cudnnGetReductionIndicesSize for " + CanonicalKey(q) +
               " need cuDNN (a GPU) or a record (" + why_not + ")";
    return e;
  }

  // ---- ReduceComputeCore ----
  // fast_reduction = fast_reduction_ && !use_deterministic_compute (a session option wsest takes as off).
  if (op->fast_reduction) {
    int64_t m = 0, n = 0;
    const Matrix matrix = ApplicableMatrix(d.dims, d.axes, m, n);
    if (matrix != Matrix::kNone) {
      Estimate e{matrix == Matrix::kRows ? "matrix_rows" : "matrix_columns", Exactness::kExact};
      e.candidates.push_back({"cudnn", "the reduced axes are contiguous from the first or to the last dim", std::nullopt});
      // input_data_buffer: MakeUniquePtr<T>(input_count) holding X*X for ReduceSumSquare.
      if (op->calculate_sqt) e.Add("input_squared", input_count * elem, kCoreSource);
      if (matrix == Matrix::kColumns) {
        // buffer: MakeUniquePtr<void>(compute_reduce_matrix_columns_buffer_size<CudaT>(m, n)).
        e.Add("reduce_matrix_columns_buffer", MatrixColumnsBufferBytes(m, n, AccumulationSize(x.dtype)),
              kColumnsSource);
      }
      if (e.buffers.empty()) e.reason = std::string("no scratch: reduce_matrix_rows takes no buffer (") + kCoreSource + ")";
      return e;
    }
  }

  // ArgMax/ArgMin over the last axis: arg_min_max_last_axis (reduction_functions.cu), one thread per
  // row, writing Y directly; the binary launches arg_min_max_last_axis_kernel and allocates nothing.
  const bool last_axis_arg = op->arg && !d.axes.empty() && d.axes.front() == rank - 1 &&
                             (x.dtype == DataType::kFloat || x.dtype == DataType::kFloat16 ||
                              x.dtype == DataType::kDouble);
  if (last_axis_arg) {
    Estimate e{"last_axis_kernel", Exactness::kExact};
    e.reason = "no scratch: onnxruntime 1.29.0 core/providers/cuda/reduction/reduction_functions.cu "
               "arg_min_max_last_axis writes the indices straight into Y";
    e.candidates.push_back({"cudnn", "the axis is the last one: ORT's own last-axis kernel runs", std::nullopt});
    return e;
  }

  const bool is_half = x.dtype == DataType::kFloat16;
  const bool is_bf16 = x.dtype == DataType::kBfloat16;
  // temp_X: fp32 copy for ArgMax/ArgMin on float16, and for bfloat16 without indices (cuDNN lacks them).
  const bool needs_fp32_copy = (op->arg && is_half) || (!op->arg && is_bf16);
  q.tensor_dtype = needs_fp32_copy ? DataType::kFloat : x.dtype;
  q.compute_dtype = (is_half || is_bf16) ? DataType::kFloat : q.tensor_dtype;

  Estimate e{"cudnn", Exactness::kExact};
  if (op->fast_reduction) {
    e.candidates.push_back({"matrix_rows", "the reduced axes are not contiguous from the first or to the last dim",
                            std::nullopt});
  }
  if (needs_fp32_copy) e.Add("temp_X", input_count * 4, kCoreSource);
  std::string why_not = "no live or recorded cuDNN answer";
  std::optional<ReductionAnswer> answer;
  if (target.live != nullptr) {
    Result<ReductionAnswer> a = target.live->ReductionWorkspace(q);
    if (a.ok()) {
      answer = *a;
    } else {
      why_not = a.error().message;
    }
  }
  if (answer) {
    const std::string src = std::string(kCoreSource) + "; " + answer->source;
    // workspace_cuda and indices_cuda: exactly the bytes cuDNN answers (measured on the binary: one
    // allocation of each answer, whatever T).
    if (answer->workspace_bytes != 0) e.Add("workspace_cuda", Bytes(answer->workspace_bytes), src);
    if (answer->indices_bytes != 0) e.Add("indices_cuda", Bytes(answer->indices_bytes), src);
  }
  if (op->arg) {
    // FLATTENED_INDICES: input_count == output_count memsets Y; else a temp_output of float or CudaT.
    if (!same_count) e.Add("temp_output", output_count * (needs_fp32_copy ? 4 : elem), kCoreSource);
  } else if (op->calculate_sqt) {
    e.Add("input_squared", input_count * elem, kCoreSource);
  } else if (op->log_sum_exp) {
    // Two passes: a MAX reduction with indices_cuda_max (the indices bytes again), freed before the
    // exp pass takes exp_result and log_sum_result. The workspace held is the larger pass (the binary
    // frees the one before the other: shadow device, ReduceLogSumExp float [32, 512, 64] over axis 1
    // held 2 x 1048577 + 4194304 + 8192 B at most of its five allocations).
    const Bytes max_pass_extra = (!same_count && answer) ? Bytes(answer->indices_bytes) : Bytes(0);
    const Bytes exp_pass_extra = input_count * elem + output_count * elem;
    if (!max_pass_extra.overflow() && !exp_pass_extra.overflow() && max_pass_extra.value() > exp_pass_extra.value()) {
      e.Add("indices_cuda_max", max_pass_extra, kCoreSource + std::string(" (the MAX pass, the larger)"));
    } else {
      e.Add("exp_result", input_count * elem, kCoreSource);
      e.Add("log_sum_result", output_count * elem, kCoreSource);
    }
  } else if (!same_count && needs_fp32_copy) {
    e.Add("temp_output", output_count * 4, kCoreSource);
  }
  if (!answer) {
    e.exactness = Exactness::kUnknown;
    e.reason = node.Label() + ": cudnnGetReductionWorkspaceSize / cudnnGetReductionIndicesSize for " + CanonicalKey(q) +
               " need cuDNN (a GPU) or a record (" + why_not + "); the listed buffers are the kernel's own";
  }
  return e;
}

}  // namespace wsest::estimators
