// Data-movement kernels of the CUDA EP that take scratch: Concat, Split, GatherND and ScatterND. They
// copy small host arrays (pointers, sizes, index maps) to the device, either through
// CudaKernel::CudaAsyncBuffer<T>::CopyToGpu (cuda_kernel.h: GetScratchBuffer<T>(count), so count *
// sizeof(T) bytes from the provider's device allocator) or with GetScratchBuffer + cudaMemcpyAsync.
// Arrays passed to a launch by value (TArray<T, N>) are kernel arguments, not allocations.
// GetScratchBuffer returns nullptr without allocating for a count of 0 (cuda_kernel.h).
//
// The other data-movement kernels (Transpose, Gather, Slice, Pad, Tile, Where, Expand, Reshape, ...)
// allocate nothing on their tensor path: they are kNoScratch rows in estimators/registry.cc.
#include <string>
#include <vector>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kConcatSource = "onnxruntime 1.29.0 core/providers/cuda/tensor/concat.cc Concat::ComputeInternal";
constexpr const char* kSplitSource = "onnxruntime 1.29.0 core/providers/cuda/tensor/split.cc SplitKernel::ComputeInternal";
constexpr const char* kGatherNDSource =
    "onnxruntime 1.29.0 core/providers/cuda/tensor/gather_nd.cc GatherNDBase::PrepareCompute";
constexpr const char* kScatterNDSource =
    "onnxruntime 1.29.0 core/providers/cuda/tensor/scatter_nd.cc InitiliazeElementCountsAndInputDimsSpanOrGpu";

// concat.cc / split.cc: up to this many same-sized pieces go to the launch by value (TArray<T, 32>).
constexpr int64_t kMaxPiecesByValue = 32;
// scatter_nd.cc: below this many index components the strides and dims go on the stack
// (ElementCountsAndInputDimsSpanOrGpu::stack_ptr); from it on they are copied to the device.
constexpr int64_t kScatterNDStackDims = 6;

// "dim 1 'seq'" for the first unknown dim of `t`, or empty when all are known.
std::string FirstUnknownDim(const TensorInfo& t) {
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i].known()) {
      return "dim " + std::to_string(i) + " '" + (t.dims[i].symbol.empty() ? "?" : t.dims[i].symbol) + "'";
    }
  }
  return {};
}

// True when a dim of `t` is known to be 0 (an empty tensor, whatever its other dims).
bool KnownEmpty(const TensorInfo& t) {
  for (const Dim& d : t.dims) {
    if (d.known() && d.value == 0) return true;
  }
  return false;
}

Result<const TensorInfo*> RequireInput(const NodeView& node, size_t index) {
  if (!node.has_input(index)) {
    return InvalidArgument(node.Label() + ": input " + std::to_string(index) + " is missing");
  }
  return node.input(index);
}

