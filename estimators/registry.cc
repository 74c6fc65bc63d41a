// The one table: (domain, op type, opset range as the CUDA EP registers its kernels) -> estimator.
// A row with a null estimator is a kernel that allocates no scratch: exact 0, its file cited.
// A kNoScratch row spans the contiguous kernel registrations of its op (listed in its comment, as the
// ONNX_OPERATOR_*_KERNEL_EX macros of the cited file give them); each cited file was read for
// GetScratchBuffer, IAllocator::MakeUniquePtr, GetTempSpaceAllocator and CudaAsyncBuffer, and has none
// on its tensor path. Notes on each: data/cuda_ep_kernels_1.29.0.md.
#include "wsest/registry.h"

#include "estimators/estimators.h"

namespace wsest {

using namespace estimators;  // NOLINT: the table reads better with bare names
constexpr EstimatorFn kNoScratch = nullptr;

namespace {
constexpr const char* kUnaryOps = "onnxruntime/core/providers/cuda/math/unary_elementwise_ops.cc";
constexpr const char* kBinaryOps = "onnxruntime/core/providers/cuda/math/binary_elementwise_ops.cc";
constexpr const char* kVariadicOps = "onnxruntime/core/providers/cuda/math/variadic_elementwise_ops.cc";
constexpr const char* kActivations = "onnxruntime/core/providers/cuda/activation/activations.cc";
constexpr const char* kContribActivations = "onnxruntime/contrib_ops/cuda/activation/activations.cc";
}  // namespace

const std::vector<EstimatorEntry>& EstimatorTable() {
  static const std::vector<EstimatorEntry> table = {
      // domain, op, since, until, family, estimator, kernel (ORT 1.29.0), variants, exactness
      {"", "BatchNormalization", 7, kLatestOpset, "norm", EstimateBatchNormalization,  // 7-8, 9-13, 14, 15+
       "onnxruntime/core/providers/cuda/nn/batch_norm.cc", "cudnn_inference,cudnn_training,cudnn_inference_fp32_params",
       "exact"},
      {"", "InstanceNormalization", 6, kLatestOpset, "norm", EstimateInstanceNormalization,  // 6+
       "onnxruntime/core/providers/cuda/nn/instance_norm.cc", "cudnn_training_n1,cudnn_training_nc_stats", "exact"},

      // Unary elementwise: UnaryElementwise::Prepare, then one Impl_<op> launch.
      {"", "Abs", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Neg", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Floor", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Ceil", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Reciprocal", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Sqrt", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Log", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Exp", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Erf", 9, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 9-12, 13+
      {"", "Sign", 13, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 13+
      {"", "Not", 1, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 1+
      {"", "Round", 11, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 11+
      {"", "Cos", 7, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 7+
      {"", "Sin", 7, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 7+
      {"", "IsNaN", 9, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 9-12, 13-19, 20+
      {"", "IsInf", 10, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 10-19, 20+

      // Binary elementwise: BinaryElementwiseBroadcastPrepareHelper fills BinaryElementwiseArgs (strides
      // and fast_divmods by value, TArray), then one Impl_<op> launch.
      {"", "Add", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Sub", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Mul", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Div", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Pow", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-11, 12, 13-14, 15+
      {"", "And", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7+
      {"", "Or", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7+
      {"", "Xor", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7+
      {"", "PRelu", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-8, 9-15, 16+
      {"", "Equal", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-10, 11-12, 13+
      {"", "Greater", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-8, 9-12, 13+
      {"", "Less", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-8, 9-12, 13+
      {"", "GreaterOrEqual", 12, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise",
       "exact"},  // 12-15, 16+
      {"", "LessOrEqual", 12, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise",
       "exact"},  // 12-15, 16+

      // Variadic: 1 input copies; up to k_max_input_batch_size same-shape inputs go by value in an
      // InputBatchArray; otherwise the output is zeroed and accumulated in place. No other buffer.
      {"", "Sum", 6, kLatestOpset, "elementwise", kNoScratch, kVariadicOps, "elementwise", "exact"},  // 6-7, 8-12, 13+
      {"", "Min", 6, kLatestOpset, "elementwise", kNoScratch, kVariadicOps, "elementwise", "exact"},  // 6-11, 12, 13+
      {"", "Max", 6, kLatestOpset, "elementwise", kNoScratch, kVariadicOps, "elementwise", "exact"},  // 6-11, 12, 13+

      // Activations: UnaryElementwise::Prepare, a functor context by value, one Impl_<op> launch.
      {"", "Elu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6+
      {"", "HardSigmoid", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 6-21, 22+
      {"", "HardSwish", 14, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 14-21, 22+
      {"", "LeakyRelu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 6-15, 16+
      {"", "Relu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6-12, 13, 14+
      {"", "Selu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6+
      {"", "Sigmoid", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6-12, 13+
      {"", "Softplus", 1, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 1+
      {"", "Softsign", 1, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 1+
      {"", "Tanh", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6-12, 13+
      // ThresholdedRelu: the contrib kernel registers the experimental opset-1 op (open-ended); from
      // opset 10 the core kernel covers it too. Split at 10 so the rows do not overlap.
      {"", "ThresholdedRelu", 1, 9, "activation", kNoScratch, kContribActivations, "elementwise", "exact"},  // 1+
      {"", "ThresholdedRelu", 10, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 10+
      {"", "Affine", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise", "exact"},  // 1+
      {"", "ParametricSoftplus", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise",
       "exact"},  // 1+
      {"", "ScaledTanh", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise",
       "exact"},  // 1+
      // Gelu-20: LaunchFastGeluKernel (tanh) or LaunchGeluKernel (none), no buffer.
      {"", "Gelu", 20, kLatestOpset, "activation", kNoScratch, "onnxruntime/core/providers/cuda/tensor/gelu.cc",
       "elementwise", "exact"},  // 20+

      // Clip: Clip_6 reads min/max attributes; 11+ reads them from inputs 1-2, in device memory (kernel_defs.cc).
      {"", "Clip", 6, kLatestOpset, "elementwise", kNoScratch, "onnxruntime/core/providers/cuda/math/clip.cc",
       "elementwise", "exact"},  // 6-10, 11, 12, 13+
      // Cast: one Impl_Cast / Impl_CastSat launch into the output.
      {"", "Cast", 6, kLatestOpset, "elementwise", kNoScratch, "onnxruntime/core/providers/cuda/tensor/cast_op.cc",
       "elementwise", "exact"},  // 6-8, 9-12, 13-18, 19+
      // Identity: a tensor is aliased or copied into the output (a tensor-sequence input, 14+, copies
      // each tensor through the temp-space allocator; NodeView has no sequence type to tell).
      {"", "Identity", 1, kLatestOpset, "elementwise", kNoScratch,
       "onnxruntime/core/providers/cuda/tensor/identity_op.cc", "elementwise", "exact"},  // 1-12, 13, 14-18, 19+

      // com.microsoft elementwise ops.
      {"com.microsoft", "Gelu", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise",
       "exact"},  // 1+
      {"com.microsoft", "FastGelu", 1, kLatestOpset, "activation", kNoScratch,
       "onnxruntime/contrib_ops/cuda/bert/fast_gelu.cc", "elementwise", "exact"},  // 1+
      {"com.microsoft", "BiasGelu", 1, kLatestOpset, "activation", kNoScratch,
       "onnxruntime/contrib_ops/cuda/math/bias_gelu.cc", "elementwise", "exact"},  // 1+
      {"com.microsoft", "BiasAdd", 1, kLatestOpset, "elementwise", kNoScratch,
       "onnxruntime/contrib_ops/cuda/diffusion/bias_add.cc", "elementwise", "exact"},  // 1+

      // GEMM family (estimators/gemm.cc, estimators/matmul_nbits.cc).
      {"", "MatMul", 1, kLatestOpset, "gemm", EstimateMatMul, "onnxruntime/core/providers/cuda/math/matmul.cc",
       "empty_output,fill_zero,cublas_gemm,cublas_strided_batched,cublas_batched_pointer_arrays", "exact"},  // 1-8, 9-12, 13+
      {"", "Gemm", 7, kLatestOpset, "gemm", EstimateGemm, "onnxruntime/core/providers/cuda/math/gemm.cc", "cublas_gemm",
       "exact"},  // 7-8, 9-10, 11-12, 13+
      {"com.microsoft", "FusedMatMul", 1, kLatestOpset, "gemm", EstimateFusedMatMul,
       "onnxruntime/contrib_ops/cuda/math/fused_matmul.cc",
       "empty_output,fill_zero,cublas_gemm,cublas_strided_batched,cublas_batched_pointer_arrays", "exact"},  // 1+
      {"com.microsoft", "GemmFloat8", 1, kLatestOpset, "gemm", EstimateGemmFloat8,
       "onnxruntime/contrib_ops/cuda/math/gemm_float8.cc", "cublaslt_matmul", "exact"},  // 1+
      {"com.microsoft", "MatMulNBits", 1, kLatestOpset, "gemm", EstimateMatMulNBits,
       "onnxruntime/contrib_ops/cuda/quantization/matmul_nbits.cc",
       "empty_output,fpA_intB_cutlass,fpA_intB_gemv,fused_gemv,dequant_cublas,dequant_cublas_chunked",
       "exact,upper_bound,unknown"},  // 1+
      // TransposeMatMul: the same MatMul<T> class as FusedMatMul, registered in fused_matmul.cc for backward
      // compatibility (no transBatch attributes, so they read as 0).
      {"com.microsoft", "TransposeMatMul", 1, kLatestOpset, "gemm", EstimateFusedMatMul,
       "onnxruntime/contrib_ops/cuda/math/fused_matmul.cc",
       "empty_output,fill_zero,cublas_gemm,cublas_strided_batched,cublas_batched_pointer_arrays", "exact"},  // 1+
      {"", "MatMulInteger", 10, kLatestOpset, "gemm", EstimateMatMulInteger,
       "onnxruntime/core/providers/cuda/math/matmul_integer.cc", "empty_output,cublas_gemm_ex_int8",
       "exact,upper_bound"},  // 10+
      {"com.microsoft", "MatMulBnb4", 1, kLatestOpset, "gemm", EstimateMatMulBnb4,
       "onnxruntime/contrib_ops/cuda/quantization/matmul_bnb4.cc", "empty_output,gemv_4bit,dequant_cublas",
       "exact"},  // 1+
      // MoE family (estimators/moe.cc).
      {"com.microsoft", "MoE", 1, kLatestOpset, "moe", EstimateMoE, "onnxruntime/contrib_ops/cuda/moe/moe.cc",
       "cutlass_grouped,cutlass_grouped_fc3,cutlass_grouped_swiglu", "exact,unknown"},  // 1+
      {"com.microsoft", "QMoE", 1, kLatestOpset, "moe", EstimateQMoE,
       "onnxruntime/contrib_ops/cuda/quantization/moe_quantization.cc",
       "cutlass_grouped,cutlass_grouped_fc3,cutlass_grouped_swiglu", "exact,unknown"},  // 1+

      // com.microsoft attention (estimators/attention.cc), each kernel registered at opset 1.
      {"com.microsoft", "MultiHeadAttention", 1, kLatestOpset, "attention", EstimateMultiHeadAttention,
       "onnxruntime/contrib_ops/cuda/bert/multihead_attention.cc",
       "decoder_masked,lean,cudnn_sdpa,flash,trt_fused_cross,trt_fused,memory_efficient,unfused",
       "exact,upper_bound,unknown"},  // 1+
      {"com.microsoft", "Attention", 1, kLatestOpset, "attention", EstimateAttention,
       "onnxruntime/contrib_ops/cuda/bert/attention.cc", "cudnn_sdpa,flash,trt_fused,memory_efficient,unfused",
       "exact,upper_bound,unknown"},  // 1+
      {"com.microsoft", "PackedAttention", 1, kLatestOpset, "attention", EstimatePackedAttention,
       "onnxruntime/contrib_ops/cuda/bert/packed_attention.cc", "trt_fused,memory_efficient,unfused", "exact"},  // 1+
      {"com.microsoft", "PackedMultiHeadAttention", 1, kLatestOpset, "attention", EstimatePackedMultiHeadAttention,
       "onnxruntime/contrib_ops/cuda/bert/packed_multihead_attention.cc", "flash,trt_fused,memory_efficient,unfused",
       "exact"},  // 1+
      {"com.microsoft", "DecoderMaskedMultiHeadAttention", 1, kLatestOpset, "attention",
       EstimateDecoderMaskedMultiHeadAttention, "onnxruntime/contrib_ops/cuda/bert/decoder_masked_multihead_attention.cc",
       "decoder_masked", "exact"},  // 1+
      {"com.microsoft", "DecoderMaskedSelfAttention", 1, kLatestOpset, "attention", EstimateDecoderMaskedSelfAttention,
       "onnxruntime/contrib_ops/cuda/bert/decoder_masked_self_attention.cc", "decoder_masked", "exact"},  // 1+

      // GroupQueryAttention: XQA -> cuDNN SDPA -> flash (fast decode / split-KV) -> memory-efficient -> unfused.
      {"com.microsoft", "GroupQueryAttention", 1, kLatestOpset, "attention", EstimateGroupQueryAttention,
       "onnxruntime/contrib_ops/cuda/bert/group_query_attention.cc",
       "xqa,cudnn_sdpa,flash_decoding,flash,memory_efficient,unfused", "exact,upper_bound,unknown"},  // 1+
      // ai.onnx Attention: flash -> memory-efficient -> unified unfused; registered 23-23 and 24+.
      {"", "Attention", 23, 23, "attention", EstimateOnnxAttention, "onnxruntime/core/providers/cuda/llm/attention.cc",
       "flash,memory_efficient,unfused", "exact"},  // 23
      {"", "Attention", 24, kLatestOpset, "attention", EstimateOnnxAttention,
       "onnxruntime/core/providers/cuda/llm/attention.cc", "flash,memory_efficient,unfused", "exact"},  // 24+
      {"com.microsoft", "SparseAttention", 1, kLatestOpset, "attention", EstimateSparseAttention,
       "onnxruntime/contrib_ops/cuda/sparse/sparse_attention.cc", "sparse_v1,sparse_v2",
       "exact,upper_bound,unknown"},  // 1+
      {"com.microsoft", "LongformerAttention", 1, kLatestOpset, "attention", EstimateLongformerAttention,
       "onnxruntime/contrib_ops/cuda/bert/longformer_attention.cc", "compact,compact_global,dense,dense_global",
       "exact,upper_bound"},  // 1+
      {"com.microsoft", "PagedAttention", 1, kLatestOpset, "attention", EstimatePagedAttention,
       "onnxruntime/contrib_ops/cuda/bert/paged_attention.cc", "flash,paged_decode,memory_efficient",
       "exact,upper_bound,unknown"},  // 1+
      // Quantized, cublasLt-ordered and remaining attention kernels (estimators/quantized_attention.cc). The
      // qordered ones are compiled into every CUDA build (no guard in cuda_contrib_kernels.cc or the cmake file);
      // their constructors need CUDA runtime >= 11.4, QOrderedAttention's and QOrderedMatMul's SM >= 7.5.
      {"com.microsoft", "QAttention", 1, kLatestOpset, "attention", EstimateQAttention,  // 1+ (float, float16)
       "onnxruntime/contrib_ops/cuda/quantization/attention_quantization.cc", "unfused", "exact"},
      {"com.microsoft", "DecoderAttention", 1, kLatestOpset, "attention", EstimateDecoderAttention,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/decoder_attention.cc",
       "self_attention,cross_attention,self_attention_cached,cross_attention_cached", "exact,upper_bound"},
      {"com.microsoft", "QOrderedAttention", 1, kLatestOpset, "attention", EstimateQOrderedAttention,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_attention.cc", "cublaslt_int8",
       "exact,unknown"},
      {"com.microsoft", "QOrderedLongformerAttention", 1, kLatestOpset, "attention",  // 1+
       EstimateQOrderedLongformerAttention,
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_longformer_attention.cc",
       "compact,compact_global,dense,dense_global", "exact,upper_bound"},
      // QOrderedMatMul: cublasLtMatmul with no workspace (qordered_matmul_utils.cc QOrdered_MatMul); the scaled
      // alpha/bias vectors are PrePack state, allocated once per session.
      {"com.microsoft", "QOrderedMatMul", 1, kLatestOpset, "gemm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_matmul.cc", "cublaslt_int8", "exact"},
      {"com.microsoft", "QuantizeWithOrder", 1, kLatestOpset, "quantize", EstimateQuantizeWithOrder,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_qdq.cc",
       "row_to_col32,row_to_row,quantize_then_reorder", "exact"},
      // DequantizeWithOrder: COL32 or ROW input, ROW output, one kernel straight into the output.
      {"com.microsoft", "DequantizeWithOrder", 1, kLatestOpset, "quantize", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_qdq.cc", "elementwise", "exact"},
      {"com.microsoft", "GatedRelativePositionBias", 1, kLatestOpset, "attention",  // 1+ (float, float16)
       EstimateGatedRelativePositionBias, "onnxruntime/contrib_ops/cuda/bert/relative_attn_bias.cc",
       "gemm_into_output,gemm_into_workspace", "exact"},
      // cuDNN-, CUB-backed kernels (issue 5): live cuDNN/CUB answers first, then records, then CUB host
      // arithmetic; Conv and the cuDNN reduce/RNN workspaces are unknown without a GPU or a record.
      {"", "Conv", 1, kLatestOpset, "conv", EstimateConv,  // 1-10, 11+
       "onnxruntime/core/providers/cuda/nn/conv.cc", "cudnn_frontend", "exact,unknown"},
      {"", "ConvTranspose", 1, kLatestOpset, "conv", EstimateConv,  // 1-10, 11+
       "onnxruntime/core/providers/cuda/nn/conv_transpose.cc", "cudnn_frontend", "exact,unknown"},
      {"com.microsoft", "FusedConv", 1, kLatestOpset, "conv", EstimateConv,
       "onnxruntime/contrib_ops/cuda/fused_conv.cc", "cudnn_frontend", "exact,unknown"},
      {"com.microsoft", "NhwcConv", 1, kLatestOpset, "conv", EstimateConv,
       "onnxruntime/core/providers/cuda/nn/conv.cc", "cudnn_frontend", "exact,unknown"},
      {"com.microsoft", "ConvTransposeWithDynamicPads", 1, kLatestOpset, "conv", EstimateConv,  // 1+ (float)
       "onnxruntime/contrib_ops/cuda/conv_transpose_with_dynamic_pads.cc", "cudnn_frontend", "exact,unknown"},
      // Einsum (estimators/einsum.cc): the peak of the plan's temporaries; its ReduceSum steps share
      // reduction_ops.cc with ReduceSum (cuDNN workspace unknown without a GPU or a record).
      {"", "Einsum", 12, kLatestOpset, "einsum", EstimateEinsum,  // 12+
       "onnxruntime/core/providers/cuda/math/einsum.cc", "pairwise,single_operand,empty_input", "exact,unknown"},
      // Rfft/Irfft (estimators/fft.cc): no ORT scratch; cuFFT's own plan work area has no documented bound.
      {"com.microsoft", "Rfft", 1, kLatestOpset, "fft", EstimateFft,  // 1+
       "onnxruntime/contrib_ops/cuda/math/fft_ops.cc", "cufft_r2c", "unknown"},
      {"com.microsoft", "Irfft", 1, kLatestOpset, "fft", EstimateFft,  // 1+
       "onnxruntime/contrib_ops/cuda/math/fft_ops.cc", "cufft_c2r", "unknown"},
      {"", "ReduceSum", 1, kLatestOpset, "reduce", EstimateReduce,  // 1-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc",
       "matrix_rows,matrix_columns,cudnn,int_via_double_cudnn,int_copy,noop_copy,empty", "exact,unknown"},
      {"", "ReduceMean", 1, kLatestOpset, "reduce", EstimateReduce,  // 1-10, 11-12, 13-17, 18+
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc",
       "matrix_rows,matrix_columns,cudnn,int_via_double_cudnn,int_copy,noop_copy,empty", "exact,unknown"},
      {"", "ReduceLogSum", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "matrix_rows,matrix_columns,cudnn,noop_copy,empty",
       "exact,unknown"},
      {"", "ReduceSumSquare", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "matrix_rows,matrix_columns,cudnn,noop_copy,empty",
       "exact,unknown"},
      {"", "ReduceLogSumExp", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "cudnn,noop_copy,empty", "exact,unknown"},
      {"", "ReduceMax", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "cudnn,int_via_double_cudnn,int_copy,noop_copy,empty",
       "exact,unknown"},
      {"", "ReduceMin", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "cudnn,int_via_double_cudnn,int_copy,noop_copy,empty",
       "exact,unknown"},
      {"", "ReduceProd", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "cudnn,int_via_double_cudnn,int_copy,noop_copy,empty",
       "exact,unknown"},
      {"", "ReduceL1", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "cudnn,int_via_double_cudnn,int_copy,noop_copy,empty",
       "exact,unknown"},
      {"", "ReduceL2", 1, kLatestOpset, "reduce", EstimateReduce,
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "cudnn,int_via_double_cudnn,int_copy,noop_copy,empty",
       "exact,unknown"},
      {"", "ArgMax", 1, kLatestOpset, "reduce", EstimateReduce,  // 1-10, 11, 12, 13+
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "last_axis_kernel,cudnn,empty", "exact,unknown"},
      {"", "ArgMin", 1, kLatestOpset, "reduce", EstimateReduce,  // 1-10, 11, 12, 13+
       "onnxruntime/core/providers/cuda/reduction/reduction_ops.cc", "last_axis_kernel,cudnn,empty", "exact,unknown"},
      {"", "LSTM", 7, kLatestOpset, "rnn", EstimateRnn,  // 7-13, 14+
       "onnxruntime/core/providers/cuda/rnn/cudnn_rnn_base.cc", "cudnn_lstm", "exact,upper_bound,unknown"},
      {"", "GRU", 7, kLatestOpset, "rnn", EstimateRnn,  // 7-13, 14+
       "onnxruntime/core/providers/cuda/rnn/cudnn_rnn_base.cc", "cudnn_gru", "exact,upper_bound,unknown"},
      {"", "RNN", 7, kLatestOpset, "rnn", EstimateRnn,  // 7-13, 14+
       "onnxruntime/core/providers/cuda/rnn/cudnn_rnn_base.cc", "cudnn_rnn_tanh,cudnn_rnn_relu",
       "exact,upper_bound,unknown"},
      {"", "TopK", 1, kLatestOpset, "cub", EstimateTopK,  // 1-9, 10, 11+
       "onnxruntime/core/providers/cuda/math/topk.cc", "bitonic,radix_select,cub_sort,empty_k",
       "exact,upper_bound,unknown"},
      {"", "NonZero", 9, kLatestOpset, "cub", EstimateNonZero,  // 9-12, 13+
       "onnxruntime/core/providers/cuda/tensor/nonzero_op.cc", "cub_scan,empty", "exact"},
      {"", "Compress", 9, kLatestOpset, "cub", EstimateCompress,  // 9-10, 11+
       "onnxruntime/core/providers/cuda/tensor/compress.cc", "cub_scan", "exact"},
      {"", "NonMaxSuppression", 10, kLatestOpset, "cub", EstimateNonMaxSuppression,  // 10, 11+
       "onnxruntime/core/providers/cuda/object_detection/non_max_suppression.cc", "cub_nms,empty",
       "exact,upper_bound,unknown"},

      // --- Generation (estimators/generation.cc): the kernel's own state, scorer and CUB buffers.
      {"com.microsoft", "BeamSearch", 1, kLatestOpset, "generation", EstimateBeamSearch,  // 1+
       "onnxruntime/contrib_ops/cuda/transformers/beam_search.cc", "beam_fast_topk,beam_topk",
       "exact,upper_bound,unknown"},
      {"com.microsoft", "WhisperBeamSearch", 1, kLatestOpset, "generation", EstimateBeamSearch,  // 1+
       "onnxruntime/contrib_ops/cuda/transformers/beam_search.cc", "beam_fast_topk,beam_topk", "unknown"},
      {"com.microsoft", "GreedySearch", 1, kLatestOpset, "generation", EstimateGreedySearch,  // 1+
       "onnxruntime/contrib_ops/cuda/transformers/greedy_search.cc", "greedy", "exact,upper_bound,unknown"},
      {"com.microsoft", "Sampling", 1, kLatestOpset, "generation", EstimateGreedySearch,  // 1+
       "onnxruntime/contrib_ops/cuda/transformers/sampling.cc", "sampling", "exact,upper_bound,unknown"},

      // --- Tensor ops with scratch (estimators/tensor_ops.cc): device copies of pointer / size / index arrays.
      {"", "Concat", 4, kLatestOpset, "tensor", EstimateConcat,  // 4-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/tensor/concat.cc",
       "same_concat_dim_by_value,same_concat_dim_pointer_array,general,empty_output", "exact,upper_bound"},
      {"", "Split", 2, kLatestOpset, "tensor", EstimateSplit,  // 2-10, 11-12, 13-17, 18+
       "onnxruntime/core/providers/cuda/tensor/split.cc",
       "split3_inner,same_split_dim_by_value,same_split_dim_pointer_array,general,empty_input", "exact,upper_bound"},
      {"", "GatherND", 11, kLatestOpset, "tensor", EstimateGatherND,  // 11, 12, 13+
       "onnxruntime/core/providers/cuda/tensor/gather_nd.cc", "slice_offsets,empty_output", "exact"},
      {"", "ScatterND", 11, kLatestOpset, "tensor", EstimateScatterND,  // 11-12, 13-15, 16-17, 18+
       "onnxruntime/core/providers/cuda/tensor/scatter_nd.cc", "dims_on_stack,dims_on_device,empty_indices",
       "exact,upper_bound"},
      // --- Softmax (estimators/softmax.cc): two input-sized temp-space tensors when opset >= 13 transposes.
      {"", "Softmax", 1, kLatestOpset, "softmax", EstimateSoftmax,  // 1-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/math/softmax.cc", "direct,transposed,empty", "exact"},
      {"", "LogSoftmax", 1, kLatestOpset, "softmax", EstimateSoftmax,  // 1-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/math/softmax.cc", "direct,transposed,empty", "exact"},
      // --- Resize / Upsample (estimators/resize.cc).
      {"", "Resize", 10, kLatestOpset, "resize", EstimateResize,  // 10, 11-12, 13-17, 18+
       "onnxruntime/core/providers/cuda/tensor/resize.cc",
       "copy,nearest,linear,cubic,antialias_bilinear,antialias_trilinear,antialias_bicubic,empty_output",
       "exact,heuristic"},
      {"", "Upsample", 7, 9, "resize", EstimateResize,  // 7-8, 9
       "onnxruntime/core/providers/cuda/tensor/upsample.cc", "upsample", "exact"},
      // --- Layer-norm family (estimators/layer_norm.cc): one fused launch into the outputs, except GroupNorm.
      {"com.microsoft", "GroupNorm", 1, kLatestOpset, "layer_norm", EstimateGroupNorm,  // 1+
       "onnxruntime/contrib_ops/cuda/diffusion/group_norm.cc", "nhwc", "exact"},
      {"com.microsoft", "SkipGroupNorm", 1, kLatestOpset, "layer_norm", EstimateGroupNorm,  // 1+
       "onnxruntime/contrib_ops/cuda/diffusion/group_norm.cc", "nhwc", "exact"},
      {"", "LayerNormalization", 1, 16, "layer_norm", kNoScratch,  // 1-16 (contrib registration in the onnx domain)
       "onnxruntime/contrib_ops/cuda/layer_norm.cc", "fused", "exact"},
      {"", "LayerNormalization", 17, kLatestOpset, "layer_norm", kNoScratch,  // 17+
       "onnxruntime/core/providers/cuda/nn/layer_norm.cc", "fused", "exact"},
      {"", "SimplifiedLayerNormalization", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+ (onnx domain)
       "onnxruntime/contrib_ops/cuda/layer_norm.cc", "fused", "exact"},
      {"", "RMSNormalization", 23, kLatestOpset, "layer_norm", kNoScratch,  // 23+
       "onnxruntime/core/providers/cuda/nn/rms_norm.cc", "fused", "exact"},
      {"com.microsoft", "SkipLayerNormalization", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/skip_layer_norm.cc", "fused", "exact"},
      {"com.microsoft", "SkipSimplifiedLayerNormalization", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/skip_layer_norm.cc", "fused", "exact"},
      {"com.microsoft", "EmbedLayerNormalization", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/embed_layer_norm.cc", "fused", "exact"},
      {"com.microsoft", "BiasSoftmax", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/math/bias_softmax.cc", "fused", "exact"},
      {"com.microsoft", "RotaryEmbedding", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/rotary_embedding.cc", "fused", "exact"},
      {"", "RotaryEmbedding", 23, kLatestOpset, "layer_norm", kNoScratch,  // 23+
       "onnxruntime/core/providers/cuda/llm/rotary_embedding.cc", "fused", "exact"},
      {"com.microsoft", "GemmaRotaryEmbedding", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/gemma_rotary_emb.cc", "fused", "exact"},
      // --- Misc ops with scratch (estimators/misc_ops.cc).
      {"", "Dropout", 7, 11, "misc", kNoScratch,  // 7-9, 10-11: IdentityOp<true>, a copy and a mask fill
       "onnxruntime/core/providers/cuda/tensor/identity_op.cc", "identity", "exact"},
      {"", "Dropout", 12, kLatestOpset, "misc", EstimateDropout,  // 12, 13+
       "onnxruntime/core/providers/cuda/nn/dropout.cc", "inference,training_mask_output,training_scratch_mask",
       "exact,upper_bound"},
      {"com.microsoft", "BitmaskDropout", 1, kLatestOpset, "misc", EstimateDropout,  // 1+ (Dropout<true>)
       "onnxruntime/contrib_ops/cuda/math/bitmask_dropout.cc",
       "inference,training_mask_output,training_scratch_mask", "exact,upper_bound"},
      {"com.microsoft", "BiasDropout", 1, kLatestOpset, "misc", EstimateBiasDropout,  // 1+
       "onnxruntime/contrib_ops/cuda/math/bias_dropout.cc", "mask_output,scratch_mask", "exact"},
      {"com.microsoft", "BitmaskBiasDropout", 1, kLatestOpset, "misc", EstimateBiasDropout,  // 1+
       "onnxruntime/contrib_ops/cuda/math/bias_dropout.cc", "mask_output,scratch_mask", "exact"},
      {"com.microsoft", "Inverse", 1, kLatestOpset, "misc", EstimateInverse,  // 1+
       "onnxruntime/contrib_ops/cuda/inverse.cc",
       "getrf_getri_fp32,getrf_getri_fp32_from_fp16,getrf_getri_fp64", "exact"},
      {"", "DeformConv", 19, kLatestOpset, "misc", EstimateDeformConv,  // 19-21, 22+
       "onnxruntime/core/providers/cuda/nn/deform_conv.cc", "chunked,empty_output", "exact,heuristic"},
      {"com.microsoft", "RemovePadding", 1, kLatestOpset, "misc", EstimateRemovePadding,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/remove_padding.cc", "token_offsets", "exact"},
      {"com.microsoft", "DynamicTimeWarping", 1, kLatestOpset, "misc", EstimateDynamicTimeWarping,  // 1+
       "onnxruntime/contrib_ops/cuda/tensor/dynamic_time_warping.cc", "single_batch", "exact"},
      // ImageScaler: the bias goes to the device once, in the constructor (kernel state); Compute takes none.
      {"", "ImageScaler", 1, kLatestOpset, "misc", kNoScratch,  // 1+ (contrib registration in the onnx domain)
       "onnxruntime/contrib_ops/cuda/tensor/image_scaler.cc", "elementwise", "exact"},
      // Pooling: cuDNN pooling forward takes no workspace; only int8/uint8 MaxPool (12+) casts through float.
      {"", "MaxPool", 1, 11, "pool", kNoScratch,  // 1-7, 8-9, 10, 11 (float, double, float16)
       "onnxruntime/core/providers/cuda/nn/pool.cc", "cudnn,max_pool_with_index", "exact"},
      {"", "MaxPool", 12, kLatestOpset, "pool", EstimateMaxPool,  // 12+
       "onnxruntime/core/providers/cuda/nn/pool.cc", "cudnn,max_pool_with_index,cudnn_float_cast,empty_output",
       "exact"},
      {"", "AveragePool", 7, kLatestOpset, "pool", kNoScratch,  // 7-9, 10, 11-18, 19-21, 22+
       "onnxruntime/core/providers/cuda/nn/pool.cc", "cudnn", "exact"},
      {"", "GlobalAveragePool", 1, kLatestOpset, "pool", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/nn/pool.cc", "cudnn", "exact"},
      {"", "GlobalMaxPool", 1, kLatestOpset, "pool", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/nn/pool.cc", "cudnn", "exact"},
      {"", "LRN", 1, kLatestOpset, "pool", kNoScratch,  // 1-12, 13+: cudnnLRNCrossChannelForward, no workspace
       "onnxruntime/core/providers/cuda/nn/lrn.cc", "cudnn", "exact"},
      // Control flow: the kernel runs its body's nodes one at a time (utils.cc ExecuteSubgraph): the largest
      // body node's estimate, plus Loop's per-iteration outputs and Scan's state copies and transposes
      // (cpu/controlflow/loop.cc, scan_9.cc, scan_8.cc, scan_utils.cc). Exactness is the weakest body node's;
      // If's branches differing, a constant trip count or a run-time sequence length make it an upper bound.
      {"", "If", 1, kLatestOpset, "control_flow", EstimateIf,  // 1-10, 11-12, 13-18, 19+
       "onnxruntime/core/providers/cuda/controlflow/if.cc", "subgraph", "exact,upper_bound,heuristic,unknown"},
      {"", "Loop", 1, kLatestOpset, "control_flow", EstimateLoop,  // 1-10, 11-12, 13-18, 19+
       "onnxruntime/core/providers/cuda/controlflow/loop.cc", "subgraph", "exact,upper_bound,heuristic,unknown"},
      {"", "Scan", 8, kLatestOpset, "control_flow", EstimateScan,  // 8, 9-10, 11-15, 16-18, 19+
       "onnxruntime/core/providers/cuda/controlflow/scan.cc", "scan8_subgraph,scan9_subgraph",
       "exact,upper_bound,heuristic,unknown"},
      // --- Shape, data-movement, generator and quantize kernels with no scratch: each cited file was read
      // for GetScratchBuffer, MakeUniquePtr, GetTempSpaceAllocator, CudaAsyncBuffer and Tensor::Create.
      // Constant is no kernel: Graph::Graph turns Constant nodes into initializers at load.
      {"", "Constant", 1, kLatestOpset, "tensor", kNoScratch, "onnxruntime/core/graph/graph.cc", "initializer",
       "exact"},
      {"", "MemcpyFromHost", 1, kLatestOpset, "tensor", kNoScratch,  // 1+; a tensor-sequence input copies per
       "onnxruntime/core/providers/cuda/cuda_execution_provider.cc", "copy", "exact"},  // tensor (temp space)
      {"", "MemcpyToHost", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/cuda_execution_provider.cc", "copy", "exact"},
      {"", "Reshape", 1, kLatestOpset, "tensor", kNoScratch,  // 1-4, 5-12, 13, 14-18, 19-20, 21-22, 23+ (alias)
       "onnxruntime/core/providers/cuda/tensor/reshape.cc", "alias", "exact"},
      {"", "Flatten", 1, kLatestOpset, "tensor", kNoScratch,  // 1-8, 9-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/tensor/flatten.cc", "alias", "exact"},
      {"", "Squeeze", 1, kLatestOpset, "tensor", kNoScratch,  // 1-10, 11-12, 13-20, 21-22, 23+
       "onnxruntime/core/providers/cuda/tensor/squeeze.cc", "alias", "exact"},
      {"", "Unsqueeze", 1, kLatestOpset, "tensor", kNoScratch,  // 1-10, 11-12, 13-20, 21-22, 23+
       "onnxruntime/core/providers/cuda/tensor/unsqueeze.cc", "alias", "exact"},
      {"", "Shape", 1, kLatestOpset, "tensor", kNoScratch,  // 1-12, 13-14, 15-18, 19-20, 21-22, 23+ (CPU output)
       "onnxruntime/core/providers/cuda/tensor/shape_op.cc", "cpu_output", "exact"},
      {"", "Size", 1, kLatestOpset, "tensor", kNoScratch,  // 1-12, 13+ (CPU output)
       "onnxruntime/core/providers/cuda/tensor/size.cc", "cpu_output", "exact"},
      {"", "Transpose", 1, kLatestOpset, "tensor", kNoScratch,  // 1-12, 13-20, 21-22, 23+: cublas geam or one launch
       "onnxruntime/core/providers/cuda/tensor/transpose.cc", "transpose", "exact"},
      {"", "Gather", 1, kLatestOpset, "tensor", kNoScratch,  // 1-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/tensor/gather.cc", "gather", "exact"},
      {"", "GatherElements", 11, kLatestOpset, "tensor", kNoScratch,  // 11-12, 13+
       "onnxruntime/core/providers/cuda/tensor/gather_elements.cc", "gather", "exact"},
      {"", "Slice", 1, kLatestOpset, "tensor", kNoScratch,  // 1-9, 10, 11-12, 13+
       "onnxruntime/core/providers/cuda/tensor/slice.cc", "slice", "exact"},
      {"", "Pad", 2, kLatestOpset, "tensor", kNoScratch,  // 2-10, 11-12, 13-17, 18+
       "onnxruntime/core/providers/cuda/tensor/pad.cc", "pad", "exact"},
      {"", "Tile", 6, kLatestOpset, "tensor", kNoScratch,  // 6-12, 13+
       "onnxruntime/core/providers/cuda/tensor/tile.cc", "tile", "exact"},
      {"", "Expand", 8, kLatestOpset, "tensor", kNoScratch,  // 8-12, 13+ (FuncExpand's temp-space tensor is
       "onnxruntime/core/providers/cuda/tensor/expand.cc", "expand", "exact"},  // for other callers only)
      {"", "Where", 9, kLatestOpset, "tensor", kNoScratch,  // 9-15, 16+
       "onnxruntime/core/providers/cuda/tensor/where.cc", "where", "exact"},
      {"", "ScatterElements", 11, kLatestOpset, "tensor", kNoScratch,  // 11-12, 13-15, 16-17, 18+
       "onnxruntime/core/providers/cuda/tensor/scatter_elements.cc", "scatter", "exact"},
      {"", "Scatter", 9, 10, "tensor", kNoScratch,  // 9-10
       "onnxruntime/core/providers/cuda/tensor/scatter_elements.cc", "scatter", "exact"},
      {"", "DepthToSpace", 1, kLatestOpset, "tensor", kNoScratch,  // 1-10, 11-12, 13+
       "onnxruntime/core/providers/cuda/tensor/space_depth_ops.cc", "transpose", "exact"},
      {"", "SpaceToDepth", 1, kLatestOpset, "tensor", kNoScratch,  // 1-12, 13+
       "onnxruntime/core/providers/cuda/tensor/space_depth_ops.cc", "transpose", "exact"},
      {"", "CumSum", 11, kLatestOpset, "tensor", kNoScratch,  // 11-13, 14+
       "onnxruntime/core/providers/cuda/math/cumsum.cc", "scan", "exact"},
      {"", "Trilu", 14, kLatestOpset, "tensor", kNoScratch,  // 14+
       "onnxruntime/core/providers/cuda/tensor/trilu.cc", "trilu", "exact"},
      {"com.microsoft", "Trilu", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/tensor/trilu.cc", "trilu", "exact"},
      {"", "OneHot", 11, kLatestOpset, "tensor", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/onehot.cc", "onehot", "exact"},
      {"", "EyeLike", 9, kLatestOpset, "tensor", kNoScratch,  // 9+
       "onnxruntime/core/providers/cuda/tensor/eye_like.cc", "eye", "exact"},
      {"", "ReverseSequence", 10, kLatestOpset, "tensor", kNoScratch,  // 10+
       "onnxruntime/core/providers/cuda/tensor/reverse_sequence.cc", "reverse", "exact"},
      {"", "GridSample", 16, kLatestOpset, "tensor", kNoScratch,  // 16+
       "onnxruntime/core/providers/cuda/tensor/grid_sample.cc", "grid_sample", "exact"},
      {"com.microsoft", "GridSample", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/tensor/grid_sample.cc", "grid_sample", "exact"},
      {"", "RoiAlign", 10, kLatestOpset, "tensor", kNoScratch,  // 10+
       "onnxruntime/core/providers/cuda/object_detection/roialign.cc", "roi_align", "exact"},
      {"", "Shrink", 9, kLatestOpset, "elementwise", kNoScratch,  // 9+
       "onnxruntime/core/providers/cuda/nn/shrink.cc", "elementwise", "exact"},
      {"", "Mod", 10, kLatestOpset, "elementwise", kNoScratch,  // 10-12, 13+ (Mod::ComputeInternal)
       "onnxruntime/core/providers/cuda/math/binary_elementwise_ops.cc", "elementwise", "exact"},
      {"com.microsoft", "QuickGelu", 1, kLatestOpset, "activation", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/activation/activations.cc", "elementwise", "exact"},
      {"", "QuantizeLinear", 10, kLatestOpset, "quantize", kNoScratch,  // 10-12, 13-18, 19-20, 21+
       "onnxruntime/core/providers/cuda/tensor/quantize_linear.cc", "elementwise", "exact"},
      {"", "DequantizeLinear", 10, kLatestOpset, "quantize", kNoScratch,  // 10-12, 13-18, 19-20, 21+
       "onnxruntime/core/providers/cuda/tensor/quantize_linear.cc", "elementwise", "exact"},
      {"com.microsoft", "QuantizeLinear", 1, kLatestOpset, "quantize", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/quantize_dequantize_linear.cc", "elementwise", "exact"},
      {"com.microsoft", "DequantizeLinear", 1, kLatestOpset, "quantize", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/quantize_dequantize_linear.cc", "elementwise", "exact"},
      {"", "ConstantOfShape", 9, kLatestOpset, "generator", kNoScratch,  // 9+
       "onnxruntime/core/providers/cuda/generator/constant_of_shape.cc", "fill", "exact"},
      {"", "Range", 11, kLatestOpset, "generator", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/generator/range.cc", "fill", "exact"},
      {"", "RandomNormal", 1, kLatestOpset, "generator", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/generator/random.cc", "philox", "exact"},
      {"", "RandomUniform", 1, kLatestOpset, "generator", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/generator/random.cc", "philox", "exact"},
      {"", "RandomNormalLike", 1, kLatestOpset, "generator", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/generator/random.cc", "philox", "exact"},
      {"", "RandomUniformLike", 1, kLatestOpset, "generator", kNoScratch,  // 1+
       "onnxruntime/core/providers/cuda/generator/random.cc", "philox", "exact"},
      // Sequence ops: tensors copied into an output sequence through the temp-space allocator become the
      // sequence's own storage (the output), not scratch freed at the end of the kernel.
      {"", "SequenceAt", 11, kLatestOpset, "sequence", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      {"", "SequenceConstruct", 11, kLatestOpset, "sequence", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      {"", "SequenceEmpty", 11, kLatestOpset, "sequence", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      {"", "SequenceErase", 11, kLatestOpset, "sequence", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      {"", "SequenceInsert", 11, kLatestOpset, "sequence", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      {"", "SequenceLength", 11, kLatestOpset, "sequence", kNoScratch,  // 11+
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      {"", "ConcatFromSequence", 11, kLatestOpset, "sequence", kNoScratch,  // 11+: one cudaMemcpyAsync per input
       "onnxruntime/core/providers/cuda/tensor/sequence_op.cc", "sequence", "exact"},
      // Contrib tensor ops with no scratch.
      {"", "Crop", 1, kLatestOpset, "tensor", kNoScratch,  // 1+ (contrib registration in the onnx domain)
       "onnxruntime/contrib_ops/cuda/tensor/crop.cc", "crop", "exact"},
      {"", "DynamicSlice", 1, kLatestOpset, "tensor", kNoScratch,  // 1+ (contrib, onnx domain; Slice's path)
       "onnxruntime/contrib_ops/cuda/tensor/dynamicslice.cc", "slice", "exact"},
      {"com.microsoft", "UnfoldTensor", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/tensor/unfold.cc", "unfold", "exact"},
      {"com.microsoft", "RestorePadding", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/restore_padding.cc", "restore", "exact"},
      {"com.microsoft", "NGramRepeatBlock", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/bert/ngram_repeat_block.cc", "ngram", "exact"},
      {"com.microsoft", "ComplexMul", 1, kLatestOpset, "elementwise", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/math/complex_mul.cc", "elementwise", "exact"},
      {"com.microsoft", "ComplexMulConj", 1, kLatestOpset, "elementwise", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/math/complex_mul.cc", "elementwise", "exact"},
      {"com.microsoft", "BiasSplitGelu", 1, kLatestOpset, "activation", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/diffusion/bias_split_gelu.cc", "elementwise", "exact"},
      {"com.microsoft", "RelativePositionBias", 1, kLatestOpset, "tensor", kNoScratch,  // 1+ (RelPosAttnBias;
       "onnxruntime/contrib_ops/cuda/bert/relative_attn_bias.cc", "bias", "exact"},  // Gated* is not this row)
      {"com.microsoft", "GatherBlockQuantized", 1, kLatestOpset, "tensor", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/gather_block_quantized.cc", "gather", "exact"},
      {"com.microsoft", "QOrderedLayerNormalization", 1, kLatestOpset, "layer_norm", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_layer_norm.cc", "fused", "exact"},
      {"com.microsoft", "QOrderedGelu", 1, kLatestOpset, "activation", kNoScratch,  // 1+
       "onnxruntime/contrib_ops/cuda/quantization/qordered_ops/qordered_unary_ops.cc", "elementwise", "exact"},
  };
  return table;
}

}  // namespace wsest
