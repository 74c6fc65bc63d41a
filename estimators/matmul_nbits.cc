// MatMulNBits (com.microsoft) on the CUDA EP: the fpA_intB CUTLASS weight-only GEMM (with its GEMV tactic), the
// fused GEMV fast path, and the dequantize + cuBLAS fallback (full N or chunked along N).
//
// Read in microsoft/onnxruntime @01b814b (contrib_ops/cuda/quantization/matmul_nbits.cc and .h, the copy with
// ComputeFpAIntBGemmWorkspaceSize, CheckFpAIntBEligibility and the compact kernel set), checked against the
// older tianleiwu/onnxruntime @2f44c8f copy (same dispatch and dequant sizing, no compact set). Also read:
// contrib_ops/cuda/llm/fpA_intB_gemm/fpA_intB_gemm.h ComputeFpAIntBGemmWorkspaceSize,
// quantization/matmul_nbits_legacy_workspace.h ComputeLegacyMatMulNBitsWorkspaceInfo, matmul_nbits.cuh
// TryMatMulNBits, the weight-only profiler (the GEMV tactic is dropped for m > 16) and
// docs/contrib_ops/cuda MatMulNBits notes ("the compact kernel set is the default"). No tagged 1.29.0 tree was
// available: the compact default is the newest state read and is assumed for 1.29.0.
#include <cctype>
#include <climits>
#include <optional>
#include <string>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kNBitsSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/matmul_nbits.cc MatMulNBits<T>::ComputeInternal";
constexpr const char* kFpAIntBWorkspaceSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/llm/fpA_intB_gemm/fpA_intB_gemm.h ComputeFpAIntBGemmWorkspaceSize";

// matmul_nbits.h: kMatMulNBitsWeight{NotPrepacked, PrepackedSm80, PrepackedSm90}.
constexpr int64_t kNotPrepacked = 0;
constexpr int64_t kPrepackedSm80 = 1;
constexpr int64_t kPrepackedSm90 = 2;
// matmul_nbits.h: kDefaultChunkTargetRows; the 256 MiB chunking threshold is in ComputeInternal.
constexpr int64_t kDefaultChunkTargetRows = 32768;
constexpr uint64_t kChunkingThresholdBytes = 256ull * 1024 * 1024;
// The largest small-M cap of the fused GEMV kernels (TryMatMul4Bits' SmallMCap); 8-bit caps lower.
constexpr int64_t kGemvMaxM = 16;

// Attributes and inputs as the kernel's constructor reads them (matmul_nbits.h), plus M from input A.
struct NBitsDims {
  DataType dtype = DataType::kUndefined;
  int64_t m = 0;  // product of A's dims but the last (ComputeMatMulNBitsLeadingDimProduct)
  int64_t n = 0;  // attribute N
  int64_t k = 0;  // attribute K
  int64_t bits = 0;
  int64_t block_size = 0;
  int64_t weight_prepacked = kNotPrepacked;
  bool has_zero_points = false;
  bool zero_points_typed = false;  // zero points of type T (not packed uint8)
  bool has_g_idx = false;
  bool has_bias = false;
};

// ParseFpAIntBEnabled (matmul_nbits.h): "", "0" or "off" (trimmed, any case) disable; anything else enables.
bool FpAIntBEnabled(const Target& target) {
  std::optional<std::string> value = target.ep.Env("ORT_FPA_INTB_GEMM");
  if (!value) return false;
  std::string v;
  for (char c : *value) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') v.push_back(static_cast<char>(std::tolower(c)));
  }
  return !(v.empty() || v == "0" || v == "off");
}

Result<NBitsDims> ParseNBits(const NodeView& node) {
  for (size_t i = 0; i < 3; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected A, B and scales");
    }
  }
  for (const char* attr : {"K", "N", "bits", "block_size"}) {
    if (!node.has_attribute(attr)) return InvalidArgument(node.Label() + ": attribute '" + attr + "' is missing");
  }
  NBitsDims d;
  d.dtype = node.inputs[0].dtype;
  d.n = node.GetInt("N", 0);
  d.k = node.GetInt("K", 0);
  d.bits = node.GetInt("bits", 0);
  d.block_size = node.GetInt("block_size", 0);
  d.weight_prepacked = node.GetInt("weight_prepacked", kNotPrepacked);
  // The constructor: ORT_ENFORCE(block_size_ > 0).
  if (d.block_size <= 0) {
    return InvalidArgument(node.Label() + ": block_size " + std::to_string(d.block_size) + ", expected > 0");
  }
  if (d.n < 0 || d.k < 0) return InvalidArgument(node.Label() + ": attributes N and K must be >= 0");
  if (d.bits != 2 && d.bits != 4 && d.bits != 8) {
    return InvalidArgument(node.Label() + ": bits " + std::to_string(d.bits) + ", expected 2, 4 or 8");
  }
  if (d.weight_prepacked != kNotPrepacked && d.weight_prepacked != kPrepackedSm80 &&
      d.weight_prepacked != kPrepackedSm90) {
    return InvalidArgument(node.Label() + ": weight_prepacked " + std::to_string(d.weight_prepacked) +
                           ", expected 0, 1 or 2");
  }
  d.has_zero_points = node.has_input(3);
  d.zero_points_typed = d.has_zero_points && node.inputs[3].dtype == d.dtype;
  d.has_g_idx = node.has_input(4);
  d.has_bias = node.has_input(5);
  return d;
}