// Normalizes `axis` against `rank` as HandleNegativeAxis does; an error names the node.
Result<int64_t> NormalizeAxis(const NodeView& node, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    return InvalidArgument(node.Label() + ": axis " + std::to_string(axis) + " is out of range for rank " +
                           std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

// Concat: the inputs' extents along the axis, and the output's.
struct ConcatDims {
  std::vector<int64_t> sizes;  // concat_sizes: each input's dim at `axis`
  int64_t output_axis = 0;     // sum of sizes: the length of axis_dimension_input_output_mapping
  bool output_empty = false;
  bool output_may_be_empty = false;  // a dim off the axis is symbolic (it could be bound to 0)
};

// Split: the outputs' extents along the axis.
struct SplitDims {
  std::vector<int64_t> sizes;  // split_sizes, read from the outputs' dims at `axis`
  int64_t axis = 0;
  int64_t rank = 0;
  int64_t input_axis = 0;  // input_dims[axis]: the length of axis_dimension_input_output_mapping
  bool input_empty = false;
  bool input_may_be_empty = false;
};

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/concat.cc Concat::ComputeInternal (opsets 4-10, 11-12,
// 13+; every fixed-size type). ConcatBase::PrepareForCompute keeps every input, empty ones included.
Result<Estimate> EstimateConcat(const NodeView& node, const Target&) {
  if (node.inputs.empty()) return InvalidArgument(node.Label() + ": Concat has no inputs");
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* first, RequireInput(node, 0));
  if (!first->has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; Concat needs the rank");
  const int64_t rank = first->rank();
  if (!node.has_attribute("axis")) return InvalidArgument(node.Label() + ": attribute 'axis' is required");
  WSEST_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(node, node.GetInt("axis", 0), rank));

  ConcatDims d;
  const int64_t input_count = static_cast<int64_t>(node.inputs.size());
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    WSEST_ASSIGN_OR_RETURN(const TensorInfo* in, RequireInput(node, i));
    if (!in->has_shape) {
      return Estimate::Unknown(node.Label() + ": input " + std::to_string(i) + " has no shape; its extent along axis " +
                               std::to_string(axis) + " sizes the pointer arrays");
    }
    if (in->rank() != rank) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " rank " + std::to_string(in->rank()) +
                             ", expected " + std::to_string(rank) + " as input 0");
    }
    const Dim& along = in->dims[static_cast<size_t>(axis)];
    if (!along.known()) {
      return Estimate::Unknown(node.Label() + ": input " + std::to_string(i) + " dim " + std::to_string(axis) + " '" +
                               (along.symbol.empty() ? "?" : along.symbol) +
                               "' is symbolic; the kernel path depends on the extents along the axis");
    }
    d.sizes.push_back(along.value);
    d.output_axis += along.value;
    if (KnownEmpty(*in) && along.value != 0) d.output_empty = true;  // an empty dim off the axis empties the output
    if (!FirstUnknownDim(*in).empty()) d.output_may_be_empty = true;
  }
  if (d.output_axis == 0) d.output_empty = true;

  // concat.cc: "Return at this point if output tensor is going to be empty".
  if (d.output_empty) {
    Estimate e{"empty_output", Exactness::kExact};
    e.reason = std::string("no scratch: the output is empty, ") + kConcatSource + " returns before any copy";
    return e;
  }
  bool same_concat_dim = true;
  for (int64_t s : d.sizes) same_concat_dim = same_concat_dim && s == d.sizes[0];
  const bool inputs_by_value = same_concat_dim && input_count <= kMaxPiecesByValue;
  // A symbolic dim off the axis bound to 0 at run time would skip the copy: the bytes are a maximum then.
  const Exactness exactness = d.output_may_be_empty ? Exactness::kUpperBound : Exactness::kExact;

  if (inputs_by_value) {
    Estimate e{"same_concat_dim_by_value", exactness};
    e.candidates.push_back({"same_concat_dim_pointer_array", "at most 32 inputs go by value (TArray<const void*, 32>)",
                            std::nullopt});
    e.candidates.push_back({"general", "all inputs have the same extent along the axis", std::nullopt});
    e.reason = std::string("no scratch: ") + kConcatSource + " passes the input pointers by value";
    return e;
  }
  if (same_concat_dim) {
    Estimate e{"same_concat_dim_pointer_array", exactness};
    e.candidates.push_back({"same_concat_dim_by_value", "more than 32 inputs", std::nullopt});
    // input_ptr: CudaAsyncBuffer<const void*>(input_count), copied with CopyToGpu.
    e.Add("input_ptr", Bytes::FromDim(input_count) * Bytes(8), kConcatSource);
    return e;
  }
  Estimate e{"general", exactness};
  e.candidates.push_back({"same_concat_dim_by_value", "inputs differ in extent along the axis", std::nullopt});
  // concat_sizes_gpu, axis_dimension_input_output_mapping_gpu, concat_sizes_range_gpu: CudaAsyncBuffer<int64_t>;
  // input_ptr: CudaAsyncBuffer<const void*>. All four are copied with CopyToGpu.
  e.Add("concat_sizes_gpu", Bytes::FromDim(input_count) * Bytes(8), kConcatSource);
  e.Add("axis_dimension_input_output_mapping_gpu", Bytes::FromDim(d.output_axis) * Bytes(8), kConcatSource);
  e.Add("concat_sizes_range_gpu", Bytes::FromDim(input_count) * Bytes(8), kConcatSource);
  e.Add("input_ptr", Bytes::FromDim(input_count) * Bytes(8), kConcatSource);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/split.cc SplitKernel::ComputeInternal (opsets 2-10,
// 11-12, 13-17, 18+). The split sizes are read from the outputs' dims, which shape inference gives
// from the `split` input or attribute, or from num_outputs.
Result<Estimate> EstimateSplit(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* x, RequireInput(node, 0));
  if (!x->has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; Split needs the rank");
  if (node.outputs.empty()) return InvalidArgument(node.Label() + ": Split has no outputs");
  SplitDims d;
  d.rank = x->rank();
  WSEST_ASSIGN_OR_RETURN(d.axis, NormalizeAxis(node, node.GetInt("axis", 0), d.rank));
  const Dim& in_axis = x->dims[static_cast<size_t>(d.axis)];
  if (!in_axis.known()) {
    return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(d.axis) + " '" +
                             (in_axis.symbol.empty() ? "?" : in_axis.symbol) + "' is symbolic; it sizes the index map");
  }
  d.input_axis = in_axis.value;
  d.input_empty = KnownEmpty(*x);
  d.input_may_be_empty = !FirstUnknownDim(*x).empty();
  const int64_t num_outputs = static_cast<int64_t>(node.outputs.size());
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const TensorInfo& out = node.outputs[i];
    if (!out.has_shape || out.rank() != d.rank || !out.dims[static_cast<size_t>(d.axis)].known()) {
      return Estimate::Unknown(node.Label() + ": output " + std::to_string(i) + " has no known extent along axis " +
                               std::to_string(d.axis) + "; the split sizes pick the kernel path");
    }
    d.sizes.push_back(out.dims[static_cast<size_t>(d.axis)].value);
  }

  // split.cc: three outputs split along the innermost axis go to Split3Inner, which takes no buffer.
  const bool split3_inner = num_outputs == 3 && d.axis + 1 == d.rank;
  if (split3_inner) {
    Estimate e{"split3_inner", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kSplitSource + " Split3Inner takes the three output pointers by value";
    return e;
  }
  // split.cc: output_ptr is a CudaAsyncBuffer filled on the host; nothing reaches the device when the
  // input is empty ("if (input_tensor->Shape().Size() <= 0) return").
  if (d.input_empty) {
    Estimate e{"empty_input", Exactness::kExact};
    e.reason = std::string("no scratch: the input is empty, ") + kSplitSource + " returns before CopyToGpu";
    return e;
  }
  bool same_split_dim = true;
  for (int64_t s : d.sizes) same_split_dim = same_split_dim && s == d.sizes[0];
  const Exactness exactness = d.input_may_be_empty ? Exactness::kUpperBound : Exactness::kExact;

  if (same_split_dim && num_outputs <= kMaxPiecesByValue) {
    Estimate e{"same_split_dim_by_value", exactness};
    e.candidates.push_back({"same_split_dim_pointer_array", "at most 32 outputs go by value (TArray<void*, 32>)",
                            std::nullopt});
    e.reason = std::string("no scratch: ") + kSplitSource + " passes the output pointers by value";
    return e;
  }
  if (same_split_dim) {
    Estimate e{"same_split_dim_pointer_array", exactness};
    e.candidates.push_back({"same_split_dim_by_value", "more than 32 outputs", std::nullopt});
    // output_ptr: CudaAsyncBuffer<void*>(num_outputs), copied with CopyToGpu.
    e.Add("output_ptr", Bytes::FromDim(num_outputs) * Bytes(8), kSplitSource);
    return e;
  }
  Estimate e{"general", exactness};
  e.candidates.push_back({"same_split_dim_by_value", "outputs differ in extent along the axis", std::nullopt});
  // In the EP's order: output_ptr (void*), split_sizes_gpu, split_sizes_range_gpu and
  // axis_dimension_input_output_mapping_gpu (int64_t), each CudaAsyncBuffer::CopyToGpu.
  e.Add("output_ptr", Bytes::FromDim(num_outputs) * Bytes(8), kSplitSource);
  e.Add("split_sizes_gpu", Bytes::FromDim(num_outputs) * Bytes(8), kSplitSource);
  e.Add("split_sizes_range_gpu", Bytes::FromDim(num_outputs) * Bytes(8), kSplitSource);
  e.Add("axis_dimension_input_output_mapping_gpu", Bytes::FromDim(d.input_axis) * Bytes(8), kSplitSource);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/gather_nd.cc GatherND<TIndex>::ComputeInternal and
// GatherNDBase::PrepareCompute (opsets 11, 12, 13+; int64 indices).
Result<Estimate> EstimateGatherND(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* data, RequireInput(node, 0));
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* indices, RequireInput(node, 1));
  if (!data->has_shape || !indices->has_shape) {
    return Estimate::Unknown(node.Label() + ": inputs without a shape; GatherND needs both ranks");
  }
  // gather_nd.cc: "indices tensor must has rank larger than 0".
  if (indices->rank() == 0) return InvalidArgument(node.Label() + ": input 1 (indices) rank 0, expected at least 1");
  const int64_t batch_dims = node.GetInt("batch_dims", 0);
  const Dim& last = indices->dims.back();
  if (!last.known()) {
    return Estimate::Unknown(node.Label() + ": input 1 dim " + std::to_string(indices->rank() - 1) + " '" +
                             (last.symbol.empty() ? "?" : last.symbol) + "' is symbolic; it is num_slice_dims");
  }
  const int64_t num_slice_dims = last.value;
  if (batch_dims < 0 || batch_dims + num_slice_dims > data->rank()) {
    return InvalidArgument(node.Label() + ": batch_dims + last dim of indices = " +
                           std::to_string(batch_dims + num_slice_dims) + " exceeds the rank of input 0 (" +
                           std::to_string(data->rank()) + ")");
  }
  // Output = indices[:-1] + data[batch_dims + num_slice_dims:]; an empty output returns early.
  bool output_empty = false;
  for (size_t i = 0; i + 1 < indices->dims.size(); ++i) {
    output_empty = output_empty || (indices->dims[i].known() && indices->dims[i].value == 0);
  }
  for (size_t i = static_cast<size_t>(batch_dims + num_slice_dims); i < data->dims.size(); ++i) {
    output_empty = output_empty || (data->dims[i].known() && data->dims[i].value == 0);
  }
  if (output_empty) {
    Estimate e{"empty_output", Exactness::kExact};
    e.reason = std::string("no scratch: the output is empty, ") + kGatherNDSource + " is not reached";
    return e;
  }
  // num_slices = indices_shape.SizeToDimension(rank - 1).
  Bytes num_slices(1);
  for (size_t i = 0; i + 1 < indices->dims.size(); ++i) {
    const Dim& dim = indices->dims[i];
    if (!dim.known()) {
      return Estimate::Unknown(node.Label() + ": input 1 dim " + std::to_string(i) + " '" +
                               (dim.symbol.empty() ? "?" : dim.symbol) + "' is symbolic; it counts the slices");
    }
    num_slices = num_slices * dim.value;
  }
  Estimate e{"slice_offsets", Exactness::kExact};
  // sizes_from_slice_dims_buffer: GetScratchBuffer<int64_t>(num_slice_dims), freed when PrepareCompute returns,
  // after input_slice_offsets_buffer is taken, so both are live together.
  e.Add("sizes_from_slice_dims_buffer", Bytes::FromDim(num_slice_dims) * Bytes(8), kGatherNDSource);
  // input_slice_offsets_buffer: GetScratchBuffer<int64_t>(num_slices), held through the gather launch.
  e.Add("input_slice_offsets_buffer", num_slices * Bytes(8), kGatherNDSource);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/scatter_nd.cc ScatterNDDisjointAndNoReduction (11-12)
