// GEMM family on the CUDA EP: MatMul, FusedMatMul (and TransposeMatMul), Gemm, GemmFloat8, MatMulInteger and
// MatMulBnb4.
//
// MatMul and FusedMatMul run MatMul<T>::ComputeDefault (core/providers/cuda/math/matmul.cc); FusedMatMul is the
// same class with its transA/transB/transBatchA/transBatchB/alpha attributes read (contrib fused_matmul.cc). The
// cuBLAS helpers (cublasGemmHelper, cublasGemmStridedBatchedHelper, cublasGemmBatchedHelper) pass no workspace;
// cuBLAS then uses the handle's own workspace, which is per handle and stream, not per node:
// CublasHandleWorkspaceBytes gives it to the model summary. TF32 and the fp8 types change no buffer.
//
// Read in stored copies of microsoft/onnxruntime and its 2025-26 fork tianleiwu/onnxruntime (no tagged 1.29.0
// tree was available): matmul.cc (tianleiwu @0a2a8dc, plugin era), cpu/math/matmul_helper.h (microsoft
// @0273308), cuda_kernel.h CudaAsyncBuffer (plugin-era copy), gemm.cc (tianleiwu @a05e167), contrib
// math/gemm_float8.cu (microsoft @00719ad). MatMulInteger (math/matmul_integer.cc, integer_gemm.cc) and MatMulBnb4
// (contrib quantization/matmul_bnb4.cc, .cu) were read in tianleiwu/onnxruntime main of 2026-02-13.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kMatMulSource =
    "onnxruntime 1.29.0 core/providers/cuda/math/matmul.cc MatMul<T>::ComputeDefault";
constexpr const char* kGemmFloat8Source = "onnxruntime 1.29.0 contrib_ops/cuda/math/gemm_float8.cu GemmFloat8::ComputeInternal";
constexpr const char* kMatMulIntegerSource =
    "onnxruntime 1.29.0 core/providers/cuda/math/matmul_integer.cc MatMulInteger<int8_t, int8_t>::ComputeInternal";
constexpr const char* kGemmInt8Source = "onnxruntime 1.29.0 core/providers/cuda/integer_gemm.cc GemmInt8";
constexpr const char* kMatMulBnb4Source =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/matmul_bnb4.cc MatMulBnb4<T>::ComputeInternal";

// Names the first unknown dim of `t` with its input index, for an Unknown's reason.
std::string UnknownDimOf(const TensorInfo& t, size_t index) {
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i].known()) {
      return "input " + std::to_string(index) + " dim " + std::to_string(i) + " '" +
             (t.dims[i].symbol.empty() ? "?" : t.dims[i].symbol) + "'";
    }
  }
  return {};
}

// MatMulComputeHelper::Compute (cpu/math/matmul_helper.h) with fill_offsets = false, as MatMul<T> calls it,
// reduced to what decides the kernel: M, N, K, the output element count, and the broadcast batch count that
// FillOffsets would give when neither one GEMM nor a strided-batched GEMM applies.
struct MatMulDims {
  int64_t m = 0;  // the helper's M_: rows of the left matrix
  int64_t n = 0;  // N_
  int64_t k = 0;  // K_
  int64_t output_size = 0;
  // OutputOffsets().size() == 1 after Compute: the flattened special case or no broadcast dims.
  bool one_gemm = false;
  // Product of the broadcast output dims (num_offsets in FillOffsets); the pointer-array length.
  int64_t batch = 1;
};

