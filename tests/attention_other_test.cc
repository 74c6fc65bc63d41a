// SparseAttention, LongformerAttention and PagedAttention estimators (estimators/attention_other.cc), one case
// per kernel branch of ORT 1.29.0 sparse_attention.cc, longformer_attention.cc and paged_attention.cc, bytes
// worked by hand.
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

// --- SparseAttention: N=32, Nk=8, H=128, block 64, 32 blocks (max_sequence_length 2048) ------------

NodeView Sparse(int64_t seq, int64_t total, bool rotary, int64_t head_size = 128) {
  NodeView node;
  node.name = "sparse";
  node.op_type = "SparseAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = int64_t{32};
  node.attributes["kv_num_heads"] = int64_t{8};
  node.attributes["sparse_block_size"] = int64_t{64};
  node.attributes["do_rotary"] = int64_t{rotary ? 1 : 0};
  const DataType f16 = DataType::kFloat16;
  node.inputs.push_back(Tensor("q", f16, Dims({1, seq, 32 * head_size})));
  node.inputs.push_back(Tensor("k", f16, Dims({1, seq, 8 * head_size})));
  node.inputs.push_back(Tensor("v", f16, Dims({1, seq, 8 * head_size})));
  node.inputs.push_back(Tensor("past_key", f16, Dims({1, 8, 2048, head_size})));
  node.inputs.push_back(Tensor("past_value", f16, Dims({1, 8, 2048, head_size})));
  node.inputs.push_back(Tensor("block_row_indices", DataType::kInt32, Dims({1, 33})));
  node.inputs.push_back(Tensor("block_col_indices", DataType::kInt32, Dims({1, 528})));
  TensorInfo t = Tensor("total", DataType::kInt32, {});
  if (total > 0) t.int_values = std::vector<int64_t>{total};
  node.inputs.push_back(t);
  node.inputs.push_back(Tensor("key_total_sequence_lengths", DataType::kInt32, Dims({1})));
  if (rotary) {
    node.inputs.push_back(Tensor("cos", f16, Dims({2048, 64})));
    node.inputs.push_back(Tensor("sin", f16, Dims({2048, 64})));
  }
  node.outputs.push_back(Tensor("out", f16, {}));
  return node;
}

TEST(SparseAttention, PromptUsesV1WithTransposedQ) {
  Estimate e = ExpectOk(estimators::EstimateSparseAttention(Sparse(256, 256, false), On("h100-sxm")));
  EXPECT_EQ(e.variant, "sparse_v1");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 2097152u);  // transposed_q: 2*1*256*32*128
}

TEST(SparseAttention, DecodeUsesV2WithKernelInputsAndRotary) {
  Estimate e = ExpectOk(estimators::EstimateSparseAttention(Sparse(1, 1000, true), On("a100-80gb")));
  EXPECT_EQ(e.variant, "sparse_v2");
  EXPECT_EQ(BufferBytes(e, "rotary_buffer"), 16392u);    // 2*2*1*32*1*128 + 8*1*1
  EXPECT_EQ(BufferBytes(e, "transposed_q"), 8192u);      // 2*1*1*32*128
  EXPECT_EQ(BufferBytes(e, "v2_kernel_buffer"), 384u);   // 4 * (4*align16(1) + 2*align16(1)) = 4*96
  EXPECT_EQ(e.workspace_bytes(), 24968u);
}

TEST(SparseAttention, V1DisabledPromptIsBoundedByBlockCount) {
  Target t = On("h100-sxm");
  ASSERT_TRUE(t.ep.SetEnv("ORT_DISABLE_SPARSE_ATTENTION_V1", "1").ok());
  Estimate e = ExpectOk(estimators::EstimateSparseAttention(Sparse(256, /*total=*/-1, false), t));
  EXPECT_EQ(e.variant, "sparse_v2");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  // T bounded by 2048; active q blocks <= 1*ceil(2048/64) = 32: 4 * (4*16 + 2*32) = 512.
  EXPECT_EQ(BufferBytes(e, "v2_kernel_buffer"), 512u);
  EXPECT_EQ(e.workspace_bytes(), 2097152u + 512u);
}