// and ScatterNDWithAtomicReduction (13-15, 16-17, 18+) ComputeInternal: both size the same buffer.
Result<Estimate> EstimateScatterND(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* data, RequireInput(node, 0));
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* indices, RequireInput(node, 1));
  WSEST_ASSIGN_OR_RETURN(const TensorInfo* updates, RequireInput(node, 2));
  (void)updates;
  if (!indices->has_shape) return Estimate::Unknown(node.Label() + ": input 1 (indices) has no shape");
  if (indices->rank() == 0) return InvalidArgument(node.Label() + ": input 1 (indices) rank 0, expected at least 1");
  // scatter_nd.cc: "if (indices_shape.Size() == 0) return" after the input-to-output copy.
  if (KnownEmpty(*indices)) {
    Estimate e{"empty_indices", Exactness::kExact};
    e.reason = std::string("no scratch: the indices are empty, ") + kScatterNDSource + " is not reached";
    return e;
  }
  const Dim& last = indices->dims.back();
  if (!last.known()) {
    return Estimate::Unknown(node.Label() + ": input 1 dim " + std::to_string(indices->rank() - 1) + " '" +
                             (last.symbol.empty() ? "?" : last.symbol) + "' is symbolic; it is last_index_dimension");
  }
  const int64_t last_index_dimension = last.value;
  if (data->has_shape && last_index_dimension > data->rank()) {
    return InvalidArgument(node.Label() + ": last dim of indices (" + std::to_string(last_index_dimension) +
                           ") exceeds the rank of input 0 (" + std::to_string(data->rank()) + ")");
  }
  const Exactness exactness = FirstUnknownDim(*indices).empty() ? Exactness::kExact : Exactness::kUpperBound;
  const bool dims_on_stack = last_index_dimension < kScatterNDStackDims;
  if (dims_on_stack) {
    Estimate e{"dims_on_stack", exactness};
    e.candidates.push_back({"dims_on_device", "last_index_dimension < 6", std::nullopt});
    e.reason = std::string("no scratch: ") + kScatterNDSource + " keeps strides and dims in stack_ptr";
    return e;
  }
  Estimate e{"dims_on_device", exactness};
  e.candidates.push_back({"dims_on_stack", "last_index_dimension >= 6", std::nullopt});
  // element_counts_and_input_dims_gpu: CudaAsyncBuffer<int64_t>, AllocCpuPtr(last_index_dimension * 2), CopyToGpu.
  e.Add("element_counts_and_input_dims_gpu", Bytes::FromDim(last_index_dimension) * Bytes(2 * 8), kScatterNDSource);
  return e;
}

}  // namespace wsest::estimators