Result<MatMulDims> ComputeMatMulDims(const NodeView& node, std::vector<int64_t> left, std::vector<int64_t> right,
                                     bool transa, bool transb, bool trans_batch_a, bool trans_batch_b) {
  const size_t left_rank = left.size();
  const size_t right_rank = right.size();
  auto mismatch = [&](const std::string& what) {
    return InvalidArgument(node.Label() + ": " + what);
  };
  if (left_rank < 1 || right_rank < 1) return mismatch("inputs must have rank >= 1");
  MatMulDims d;
  // Special case: right is 2-D after leading 1s, left rank >= right rank: one flattened GEMM.
  // Dim products are checked (an overflowed one is never 1, and M is an error): DESIGN.md principle 3.
  Bytes right_prefix(1);
  for (size_t i = 0; i + 2 < right_rank; ++i) right_prefix *= Bytes::FromDim(right[i]);
  if (!transa && !trans_batch_a && !trans_batch_b && left_rank >= 2 && right_rank >= 2 && left_rank >= right_rank &&
      right_prefix == Bytes(1)) {
    d.k = left[left_rank - 1];
    Bytes m(1);
    for (size_t i = 0; i + 1 < left_rank; ++i) m *= Bytes::FromDim(left[i]);
    d.n = transb ? right[right_rank - 2] : right[right_rank - 1];
    const int64_t right_k = transb ? right[right_rank - 1] : right[right_rank - 2];
    if (right_k != d.k) {
      return mismatch("K mismatch, input 0 has " + std::to_string(d.k) + ", input 1 has " + std::to_string(right_k));
    }
    const Bytes out = m * Bytes::FromDim(d.n);
    if (out.overflow() || m.value() > INT64_MAX || out.value() > INT64_MAX) {
      return OutOfRange(node.Label() + ": the output element count overflows 64 bits");
    }
    d.m = static_cast<int64_t>(m.value());
    d.one_gemm = true;
    d.output_size = static_cast<int64_t>(out.value());
    return d;
  }
  if (trans_batch_a || trans_batch_b) {
    if (!(left_rank > 2 && left_rank == right_rank)) {
      return mismatch("transBatchA/transBatchB need inputs of equal rank >= 3");
    }
    // The leading dim moves behind the batch dims (matmul_helper.h).
    if (trans_batch_a) {
      const int64_t lead = left[0];
      for (size_t i = 0; i + 2 < left_rank; ++i) left[i] = left[i + 1];
      left[left_rank - 2] = lead;
    }
    if (trans_batch_b) {
      const int64_t lead = right[0];
      for (size_t i = 0; i + 2 < right_rank; ++i) right[i] = right[i + 1];
      right[right_rank - 2] = lead;
    }
  }
  const bool has_1d = left_rank == 1 || right_rank == 1;
  const size_t num_input_dims = std::max(left_rank, right_rank);
  const size_t num_dims_with_pad = num_input_dims + (right_rank == 1 ? 1 : 0);
  std::vector<int64_t> left_pad(num_dims_with_pad, 1);
  std::vector<int64_t> right_pad(num_dims_with_pad, 1);
  if (right_rank == 1) {
    right_pad[num_dims_with_pad - 2] = right[0];
    if (num_input_dims >= 2) {
      for (size_t i = 0; i + 2 < left_rank; ++i) left_pad[i] = left[i];
      left_pad[num_dims_with_pad - 3] = left[transa ? left_rank - 1 : left_rank - 2];
      left_pad[num_dims_with_pad - 1] = left[transa ? left_rank - 2 : left_rank - 1];
    } else {
      left_pad[num_dims_with_pad - 1] = left[0];
    }
  } else {
    for (size_t i = 0; i < left_rank; ++i) left_pad[num_dims_with_pad - left_rank + i] = left[i];
    for (size_t i = 0; i < right_rank; ++i) right_pad[num_dims_with_pad - right_rank + i] = right[i];
  }
  // Broadcast over all but the last two padded dims.
  Bytes batch(1);
  for (size_t i = 0; i + 2 < num_dims_with_pad; ++i) {
    const int64_t l = left_pad[i];
    const int64_t r = right_pad[i];
    const int64_t out = std::min(l, r) == 0 ? 0 : std::max(l, r);
    if (l != out && l != 1) return mismatch("input 0 cannot broadcast on dim " + std::to_string(i));
    if (r != out && r != 1) return mismatch("input 1 cannot broadcast on dim " + std::to_string(i));
    batch *= Bytes::FromDim(out);
  }
  if (batch.overflow() || batch.value() > INT64_MAX) {
    return OutOfRange(node.Label() + ": the broadcast batch count overflows 64 bits");
  }
  d.batch = static_cast<int64_t>(batch.value());
  if (transa) {
    d.m = has_1d ? 1 : left[left_rank - 1];
    d.k = left[left_rank - 2];
  } else {
    d.m = has_1d ? 1 : left[left_rank - 2];
    d.k = left[left_rank - 1];
  }
  d.n = right_rank == 1 ? 1 : (transb ? right[right_rank - 2] : right[right_rank - 1]);
  const int64_t right_k = right_rank == 1 ? right[0] : right[transb ? right_rank - 1 : right_rank - 2];
  if (right_k != d.k) {
    return mismatch("K mismatch, input 0 has " + std::to_string(d.k) + ", input 1 has " + std::to_string(right_k));
  }
  // ComputeBroadcastOffsets: no broadcast dims leaves offsets {0}, so OutputOffsets().size() == 1.
  d.one_gemm = num_dims_with_pad == 2;
  const Bytes out = batch * Bytes::FromDim(d.m) * Bytes::FromDim(d.n);
  if (out.overflow() || out.value() > INT64_MAX) {
    return OutOfRange(node.Label() + ": the output element count overflows 64 bits");
  }
  d.output_size = static_cast<int64_t>(out.value());
  return d;
}

