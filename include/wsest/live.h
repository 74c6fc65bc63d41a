// Library queries: the questions wsest asks cuDNN and CUB when a GPU is present (live), or asks a
// table recorded on a GPU (data/records). Estimators see only this interface through Target::live;
// which implementation answered is carried by every answer's `source`, so an Estimate can say so.
//
// Each query describes the problem exactly as ORT 1.29.0's kernel hands it to the library (after
// ORT's own reshaping, e.g. a 1-D Conv padded to 2-D), so that a recorded answer keyed by the query
// is the answer the EP would get on that device and library version.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wsest/node_view.h"
#include "wsest/result.h"

namespace wsest {

// Versions of the libraries an answer came from: part of every record's compatibility key.
struct LibraryVersions {
  std::string device;  // device profile id ("h100-sxm") or, live, the CUDA device name
  int sm = 0;          // 90 for sm_90
  int cuda_runtime = 0;  // cudaRuntimeGetVersion: 13000
  int cudnn = 0;         // cudnnGetVersion: 91900
  int cublaslt = 0;      // cublasLtGetVersion
  int cub = 0;           // CUB_VERSION of the CUB compiled into the querying code: 300001
};

// cuDNN engine heuristics mode ORT asks for (conv.cc UpdateState maps cudnn_conv_algo_search).
enum class HeurMode { kA, kB, kFallback };
const char* HeurModeName(HeurMode mode);

// A convolution as ORT's CreateCudnnFeExecutionPlan builds it: x/w/y dims in NCHW order (rank 4 or
// 5, after the 1-D padding), `channels_last` for the NHWC kernels, pads as [begin..., end...].
struct ConvQuery {
  bool transpose = false;  // ConvTranspose: cuDNN data-gradient (dgrad) graph
  DataType dtype = DataType::kFloat;
  std::vector<int64_t> x_dims, w_dims, y_dims;
  std::vector<int64_t> pads, strides, dilations;
  bool channels_last = false;
  bool fuse_bias = false;  // cuda_ep->IsFuseConvBias() || FusedConv
  bool fuse_act = false;   // FusedConv
  std::string activation;  // FusedConv's activation, when fuse_act
  HeurMode heur_mode = HeurMode::kB;
  bool use_tf32 = true;
};
struct ConvAnswer {
  uint64_t workspace_bytes = 0;
  std::string engine;  // the chosen engine (id and knobs) for --node explanations
  std::string source;
};

// cudnnReduceTensor as ReduceComputeCore sets it up.
struct ReductionQuery {
  std::string reduce_op;  // cudnnReduceTensorOp_t name: "add", "avg", "max", "min", "mul", "norm1", "norm2"
  DataType tensor_dtype = DataType::kFloat;  // the cudnnTensor data type of input and output
  DataType compute_dtype = DataType::kFloat;  // the reduce descriptor's compute type
  bool flattened_indices = false;             // ArgMax/ArgMin: CUDNN_REDUCE_TENSOR_FLATTENED_INDICES
  std::vector<int64_t> input_dims, output_dims;  // input_dims_cudnn / output_dims_cudnn
};
struct ReductionAnswer {
  uint64_t workspace_bytes = 0;  // cudnnGetReductionWorkspaceSize
  uint64_t indices_bytes = 0;    // cudnnGetReductionIndicesSize
  std::string source;
};

// cudnnGetRNNTempSpaceSizes as CudnnRnnBase::ComputeInternal calls it (inference mode, 1 layer).
struct RnnQuery {
  std::string mode;  // "lstm", "gru", "rnn_tanh", "rnn_relu"
  DataType dtype = DataType::kFloat;
  int64_t seq_length = 0, batch = 0, input_size = 0, hidden_size = 0;
  bool bidirectional = false;
  bool has_bias = true;  // input B present: CUDNN_RNN_DOUBLE_BIAS, else CUDNN_RNN_NO_BIAS
  bool use_tf32 = true;  // float without TF32 uses CUDNN_FMA_MATH (cudnn_rnn_base.h CudnnRNN::Set)
};
struct RnnAnswer {
  uint64_t workspace_bytes = 0;
  uint64_t reserve_bytes = 0;
  std::string source;
  // cudnnDropoutGetStatesSize on the handle: the dropout states every CUDA RNN kernel's constructor
  // takes from the arena and holds (cudnn_rnn_base.h CudnnRnnBase). Nullopt from a record made before
  // it was recorded.
  std::optional<uint64_t> dropout_states_bytes = std::nullopt;
};

// The CUB device algorithms ORT's kernels size temp storage for.
enum class CubAlgorithm {
  kInclusiveSumInt32,         // DeviceScan::InclusiveSum, int in, int out (NonZero)
  kInclusiveSumInt8AsInt32,   // DeviceScan::InclusiveSum over a transform iterator int8 -> int32 (Compress)
  kRadixSortPairs,            // DeviceRadixSort::SortPairs[Descending], not double-buffered
  kSelectFlagged,             // DeviceSelect::Flagged, int items, char flags, int num_items
};
const char* CubAlgorithmName(CubAlgorithm algorithm);
struct CubQuery {
  CubAlgorithm algorithm = CubAlgorithm::kInclusiveSumInt32;
  int64_t num_items = 0;
  DataType key_dtype = DataType::kUndefined;    // radix sort keys
  DataType value_dtype = DataType::kUndefined;  // radix sort values
  int offset_bytes = 4;  // sizeof(NumItemsT) the caller passes: 4 (int) or 8 (int64_t)
  int begin_bit = 0, end_bit = 0;
};
struct CubAnswer {
  uint64_t temp_storage_bytes = 0;
  std::string source;
};

// How cudnn_sdpa::run lays out Q, K and V (contrib_ops/cpu/bert/attention_common.h AttentionQkvFormat).
enum class SdpaLayout { kQ_K_V_BSNH, kQ_K_V_BSNH_BNSH_BNSH, kQ_K_V_BNSH };
const char* SdpaLayoutName(SdpaLayout layout);

// A cuDNN SDPA forward graph as cudnn_fmha/cudnn_flash_attention.cc build_graph builds it from its
// GraphParams (after run() has dropped the causal mask for a single query token and synthesised the
// missing side of a padding mask). The graph is built with heuristics mode A; its workspace is
// mha_graph->get_workspace_size(). The attention scale is part of ORT's cache key but not of the
// graph's shape, so it is left out.
struct SdpaQuery {
  DataType dtype = DataType::kFloat16;  // io type: float16 or bfloat16
  int64_t batch = 0, num_heads_q = 0, num_heads_kv = 0, head_size_qk = 0, head_size_v = 0;
  int64_t seq_len_q = 0, seq_len_kv = 0;
  SdpaLayout layout = SdpaLayout::kQ_K_V_BSNH;
  bool is_causal = false;
  bool has_bias = false;  // additive attention bias [b or 1, h or 1, s_q, s_kv]
  bool broadcast_bias_dim_0 = false, broadcast_bias_dim_1 = false;
  bool padding_mask = false;  // seq_len_q and seq_len_kv tensors ([batch] int32 each)
  int64_t sliding_window = 0;
};
struct SdpaAnswer {
  uint64_t workspace_bytes = 0;
  std::string source;
};

// Canonical one-line keys (stable field order), used by records and by tests.
std::string CanonicalKey(const ConvQuery& q);
std::string CanonicalKey(const ReductionQuery& q);
std::string CanonicalKey(const RnnQuery& q);
std::string CanonicalKey(const CubQuery& q);
std::string CanonicalKey(const SdpaQuery& q);

// A source of library answers. A query the source cannot answer (no GPU, no matching record, an
// unsupported descriptor) returns an Error whose message says why; estimators then fall back.
class LibraryQueries {
 public:
  virtual ~LibraryQueries() = default;
  // "live" or "recorded"; each answer's `source` adds detail (device, versions, file).
  virtual std::string Kind() const = 0;
  virtual Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const = 0;
  virtual Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const = 0;
  virtual Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const = 0;
  virtual Result<CubAnswer> CubTempStorage(const CubQuery& q) const = 0;
  virtual Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const = 0;
};

// Asks each source in order (live first, then recorded) and returns the first answer; when none
// answers, the error lists every source's reason. Does not own the sources.
class LayeredQueries final : public LibraryQueries {
 public:
  explicit LayeredQueries(std::vector<const LibraryQueries*> sources) : sources_(std::move(sources)) {}
  std::string Kind() const override;
  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override;
  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override;
  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override;
  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override;
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override;

 private:
  std::vector<const LibraryQueries*> sources_;
};

// The live implementation lives in a module (libwsest_live_cuda.so, built when WSEST_WITH_CUDA is on)
// that the core opens with dlopen, so that nothing linking wsest maps a CUDA library it does not use.
// Returns null, with the reason in `why_not`, when no CUDA driver reports a device (libcuda.so.1
// absent, cuInit failing, 0 devices: "no GPU: ..."), when the module is not installed beside the
// CLI or libwsest.so, or when the CUDA runtime cannot open the device.
std::unique_ptr<LibraryQueries> CreateLiveQueries(int device_ordinal, std::string* why_not);
// The same source, deferred: nothing is probed or loaded until the first query, whose answer (or
// "no GPU: ..." refusal) CreateLiveQueries decides. Thread-safe; what the CLI uses.
std::unique_ptr<LibraryQueries> CreateLazyLiveQueries(int device_ordinal);
// The versions the live module was built with and runs against (loads the module, needs no GPU);
// all zero when the module cannot be loaded.
LibraryVersions LiveLibraryVersions();

}  // namespace wsest