// CheckFpAIntBEligibility (matmul_nbits.cc) for the compact kernel set (USE_COMPACT_FPA_INTB_GEMM).
// Returns the first failing condition, or empty when eligible.
std::string FpAIntBRejection(const NBitsDims& d, int device_sm, bool option) {
  if (d.dtype != DataType::kFloat16) return "input A is not float16 (the compact fpA_intB set is fp16 only)";
  const bool prepacked = d.weight_prepacked != kNotPrepacked;
  if (!prepacked && !option) return "ORT_FPA_INTB_GEMM is unset or off and the weight is not prepacked";
  if (d.block_size != 32) return "block_size is not 32 (compact fpA_intB set)";
  if (d.bits != 4 && d.bits != 8) return "bits is not 4 or 8";
  if (d.has_zero_points) return "zero points are present (compact fpA_intB set is scale-only)";
  if (d.has_g_idx) return "g_idx is present";
  if (d.has_bias) return "bias is present (compact fpA_intB set)";
  if (d.weight_prepacked == kPrepackedSm90) return "weight_prepacked=2 (SM90 layout) is not in the compact set";
  if (d.n % (d.bits == 8 ? 32 : 64) != 0) return "N is not a multiple of " + std::to_string(d.bits == 8 ? 32 : 64);
  if (d.k % d.block_size != 0) return "K is not a multiple of block_size";
  if (device_sm < 75) return "compute capability below 7.5";
  return {};
}

// Adds the candidates and picks between a no-scratch kernel and one with `bytes`, as the EP's run-time choice
// cannot be proven from shapes: the maximum unless --variant names one of them.
Estimate ChooseUpperBound(const std::string& free_variant, const std::string& paid_variant, Bytes bytes,
                          const std::string& buffer, const std::string& source, const std::string& why,
                          const Target& target) {
  if (target.forced_variant == free_variant) {
    Estimate e{free_variant, Exactness::kExact};
    e.candidates.push_back({paid_variant, "", bytes.overflow() ? std::nullopt : std::optional<uint64_t>(bytes.value())});
    e.reason = "forced by --variant; " + why;
    return e;
  }
  const bool forced_paid = target.forced_variant == paid_variant;
  Estimate e{paid_variant, forced_paid ? Exactness::kExact : Exactness::kUpperBound};
  e.candidates.push_back({free_variant, "", uint64_t{0}});
  e.Add(buffer, bytes, source);
  e.reason = (forced_paid ? "forced by --variant; " : "upper bound: ") + why;
  return e;
}

}  // namespace