// CanUseStridedBatchedGemm (matmul.cc), on the original (untransposed-batch) shapes. It compares only the
// products of the batch dims, as the EP does.
bool CanUseStridedBatchedGemm(const std::vector<int64_t>& left, const std::vector<int64_t>& right, bool transa,
                              bool transb, bool trans_batch_a, bool trans_batch_b) {
  const size_t lr = left.size();
  const size_t rr = right.size();
  if (!(lr >= 3 && rr >= 2)) return false;
  const size_t left_leading = trans_batch_a ? 0 : lr - 2;
  const size_t right_leading = trans_batch_b ? 0 : rr - 2;
  // The EP multiplies in int64 unchecked; a product that overflows here is no real shape: no strided path.
  bool overflow = false;
  auto mul = [&overflow](int64_t a, int64_t b) {
    int64_t p = 0;
    overflow = overflow || __builtin_mul_overflow(a, b, &p);
    return p;
  };
  int64_t left_p = 1;
  for (size_t i = 0; i + 2 < lr; ++i) left_p = mul(left_p, left[i]);
  if (trans_batch_a && left[0] != 0) left_p = mul(left_p, left[lr - 2]) / left[0];
  const int64_t left_k = transa ? left[left_leading] : left[lr - 1];
  if (rr >= 3) {
    int64_t right_p = 1;
    for (size_t i = 0; i + 2 < rr; ++i) right_p = mul(right_p, right[i]);
    if (trans_batch_b && right[0] != 0) right_p = mul(right_p, right[rr - 2]) / right[0];
    if (overflow || left_p != right_p) return false;
  }
  if (overflow) return false;
  const int64_t right_k = transb ? right[rr - 1] : right[right_leading];
  return left_k == right_k;
}

bool IsMatMulType(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kBfloat16;
}

