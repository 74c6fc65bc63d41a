// ai.onnx Attention (opset 23/24) estimator (estimators/llm_attention.cc): one case per dispatch branch of
// ORT 1.29.0 core/providers/cuda/llm/attention.cc ComputeInternal (flash -> memory-efficient -> unfused),
// bytes worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/node_builders.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::BufferBytes;
using testing::Dims;
using testing::ExpectOk;
using testing::On;
using testing::Tensor;

// 3-D (BSNH) Attention: Q [B, Sq, Nq*H], K/V [B, Skv, Nkv*H]; present outputs declared.
NodeView Attention3D(DataType dtype, int64_t b, int64_t sq, int64_t skv, int64_t nq, int64_t nkv, int64_t h,
                     bool causal = true) {
  NodeView node;
  node.name = "attn";
  node.op_type = "Attention";
  node.opset = 23;
  node.attributes["q_num_heads"] = nq;
  node.attributes["kv_num_heads"] = nkv;
  node.attributes["is_causal"] = int64_t{causal ? 1 : 0};
  node.inputs.push_back(Tensor("q", dtype, Dims({b, sq, nq * h})));
  node.inputs.push_back(Tensor("k", dtype, Dims({b, skv, nkv * h})));
  node.inputs.push_back(Tensor("v", dtype, Dims({b, skv, nkv * h})));
  node.outputs.push_back(Tensor("y", dtype, {}));
  node.outputs.push_back(Tensor("present_key", dtype, {}));
  node.outputs.push_back(Tensor("present_value", dtype, {}));
  return node;
}

std::string RejectReason(const Estimate& e, const std::string& variant) {
  for (const Candidate& c : e.candidates) {
    if (c.variant == variant) return c.rejected_because;
  }
  return "<not tried>";
}

TEST(LlmAttention, Fp16PrefillIsFlashWithLseOnly) {
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(
      Attention3D(DataType::kFloat16, 1, /*Sq=*/2048, /*Skv=*/2048, /*Nq=*/32, /*Nkv=*/8, /*H=*/128), On("h100-sxm")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // 3-D needs no transpose; B*Nq*ceil(2048/64) = 1024 >= 0.8*132: one split.
  EXPECT_EQ(e.workspace_bytes(), 262144u);  // softmax_lse 4*1*32*2048
}

TEST(LlmAttention, Bf16PrefillOnA100IsFlash) {
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(
      Attention3D(DataType::kBfloat16, 1, 2048, 2048, 32, 8, 128), On("a100-80gb")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.workspace_bytes(), 262144u);
}

TEST(LlmAttention, Bnsh4DDecodeWithPastIsFlashWithTransposesAndSplits) {
  NodeView node;
  node.name = "attn4d";
  node.op_type = "Attention";
  node.opset = 24;
  node.inputs.push_back(Tensor("q", DataType::kFloat16, Dims({1, 32, 1, 128})));
  node.inputs.push_back(Tensor("k", DataType::kFloat16, Dims({1, 8, 1, 128})));
  node.inputs.push_back(Tensor("v", DataType::kFloat16, Dims({1, 8, 1, 128})));
  node.inputs.push_back(TensorInfo{});  // no attn_mask
  node.inputs.push_back(Tensor("past_key", DataType::kFloat16, Dims({1, 8, 2047, 128})));
  node.inputs.push_back(Tensor("past_value", DataType::kFloat16, Dims({1, 8, 2047, 128})));
  node.outputs.push_back(Tensor("y", DataType::kFloat16, {}));
  node.outputs.push_back(Tensor("present_key", DataType::kFloat16, {}));
  node.outputs.push_back(Tensor("present_value", DataType::kFloat16, {}));
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(node, On("a100-80gb")));
  EXPECT_EQ(e.variant, "flash");
  // T = 2047 + 1 = 2048; splits over Nq = 32 on 108 SMs: 3 (see gqa_attention_test DecodeA100).
  EXPECT_EQ(BufferBytes(e, "softmax_lse_accum"), 384u);  // 4*3*32
  EXPECT_EQ(BufferBytes(e, "out_accum"), 49152u);        // 4*3*32*128
  EXPECT_EQ(BufferBytes(e, "q_bsnh"), 8192u);            // 2*1*1*32*128
  EXPECT_EQ(BufferBytes(e, "out_bsnh"), 8192u);
  EXPECT_EQ(BufferBytes(e, "k_bsnh"), 2048u);            // 2*1*1*8*128
  // 128 lse + 384 + 49152 + 8192 + 8192 + 4 past_seqlens + 2048 + 2048 + 4 seqlens_k
  EXPECT_EQ(e.workspace_bytes(), 70152u);
}