Bytes FpAIntBGemmWorkspaceBytes(int64_t m, int64_t n, int sm, int sm_count) {
  // ComputeFpAIntBGemmWorkspaceSize: on SM90 a stream-K reserve of (2 * (2 * SMs) + SMs) tiles of
  // MAX_M_TILE_SM90 (128) x MAX_N_TILE_SM90 (256) floats; elsewhere ceil(m / MIN_M_TILE (16)) *
  // ceil(n / MIN_N_TILE (64)) * SPLIT_K_LIMIT (7) * 4 bytes. k is unused.
  if (sm == 90) {
    const Bytes sms = Bytes::FromDim(sm_count);
    const Bytes tiles = sms * Bytes(2) * Bytes(2) + sms;
    return tiles * Bytes(128) * Bytes(256) * Bytes(4);
  }
  return Bytes::FromDim(CeilDiv(m, 16)) * Bytes::FromDim(CeilDiv(n, 64)) * Bytes(7) * Bytes(4);
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/matmul_nbits.cc MatMulNBits<T>::ComputeInternal (com.microsoft
// opset 1, T1 in {float, MLFloat16, BFloat16}).
Result<Estimate> EstimateMatMulNBits(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(NBitsDims d, ParseNBits(node));
  const TensorInfo& a = node.inputs[0];
  if (d.dtype != DataType::kFloat && d.dtype != DataType::kFloat16 && d.dtype != DataType::kBfloat16) {
    return Estimate::Unknown(node.Label() + ": the CUDA MatMulNBits kernel is not registered for " +
                             DataTypeName(d.dtype) + " (float, float16, bfloat16 only)");
  }
  const int sm = target.device.sm();
  // ComputeInternal: "BFloat16 MatMulNBits is not supported on cuda device with compute capability < 8.0".
  if (d.dtype == DataType::kBfloat16 && sm < 80) {
    return Estimate::Unknown(node.Label() + ": the EP fails bfloat16 MatMulNBits below compute capability 8.0");
  }
  // The constructor: a prepacked weight needs fp16/bf16 input A.
  if (d.dtype == DataType::kFloat && d.weight_prepacked != kNotPrepacked) {
    return InvalidArgument(node.Label() + ": weight_prepacked requires float16 or bfloat16 input A");
  }
  if (!a.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; M is needed");
  if (a.rank() < 1) return InvalidArgument(node.Label() + ": input 0 rank 0, expected at least 1");
  const Dim& a_k = a.dims.back();
  if (a_k.known() && a_k.value != d.k) {
    return InvalidArgument(node.Label() + ": input 0 last dim " + std::to_string(a_k.value) + ", expected K = " +
                           std::to_string(d.k));
  }
  // M = product of A's leading dims; a known zero wins over unknown ones (ComputeMatMulNBitsLeadingDimProduct).
  Bytes m(1);
  std::string symbolic;
  for (size_t i = 0; i + 1 < a.dims.size(); ++i) {
    if (a.dims[i].known() && a.dims[i].value == 0) {
      m = Bytes(0);
      symbolic.clear();
      break;
    }
    if (!a.dims[i].known()) {
      if (symbolic.empty()) symbolic = "input 0 dim " + std::to_string(i) + " '" + (a.dims[i].symbol.empty() ? "?" : a.dims[i].symbol) + "'";
      continue;
    }
    m *= Bytes::FromDim(a.dims[i].value);
  }
  if (!symbolic.empty()) {
    return Estimate::Unknown(node.Label() + ": " + symbolic + " is symbolic; M picks the MatMulNBits kernel path");
  }
  if (m.overflow() || m.value() > static_cast<uint64_t>(INT32_MAX)) {
    return OutOfRange(node.Label() + ": M overflows the kernel's int (SafeInt<int>(helper.M()))");
  }
  d.m = static_cast<int64_t>(m.value());
  const int64_t element_size = ElementSize(d.dtype);

  // In the EP's order.
  const bool empty_output = d.m == 0 || d.n == 0;
  const bool option = FpAIntBEnabled(target);
  const std::string fpa_rejection = FpAIntBRejection(d, sm, option);
  const bool has_fpA_intB_gemm = fpa_rejection.empty();
  const bool prepacked = d.weight_prepacked != kNotPrepacked;
  // The constructor: ORT_ENFORCE(has_fpA_intB_gemm_) when the weight is prepacked.
  if (prepacked && !has_fpA_intB_gemm) {
    return InvalidArgument(node.Label() + ": weight_prepacked=" + std::to_string(d.weight_prepacked) +
                           " requires the fpA_intB path, which rejects this node: " + fpa_rejection);
  }
  if (empty_output) {
    Estimate e{"empty_output", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kNBitsSource + " returns before any kernel when the output is empty";
    return e;
  }

  if (has_fpA_intB_gemm) {
    // EffectiveFpAIntBWorkspaceSm (matmul_nbits.h): SM90 only for an SM90 device with SM90-prepacked weights.
    const int effective_sm = (sm == 90 && d.weight_prepacked == kPrepackedSm90) ? 90 : 80;
    const Bytes workspace = FpAIntBGemmWorkspaceBytes(d.m, d.n, effective_sm, target.device.sm_count);
    // Prepack (session start, not per run): weight n*k/(8/bits) (none when an already-prepacked weight is
    // device resident), transposed scales n*ceil(k/bs)*sizeof(T); transient n*k/(8/bits) + 128 bytes when the
    // weight is packed at run time (ComputeMatMulNBitsPrepackMemoryEstimate).
    const Bytes packed_weight = Bytes::FromDim(d.n) * Bytes::FromDim(d.k) * Bytes::FromDim(d.bits) * Bytes(1);
    const Bytes scales = Bytes::FromDim(d.n) * Bytes::FromDim(CeilDiv(d.k, d.block_size)) * Bytes(2);
    const std::string prepack_note =
        "; prepacked weights held by the kernel: " + std::to_string(packed_weight.value() / 8) + " weight + " +
        std::to_string(scales.value()) + " scale bytes" +
        (prepacked ? "" : ", plus " + std::to_string(packed_weight.value() / 8 + 128) + " transient at session start");
    if (d.m <= kGemvMaxM) {
      Estimate e = ChooseUpperBound(
          "fpA_intB_gemv", "fpA_intB_cutlass", workspace, "fpA_intB_workspace", kFpAIntBWorkspaceSource,
          "the tactic profiler picks the GEMV tactic (no workspace) or a CUTLASS tactic for m <= 16" + prepack_note,
          target);
      e.candidates.push_back({"gemv_or_dequant", "has_fpA_intB_gemm_ (the fpA_intB path comes first)", std::nullopt});
      return e;
    }
    Estimate e{"fpA_intB_cutlass", Exactness::kExact};
    e.candidates.push_back({"fpA_intB_gemv", "m > 16: the profiler drops the GEMV tactic", std::nullopt});
    e.candidates.push_back({"gemv_or_dequant", "has_fpA_intB_gemm_ (the fpA_intB path comes first)", std::nullopt});
    // workspace_buffer: GetScratchBuffer<void>(getWorkspaceSize(m, n, k)).
    e.Add("fpA_intB_workspace", workspace, kFpAIntBWorkspaceSource);
    e.reason = "CUTLASS weight-only GEMM" + prepack_note;
    return e;
  }

  // The fused GEMV fast path (TryMatMulNBits) is tried only with no g_idx and packed (non-T) zero points.
  const bool try_fused_gemv = !d.has_g_idx && !d.zero_points_typed;
  // Its first gates (TryMatMul4Bits / TryMatMul8Bits): N % 8, K % 8, small M.
  const bool gemv_shape_ok = d.n % 8 == 0 && d.k % 8 == 0 && d.m <= kGemvMaxM;

  // Dequantize + GEMM (ComputeLegacyMatMulNBitsWorkspaceInfo): b_data = GetScratchBuffer<T>(scratch_n * K_padded)
  // with K_padded = ceil(K / block_size) * block_size; chunked along N for column-wise blocks without g_idx when
  // forced or when the full buffer exceeds 256 MiB and N > 2 * chunk.
  const int64_t k_padded = CeilDiv(d.k, d.block_size) * d.block_size;
  int64_t chunk_rows = target.ep.EnvInt("ORT_MATMULNBITS_CHUNK_SIZE", kDefaultChunkTargetRows);
  if (chunk_rows < 1) chunk_rows = kDefaultChunkTargetRows;
  const bool force_chunked = target.ep.EnvInt("ORT_MATMULNBITS_FORCE_CHUNKED", 0) != 0;
  const bool column_wise_quant_blk = true;  // column_wise_quant_blk_ is never cleared (matmul_nbits.h)
  const Bytes full_bytes = Bytes::FromDim(d.n) * Bytes::FromDim(k_padded) * Bytes::FromDim(element_size);
  const bool will_use_chunked =
      column_wise_quant_blk && !d.has_g_idx &&
      (force_chunked || (!full_bytes.overflow() && full_bytes.value() > kChunkingThresholdBytes &&
                         d.n > chunk_rows * 2));
  const int64_t scratch_rows = will_use_chunked ? chunk_rows : d.n;
  const Bytes dequant_bytes = Bytes::FromDim(scratch_rows) * Bytes::FromDim(k_padded) * Bytes::FromDim(element_size);
  const std::string dequant_variant = will_use_chunked ? "dequant_cublas_chunked" : "dequant_cublas";

  if (try_fused_gemv && gemv_shape_ok) {
    Estimate e = ChooseUpperBound(
        "fused_gemv", dequant_variant, dequant_bytes, "b_data", kNBitsSource,
        "the fused GEMV may still decline on block_size or shared memory per block and fall back to dequantize",
        target);
    e.candidates.push_back({"fpA_intB", fpa_rejection, std::nullopt});
    return e;
  }
  Estimate e{dequant_variant, Exactness::kExact};
  e.candidates.push_back({"fpA_intB", fpa_rejection, std::nullopt});
  e.candidates.push_back({"fused_gemv",
                          !try_fused_gemv ? (d.has_g_idx ? "g_idx is present" : "zero points have the type of A")
                                          : (d.m > kGemvMaxM ? "M > 16" : "N or K is not a multiple of 8"),
                          std::nullopt});
  e.Add("b_data", dequant_bytes, kNBitsSource);
  return e;
}

}  // namespace wsest::estimators