// Shared by MatMul and FusedMatMul: `fused` reads the transpose attributes (MatMul<T>'s constructor reads them
// for both; the ONNX MatMul has none, so they default to 0).
Result<Estimate> EstimateMatMulImpl(const NodeView& node, bool fused) {
  for (size_t i = 0; i < 2; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected 2 inputs");
    }
  }
  const TensorInfo& a = node.inputs[0];
  const TensorInfo& b = node.inputs[1];
  if (!a.has_shape || !b.has_shape) {
    return Estimate::Unknown(node.Label() + ": input " + std::string(a.has_shape ? "1" : "0") +
                             " has no shape; the batch pattern picks the kernel path");
  }
  if (a.rank() < 1 || b.rank() < 1) {
    return InvalidArgument(node.Label() + ": input " + std::string(a.rank() < 1 ? "0" : "1") + " rank " +
                           std::to_string(a.rank() < 1 ? a.rank() : b.rank()) + ", expected at least 1");
  }
  if (!IsMatMulType(a.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                             DataTypeName(a.dtype) + " (float, double, float16, bfloat16 only)");
  }
  for (size_t i = 0; i < 2; ++i) {
    if (std::string dim = UnknownDimOf(node.inputs[i], i); !dim.empty()) {
      return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; the batch pattern picks the kernel path");
    }
  }
  std::vector<int64_t> left, right;
  for (const Dim& dim : a.dims) left.push_back(dim.value);
  for (const Dim& dim : b.dims) right.push_back(dim.value);

  // MatMul<T>::ComputeInternal: the transpose flags are ignored on a rank-1 input.
  bool trans_a = fused && node.GetInt("transA", 0) != 0;
  bool trans_b = fused && node.GetInt("transB", 0) != 0;
  const bool trans_batch_a = fused && node.GetInt("transBatchA", 0) != 0;
  const bool trans_batch_b = fused && node.GetInt("transBatchB", 0) != 0;
  if (left.size() == 1) trans_a = false;
  if (right.size() == 1) trans_b = false;

  WSEST_ASSIGN_OR_RETURN(MatMulDims d, ComputeMatMulDims(node, left, right, trans_a, trans_b, trans_batch_a,
                                                         trans_batch_b));

  // In the EP's order (MatMul<T>::ComputeInternal, then ComputeDefault).
  const bool empty_output = d.output_size == 0;
  const bool zero_k = d.k == 0;
  const bool one_gemm = d.one_gemm;
  const bool strided_batched = CanUseStridedBatchedGemm(left, right, trans_a, trans_b, trans_batch_a, trans_batch_b);

  if (empty_output || zero_k) {
    Estimate e{empty_output ? "empty_output" : "fill_zero", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kMatMulSource +
               (empty_output ? " returns before any kernel when the output is empty"
                             : " fills the output with zeros when K == 0");
    return e;
  }
  if (one_gemm) {
    Estimate e{"cublas_gemm", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kMatMulSource +
               " runs one cublasGemmHelper; cuBLAS uses its per-handle workspace (model summary)";
    return e;
  }
  Estimate e{strided_batched ? "cublas_strided_batched" : "cublas_batched_pointer_arrays", Exactness::kExact};
  e.candidates.push_back({"cublas_gemm", "the batch pattern has broadcast dims (not one flattened GEMM)", std::nullopt});
  if (strided_batched) {
    e.reason = std::string("no scratch: ") + kMatMulSource +
               " runs cublasGemmStridedBatchedHelper on the batch strides";
    e.candidates.push_back({"cublas_batched_pointer_arrays", "CanUseStridedBatchedGemm holds", std::nullopt});
    return e;
  }
  e.candidates.push_back({"cublas_strided_batched",
                          left.size() < 3 || right.size() < 2
                              ? "CanUseStridedBatchedGemm needs input 0 rank >= 3 and input 1 rank >= 2"
                              : "CanUseStridedBatchedGemm: batch products or K differ",
                          std::nullopt});
  // left_arrays, right_arrays, output_arrays: CudaAsyncBuffer<T*>(batch) each; CopyToGpu takes
  // GetScratchBuffer<T*>(count) = 8 bytes per pointer (cuda_kernel.h).
  const Bytes pointer_array = Bytes::FromDim(d.batch) * Bytes(8);
  e.Add("left_arrays", pointer_array, kMatMulSource);
  e.Add("right_arrays", pointer_array, kMatMulSource);
  e.Add("output_arrays", pointer_array, kMatMulSource);
  return e;
}

// A MatMulInteger zero point as the kernel sees it: absent (no offset), a known first element (ORT reads
// `*Data<int8_t>()`), or present with a value wsest does not have (an int8 weight's payload is never read).
struct ZeroPoint {
  bool present = false;
  std::optional<int64_t> value;
  bool maybe_nonzero() const { return present && (!value || *value != 0); }
};

ZeroPoint ReadZeroPoint(const NodeView& node, size_t index) {
  ZeroPoint z;
  if (!node.has_input(index)) return z;
  z.present = true;
  const TensorInfo& t = node.inputs[index];
  if (t.int_values && !t.int_values->empty()) z.value = t.int_values->front();
  return z;
}

// The scratch GemmInt8 (integer_gemm.cc) takes for one GEMM: cublasGemmEx needs int8 leading dimensions that are
// multiples of 4, so a lda (= K) or ldb (= N) that is not a multiple of 32 is copied into a padded buffer of
// roundoff(ld, 32) per row: a_padded is M x roundoff(K, 32), b_padded is K x roundoff(N, 32) int8.
void AddGemmInt8Padding(Estimate& e, int64_t m, int64_t n, int64_t k) {
  constexpr int64_t kMask = 0x1F;
  if ((k & kMask) != 0) e.Add("a_padded", Bytes::FromDim(m) * AlignUp(Bytes::FromDim(k), 32), kGemmInt8Source);
  if ((n & kMask) != 0) e.Add("b_padded", Bytes::FromDim(k) * AlignUp(Bytes::FromDim(n), 32), kGemmInt8Source);
}

}  // namespace

