// TopK, NonZero, Compress and NonMaxSuppression on the CUDA EP: the kernels that size CUB temp
// storage. CUB's scan and onesweep radix-sort sizes are host arithmetic (estimators/cub_temp_storage.h),
// so these are exact without a GPU where every dim is known; a live or recorded CUB answer, when
// Target::live has one, is used first and named in the buffer's source.
#include <algorithm>
#include <string>
#include <vector>

#include "estimators/cub_temp_storage.h"
#include "estimators/estimators.h"
#include "wsest/live.h"

namespace wsest::estimators {
namespace {

constexpr const char* kTopKSource = "onnxruntime 1.29.0 core/providers/cuda/math/topk_impl.cuh TopKImpl";
constexpr const char* kNonZeroSource = "onnxruntime 1.29.0 core/providers/cuda/tensor/nonzero_op.cc NonZero<T>::ComputeInternal";
constexpr const char* kCompressSource = "onnxruntime 1.29.0 core/providers/cuda/tensor/compress.cc Compress::ComputeInternal";
constexpr const char* kNmsImplSource =
    "onnxruntime 1.29.0 core/providers/cuda/object_detection/non_max_suppression_impl.cu NonMaxSuppressionImpl";
constexpr const char* kNmsGpuSource =
    "onnxruntime 1.29.0 core/providers/cuda/object_detection/non_max_suppression_impl.cu NmsGpu";
constexpr const char* kNmsSource =
    "onnxruntime 1.29.0 core/providers/cuda/object_detection/non_max_suppression.cc NonMaxSuppression::ComputeInternal";

// GridDim::maxThreadsPerBlock (core/providers/cuda/cu_inc/common.cuh): 256.
constexpr int64_t kMaxThreadsPerBlock = 256;
// Item counts past this are refused as overflow: CUB's offsets are at most 64-bit and ORT narrows
// most of these counts to int; 2^48 keeps every product below in 64 bits.
constexpr int64_t kMaxItems = int64_t{1} << 48;

std::string DimName(const Dim& d) { return d.symbol.empty() ? "?" : d.symbol; }

// The first unknown dim of input `index`, as "input 0 dim 1 'n'", or empty.
std::string UnknownDimOf(const NodeView& node, size_t index) {
  const TensorInfo& t = node.inputs[index];
  if (!t.has_shape) return "input " + std::to_string(index) + " has no shape";
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i].known()) {
      return "input " + std::to_string(index) + " dim " + std::to_string(i) + " '" + DimName(t.dims[i]) + "'";
    }
  }
  return {};
}

Result<bool> RequireInputs(const NodeView& node, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected " +
                             std::to_string(count) + " inputs");
    }
  }
  return true;
}

// Product of known dims as Bytes (overflow-checked).
Bytes ElementCount(const TensorInfo& t) {
  Bytes n(1);
  for (const Dim& d : t.dims) n *= Bytes::FromDim(d.value);
  return n;
}

// The CUB temp storage for `q`: a live/recorded answer first, else the host arithmetic when it
// exists. `exact` false when neither answers. Adds the buffer to `e`.
struct CubSized {
  Bytes bytes;
  bool known = false;
  std::string source;
  std::string why_not;
};
CubSized SizeCub(const CubQuery& q, const Target& target, const char* what) {
  CubSized out;
  std::string live_error;
  if (target.live != nullptr) {
    Result<CubAnswer> a = target.live->CubTempStorage(q);
    if (a.ok()) return {Bytes(a->temp_storage_bytes), true, a->source, {}};
    live_error = a.error().message;
  }
  if (q.num_items > kMaxItems) return {Bytes::Overflowed(), true, cub_storage::CubSource(what), {}};
  const int ptx = cub_storage::AssumedPtxVersion(target.device);
  const uint64_t n = static_cast<uint64_t>(q.num_items);
  std::optional<uint64_t> bytes;
  switch (q.algorithm) {
    case CubAlgorithm::kInclusiveSumInt32:
    case CubAlgorithm::kInclusiveSumInt8AsInt32:
      bytes = cub_storage::InclusiveSumInt32TempBytes(n, ptx);
      break;
    case CubAlgorithm::kRadixSortPairs: {
      cub_storage::RadixSortShape s;
      s.key_bytes = static_cast<int>(ElementSize(q.key_dtype));
      s.value_bytes = static_cast<int>(ElementSize(q.value_dtype));
      s.offset_bytes = q.offset_bytes;
      s.float_keys = q.key_dtype == DataType::kFloat;
      s.begin_bit = q.begin_bit;
      s.end_bit = q.end_bit;
      bytes = cub_storage::RadixSortPairsTempBytes(n, s, ptx);
      break;
    }
    case CubAlgorithm::kSelectFlagged:
      break;  // dispatch_select_if.cuh's tuning and vsmem are not transcribed
  }
  if (!bytes) {
    out.why_not = std::string(CubAlgorithmName(q.algorithm)) + " temp storage at ptx " + std::to_string(ptx) +
                  " is not host arithmetic in wsest (" + CanonicalKey(q) + "); a live query or a record answers it" +
                  (live_error.empty() ? "" : " (library: " + live_error + ")");
    return out;
  }
  return {Bytes(*bytes), true,
          cub_storage::CubSource(what) + ", derived for ptx " + std::to_string(ptx) + " (" + CanonicalKey(q) + ")",
          {}};
}

