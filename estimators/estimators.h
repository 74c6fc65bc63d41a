// Estimator functions, one family per file; estimators/registry.cc puts them in the one table.
// Estimators include only include/wsest/ headers (DESIGN.md, rooms).
#pragma once

#include "wsest/estimate.h"
#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest::estimators {

// estimators/gemm.cc
Result<Estimate> EstimateMatMul(const NodeView& node, const Target& target);
Result<Estimate> EstimateFusedMatMul(const NodeView& node, const Target& target);
Result<Estimate> EstimateGemm(const NodeView& node, const Target& target);
Result<Estimate> EstimateGemmFloat8(const NodeView& node, const Target& target);
Result<Estimate> EstimateMatMulInteger(const NodeView& node, const Target& target);
Result<Estimate> EstimateMatMulBnb4(const NodeView& node, const Target& target);
// estimators/moe.cc
Result<Estimate> EstimateMoE(const NodeView& node, const Target& target);
Result<Estimate> EstimateQMoE(const NodeView& node, const Target& target);
// cuBLAS's default per-handle workspace (NVIDIA cuBLAS docs, cublasSetWorkspace): once per handle and stream,
// outside ORT's allocator, for the model summary; never added to a node.
uint64_t CublasHandleWorkspaceBytes(const DeviceProfile& device);
// estimators/matmul_nbits.cc
Result<Estimate> EstimateMatMulNBits(const NodeView& node, const Target& target);
// ComputeFpAIntBGemmWorkspaceSize (fpA_intB_gemm.h): the SM90 formula when sm == 90, else the non-SM90 one.
Bytes FpAIntBGemmWorkspaceBytes(int64_t m, int64_t n, int sm, int sm_count);

// estimators/norm.cc
Result<Estimate> EstimateBatchNormalization(const NodeView& node, const Target& target);
Result<Estimate> EstimateInstanceNormalization(const NodeView& node, const Target& target);

// estimators/attention.cc (shared backend helpers: estimators/attention_common.h)
Result<Estimate> EstimateMultiHeadAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimatePackedAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimatePackedMultiHeadAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateDecoderMaskedMultiHeadAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateDecoderMaskedSelfAttention(const NodeView& node, const Target& target);

// estimators/group_query_attention.cc
Result<Estimate> EstimateGroupQueryAttention(const NodeView& node, const Target& target);
// estimators/llm_attention.cc
Result<Estimate> EstimateOnnxAttention(const NodeView& node, const Target& target);
// estimators/attention_other.cc
Result<Estimate> EstimateSparseAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateLongformerAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimatePagedAttention(const NodeView& node, const Target& target);
// estimators/quantized_attention.cc
Result<Estimate> EstimateQAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateDecoderAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateQOrderedAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateQOrderedLongformerAttention(const NodeView& node, const Target& target);
Result<Estimate> EstimateQuantizeWithOrder(const NodeView& node, const Target& target);
Result<Estimate> EstimateGatedRelativePositionBias(const NodeView& node, const Target& target);

// estimators/conv.cc (also com.microsoft ConvTransposeWithDynamicPads, as ConvTranspose with its pads input)
Result<Estimate> EstimateConv(const NodeView& node, const Target& target);
// estimators/einsum.cc
Result<Estimate> EstimateEinsum(const NodeView& node, const Target& target);
// estimators/fft.cc (com.microsoft Rfft and Irfft)
Result<Estimate> EstimateFft(const NodeView& node, const Target& target);
// estimators/reduce.cc
Result<Estimate> EstimateReduce(const NodeView& node, const Target& target);
// estimators/rnn.cc
Result<Estimate> EstimateRnn(const NodeView& node, const Target& target);
// estimators/cub_ops.cc
Result<Estimate> EstimateTopK(const NodeView& node, const Target& target);
Result<Estimate> EstimateNonZero(const NodeView& node, const Target& target);
Result<Estimate> EstimateCompress(const NodeView& node, const Target& target);
Result<Estimate> EstimateNonMaxSuppression(const NodeView& node, const Target& target);
// estimators/generation.cc (BeamSearch and WhisperBeamSearch; GreedySearch and Sampling)
Result<Estimate> EstimateBeamSearch(const NodeView& node, const Target& target);
Result<Estimate> EstimateGreedySearch(const NodeView& node, const Target& target);

// estimators/tensor_ops.cc
Result<Estimate> EstimateConcat(const NodeView& node, const Target& target);
Result<Estimate> EstimateSplit(const NodeView& node, const Target& target);
Result<Estimate> EstimateGatherND(const NodeView& node, const Target& target);
Result<Estimate> EstimateScatterND(const NodeView& node, const Target& target);
// estimators/softmax.cc (Softmax and LogSoftmax)
Result<Estimate> EstimateSoftmax(const NodeView& node, const Target& target);
// estimators/resize.cc (Resize and Upsample)
Result<Estimate> EstimateResize(const NodeView& node, const Target& target);
// estimators/layer_norm.cc (GroupNorm and SkipGroupNorm; the rest of the family has no scratch)
Result<Estimate> EstimateGroupNorm(const NodeView& node, const Target& target);
// estimators/misc_ops.cc
Result<Estimate> EstimateDropout(const NodeView& node, const Target& target);
Result<Estimate> EstimateBiasDropout(const NodeView& node, const Target& target);
Result<Estimate> EstimateInverse(const NodeView& node, const Target& target);
Result<Estimate> EstimateDeformConv(const NodeView& node, const Target& target);
Result<Estimate> EstimateMaxPool(const NodeView& node, const Target& target);
Result<Estimate> EstimateRemovePadding(const NodeView& node, const Target& target);
Result<Estimate> EstimateDynamicTimeWarping(const NodeView& node, const Target& target);
// estimators/control_flow.cc: the largest body node plus what the kernel holds while the body runs
Result<Estimate> EstimateIf(const NodeView& node, const Target& target);
Result<Estimate> EstimateLoop(const NodeView& node, const Target& target);
Result<Estimate> EstimateScan(const NodeView& node, const Target& target);

}  // namespace wsest::estimators