uint64_t CublasHandleWorkspaceBytes(const DeviceProfile& device) {
  // NVIDIA cuBLAS documentation, cublasSetWorkspace(): the recommended (and default-pool) workspace is 32 MiB on
  // Hopper and 4 MiB on the other architectures listed (quoted in pytorch/pytorch PR #120925). PyTorch's
  // CUDABlas.cpp applies the 32 MiB to every major >= 9; newer architectures follow that reading here.
  constexpr uint64_t kMiB = 1024 * 1024;
  return device.sm_major >= 9 ? 32 * kMiB : 4 * kMiB;
}

// Mirrors ORT 1.29.0 core/providers/cuda/math/matmul.cc MatMul<T>::ComputeDefault (registered for opsets 1-8,
// 9-12, 13+ with T in {float, double, MLFloat16, BFloat16}).
Result<Estimate> EstimateMatMul(const NodeView& node, const Target&) { return EstimateMatMulImpl(node, false); }

// Mirrors ORT 1.29.0 contrib_ops/cuda/math/fused_matmul.cc: MatMul<T> with transA, transB, transBatchA,
// transBatchB and alpha (com.microsoft opset 1).
Result<Estimate> EstimateFusedMatMul(const NodeView& node, const Target&) { return EstimateMatMulImpl(node, true); }