bool IsTopKType(DataType t) {
  return t == DataType::kFloat16 || t == DataType::kFloat || t == DataType::kDouble || t == DataType::kInt32 ||
         t == DataType::kInt64;
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/math/topk.cc TopK<inputk>::ComputeInternal and
// topk_impl.cuh TopKImpl (opsets 1-9 with K as attribute, 10 with K as input, 11+ adding largest
// and sorted; T in float16, float, double, int32, int64).
Result<Estimate> EstimateTopK(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool ok, RequireInputs(node, node.opset >= 10 ? 2 : 1));
  (void)ok;
  const TensorInfo& x = node.inputs[0];
  if (!IsTopKType(x.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA TopK kernel is not registered for " +
                             DataTypeName(x.dtype));
  }
  if (!x.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; the axis length is needed");
  const int64_t rank = x.rank();
  int64_t axis = node.GetInt("axis", -1);
  if (axis < -rank || axis >= rank || rank == 0) {
    return InvalidArgument(node.Label() + ": axis " + std::to_string(axis) + " out of range for input 0 rank " +
                           std::to_string(rank));
  }
  if (axis < 0) axis += rank;
  const Dim& axis_dim = x.dims[static_cast<size_t>(axis)];
  if (!axis_dim.known()) {
    return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(axis) + " '" + DimName(axis_dim) +
                             "' (the TopK axis) is symbolic; the kernel choice depends on it");
  }
  const int64_t dimension = axis_dim.value;
  const int64_t sorted = node.opset >= 11 ? node.GetInt("sorted", 1) : 1;

  // K: the attribute (opset < 10) or input 1, a CPU int64 scalar known only when constant.
  std::optional<int64_t> k;
  if (node.opset < 10) {
    k = node.GetInt("k", 0);
  } else if (node.inputs[1].int_values && !node.inputs[1].int_values->empty()) {
    k = node.inputs[1].int_values->front();
  }
  if (k && (*k < 0 || *k > dimension)) {
    return InvalidArgument(node.Label() + ": K " + std::to_string(*k) + " outside [0, " + std::to_string(dimension) +
                           "] (axis length)");
  }

  // topk_impl.cuh: aligned = next power of two (ALIGN); BT = GridDim::maxThreadsPerBlock = 256.
  int64_t aligned_dimension = 1;
  while (aligned_dimension < dimension && aligned_dimension < (int64_t{1} << 62)) aligned_dimension <<= 1;
  const bool use_bitonic = aligned_dimension <= kMaxThreadsPerBlock;
  // `K <= BT * 16 || 0 == sorted` picks RadixTopK; K <= dimension, so dimension <= 4096 rules out the sort.
  const bool radix_regardless_of_k = sorted == 0 || dimension <= kMaxThreadsPerBlock * 16;

  if (k && *k == 0) {
    Estimate e{"empty_k", Exactness::kExact};
    e.reason = "K == 0: topk.cc returns empty outputs before TopKImpl";
    return e;
  }
  if (use_bitonic || radix_regardless_of_k || (k && *k <= kMaxThreadsPerBlock * 16)) {
    Estimate e{use_bitonic ? "bitonic" : "radix_select", Exactness::kExact};
    e.candidates.push_back({"cub_sort", use_bitonic ? "aligned dimension <= 256" :
                                        sorted == 0 ? "sorted == 0" : "K <= 4096",
                            std::nullopt});
    e.reason = std::string("no scratch: ") + kTopKSource +
               (use_bitonic ? " BitonicTopK uses dynamic shared memory only"
                            : " RadixTopK uses a 256-entry shared histogram only");
    return e;
  }

  // The sort path: four dimension-long scratch arrays and CUB SortPairs temp storage, reused for
  // every one of the N rows.
  WSEST_ASSIGN_OR_RETURN(ok, RequireInputs(node, 1));
  const int64_t elem = ElementSize(x.dtype);
  CubQuery q;
  q.algorithm = CubAlgorithm::kRadixSortPairs;
  q.num_items = dimension;  // int64_t dimension: NumItemsT int64_t -> 8-byte offsets
  q.key_dtype = x.dtype;
  q.value_dtype = DataType::kInt64;
  q.offset_bytes = 8;
  q.begin_bit = 0;
  q.end_bit = static_cast<int>(elem * 8);
  CubSized temp = SizeCub(q, target, "dispatch_radix_sort.cuh DispatchRadixSort::InvokeOnesweep");

  Estimate e{"cub_sort", k ? Exactness::kExact : Exactness::kUpperBound};
  e.candidates.push_back({"bitonic", "aligned dimension > 256", std::nullopt});
  if (k) {
    e.candidates.push_back({"radix_select", "K > 4096 and sorted", std::nullopt});
  } else {
    e.candidates.push_back({"radix_select", "", uint64_t{0}});
    e.reason = "K (input 1) is not a constant: the sort path's bytes are the maximum over K; K <= 4096 takes "
               "radix_select with no scratch";
  }
  // input_key, output_key: GetScratchBuffer<CudaT>(dimension); input_value, output_value: <int64_t>(dimension).
  const Bytes keys = Bytes::FromDim(dimension) * elem;
  const Bytes values = Bytes::FromDim(dimension) * 8;
  e.Add("input_key", keys, kTopKSource);
  e.Add("output_key", keys, kTopKSource);
  e.Add("input_value", values, kTopKSource);
  e.Add("output_value", values, kTopKSource);
  if (!temp.known) {
    e.exactness = Exactness::kUnknown;
    e.reason = node.Label() + ": " + temp.why_not;
    return e;
  }
  // temp_storage: GetScratchBuffer<char>(temp_bytes) from cub::DeviceRadixSort::SortPairs(nullptr, ...).
  e.Add("cub_sort_temp_storage", temp.bytes, std::string(kTopKSource) + "; " + temp.source);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/nonzero_op.cc NonZero<T>::ComputeInternal and
// nonzero_impl.cu (opsets 9-12, 13+; T in bool, uint8, int32, int64, float16, float).
Result<Estimate> EstimateNonZero(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool ok, RequireInputs(node, 1));
  (void)ok;
  const TensorInfo& x = node.inputs[0];
  if (std::string dim = UnknownDimOf(node, 0); !dim.empty()) {
    return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; the scratch scales with the element count");
  }
  const Bytes x_size = ElementCount(x);
  if (x_size.overflow() || x_size.value() > static_cast<uint64_t>(kMaxItems)) {
    Estimate e{"cub_scan", Exactness::kExact};
    e.Add("prefix_counts", Bytes::Overflowed(), kNonZeroSource);
    return e;
  }
  if (x_size.value() == 0) {
    Estimate e{"empty", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kNonZeroSource + " x_size == 0 skips the scan";
    return e;
  }
  // NonZeroCalcBlockCount: ceil(x_size / GridDim::maxThreadsPerBlock) blocks, one int count each.
  const int64_t blocks = CeilDiv(static_cast<int64_t>(x_size.value()), kMaxThreadsPerBlock);
  CubQuery q;
  q.algorithm = CubAlgorithm::kInclusiveSumInt32;
  q.num_items = blocks;
  q.offset_bytes = 4;
  CubSized temp = SizeCub(q, target, "dispatch_scan.cuh DispatchScan::Invoke");
  Estimate e{"cub_scan", Exactness::kExact};
  // prefix_buffer: GetScratchBuffer<int>(number_of_blocks).
  e.Add("prefix_counts", Bytes::FromDim(blocks) * 4, kNonZeroSource);
  if (!temp.known) {
    e.exactness = Exactness::kUnknown;
    e.reason = node.Label() + ": " + temp.why_not;
    return e;
  }
  // temp_buffer: GetScratchBuffer<uint8_t>(temp_storage_bytes) from NonZeroCalcPrefixSumTempStorageBytes.
  e.Add("cub_scan_temp_storage", temp.bytes, std::string(kNonZeroSource) + "; " + temp.source);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/compress.cc Compress::ComputeInternal and
// compress_impl.cu CompressCalcPrefixSumTempStorageBytes (opset 11+; the opset-9 kernel is the same code).
Result<Estimate> EstimateCompress(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool ok, RequireInputs(node, 2));
  (void)ok;
  const TensorInfo& x = node.inputs[0];
  const TensorInfo& condition = node.inputs[1];
  const bool has_axis = node.has_attribute("axis");
  for (size_t i : {size_t{0}, size_t{1}}) {
    if (std::string dim = UnknownDimOf(node, i); !dim.empty()) {
      // Without an axis every dim of X counts; with one, only X's axis dim and the condition length.
      if (i == 0 && has_axis && x.has_shape) continue;
      return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; the scan length depends on it");
    }
  }
  int64_t compress_input_length = 0;
  if (has_axis) {
    const int64_t rank = x.rank();
    int64_t axis = node.GetInt("axis", 0);
    if (axis < -rank || axis >= rank) {
      return InvalidArgument(node.Label() + ": axis " + std::to_string(axis) + " out of range for input 0 rank " +
                             std::to_string(rank));
    }
    if (axis < 0) axis += rank;
    const Dim& d = x.dims[static_cast<size_t>(axis)];
    if (!d.known()) {
      return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(axis) + " '" + DimName(d) +
                               "' (the compress axis) is symbolic");
    }
    compress_input_length = d.value;
  } else {
    const Bytes size = ElementCount(x);
    compress_input_length = size.overflow() || size.value() > static_cast<uint64_t>(kMaxItems)
                                ? kMaxItems + 1
                                : static_cast<int64_t>(size.value());
  }
  const Bytes condition_bytes = ElementCount(condition);
  const int64_t condition_length = condition_bytes.overflow() ? kMaxItems + 1
                                                              : static_cast<int64_t>(condition_bytes.value());
  // valid_condition_length = min(compress_input_length, condition_length).
  const int64_t valid = std::min(compress_input_length, condition_length);
  Estimate e{"cub_scan", Exactness::kExact};
  if (valid > kMaxItems) {
    e.Add("condition_cumulative_sum", Bytes::Overflowed(), kCompressSource);
    return e;
  }
  CubQuery q;
  q.algorithm = CubAlgorithm::kInclusiveSumInt8AsInt32;
  q.num_items = valid;
  q.offset_bytes = 4;
  CubSized temp = SizeCub(q, target, "dispatch_scan.cuh DispatchScan::Invoke");
  // condition_cumulative_sum: GetScratchBuffer<int32_t>(valid_condition_length).
  e.Add("condition_cumulative_sum", Bytes::FromDim(valid) * 4, kCompressSource);
  if (!temp.known) {
    e.exactness = Exactness::kUnknown;
    e.reason = node.Label() + ": " + temp.why_not;
    return e;
  }
  // temp_buffer: GetScratchBuffer<uint8_t>(temp_storage_bytes); the size query runs even for 0 items.
  e.Add("cub_scan_temp_storage", temp.bytes, std::string(kCompressSource) + "; " + temp.source);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/object_detection/non_max_suppression.cc and
// non_max_suppression_impl.cu (opsets 10, 11+). Each (batch, class) pair runs NonMaxSuppressionImpl;
// the buffers below are those of one pair, all alive during NmsGpu, plus the selected-index arrays
// that earlier pairs keep until the final concat (each sized num_boxes ints). How many boxes pass the
// score threshold and how many pairs select any are data, so the estimate is an upper bound.
Result<Estimate> EstimateNonMaxSuppression(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool ok, RequireInputs(node, 2));
  (void)ok;
  const TensorInfo& boxes = node.inputs[0];
  const TensorInfo& scores = node.inputs[1];
  for (size_t i : {size_t{0}, size_t{1}}) {
    if (std::string dim = UnknownDimOf(node, i); !dim.empty()) {
      return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; every buffer scales with the box count");
    }
  }
  if (boxes.rank() != 3 || scores.rank() != 3) {
    return InvalidArgument(node.Label() + ": boxes rank " + std::to_string(boxes.rank()) + " and scores rank " +
                           std::to_string(scores.rank()) + ", expected 3 and 3");
  }
  const int64_t num_batches = scores.dims[0].value;
  const int64_t num_classes = scores.dims[1].value;
  const int64_t num_boxes = scores.dims[2].value;
  if (boxes.dims[1].value != num_boxes || boxes.dims[2].value != 4) {
    return InvalidArgument(node.Label() + ": boxes dims [" + std::to_string(boxes.dims[0].value) + ", " +
                           std::to_string(boxes.dims[1].value) + ", " + std::to_string(boxes.dims[2].value) +
                           "], expected [B, " + std::to_string(num_boxes) + ", 4]");
  }
  Estimate e{"cub_nms", Exactness::kUpperBound};
  e.reason = "boxes passing score_threshold and the pairs that select any are data: each is taken at its maximum";
  if (num_boxes > kMaxItems) {
    e.Add("d_sorted_boxes", Bytes::Overflowed(), kNmsImplSource);
    return e;
  }
  const Bytes n = Bytes::FromDim(num_boxes);
  CubQuery sort;
  sort.algorithm = CubAlgorithm::kRadixSortPairs;
  sort.num_items = num_boxes;  // int num_boxes: 4-byte offsets
  sort.key_dtype = DataType::kFloat;
  sort.value_dtype = DataType::kInt32;
  sort.offset_bytes = 4;
  sort.end_bit = 32;
  CubSized sort_temp = SizeCub(sort, target, "dispatch_radix_sort.cuh DispatchRadixSort::InvokeOnesweep");
  CubQuery select;
  select.algorithm = CubAlgorithm::kSelectFlagged;
  select.num_items = num_boxes;
  select.offset_bytes = 4;
  CubSized select_temp = SizeCub(select, target, "dispatch_select_if.cuh DispatchSelectIf::Invoke");

  // NonMaxSuppressionImpl: each through the kernel's GetScratchBuffer<void>(bytes) allocator.
  if (sort_temp.known) {
    e.Add("d_cub_sort_buffer", sort_temp.bytes, std::string(kNmsImplSource) + "; " + sort_temp.source);
  }
  e.Add("d_indices", n * 4, kNmsImplSource);
  e.Add("d_sorted_indices", n * 4, kNmsImplSource);
  e.Add("d_selected_indices", n * 4, kNmsImplSource);
  e.Add("d_sorted_scores", n * 4, kNmsImplSource);
  e.Add("d_sorted_boxes", n * 16, kNmsImplSource);
  // NmsGpu, with limited_num_boxes <= num_boxes: the delete mask num_boxes * ceil(num_boxes / 32) ints
  // (bit_mask_len with kNmsBoxesPerThread = 8 * sizeof(int) = 32), then d_selected_boxes
  // (num_boxes chars), its own d_indices (num_boxes ints), the select temp storage and d_num_selected.
  const int64_t bit_mask_len = CeilDiv(num_boxes, 32);
  e.Add("d_nms_mask", n * bit_mask_len * 4, kNmsGpuSource);
  e.Add("d_selected_boxes", n, kNmsGpuSource);
  e.Add("nms_d_indices", n * 4, kNmsGpuSource);
  if (select_temp.known) {
    e.Add("d_cub_select_buffer", select_temp.bytes, std::string(kNmsGpuSource) + "; " + select_temp.source);
  }
  e.Add("d_num_selected", Bytes(4), kNmsGpuSource);
  // Earlier pairs' selected indices, moved into all_selected_indices until the concat.
  const Bytes pairs = Bytes::FromDim(num_batches) * num_classes;
  const Bytes earlier_pairs = pairs.overflow() || pairs.value() == 0 ? Bytes(0) : Bytes(pairs.value() - 1);
  e.Add("kept_selected_indices", earlier_pairs * n * 4, kNmsSource);
  if (!sort_temp.known || !select_temp.known) {
    e.exactness = Exactness::kUnknown;
    e.reason = node.Label() + ": " + (!select_temp.known ? select_temp.why_not : sort_temp.why_not);
  }
  return e;
}

}  // namespace wsest::estimators
