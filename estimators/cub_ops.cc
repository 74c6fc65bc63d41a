// TopK, NonZero, Compress and NonMaxSuppression on the CUDA EP: the kernels that size CUB temp
// storage. CUB's scan, select and onesweep radix-sort sizes are host arithmetic (estimators/cub_temp_storage.h),
// so these are exact without a GPU where every dim is known; a live or recorded CUB answer, when
// Target::live has one, is used first and named in the buffer's source.
#include <algorithm>
#include <optional>
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
      bytes = cub_storage::SelectFlaggedInt32TempBytes(n, ptx);
      break;
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

// Mirrors ORT 1.29.0 core/providers/cuda/object_detection/non_max_suppression.cc
// NonMaxSuppression::ComputeInternal and non_max_suppression_impl.cu NonMaxSuppressionImpl / NmsGpu
// (opsets 10, 11+). Every (batch, class) pair runs NonMaxSuppressionImpl with the kernel's
// GetScratchBuffer; a pair's buffers are freed when it returns, except its selected indices
// (num_to_keep * 3 int64), which stay alive until the final concat. So the peak is the largest of:
//   the last pair's phases (score count, NmsGpu, mapping back), on top of the earlier pairs' kept
//   indices, and the concat (every pair's kept indices plus its CudaAsyncBuffer index arrays).
// How many boxes pass score_threshold and how many NMS keeps are data: each is taken at its maximum
// (num_boxes, and min(num_boxes, max_output_boxes_per_class)), so the estimate is an upper bound.
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
  // GetThresholdsFromInputs: max_output_boxes_per_class = max(input 2, 0), 0 when input 2 is absent.
  std::optional<int64_t> max_output_boxes;
  if (!node.has_input(2)) {
    max_output_boxes = 0;
  } else if (node.inputs[2].int_values && !node.inputs[2].int_values->empty()) {
    max_output_boxes = std::max<int64_t>(node.inputs[2].int_values->front(), 0);
  }
  // ComputeInternal returns an empty output before any pair when there are no boxes or no output
  // boxes allowed; no pairs at all (a 0 batch or class dim) skips the loop.
  if (num_boxes == 0 || (max_output_boxes && *max_output_boxes == 0) || num_batches == 0 || num_classes == 0) {
    Estimate e{"empty", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kNmsSource + " returns a [0, 3] output before NonMaxSuppressionImpl";
    return e;
  }
  Estimate e{"cub_nms", Exactness::kUpperBound};
  if (num_boxes > kMaxItems) {
    e.Add("d_sorted_boxes", Bytes::Overflowed(), kNmsImplSource);
    return e;
  }
  // num_to_keep <= min(boxes selected, int_max_output_boxes_per_class) <= min(num_boxes, input 2).
  const int64_t max_keep = max_output_boxes ? std::min(num_boxes, *max_output_boxes) : num_boxes;
  const bool has_score_threshold = node.has_input(4);
  const Bytes n = Bytes::FromDim(num_boxes);

  CubQuery sort;
  sort.algorithm = CubAlgorithm::kRadixSortPairs;
  sort.num_items = num_boxes;  // int num_boxes: choose_offset_t<int> is 4 bytes
  sort.key_dtype = DataType::kFloat;
  sort.value_dtype = DataType::kInt32;
  sort.offset_bytes = 4;
  sort.end_bit = 32;
  CubSized sort_temp = SizeCub(sort, target, "dispatch_radix_sort.cuh DispatchRadixSort::InvokeOnesweep");
  // NmsGpu runs on limited_num_boxes <= num_boxes (all of them without a score threshold).
  CubQuery select;
  select.algorithm = CubAlgorithm::kSelectFlagged;
  select.num_items = num_boxes;
  select.offset_bytes = 4;
  CubSized select_temp = SizeCub(select, target, "dispatch_select_if.cuh DispatchSelectIf::Invoke");
  if (!sort_temp.known || !select_temp.known) {
    Estimate u = Estimate::Unknown(node.Label() + ": " + (!sort_temp.known ? sort_temp.why_not : select_temp.why_not));
    u.variant = "cub_nms";
    return u;
  }

  // The pair's own buffers, alive for all of NonMaxSuppressionImpl (each GetScratchBuffer<void>).
  std::vector<Buffer> pair;
  auto add = [](std::vector<Buffer>& list, const char* name, Bytes b, std::string source,
                Allocator allocator = Allocator::kScratch) {
    list.push_back({name, b.overflow() ? UINT64_MAX : b.value(), std::move(source), allocator});
    return b;
  };
  Bytes pair_bytes(0);
  // d_cub_sort_buffer: SortPairsDescending(nullptr, ...) size, float keys, int values, all 32 bits.
  pair_bytes += add(pair, "d_cub_sort_buffer", sort_temp.bytes, std::string(kNmsImplSource) + "; " + sort_temp.source);
  // d_indices, d_sorted_indices, d_selected_indices: num_boxes ints; d_sorted_scores: num_boxes floats;
  // d_sorted_boxes: num_boxes * 4 floats.
  pair_bytes += add(pair, "d_indices", n * 4, kNmsImplSource);
  pair_bytes += add(pair, "d_sorted_indices", n * 4, kNmsImplSource);
  pair_bytes += add(pair, "d_selected_indices", n * 4, kNmsImplSource);
  pair_bytes += add(pair, "d_sorted_scores", n * 4, kNmsImplSource);
  pair_bytes += add(pair, "d_sorted_boxes", n * 16, kNmsImplSource);

  // Phase 1, with a score threshold: thrust::count_if(thrust::cuda::par.on(stream), ...) takes its
  // temporary_array from thrust's default allocator (cudaMalloc), outside ORT's arena.
  std::vector<Buffer> count_phase;
  Bytes count_bytes(0);
  if (has_score_threshold) {
    count_bytes += add(count_phase, "thrust_count_if_temp",
                       Bytes(cub_storage::ThrustCountIfTempBytesUpperBound(
                           static_cast<uint64_t>(num_boxes), static_cast<uint64_t>(target.device.sm_count))),
                       std::string(kNmsImplSource) + " thrust::count_if; " +
                           cub_storage::CubSource("thrust reduce.h reduce_n_impl, dispatch_reduce.cuh DispatchReduce"),
                       Allocator::kExternal);
  }
  // Phase 2, NmsGpu with limited_num_boxes = num_boxes at most: the delete mask
  // num_boxes * bit_mask_len ints (bit_mask_len = ceil(num_boxes / kNmsBoxesPerThread = 32)),
  // d_selected_boxes (chars), its own d_indices (ints), the DeviceSelect::Flagged temp storage and
  // d_num_selected (one int).
  std::vector<Buffer> nms_phase;
  Bytes nms_bytes(0);
  nms_bytes += add(nms_phase, "d_nms_mask", n * CeilDiv(num_boxes, 32) * 4, kNmsGpuSource);
  nms_bytes += add(nms_phase, "d_selected_boxes", n, kNmsGpuSource);
  nms_bytes += add(nms_phase, "nms_d_indices", n * 4, kNmsGpuSource);
  nms_bytes +=
      add(nms_phase, "d_cub_select_buffer", select_temp.bytes, std::string(kNmsGpuSource) + "; " + select_temp.source);
  nms_bytes += add(nms_phase, "d_num_selected", Bytes(4), kNmsGpuSource);
  // Phase 3, mapping back: d_output_indices (num_to_keep ints) and d_normalized_output_indices
  // (num_to_keep * 3 int64), the latter moved out as the pair's selected indices.
  std::vector<Buffer> map_phase;
  Bytes map_bytes(0);
  const Bytes keep = Bytes::FromDim(max_keep);
  map_bytes += add(map_phase, "d_output_indices", keep * 4, kNmsImplSource);
  map_bytes += add(map_phase, "d_normalized_output_indices", keep * 24, kNmsImplSource);

  const Bytes pairs = Bytes::FromDim(num_batches) * num_classes;
  const Bytes earlier_pairs = pairs.overflow() ? pairs : Bytes(pairs.value() - 1);
  // Earlier pairs' d_normalized_output_indices, held in all_selected_indices.
  const Bytes kept_earlier = earlier_pairs * keep * 24;
  // The concat: every pair's kept indices, then CudaAsyncBuffer<const void*> input_ptr and
  // CudaAsyncBuffer<int64_t> concat_sizes_gpu, concat_sizes_range_gpu (one entry per pair that kept
  // any) and axis_dimension_input_output_mapping_gpu (one per kept box).
  std::vector<Buffer> concat_phase;
  Bytes concat_bytes(0);
  concat_bytes += add(concat_phase, "kept_selected_indices", pairs * keep * 24, kNmsSource);
  concat_bytes += add(concat_phase, "input_ptr", pairs * 8, kNmsSource);
  concat_bytes += add(concat_phase, "concat_sizes_gpu", pairs * 8, kNmsSource);
  concat_bytes += add(concat_phase, "concat_sizes_range_gpu", pairs * 8, kNmsSource);
  concat_bytes += add(concat_phase, "axis_dimension_input_output_mapping_gpu", pairs * keep * 8, kNmsSource);

  const Bytes pair_peak = kept_earlier + pair_bytes;
  const Bytes count_total = pair_peak + count_bytes;
  const Bytes nms_total = pair_peak + nms_bytes;
  const Bytes map_total = pair_peak + map_bytes;
  if (count_total.overflow() || nms_total.overflow() || map_total.overflow() || concat_bytes.overflow()) {
    e.Add("kept_selected_indices", Bytes::Overflowed(), kNmsSource);
    return e;
  }
  const uint64_t pair_max = std::max({count_total.value(), nms_total.value(), map_total.value()});
  if (concat_bytes.value() >= pair_max) {
    for (Buffer& b : concat_phase) e.Add(b.name, Bytes(b.bytes), b.source, b.allocator);
    e.reason = "peak at the final concat; ";
  } else {
    e.Add("kept_selected_indices", kept_earlier, kNmsSource);
    for (Buffer& b : pair) e.Add(b.name, Bytes(b.bytes), b.source, b.allocator);
    const std::vector<Buffer>& phase = nms_total.value() == pair_max   ? nms_phase
                                       : map_total.value() == pair_max ? map_phase
                                                                       : count_phase;
    for (const Buffer& b : phase) e.Add(b.name, Bytes(b.bytes), b.source, b.allocator);
    e.reason = std::string("peak in the last (batch, class) pair's ") +
               (nms_total.value() == pair_max   ? "NmsGpu"
                : map_total.value() == pair_max ? "index mapping"
                                                : "score count") +
               " with the earlier pairs' kept indices; ";
  }
  e.reason += "boxes passing score_threshold and boxes kept per pair are data, each taken at its maximum (" +
              std::to_string(num_boxes) + " and " + std::to_string(max_keep) + ")" +
              (max_output_boxes ? "" : "; max_output_boxes_per_class (input 2) is not a constant") +
              (has_score_threshold ? "; thrust::count_if's cudaMalloc'd temp is bounded by 8 blocks per SM" : "");
  return e;
}

}  // namespace wsest::estimators