// Mirrors ORT 1.29.0 core/providers/cuda/math/gemm.cc Gemm<T>::ComputeDefault (opsets 7-8, 9-10, 11-12, 13+).
// No scratch: bias broadcasting uses the provider's persistent ones-vector (GetConstOnes, a cudaMalloc'd buffer
// grown to the largest M or N seen and kept), and the GEMM is one cublasGemmHelper.
Result<Estimate> EstimateGemm(const NodeView& node, const Target&) {
  for (size_t i = 0; i < 2; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected 2 or 3 inputs");
    }
    const TensorInfo& t = node.inputs[i];
    if (t.has_shape && t.rank() != 2) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " rank " + std::to_string(t.rank()) +
                             ", expected 2");
    }
  }
  Estimate e{"cublas_gemm", Exactness::kExact};
  e.reason =
      "no scratch: onnxruntime 1.29.0 core/providers/cuda/math/gemm.cc Gemm<T>::ComputeDefault runs cublasGemmHelper; "
      "a (N) or (1, N) / (M, 1) bias is broadcast through the provider's persistent ones-vector "
      "(GetConstOnes: cudaMalloc'd, grown to max(M or N) elements and kept, not per-node scratch)";
  // The ones-vector itself: M elements for a (N) or (1, N) bias, N for an (M, 1) one (a one-element
  // bias is filled instead), of T, one per element type for the session (cuda_utils.cu
  // ConstantBufferImpl; the 1.29.0 binary cudaMallocs 8 floats on its first run of a Gemm with M = 8
  // and a (N) bias on the shadow device, and keeps them).
  const TensorInfo& a = node.inputs[0];
  const TensorInfo& b = node.inputs[1];
  if (node.has_input(2) && a.fully_known() && b.fully_known() && node.inputs[2].fully_known() && a.rank() == 2 &&
      b.rank() == 2) {
    const int64_t m = node.GetInt("transA", 0) != 0 ? a.dims[1].value : a.dims[0].value;
    const int64_t n = node.GetInt("transB", 0) != 0 ? b.dims[0].value : b.dims[1].value;
    const TensorInfo& c = node.inputs[2];
    const auto c_count = c.element_count();
    int64_t ones = 0;
    if (c_count && *c_count == 1) {
      ones = 0;
    } else if (c.rank() == 1 || (c.rank() == 2 && c.dims[0].value == 1)) {
      ones = m;
    } else if (c.rank() == 2 && c.dims[1].value == 1) {
      ones = n;
    }
    if (ones > 0) {
      e.ep_buffers.push_back({std::string("GetConstOnes<") + DataTypeName(a.dtype) + ">",
                              (Bytes::FromDim(ones) * ElementSize(a.dtype)).value(),
                              "onnxruntime 1.29.0 core/providers/cuda/cuda_utils.cu ConstantBufferImpl::GetBuffer",
                              Allocator::kExternal});
    }
  }
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/math/gemm_float8.cu GemmFloat8::ComputeInternal (com.microsoft opset 1).
// The cuBLASLt workspace is a fixed 1 << 25 bytes taken with a raw cudaMalloc and freed after the call: it is
// outside ORT's arena, so it is reported as kExternal.
Result<Estimate> EstimateGemmFloat8(const NodeView& node, const Target&) {
  for (size_t i = 0; i < 2; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected A and B");
    }
    const TensorInfo& t = node.inputs[i];
    // ORT_ENFORCE(a_shape.GetDims().size() == 2) and the same for B.
    if (t.has_shape && t.rank() != 2) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " rank " + std::to_string(t.rank()) +
                             ", expected 2");
    }
  }
  Estimate e{"cublaslt_matmul", Exactness::kExact};
  // workspaceSize = 1 << 25 ("suggested fixed value 32Mb"), cudaMalloc before cublasLtMatmul, cudaFree after.
  e.Add("cublaslt_workspace", Bytes(uint64_t{1} << 25), kGemmFloat8Source, Allocator::kExternal);
  e.reason = "raw cudaMalloc of 32 MiB per call, outside ORT's arena (ORT's node stats do not see it)";
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/math/matmul_integer.cc MatMulInteger<int8_t, int8_t>::ComputeInternal
// (ai.onnx opset 10+, registered for int8 A and B only; the zero points are CPU inputs read on the host) and
// core/providers/cuda/integer_gemm.cc GemmInt8, which it calls once per broadcast batch. GemmInt8 is one
// cublasGemmEx(CUDA_R_8I, CUBLAS_GEMM_DFALT) on the stream's cuBLAS handle: this tree has no cublasLt/IMMA path.
Result<Estimate> EstimateMatMulInteger(const NodeView& node, const Target&) {
  for (size_t i = 0; i < 2; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected A and B");
    }
  }
  const TensorInfo& a = node.inputs[0];
  const TensorInfo& b = node.inputs[1];
  if (a.dtype != DataType::kInt8 || b.dtype != DataType::kInt8) {
    const TensorInfo& bad = a.dtype != DataType::kInt8 ? a : b;
    return Estimate::Unknown(node.Label() +
                             ": the CUDA MatMulInteger kernel is registered for int8 A and B only, got " +
                             DataTypeName(bad.dtype));
  }
  if (!a.has_shape || !b.has_shape) {
    return Estimate::Unknown(node.Label() + ": input " + std::string(a.has_shape ? "1" : "0") +
                             " has no shape; M, N and K size the buffers");
  }
  if (a.rank() < 1 || b.rank() < 1) {
    return InvalidArgument(node.Label() + ": input " + std::string(a.rank() < 1 ? "0" : "1") +
                           " rank 0, expected at least 1");
  }
  for (size_t i = 0; i < 2; ++i) {
    if (std::string dim = UnknownDimOf(node.inputs[i], i); !dim.empty()) {
      return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; M, N and K size the buffers");
    }
  }
  std::vector<int64_t> left, right;
  for (const Dim& dim : a.dims) left.push_back(dim.value);
  for (const Dim& dim : b.dims) right.push_back(dim.value);
  // MatMulComputeHelper::Compute(a, b) with no transposes, as the kernel calls it.
  WSEST_ASSIGN_OR_RETURN(MatMulDims d, ComputeMatMulDims(node, left, right, false, false, false, false));

  if (d.output_size == 0) {
    Estimate e{"empty_output", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kMatMulIntegerSource + " returns before any buffer when Y is empty";
    return e;
  }
  const ZeroPoint a_zero = ReadZeroPoint(node, 2);
  const ZeroPoint b_zero = ReadZeroPoint(node, 3);
  const bool value_unknown = (a_zero.present && !a_zero.value) || (b_zero.present && !b_zero.value);
  Estimate e{"cublas_gemm_ex_int8", value_unknown ? Exactness::kUpperBound : Exactness::kExact};
  // a_row_buf: GetScratchBuffer<int32_t>(Y.Size() / N) when b_offset != 0, the row sums of A (= batch * M).
  if (b_zero.maybe_nonzero()) {
    e.Add("a_row_buf", Bytes::FromDim(d.output_size / d.n) * Bytes(4), kMatMulIntegerSource);
  }
  // b_col_buf: GetScratchBuffer<int32_t>(Y.Size() / M) when a_offset != 0, the column sums of B (= batch * N).
  if (a_zero.maybe_nonzero()) {
    e.Add("b_col_buf", Bytes::FromDim(d.output_size / d.m) * Bytes(4), kMatMulIntegerSource);
  }
  // GemmInt8's padded copies live for one batch's GEMM and go back to the arena before the next: one of each at once.
  AddGemmInt8Padding(e, d.m, d.n, d.k);
  e.reason =
      "a_row_buf/b_col_buf follow the zero-point values (b_offset, a_offset); padding follows K % 32 (A) and "
      "N % 32 (B)";
  if (value_unknown) {
    e.reason +=
        "; a zero-point input is present but its value is not in the model view, so its offset buffer is "
        "counted as if nonzero (0 allocates nothing)";
  }
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/matmul_bnb4.cc MatMulBnb4<T>::ComputeInternal (com.microsoft
// opset 1; T in float, MLFloat16, BFloat16) and matmul_bnb4.cu TryMatMulBnb4 / CheckDims.
Result<Estimate> EstimateMatMulBnb4(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 (A) is missing");
  const TensorInfo& a = node.inputs[0];
  int64_t element_bytes = 0;
  if (a.dtype == DataType::kFloat) element_bytes = 4;
  if (a.dtype == DataType::kFloat16 || a.dtype == DataType::kBfloat16) element_bytes = 2;
  if (element_bytes == 0) {
    return Estimate::Unknown(node.Label() + ": the CUDA MatMulBnb4 kernel is not registered for " +
                             DataTypeName(a.dtype) + " (float, float16, bfloat16 only)");
  }
  // The constructor ORT_ENFORCEs K, N, block_size and quant_type (0 FP4 or 1 NF4).
  for (const char* attr : {"K", "N", "block_size", "quant_type"}) {
    if (!node.has_attribute(attr)) return InvalidArgument(node.Label() + ": attribute " + attr + " is missing");
  }
  const int64_t k_attr = node.GetInt("K", 0);
  const int64_t n_attr = node.GetInt("N", 0);
  const int64_t block_size = node.GetInt("block_size", 0);
  const int64_t quant_type = node.GetInt("quant_type", -1);
  if (quant_type != 0 && quant_type != 1) {
    return InvalidArgument(node.Label() + ": quant_type " + std::to_string(quant_type) +
                           ", expected 0 (FP4) or 1 (NF4)");
  }
  if (k_attr < 0 || n_attr < 0 || block_size <= 0) {
    return InvalidArgument(node.Label() + ": K " + std::to_string(k_attr) + ", N " + std::to_string(n_attr) +
                           ", block_size " + std::to_string(block_size) + ": expected K, N >= 0 and block_size > 0");
  }
  const bool training_mode = node.GetInt("training_mode", 0) != 0;
  const bool trans_b = node.GetInt("transB", 1) != 0;

  Estimate e{"", Exactness::kExact};
  // quant_map_buffer: GetScratchBuffer<T>(16), taken before the shape check and the empty-output return.
  const Bytes quant_map = Bytes(16) * Bytes::FromDim(element_bytes);
  if (!a.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; M picks the kernel path");
  if (a.rank() < 1) return InvalidArgument(node.Label() + ": input 0 rank 0, expected at least 1");
  if (std::string dim = UnknownDimOf(a, 0); !dim.empty()) {
    return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; M picks the kernel path");
  }
  std::vector<int64_t> left;
  for (const Dim& dim : a.dims) left.push_back(dim.value);
  // helper.Compute(A, TensorShape({N, K}), transa = false, transB): with transB (the default) B reads as K x N.
  const int64_t b_rows = trans_b ? k_attr : n_attr;
  if (left.back() != b_rows) {
    return InvalidArgument(node.Label() + ": input 0 last dim " + std::to_string(left.back()) + ", expected " +
                           (trans_b ? "K = " : "N = ") + std::to_string(b_rows) + (trans_b ? "" : " (transB = 0)"));
  }
  WSEST_ASSIGN_OR_RETURN(MatMulDims d, ComputeMatMulDims(node, left, {n_attr, k_attr}, false, trans_b, false, false));

  if (d.output_size == 0) {
    e.variant = "empty_output";
    e.Add("quant_map_buffer", quant_map, kMatMulBnb4Source);
    e.reason = "Y is empty: only the 16-entry quant map, allocated before the early return";
    return e;
  }
  // TryMatMulBnb4 runs the naive 4-bit GEMV (kgemm_4bit_inference_naive) when not in training mode and CheckDims
  // holds: K % block_size == 0, M <= 1, block_size % 32 == 0 and block_size <= 4096 (matmul_bnb4.cu).
  const bool gemv_dims = d.k % block_size == 0 && d.m <= 1 && block_size % 32 == 0 && block_size <= 4096;
  const bool use_gemv = !training_mode && gemv_dims;
  if (use_gemv) {
    e.variant = "gemv_4bit";
    e.Add("quant_map_buffer", quant_map, kMatMulBnb4Source);
    e.candidates.push_back({"dequant_cublas", "TryMatMulBnb4 succeeded", std::nullopt});
    return e;
  }
  e.variant = "dequant_cublas";
  std::string why;
  if (training_mode) {
    why = "training_mode = 1 skips TryMatMulBnb4";
  } else if (d.m > 1) {
    why = "CheckDims: M " + std::to_string(d.m) + " > 1";
  } else if (d.k % block_size != 0) {
    why = "CheckDims: K " + std::to_string(d.k) + " % block_size " + std::to_string(block_size) + " != 0";
  } else {
    why = "CheckDims: block_size " + std::to_string(block_size) + " is not a multiple of 32 up to 4096";
  }
  e.candidates.push_back({"gemv_4bit", why, std::nullopt});
  e.Add("quant_map_buffer", quant_map, kMatMulBnb4Source);
  // b_dequant_ptr: GetScratchBuffer<T>(N * K), B dequantized for one cublasGemmHelper.
  e.Add("b_dequant", Bytes::FromDim(n_attr) * Bytes::FromDim(k_attr) * Bytes::FromDim(element_bytes),
        kMatMulBnb4Source);
  return e;
}

}  // namespace wsest::estimators
