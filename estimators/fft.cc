// com.microsoft Rfft and Irfft on the CUDA EP: ORT 1.29.0 contrib_ops/cuda/math/fft_ops.cc FFTBase<T>::DoFFT.
// The kernel takes no buffer from ORT: Y is the node's output and Irfft's PostProcess scales Y in place
// (fft_ops_impl.cu). The one temporary is cuFFT's plan work area. CuFFTPlanCache::CreatePlanInfo
// (cufft_plan_cache.h) makes the plan with cufftCreate then cufftXtMakePlanMany and never calls
// cufftSetAutoAllocation or cufftSetWorkArea, so cuFFT allocates the work area itself at plan creation
// (cuFFT docs, cufftSetAutoAllocation: "cuFFT default behavior is to allocate the work area at plan
// generation time"), outside ORT's allocators, and keeps it with the plan, which the kernel caches per
// (signal dims, batch, types) until the session ends. Its size is what cufftXtMakePlanMany returns in
// workSize (ORT stores it in ws_size_t and never reads it). cuFFT documents no upper bound for it: the
// cufftEstimate* sizes "may still be smaller than the actual values needed" and cufftGetSize* values
// "may still be conservative" (cuFFT docs, cufftEstimate / cufftGetSize). So the work area is an
// external buffer of unknown size, and the estimate is unknown with the plan key that would answer it.
#include <string>
#include <vector>

#include "estimators/estimators.h"

namespace wsest::estimators {

// Mirrors ORT 1.29.0 contrib_ops/cuda/math/fft_ops.cc FFTBase<T>::DoFFT and the FFTBase constructor (fft_ops.h).
Result<Estimate> EstimateFft(const NodeView& node, const Target& /*target*/) {
  const bool inverse = node.op_type == "Irfft";
  const char* variant = inverse ? "cufft_c2r" : "cufft_r2c";
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing, expected X");
  const TensorInfo& x = node.inputs[0];
  // fft_ops.cc REGISTER_KERNEL_TYPED: float, double, MLFloat16; the cuFFT execution type follows
  // (CUDA_C_32F, CUDA_C_64F, CUDA_C_16F).
  std::string exec_type;
  if (x.dtype == DataType::kFloat) {
    exec_type = "CUDA_C_32F";
  } else if (x.dtype == DataType::kDouble) {
    exec_type = "CUDA_C_64F";
  } else if (x.dtype == DataType::kFloat16) {
    exec_type = "CUDA_C_16F";
  } else {
    return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                             DataTypeName(x.dtype));
  }
  // FFTBase: signal_ndim is required and 1..3; normalized must be 0 and onesided 1 (ORT_ENFORCE at load).
  const int64_t signal_ndim = node.GetInt("signal_ndim", 0);
  if (signal_ndim < 1 || signal_ndim > 3) {
    return InvalidArgument(node.Label() + ": signal_ndim " + std::to_string(signal_ndim) + ", expected 1, 2 or 3");
  }
  if (node.GetInt("normalized", 0) != 0) return InvalidArgument(node.Label() + ": normalized 1, the kernel supports 0");
  if (node.GetInt("onesided", 1) == 0) return InvalidArgument(node.Label() + ": onesided 0, the kernel supports 1");
  if (!x.has_shape) {
    Estimate e = Estimate::Unknown(node.Label() + ": input 0 has no shape");
    e.variant = variant;
    return e;
  }
  // DoFFT: the signal spans the last signal_ndim dims (plus the trailing complex dim of 2 for Irfft); the dims
  // before it are one batch.
  const int64_t signal_tensor_ndim = signal_ndim + (inverse ? 1 : 0);
  if (x.rank() < signal_tensor_ndim) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(x.rank()) + ", expected at least " +
                           std::to_string(signal_tensor_ndim));
  }
  if (!x.fully_known()) {
    Estimate e = Estimate::Unknown(node.Label() + ": " + x.first_unknown_dim() +
                                   " is symbolic; the cuFFT plan (and its work area) depends on it");
    e.variant = variant;
    return e;
  }
  const size_t batch_ndim = static_cast<size_t>(x.rank() - signal_tensor_ndim);
  Bytes batch(1);
  for (size_t i = 0; i < batch_ndim; ++i) batch *= Bytes::FromDim(x.dims[i].value);
  std::vector<int64_t> signal_dims;
  for (size_t i = batch_ndim; i + 1 < batch_ndim + static_cast<size_t>(signal_ndim); ++i) {
    signal_dims.push_back(x.dims[i].value);
  }
  // Onesided: Irfft's last signal dim is 2 * (n - 1) real samples, Rfft's the input's own.
  const int64_t last = x.dims[batch_ndim + static_cast<size_t>(signal_ndim) - 1].value;
  signal_dims.push_back(inverse ? 2 * (last - 1) : last);

  std::string key = "signal_dims [";
  for (size_t i = 0; i < signal_dims.size(); ++i) key += (i ? "," : "") + std::to_string(signal_dims[i]);
  key += "], batch " + std::to_string(batch.overflow() ? 0 : batch.value()) + ", " + (inverse ? "C2R" : "R2C") +
         ", exec " + exec_type;
  Estimate e = Estimate::Unknown(
      node.Label() +
      ": no ORT scratch (onnxruntime 1.29.0 contrib_ops/cuda/math/fft_ops.cc FFTBase<T>::DoFFT); the "
      "cuFFT plan's work area for " +
      key +
      " is an external buffer: cuFFT allocates it itself at plan creation "
      "(onnxruntime 1.29.0 contrib_ops/cuda/math/cufft_plan_cache.h CuFFTPlanCache::CreatePlanInfo: "
      "cufftXtMakePlanMany "
      "with auto-allocation on) and keeps it with the cached plan; its size is cufftXtMakePlanMany's workSize, for "
      "which cuFFT documents no bound");
  e.variant = variant;
  if (x.dtype == DataType::kFloat16) {
    // cuFFT docs, half-precision transforms: sizes are restricted to powers of two; other sizes fail at plan creation.
    for (int64_t n : signal_dims) {
      if (n <= 0 || (n & (n - 1)) != 0) {
        e.reason += "; note: float16 signal dim " + std::to_string(n) +
                    " is not a power of two, which cuFFT's half-precision plans reject (the kernel fails)";
        break;
      }
    }
  }
  return e;
}

}  // namespace wsest::estimators
