// Einsum on the CUDA EP: ORT 1.29.0 core/providers/cuda/math/einsum.cc Einsum::DeviceCompute runs the
// CPU provider's planner (core/providers/cpu/math/einsum_utils: EinsumComputePreprocessor, then
// EinsumTypedComputeProcessor<T>) with the CUDA device helpers of
// core/providers/cuda/math/einsum_utils/einsum_auxiliary_ops.cc (cuBLAS strided-batched MatMul,
// cuda::Transpose::DoTranspose, ReductionOps::ReduceCompute for ReduceSum, a Diagonal kernel).
//
// Every intermediate tensor (diagonals, transposed operands, reduced operands, pairwise MatMul results,
// the transposed final candidate) comes from the allocator Einsum::Compute takes from
// OpKernelContext::GetTempSpaceAllocator; the ReduceSum helper's own scratch (matrix-columns buffer or
// cuDNN workspace) comes from the kernel's default device allocator (IAllocator::MakeUniquePtr). The
// tensors are freed as the plan advances (unique_ptr reassignment), so the workspace is the peak of the
// bytes live at once, replayed here step by step from the equation and the input shapes; the buffers
// reported are those live at that peak.
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kEquationSource =
    "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/einsum_compute_preprocessor.h EinsumEquationPreprocessor";
constexpr const char* kPreprocessSource =
    "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/einsum_compute_preprocessor.cc "
    "EinsumComputePreprocessor::PreprocessInputs";
constexpr const char* kDiagonalSource =
    "onnxruntime 1.29.0 core/providers/cuda/math/einsum_utils/einsum_auxiliary_ops.cc CudaDeviceHelpers::Diagonal";
constexpr const char* kTransposeSource =
    "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/einsum_auxiliary_ops.cc EinsumOp::Transpose";
constexpr const char* kMatMulSource =
    "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/einsum_auxiliary_ops.cc EinsumOp::MatMul";
constexpr const char* kReduceSumSource =
    "onnxruntime 1.29.0 core/providers/cuda/math/einsum_utils/einsum_auxiliary_ops.cc CudaDeviceHelpers::ReduceSum -> "
    "core/providers/cuda/reduction/reduction_ops.cc ReductionOps::ReduceCompute";
constexpr const char* kRunSource =
    "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/einsum_typed_compute_processor.cc "
    "EinsumTypedComputeProcessor<T>::Run";

// einsum_compute_preprocessor.h: 'a'-'z' and 'A'-'Z' (EinsumOp::num_of_letters); -1 for anything else.
constexpr int64_t kNumLetters = 52;
int64_t LetterToIndex(char ch) {
  if (ch >= 'a' && ch <= 'z') return ch - 'a';
  if (ch >= 'A' && ch <= 'Z') return 26 + (ch - 'A');
  return -1;
}

// What EinsumComputePreprocessor::Run works out from the equation and the input shapes.
struct EinsumPlan {
  size_t num_indices = 0;                           // num_subscript_indices_ (ellipsis dims first)
  std::vector<std::vector<int64_t>> input_indices;  // input_subscript_indices_ (after the ellipsis offset)
  std::vector<int64_t> index_to_last_input;         // subscript_indices_to_last_input_ (-1: in the output)
  std::vector<int64_t> index_to_output;             // subscript_indices_to_output_indices_
};

// EinsumEquationPreprocessor: spaces removed, split at "->" and then at ','.
void SplitEquation(const std::string& equation, std::vector<std::string>& inputs, std::string& output,
                   bool& is_explicit) {
  std::string eq;
  for (char c : equation) {
    if (c != ' ') eq.push_back(c);
  }
  std::string left = eq;
  const size_t arrow = eq.find("->");
  is_explicit = arrow != std::string::npos;
  if (is_explicit) {
    left = eq.substr(0, arrow);
    output = eq.substr(arrow + 2);
  }
  size_t start = 0;
  for (size_t comma = left.find(','); comma != std::string::npos; comma = left.find(',', start)) {
    inputs.push_back(left.substr(start, comma - start));
    start = comma + 1;
  }
  inputs.push_back(left.substr(start));
}