TEST(SparseAttention, HeadSize64IsNotImplemented) {
  Estimate e = ExpectOk(estimators::EstimateSparseAttention(Sparse(256, 256, false, /*head_size=*/64), On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("NOT_IMPLEMENTED"), std::string::npos) << e.reason;
}

TEST(SparseAttention, SymbolicSequenceIsUnknown) {
  NodeView node = Sparse(256, 256, false);
  node.inputs[0].dims[1] = Dim::Symbolic("seq");
  Estimate e = ExpectOk(estimators::EstimateSparseAttention(node, On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'seq'"), std::string::npos) << e.reason;
}

// --- LongformerAttention: fp16, B=1, S=1024, hidden 768, N=12 (H=64), window 256 -----------------

NodeView Longformer(int64_t seq = 1024) {
  NodeView node;
  node.name = "lf";
  node.op_type = "LongformerAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = int64_t{12};
  node.attributes["window"] = int64_t{256};
  const DataType f16 = DataType::kFloat16;
  node.inputs.push_back(Tensor("input", f16, Dims({1, seq, 768})));
  node.inputs.push_back(Tensor("weights", f16, Dims({768, 2304})));
  node.inputs.push_back(Tensor("bias", f16, Dims({2304})));
  node.inputs.push_back(Tensor("mask", f16, Dims({1, seq})));
  node.inputs.push_back(Tensor("global_weights", f16, Dims({768, 2304})));
  node.inputs.push_back(Tensor("global_bias", f16, Dims({2304})));
  node.inputs.push_back(Tensor("global", DataType::kInt32, Dims({1, seq})));
  node.outputs.push_back(Tensor("out", f16, {}));
  return node;
}

// Common: global_index 4*1024 + batch_global_num 4 + global_scratch 4*(1024+1024) + gemm_buffer
// 2*(1*1024*3*768*2) = 4096 + 4 + 8192 + 9437184 = 9449476. qkv = 3*1*1024*12*64*2 = 4718592.
// Compact softmax: align128(align128(2*1*12*256*(5*1024 - 3*256)) + 120) = align128(26738688 + 120) = 26738816.
// Dense softmax: 2 * align256(2*1*12*1024*1024) = 50331648.
TEST(LongformerAttention, UnknownGlobalCountIsUpperBoundOverRegimes) {
  Estimate e = ExpectOk(estimators::EstimateLongformerAttention(Longformer(), On("a100-80gb")));
  EXPECT_EQ(e.variant, "dense_global");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 9449476u + 50331648u + 2u * 4718592u);  // 69218308
  ASSERT_EQ(e.candidates.size(), 3u);  // compact, compact_global, dense_global
  EXPECT_EQ(e.candidates[0].bytes, 9449476u + 26738816u + 4718592u);               // 40906884
  EXPECT_EQ(e.candidates[1].bytes, 9449476u + 26738816u + 2u * 4718592u);          // 45625476
}

TEST(LongformerAttention, ConstantGlobalMaskWithoutGlobalsIsExactCompact) {
  NodeView node = Longformer();
  node.inputs[6].int_values = std::vector<int64_t>(1024, 0);
  Estimate e = ExpectOk(estimators::EstimateLongformerAttention(node, On("a100-80gb")));
  EXPECT_EQ(e.variant, "compact");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 40906884u);
  EXPECT_EQ(BufferBytes(e, "softmax_workspace"), 26738816u);
}

TEST(LongformerAttention, CompactMemoryOffForcedDense) {
  Target t = On("a100-80gb");
  ASSERT_TRUE(t.ep.SetEnv("ORT_LONGFORMER_COMPACT_MEMORY", "0").ok());
  t.forced_variant = "dense";
  Estimate e = ExpectOk(estimators::EstimateLongformerAttention(Longformer(), t));
  EXPECT_EQ(e.variant, "dense");
  EXPECT_EQ(e.workspace_bytes(), 9449476u + 50331648u + 4718592u);  // 64499716
}

TEST(LongformerAttention, ZeroWindowIsInvalid) {
  NodeView node = Longformer();
  node.attributes["window"] = int64_t{0};
  Result<Estimate> r = estimators::EstimateLongformerAttention(node, On("a100-80gb"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("LongformerAttention 'lf': attribute window must be positive"), std::string::npos)
      << r.error().message;
}

// --- PagedAttention: fp16, N=32, Nk=8, H=128 -------------------------------------------------------

NodeView Paged(int64_t tokens, int64_t batch, int64_t block_size, int64_t max_blocks) {
  NodeView node;
  node.name = "paged";
  node.op_type = "PagedAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = int64_t{32};
  node.attributes["kv_num_heads"] = int64_t{8};
  const DataType f16 = DataType::kFloat16;
  node.inputs.push_back(Tensor("q", f16, Dims({tokens, 32 * 128})));
  node.inputs.push_back(Tensor("k", f16, Dims({tokens, 8 * 128})));
  node.inputs.push_back(Tensor("v", f16, Dims({tokens, 8 * 128})));
  node.inputs.push_back(Tensor("key_cache", f16, Dims({1024, block_size, 8, 128})));
  node.inputs.push_back(Tensor("value_cache", f16, Dims({1024, block_size, 8, 128})));
  node.inputs.push_back(Tensor("cumulative_seqlens_q", DataType::kInt32, Dims({batch + 1})));
  node.inputs.push_back(Tensor("past_seqlens", DataType::kInt32, Dims({batch})));
  node.inputs.push_back(Tensor("block_table", DataType::kInt32, Dims({batch, max_blocks})));
  node.outputs.push_back(Tensor("out", f16, {}));
  return node;
}

TEST(PagedAttention, PrefillIsFlash) {
  Estimate e = ExpectOk(estimators::EstimatePagedAttention(Paged(512, 2, 128, 16), On("h100-sxm")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "cumulative_seqlens_kv"), 12u);  // 4*(2+1)
  EXPECT_EQ(BufferBytes(e, "softmax_lse"), 65536u);         // 4*512*32
  EXPECT_EQ(e.workspace_bytes(), 65548u);
}

TEST(PagedAttention, SmallPagesPrefillGatherForMemoryEfficient) {
  // block 16 is not a multiple of 128 (H = 128): no flash; 512 tokens > 2 sequences: not decode-shaped.
  Estimate e = ExpectOk(estimators::EstimatePagedAttention(Paged(512, 2, 16, 64), On("h100-sxm")));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(BufferBytes(e, "gathered_key"), 16777216u);  // 2*(2*64*16 tokens)*32*128
  EXPECT_EQ(e.workspace_bytes(), 12u + 2u * 16777216u);
}

TEST(PagedAttention, SmallPagesDecodeIsPagedDecodeUnknown) {
  Estimate e = ExpectOk(estimators::EstimatePagedAttention(Paged(2, 2, 16, 64), On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("ComputePagedDecodeSplits"), std::string::npos) << e.reason;
}

TEST(PagedAttention, HugeTokenCountOverflows) {
  Result<Estimate> r = EstimateNode(Paged(int64_t{1} << 62, 2, 128, 16), On("h100-sxm"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(AttentionOtherRegistry, RowsAreFound) {
  EXPECT_EQ(FindEstimator("com.microsoft", "SparseAttention", 1)->estimate, &estimators::EstimateSparseAttention);
  EXPECT_EQ(FindEstimator("com.microsoft", "LongformerAttention", 1)->estimate,
            &estimators::EstimateLongformerAttention);
  EXPECT_EQ(FindEstimator("com.microsoft", "PagedAttention", 1)->estimate, &estimators::EstimatePagedAttention);
}

}  // namespace
}  // namespace wsest