TEST(LlmAttention, BoolMaskGoesToMemoryEfficientWithConvertedBias) {
  NodeView node = Attention3D(DataType::kFloat16, /*B=*/2, 128, 128, 12, 12, 64, /*causal=*/false);
  node.inputs.push_back(Tensor("mask", DataType::kBool, Dims({2, 1, 128, 128})));
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(node, On("a100-80gb")));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_EQ(RejectReason(e, "flash"), "attn_mask present");
  EXPECT_EQ(BufferBytes(e, "converted_mask_bias"), 65536u);  // 2*1*128*128 elements * 2 bytes
  EXPECT_EQ(e.workspace_bytes(), 65536u);                    // MHA: no expansion; H = 64: no fp32 workspace
}

TEST(LlmAttention, GroupedHeadsOnT4AreMemoryEfficientWithExpansion) {
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(
      Attention3D(DataType::kFloat16, 1, 256, 256, /*Nq=*/8, /*Nkv=*/2, /*H=*/64), On("t4")));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_NE(RejectReason(e, "flash").find("is_supported"), std::string::npos);
  EXPECT_EQ(BufferBytes(e, "k_expand"), 262144u);  // 2*B*T*Nq*H = 2*256*8*64
  EXPECT_EQ(e.workspace_bytes(), 524288u);         // k_expand + v_expand
}

TEST(LlmAttention, Fp32GroupedHeadsFallToUnfused) {
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(
      Attention3D(DataType::kFloat, 1, 64, 64, /*Nq=*/4, /*Nkv=*/2, /*H=*/64), On("a100-80gb")));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_EQ(RejectReason(e, "flash"), "float element type");
  EXPECT_NE(RejectReason(e, "memory_efficient").find("LaunchUngroup"), std::string::npos);
  EXPECT_EQ(BufferBytes(e, "q_bnsh"), 65536u);             // 4*1*64*4*64
  EXPECT_EQ(BufferBytes(e, "out_bnsh"), 65536u);
  EXPECT_EQ(BufferBytes(e, "unfused_workspace"), 131072u); // 2 * align256(4*1*4*64*64)
  EXPECT_EQ(e.workspace_bytes(), 262144u);                 // present outputs exist: K/V transpose into them
}

TEST(LlmAttention, CausalCrossWithoutPastSkipsFlash) {
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(
      Attention3D(DataType::kFloat16, 1, /*Sq=*/16, /*Skv=*/64, 8, 8, 64), On("h100-sxm")));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_NE(RejectReason(e, "flash").find("upper-left"), std::string::npos);
  EXPECT_EQ(e.workspace_bytes(), 0u);  // MHA, BSNH, no mask, H = 64: MEA takes nothing
}

TEST(LlmAttention, OutputQkModeOtherThanQkIsNotImplemented) {
  NodeView node = Attention3D(DataType::kFloat16, 1, 64, 64, 8, 8, 64);
  node.outputs.push_back(Tensor("qk", DataType::kFloat16, {}));
  node.attributes["qk_matmul_output_mode"] = int64_t{3};
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(node, On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("NOT_IMPLEMENTED"), std::string::npos) << e.reason;
}

TEST(LlmAttention, SymbolicSequenceIsUnknown) {
  NodeView node = Attention3D(DataType::kFloat16, 1, 64, 64, 8, 8, 64);
  node.inputs[0].dims[1] = Dim::Symbolic("q_len");
  Estimate e = ExpectOk(estimators::EstimateOnnxAttention(node, On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'q_len'"), std::string::npos) << e.reason;
}

TEST(LlmAttention, ThreeDWithoutHeadCountsIsInvalid) {
  NodeView node = Attention3D(DataType::kFloat16, 1, 64, 64, 8, 8, 64);
  node.attributes.erase("q_num_heads");
  Result<Estimate> r = estimators::EstimateOnnxAttention(node, On("h100-sxm"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("Attention 'attn': 3-D inputs need positive q_num_heads"), std::string::npos)
      << r.error().message;
}

TEST(LlmAttention, HugeDimsOverflow) {
  NodeView node = Attention3D(DataType::kFloat16, int64_t{1} << 40, int64_t{1} << 30, int64_t{1} << 30, 8, 8, 64);
  Result<Estimate> r = EstimateNode(node, On("h100-sxm"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(LlmAttention, RegisteredAt23And24) {
  const EstimatorEntry* at23 = FindEstimator("", "Attention", 23);
  const EstimatorEntry* at24 = FindEstimator("", "Attention", 24);
  ASSERT_NE(at23, nullptr);
  ASSERT_NE(at24, nullptr);
  EXPECT_EQ(at23->until_version, 23);
  EXPECT_EQ(at24->estimate, &estimators::EstimateOnnxAttention);
  EXPECT_EQ(FindEstimator("", "Attention", 22), nullptr);
}

}  // namespace
}  // namespace wsest