// EinsumComputePreprocessor::ProcessSubscripts, PostProcessBroadcastedDims, ParseOrCreateOutputSubscript and
// CalculateOutputShape, keeping only what the compute plan needs. A failure is the kernel's own run-time error.
Result<EinsumPlan> BuildPlan(const NodeView& node, const std::string& equation,
                             const std::vector<std::vector<int64_t>>& dims) {
  std::vector<std::string> subscripts;
  std::string output;
  bool is_explicit = false;
  SplitEquation(equation, subscripts, output, is_explicit);
  const std::string where = node.Label() + ": equation '" + equation + "': ";
  if (subscripts.size() != dims.size()) {
    return InvalidArgument(where + std::to_string(subscripts.size()) + " input subscripts, expected " +
                           std::to_string(dims.size()) + " (one per input)");
  }
  std::array<int64_t, kNumLetters> letter_to_index;
  std::array<int64_t, kNumLetters> letter_to_count;
  letter_to_index.fill(-1);
  letter_to_count.fill(0);
  EinsumPlan plan;
  std::vector<int64_t> index_to_dim;
  size_t num_ellipsis_dims = 0;
  constexpr int64_t kEllipsisMarker = kNumLetters;
  for (size_t input = 0; input < subscripts.size(); ++input) {
    const std::string& subscript = subscripts[input];
    const size_t rank = dims[input].size();
    size_t dim_counter = 0;
    int dots = 0;
    std::vector<int64_t> indices;
    for (char label : subscript) {
      if (label == '.') {
        if (++dots > 3)
          return InvalidArgument(where + "a '.' not part of an ellipsis in input " + std::to_string(input));
        if (dots < 3) continue;
        // "...ij" on a rank-6 input: 6 - 5 + 3 = 4 ellipsis dims.
        const int64_t ellipsis_dims = static_cast<int64_t>(rank) - static_cast<int64_t>(subscript.size()) + 3;
        if (ellipsis_dims < 0) {
          return InvalidArgument(where + "more labels than input " + std::to_string(input) + "'s rank " +
                                 std::to_string(rank));
        }
        if (ellipsis_dims != 0) {
          if (num_ellipsis_dims != 0 && num_ellipsis_dims != static_cast<size_t>(ellipsis_dims)) {
            return InvalidArgument(where + "the ellipsis covers different numbers of dims across inputs");
          }
          num_ellipsis_dims = static_cast<size_t>(ellipsis_dims);
          indices.insert(indices.end(), num_ellipsis_dims, kEllipsisMarker);
          dim_counter += num_ellipsis_dims;
        }
        continue;
      }
      if (dots != 0 && dots != 3) {
        return InvalidArgument(where + "a '.' not part of an ellipsis in input " + std::to_string(input));
      }
      const int64_t letter = LetterToIndex(label);
      if (letter < 0) return InvalidArgument(where + "labels must be a-z or A-Z");
      if (dim_counter >= rank) {
        return InvalidArgument(where + "more labels than input " + std::to_string(input) + "'s rank " +
                               std::to_string(rank));
      }
      const int64_t dim = dims[input][dim_counter];
      const size_t l = static_cast<size_t>(letter);
      if (letter_to_count[l] == 0) {
        letter_to_index[l] = static_cast<int64_t>(plan.num_indices++);
        index_to_dim.push_back(dim);
        plan.index_to_last_input.push_back(static_cast<int64_t>(input));
      } else {
        const size_t mapped = static_cast<size_t>(letter_to_index[l]);
        plan.index_to_last_input[mapped] = static_cast<int64_t>(input);
        if (index_to_dim[mapped] != dim) {
          if (index_to_dim[mapped] == 1) {
            index_to_dim[mapped] = dim;
          } else if (dim != 1) {
            return InvalidArgument(where + "label '" + std::string(1, label) + "' is " +
                                   std::to_string(index_to_dim[mapped]) + " in one input and " + std::to_string(dim) +
                                   " in input " + std::to_string(input));
          }
        }
      }
      ++letter_to_count[l];
      indices.push_back(letter_to_index[l]);
      ++dim_counter;
    }
    if (num_ellipsis_dims == 0 && dim_counter != rank) {
      return InvalidArgument(where + "input " + std::to_string(input) + " has rank " + std::to_string(rank) + " but " +
                             std::to_string(dim_counter) + " labels and no ellipsis");
    }
    plan.input_indices.push_back(std::move(indices));
  }

  // PostProcessBroadcastedDims: the ellipsis dims take indices 0..n-1 and every letter moves up by n.
  if (num_ellipsis_dims > 0) {
    const int64_t offset = static_cast<int64_t>(num_ellipsis_dims);
    plan.num_indices += num_ellipsis_dims;
    for (int64_t& idx : letter_to_index) {
      if (idx != -1) idx += offset;
    }
    plan.index_to_last_input.insert(plan.index_to_last_input.begin(), num_ellipsis_dims, -1);
    index_to_dim.insert(index_to_dim.begin(), num_ellipsis_dims, -1);
    for (size_t input = 0; input < plan.input_indices.size(); ++input) {
      int64_t broadcast = 0;
      for (size_t d = 0; d < plan.input_indices[input].size(); ++d) {
        int64_t& idx = plan.input_indices[input][d];
        if (idx != kEllipsisMarker) {
          idx += offset;
          continue;
        }
        idx = broadcast++;
        const size_t b = static_cast<size_t>(idx);
        plan.index_to_last_input[b] = static_cast<int64_t>(input);
        const int64_t dim = dims[input][d];
        if (index_to_dim[b] == -1 || index_to_dim[b] == 1) {
          index_to_dim[b] = dim;
        } else if (index_to_dim[b] != dim && dim != 1) {
          return InvalidArgument(where + "the broadcast dims of the inputs are incompatible");
        }
      }
    }
  }

  // ParseOrCreateOutputSubscript: the implicit form is "..." then the letters seen once, in
  // letter_to_count order written as 'a' + position (so an upper-case letter seen once fails below).
  if (is_explicit) {
    if (num_ellipsis_dims > 0 && output.find("...") == std::string::npos) {
      return InvalidArgument(where + "the inputs have an ellipsis but the output subscript has none");
    }
  } else {
    output = num_ellipsis_dims > 0 ? "..." : "";
    for (size_t l = 0; l < letter_to_count.size(); ++l) {
      if (letter_to_count[l] == 1) output.push_back(static_cast<char>('a' + l));
    }
  }

  // CalculateOutputShape: each output label is kept (last input -1) and gets its output position.
  plan.index_to_output.assign(plan.num_indices, -1);
  std::array<int, kNumLetters> seen_in_output{};
  int64_t output_position = 0;
  int dots = 0;
  for (char label : output) {
    if (label == '.') {
      if (++dots > 3) return InvalidArgument(where + "a '.' not part of an ellipsis in the output");
      if (dots == 3) {
        for (size_t i = 0; i < num_ellipsis_dims; ++i) {
          plan.index_to_last_input[i] = -1;
          plan.index_to_output[i] = output_position++;
        }
      }
      continue;
    }
    if (dots != 0 && dots != 3) return InvalidArgument(where + "a '.' not part of an ellipsis in the output");
    const int64_t letter = LetterToIndex(label);
    if (letter < 0) return InvalidArgument(where + "output labels must be a-z or A-Z");
    const size_t l = static_cast<size_t>(letter);
    if (seen_in_output[l]++ != 0)
      return InvalidArgument(where + "the output repeats label '" + std::string(1, label) + "'");
    if (letter_to_index[l] == -1) {
      return InvalidArgument(where + "output label '" + std::string(1, label) + "' is in no input");
    }
    const size_t mapped = static_cast<size_t>(letter_to_index[l]);
    plan.index_to_last_input[mapped] = -1;
    plan.index_to_output[mapped] = output_position++;
  }
  return plan;
}

// EinsumOp::IsTransposeRequired: any axis that moves.
bool IsTransposeRequired(const std::vector<size_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != i) return true;
  }
  return false;
}

// einsum_typed_compute_processor.cc IsTransposeReshapeForEinsum: the dims > 1 keep their relative order.
bool IsTransposeReshape(const std::vector<size_t>& perm, const std::vector<int64_t>& dims) {
  size_t last = 0;
  for (size_t p : perm) {
    if (dims[p] == 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

std::vector<int64_t> Permuted(const std::vector<int64_t>& dims, const std::vector<size_t>& perm) {
  std::vector<int64_t> out;
  for (size_t p : perm) out.push_back(dims[p]);
  return out;
}

Bytes Count(const std::vector<int64_t>& dims) {
  Bytes n(1);
  for (int64_t d : dims) n *= Bytes::FromDim(d);
  return n;
}

// The bytes live at each step of the replay, and the set live at the highest point.
class Timeline {
 public:
  int Alloc(const std::string& name, Bytes bytes, const std::string& source, Allocator allocator) {
    const int id = next_id_++;
    live_[id] = Buffer{name, bytes.overflow() ? 0 : bytes.value(), source, allocator};
    ++allocations_;
    Bytes current = bytes;
    for (const auto& [other, b] : live_) {
      if (other != id) current += Bytes(b.bytes);
    }
    if (current.overflow()) {
      if (!overflowed_) overflowed_ = name;
      return id;
    }
    if (current.value() > peak_) {
      peak_ = current.value();
      at_peak_.clear();
      for (const auto& [unused, b] : live_) at_peak_.push_back(b);
    }
    return id;
  }
  void Free(int id) { live_.erase(id); }
  const std::vector<Buffer>& at_peak() const { return at_peak_; }
  uint64_t peak() const { return peak_; }
  int allocations() const { return allocations_; }
  const std::optional<std::string>& overflowed() const { return overflowed_; }

 private:
  std::map<int, Buffer> live_;
  int next_id_ = 0;
  int allocations_ = 0;
  uint64_t peak_ = 0;
  std::vector<Buffer> at_peak_;
  std::optional<std::string> overflowed_;
};

// A tensor of the replay: an einsum-owned temporary (id >= 0) or a node input (id -1), with its dims.
struct Operand {
  int id = -1;
  std::vector<int64_t> dims;
  bool owned() const { return id >= 0; }
};

class Replay {
 public:
  Replay(const NodeView& node, const Target& target, DataType dtype)
      : node_(node), target_(target), dtype_(dtype), elem_(ElementSize(dtype)) {}

  Operand Temp(const std::string& name, std::vector<int64_t> dims, const char* source) {
    Operand t;
    t.id = timeline_.Alloc(name, Count(dims) * elem_, source, Allocator::kTempSpace);
    t.dims = std::move(dims);
    return t;
  }
  void Release(Operand& t) {
    if (t.owned()) timeline_.Free(t.id);
    t.id = -1;
  }

  // CudaDeviceHelpers::ReduceSum -> ReduceCompute (keep_dims, fast_reduction on): the output from the temp-space
  // allocator, then ReduceComputeCore's scratch, freed before it returns. The scratch is what EstimateReduce
  // works out for a ReduceSum over the same dims and axes (reduction_ops.cc is shared).
  Result<Operand> ReduceSum(const std::string& name, const std::vector<int64_t>& dims,
                            const std::vector<int64_t>& axes) {
    std::vector<int64_t> out_dims = dims;
    for (int64_t a : axes) out_dims[static_cast<size_t>(a)] = 1;
    Operand out = Temp(name, out_dims, kReduceSumSource);
    NodeView reduce;
    reduce.name = (node_.name.empty() ? std::string("einsum") : node_.name) + "/" + name;
    reduce.op_type = "ReduceSum";
    reduce.opset = 13;
    TensorInfo x;
    x.name = "x";
    x.dtype = dtype_;
    x.has_shape = true;
    for (int64_t d : dims) x.dims.push_back(Dim::Known(d));
    TensorInfo axes_input;
    axes_input.name = "axes";
    axes_input.dtype = DataType::kInt64;
    axes_input.has_shape = true;
    axes_input.dims = {Dim::Known(static_cast<int64_t>(axes.size()))};
    axes_input.int_values = axes;
    reduce.inputs = {x, axes_input};
    reduce.outputs = {x};
    reduce.outputs[0].name = "y";
    reduce.attributes["keepdims"] = int64_t{1};
    WSEST_ASSIGN_OR_RETURN(Estimate scratch, EstimateReduce(reduce, target_));
    if (scratch.overflowed_buffer() && !overflowed_reduce_)
      overflowed_reduce_ = name + "." + *scratch.overflowed_buffer();
    if (!scratch.known()) unknown_reasons_.push_back(name + ": " + scratch.reason);
    reduce_variants_.push_back(name + " " + scratch.variant);
    std::vector<int> ids;
    for (const Buffer& b : scratch.buffers) {
      ids.push_back(timeline_.Alloc(name + "." + b.name, Bytes(b.bytes), b.source, b.allocator));
    }
    for (int id : ids) timeline_.Free(id);
    return out;
  }

  // EinsumOp::Transpose: a new tensor of the same size from the temp-space allocator.
  Operand Transpose(const std::string& name, const std::vector<int64_t>& dims, const std::vector<size_t>& perm,
                    const char* source) {
    return Temp(name, Permuted(dims, perm), source);
  }

  int64_t elem() const { return elem_; }

  Timeline timeline_;
  std::vector<std::string> unknown_reasons_;
  std::vector<std::string> reduce_variants_;
  std::optional<std::string> overflowed_reduce_;

 private:
  const NodeView& node_;
  const Target& target_;
  DataType dtype_;
  int64_t elem_;
};

// EinsumTypedComputeProcessor<T>::FinalizeOutput: a transpose into the output order when one is needed
// (freed after the copy into Y).
void Finalize(Replay& r, const EinsumPlan& plan, const std::vector<int64_t>& candidate_dims,
              const std::vector<int64_t>& order) {
  std::vector<int64_t> kept_dims;
  std::vector<size_t> perm;
  size_t kept = 0;
  std::vector<std::pair<int64_t, size_t>> by_output;
  for (size_t i = 0; i < order.size(); ++i) {
    const int64_t out = plan.index_to_output[static_cast<size_t>(order[i])];
    if (out == -1) continue;
    by_output.push_back({out, kept++});
    kept_dims.push_back(candidate_dims[i]);
  }
  perm.assign(by_output.size(), 0);
  for (const auto& [out, pos] : by_output) perm[static_cast<size_t>(out)] = pos;
  if (!IsTransposeRequired(perm)) return;
  Operand transposed = r.Transpose("output_transposed", kept_dims, perm,
                                   "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/"
                                   "einsum_typed_compute_processor.cc EinsumTypedComputeProcessor<T>::FinalizeOutput");
  r.Release(transposed);
}

// EinsumTypedComputeProcessor<T>::PairwiseOperandProcess for the pair (result, input `input`).
Result<Operand> Pairwise(Replay& r, const EinsumPlan& plan, const Operand& left, const Operand& right,
                         const std::vector<int64_t>& reduce_dims, bool is_final, int input) {
  constexpr const char* kPairSource =
      "onnxruntime 1.29.0 core/providers/cpu/math/einsum_utils/einsum_typed_compute_processor.cc "
      "EinsumTypedComputeProcessor<T>::PairwiseOperandProcess";
  const std::string pair = "pair" + std::to_string(input) + "_";
  const std::vector<int64_t>& left_dims = left.dims;
  const std::vector<int64_t>& right_dims = right.dims;
  Operand current_left, current_right;
  std::vector<size_t> lro, lo, ro;
  Bytes lro_size(1), lo_size(1), ro_size(1);
  size_t next_reduce = 0;
  for (size_t i = 0; i < left_dims.size(); ++i) {
    const bool has_left = left_dims[i] > 1;
    const bool has_right = right_dims[i] > 1;
    if (next_reduce < reduce_dims.size() && reduce_dims[next_reduce] == static_cast<int64_t>(i)) {
      ++next_reduce;
      // A dim to reduce that only one side has is summed away at once (ReduceSum over axis i).
      if (has_left && !has_right) {
        const std::vector<int64_t>& dims = current_left.owned() ? current_left.dims : left_dims;
        WSEST_ASSIGN_OR_RETURN(Operand reduced, r.ReduceSum(pair + "left_reduced_axis" + std::to_string(i), dims,
                                                            {static_cast<int64_t>(i)}));
        r.Release(current_left);
        current_left = reduced;
      } else if (has_right && !has_left) {
        const std::vector<int64_t>& dims = current_right.owned() ? current_right.dims : right_dims;
        WSEST_ASSIGN_OR_RETURN(Operand reduced, r.ReduceSum(pair + "right_reduced_axis" + std::to_string(i), dims,
                                                            {static_cast<int64_t>(i)}));
        r.Release(current_right);
        current_right = reduced;
      }
    } else if (has_left && has_right) {
      lro.push_back(i);
      lro_size *= Bytes::FromDim(left_dims[i]);
    } else if (has_left) {
      lo.push_back(i);
      lo_size *= Bytes::FromDim(left_dims[i]);
    } else {
      ro.push_back(i);
      ro_size *= Bytes::FromDim(right_dims[i]);
    }
  }
  // The left operand goes to [lro, lo, reduce, ro], the right to [lro, reduce, ro, lo]; an operand already
  // reduced in this pair is only reshaped when the dims > 1 keep their order.
  auto arrange = [&](Operand& current, const Operand& original, const std::vector<size_t>& perm,
                     const std::string& name) {
    if (!IsTransposeRequired(perm)) return;
    if (current.owned() && IsTransposeReshape(perm, current.dims)) {
      current.dims = Permuted(current.dims, perm);
      return;
    }
    Operand transposed = r.Transpose(name, current.owned() ? current.dims : original.dims, perm, kTransposeSource);
    r.Release(current);
    current = transposed;
  };
  std::vector<size_t> left_perm = lro;
  left_perm.insert(left_perm.end(), lo.begin(), lo.end());
  for (int64_t d : reduce_dims) left_perm.push_back(static_cast<size_t>(d));
  left_perm.insert(left_perm.end(), ro.begin(), ro.end());
  arrange(current_left, left, left_perm, pair + "left_transposed");
  std::vector<size_t> right_perm = lro;
  for (int64_t d : reduce_dims) right_perm.push_back(static_cast<size_t>(d));
  right_perm.insert(right_perm.end(), ro.begin(), ro.end());
  right_perm.insert(right_perm.end(), lo.begin(), lo.end());
  arrange(current_right, right, right_perm, pair + "right_transposed");

  // EinsumOp::MatMul: [lro, lo, reduced] x [lro, reduced, ro] into a new [lro, lo, ro] tensor, then reshaped
  // to [lro dims, lo dims, 1 per reduced dim, ro dims].
  std::vector<int64_t> output_dims;
  for (size_t i : lro) output_dims.push_back(left_dims[i]);
  for (size_t i : lo) output_dims.push_back(left_dims[i]);
  output_dims.insert(output_dims.end(), reduce_dims.size(), 1);
  for (size_t i : ro) output_dims.push_back(right_dims[i]);
  Operand output;
  output.id =
      r.timeline_.Alloc(pair + "matmul", lro_size * lo_size * ro_size * r.elem(), kMatMulSource, Allocator::kTempSpace);
  output.dims = output_dims;

  std::vector<int64_t> order;  // the subscript index of each axis of `output`
  for (size_t i : lro) order.push_back(static_cast<int64_t>(i));
  for (size_t i : lo) order.push_back(static_cast<int64_t>(i));
  order.insert(order.end(), reduce_dims.begin(), reduce_dims.end());
  for (size_t i : ro) order.push_back(static_cast<int64_t>(i));
  if (!is_final) {
    // Back to the homogenized axis order for the next pair: reshape when possible, else a transpose.
    std::vector<size_t> back(order.size(), 0);
    for (size_t pos = 0; pos < order.size(); ++pos) back[static_cast<size_t>(order[pos])] = pos;
    if (IsTransposeRequired(back)) {
      if (IsTransposeReshape(back, output.dims)) {
        output.dims = Permuted(output.dims, back);
      } else {
        Operand transposed = r.Transpose(pair + "matmul_transposed", output.dims, back, kPairSource);
        r.Release(output);
        output = transposed;
      }
    }
  } else {
    Finalize(r, plan, output.dims, order);
  }
  r.Release(current_left);
  r.Release(current_right);
  return output;
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/math/einsum.cc Einsum::DeviceCompute.
Result<Estimate> EstimateEinsum(const NodeView& node, const Target& target) {
  if (node.inputs.empty()) return InvalidArgument(node.Label() + ": no inputs, expected at least 1");
  // einsum.cc registers float, double and MLFloat16 (inputs[0]'s type picks the typed processor).
  const DataType dtype = node.inputs[0].dtype;
  if (dtype != DataType::kFloat && dtype != DataType::kDouble && dtype != DataType::kFloat16) {
    return Estimate::Unknown(node.Label() + ": the CUDA Einsum kernel is not registered for " + DataTypeName(dtype));
  }
  const std::string equation = node.GetString("equation", "");
  if (equation.empty()) return InvalidArgument(node.Label() + ": attribute 'equation' is missing");
  std::vector<std::vector<int64_t>> dims;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const TensorInfo& t = node.inputs[i];
    if (!t.present()) return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing");
    if (!t.has_shape) return Estimate::Unknown(node.Label() + ": input " + std::to_string(i) + " has no shape");
    if (!t.fully_known()) {
      return Estimate::Unknown(node.Label() + ": " + t.first_unknown_dim() +
                               " is symbolic; the einsum plan and its temporaries depend on it");
    }
    std::vector<int64_t> d;
    for (const Dim& dim : t.dims) d.push_back(dim.value);
    dims.push_back(std::move(d));
  }
  WSEST_ASSIGN_OR_RETURN(EinsumPlan plan, BuildPlan(node, equation, dims));
  const size_t num_inputs = dims.size();

  Replay r(node, target, dtype);
  // PreprocessInputs: a repeated label takes a diagonal (the axis drops out), then the axes are permuted into
  // subscript-index order when they are not already. Each preprocessed input lives as long as the
  // preprocessor, i.e. the whole kernel, unless Run moves input 0's into `result`.
  std::vector<Operand> preprocessed(num_inputs);
  std::vector<std::vector<int64_t>> homogenized(num_inputs);
  for (size_t i = 0; i < num_inputs; ++i) {
    const std::string tag = "input" + std::to_string(i);
    std::vector<int64_t> position(plan.num_indices, -1);  // subscript index -> axis in the preprocessed tensor
    homogenized[i].assign(plan.num_indices, 1);
    std::vector<int64_t> current = dims[i];
    int64_t next_axis = 0;
    for (size_t d = 0; d < plan.input_indices[i].size(); ++d) {
      const size_t idx = static_cast<size_t>(plan.input_indices[i][d]);
      if (position[idx] == -1) {
        position[idx] = next_axis++;
        homogenized[i][idx] = dims[i][d];
        continue;
      }
      // CudaDeviceHelpers::Diagonal: the input's dims without the later of the two axes.
      current.erase(current.begin() + next_axis);
      Operand diagonal = r.Temp(tag + "_diagonal", current, kDiagonalSource);
      r.Release(preprocessed[i]);
      preprocessed[i] = diagonal;
    }
    std::vector<size_t> perm;
    for (int64_t p : position) {
      if (p != -1) perm.push_back(static_cast<size_t>(p));
    }
    if (IsTransposeRequired(perm)) {
      Operand transposed = r.Transpose(tag + "_transposed", current, perm, kPreprocessSource);
      r.Release(preprocessed[i]);
      preprocessed[i] = transposed;
    }
    preprocessed[i].dims = homogenized[i];
  }

  Estimate e;
  bool has_empty_input = false;
  for (const auto& d : dims) has_empty_input = has_empty_input || (!Count(d).overflow() && Count(d).value() == 0);
  if (has_empty_input) {
    // Run: an empty input zero-fills Y (cudaMemsetAsync) before any compute; only preprocessing allocated.
    e.variant = "empty_input";
  } else {
    e.variant = num_inputs == 1 ? "single_operand" : "pairwise";
    // Run: input 0's dims last seen in it (and not in the output) are summed away first.
    std::vector<int64_t> all_indices, reduced;
    for (size_t idx = 0; idx < plan.num_indices; ++idx) {
      all_indices.push_back(static_cast<int64_t>(idx));
      if (plan.index_to_last_input[idx] == 0) reduced.push_back(static_cast<int64_t>(idx));
    }
    Operand result;
    if (!reduced.empty()) {
      WSEST_ASSIGN_OR_RETURN(result, r.ReduceSum("input0_reduced", homogenized[0], reduced));
    } else if (preprocessed[0].owned()) {
      result = preprocessed[0];
      preprocessed[0] = Operand{};
    }
    if (num_inputs == 1) {
      Finalize(r, plan, result.owned() ? result.dims : homogenized[0], all_indices);
    } else {
      for (size_t input = 1; input < num_inputs; ++input) {
        std::vector<int64_t> reduce_dims;
        for (size_t idx = 0; idx < plan.num_indices; ++idx) {
          if (plan.index_to_last_input[idx] == static_cast<int64_t>(input))
            reduce_dims.push_back(static_cast<int64_t>(idx));
        }
        Operand left = result.owned() ? result : Operand{-1, homogenized[0]};
        Operand right = preprocessed[input].owned() ? preprocessed[input] : Operand{-1, homogenized[input]};
        WSEST_ASSIGN_OR_RETURN(Operand next, Pairwise(r, plan, left, right, reduce_dims, input + 1 == num_inputs,
                                                      static_cast<int>(input)));
        r.Release(result);  // the previous result is freed once the next one exists
        result = next;
      }
    }
  }

  e.exactness = r.unknown_reasons_.empty() ? Exactness::kExact : Exactness::kUnknown;
  for (const Buffer& b : r.timeline_.at_peak()) e.Add(b.name, Bytes(b.bytes), b.source, b.allocator);
  if (const auto& name = r.timeline_.overflowed()) e.Add(*name, Bytes::Overflowed(), kRunSource, Allocator::kTempSpace);
  if (r.overflowed_reduce_) e.Add(*r.overflowed_reduce_, Bytes::Overflowed(), kReduceSumSource);
  std::string plan_note = std::to_string(r.timeline_.allocations()) + " temporaries, peak " +
                          std::to_string(r.timeline_.peak()) + " B live at once";
  for (const std::string& v : r.reduce_variants_) plan_note += "; ReduceSum " + v;
  if (e.buffers.empty()) {
    e.reason = "no scratch: the plan needs no temporary (" + std::string(kRunSource) + "; " + kEquationSource + ")";
  } else if (e.exactness == Exactness::kUnknown) {
    e.reason = node.Label() + ": " + plan_note + " without the cuDNN reduction workspaces, which need cuDNN: ";
    for (size_t i = 0; i < r.unknown_reasons_.size(); ++i) e.reason += (i ? "; " : "") + r.unknown_reasons_[i];
  } else {
    e.reason = plan_note;
  }
  return e;
}

}  // namespace wsest::estimators
