// QAttention, DecoderAttention, QOrderedAttention, QOrderedLongformerAttention, QuantizeWithOrder and
// GatedRelativePositionBias (estimators/quantized_attention.cc), plus the no-scratch QOrderedMatMul and
// DequantizeWithOrder rows; bytes worked by hand from the ORT 1.29.0 kernel files each estimator cites.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/node_builders.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::BufferBytes;
using testing::Dims;
using testing::ExpectOk;
using testing::Node;
using testing::Tensor;

constexpr const char* kMs = "com.microsoft";

bool HasBuffer(const Estimate& e, const std::string& name) {
  for (const Buffer& b : e.buffers) {
    if (b.name == name) return true;
  }
  return false;
}

// --- QAttention ---------------------------------------------------------------------------------------------

NodeView QAttention(DataType t, std::vector<Dim> input, std::vector<Dim> weight, int64_t num_heads) {
  NodeView node = Node("QAttention", 1, kMs);
  node.attributes["num_heads"] = num_heads;
  node.inputs.push_back(Tensor("input", DataType::kInt8, std::move(input)));
  node.inputs.push_back(Tensor("weight", DataType::kInt8, std::move(weight)));
  node.inputs.push_back(Tensor("bias", t, {}));
  node.inputs.push_back(Tensor("input_scale", t, {}));
  node.inputs.push_back(Tensor("weight_scale", t, {}));
  node.outputs.push_back(Tensor("output", t, {}));
  return node;
}

TEST(QuantizedAttentionQAttention, FloatUnfusedNoPadding) {
  // B 2, S 8, input_hidden 64, weight (64, 192): hidden 64, N 4, head 16, T = S = 8.
  // num_elements = 2*8*192 = 3072. gemm_buffer = 3072 * 4 * 4 (a count of T times sizeof(T)) = 49152;
  // gemm_buffer_quantized = 3072 * 4 = 12288; k 64 and n 192 are multiples of 32: no GemmInt8 padding;
  // work_space = 2 * align256(4*2*4*8*8 = 2048) = 4096. Total 49152 + 12288 + 4096 = 65536.
  Estimate e =
      ExpectOk(EstimateNode(QAttention(DataType::kFloat, Dims({2, 8, 64}), Dims({64, 192}), 4), DefaultTarget()));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "gemm_buffer"), 49152u);
  EXPECT_EQ(BufferBytes(e, "gemm_buffer_quantized"), 12288u);
  EXPECT_EQ(BufferBytes(e, "work_space"), 4096u);
  EXPECT_EQ(e.workspace_bytes(), 65536u);
  ASSERT_EQ(e.candidates.size(), 4u);  // flash, trt_fused, memory_efficient rejected; unfused chosen
  EXPECT_EQ(e.candidates.back().variant, "unfused");
}

TEST(QuantizedAttentionQAttention, Float16WithPastPeaksAtWorkSpace) {
  // B 1, S 4, input_hidden 48, weight (48, 96): hidden 32, N 2, head 16; past (2, 1, 2, 12, 16): T = 16.
  // num_elements = 4*96 = 384. gemm_buffer = 384 * 2 * 2 = 1536; gemm_buffer_quantized = 384 * 4 = 1536.
  // a_padded = m * roundoff(48, 32) = 4 * 64 = 256 (n 96 needs no padding); work_space = 2 * align256(2*1*2*4*16
  // = 256) = 512 > 256, taken after the padded copy is freed: peak 1536 + 1536 + 512 = 3584.
  NodeView node = QAttention(DataType::kFloat16, Dims({1, 4, 48}), Dims({48, 96}), 2);
  node.inputs.push_back(Tensor("", DataType::kInt32, {}));  // mask_index omitted
  node.inputs.push_back(Tensor("", DataType::kInt8, {}));   // input_zero_point omitted
  node.inputs.push_back(Tensor("", DataType::kInt8, {}));   // weight_zero_point omitted
  node.inputs.push_back(Tensor("past", DataType::kFloat16, Dims({2, 1, 2, 12, 16})));
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(BufferBytes(e, "gemm_buffer"), 1536u);
  EXPECT_EQ(BufferBytes(e, "work_space"), 512u);
  EXPECT_FALSE(HasBuffer(e, "gemm_int8_a_padded"));
  EXPECT_EQ(e.workspace_bytes(), 3584u);
  EXPECT_NE(e.reason.find("256 B"), std::string::npos) << e.reason;
}

TEST(QuantizedAttentionQAttention, PaddingPhasePeaksWhenLarger) {
  // B 1, S 1, input_hidden 100, weight (100, 60): hidden 20, N 1, head 20, T 1. num_elements = 60.
  // gemm_buffer = 60*4*4 = 960; quantized = 240. a_padded = 1 * roundoff(100, 32) = 128; b_padded =
  // 100 * roundoff(60, 32) = 6400; work_space = 2 * align256(4) = 512 < 6528: peak 960 + 240 + 128 + 6400 = 7728.
  Estimate e =
      ExpectOk(EstimateNode(QAttention(DataType::kFloat, Dims({1, 1, 100}), Dims({100, 60}), 1), DefaultTarget()));
  EXPECT_EQ(BufferBytes(e, "gemm_int8_a_padded"), 128u);
  EXPECT_EQ(BufferBytes(e, "gemm_int8_b_padded"), 6400u);
  EXPECT_FALSE(HasBuffer(e, "work_space"));
  EXPECT_EQ(e.workspace_bytes(), 7728u);
}

TEST(QuantizedAttentionQAttention, SymbolicBatchIsUnknown) {
  Estimate e = ExpectOk(EstimateNode(
      QAttention(DataType::kFloat, {Dim::Symbolic("batch"), Dim::Known(8), Dim::Known(64)}, Dims({64, 192}), 4),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

TEST(QuantizedAttentionQAttention, BadShapesAndShareBufferAreErrors) {
  // weight dim 1 = 100 is not 3 * hidden.
  Result<Estimate> r =
      EstimateNode(QAttention(DataType::kFloat, Dims({2, 8, 64}), Dims({64, 100}), 4), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("3 times"), std::string::npos) << r.error().message;
  // past_present_share_buffer needs a past_sequence_length input that QAttention does not have.
  NodeView node = QAttention(DataType::kFloat, Dims({1, 4, 64}), Dims({64, 192}), 4);
  node.attributes["past_present_share_buffer"] = int64_t{1};
  for (int i = 0; i < 3; ++i) node.inputs.push_back(Tensor("", DataType::kInt8, {}));
  node.inputs.push_back(Tensor("past", DataType::kFloat, Dims({2, 1, 4, 12, 16})));
  r = EstimateNode(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("past_sequence_length"), std::string::npos) << r.error().message;
}

TEST(QuantizedAttentionQAttention, HugeDimOverflowsIntoAnError) {
  // 2^40 * 2^30 * 192 elements overflow 64 bits.
  Result<Estimate> r =
      EstimateNode(QAttention(DataType::kFloat, Dims({int64_t{1} << 40, int64_t{1} << 30, 64}), Dims({64, 192}), 4),
                   DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("gemm_buffer"), std::string::npos) << r.error().message;
}

// --- DecoderAttention: S 4, B 2, hidden 64, N 4 (head 16), key L 6, caches (2, 4, 10, 16) ------------------

NodeView DecoderAttention(DataType t, bool caches, int static_kv, int use_past, int layer_state) {
  NodeView node = Node("DecoderAttention", 1, kMs);
  node.attributes["num_heads"] = int64_t{4};
  node.inputs.push_back(Tensor("query", t, Dims({4, 2, 64})));
  node.inputs.push_back(Tensor("key", t, Dims({6, 2, 64})));
  node.inputs.push_back(Tensor("q_weight", t, Dims({64, 64})));
  node.inputs.push_back(Tensor("kv_weight", t, Dims({64, 128})));
  node.inputs.push_back(Tensor("bias", t, Dims({192})));
  node.inputs.push_back(Tensor("", DataType::kBool, {}));  // key_padding_mask omitted
  node.inputs.push_back(Tensor(caches ? "key_cache" : "", t, Dims({2, 4, 10, 16})));
  node.inputs.push_back(Tensor(caches ? "value_cache" : "", t, Dims({2, 4, 10, 16})));
  // -1: a run-time value; 0/1: a constant the adapter gives.
  int flags[3] = {static_kv, use_past, layer_state};
  const char* names[3] = {"static_kv", "use_past", "has_layer_state"};
  for (int i = 0; i < 3; ++i) {
    node.inputs.push_back(Tensor(names[i], DataType::kBool, {}));
    if (flags[i] >= 0) node.inputs.back().int_values = std::vector<int64_t>{flags[i]};
  }
  node.inputs.push_back(Tensor("has_key_padding_mask", DataType::kBool, {}));
  node.outputs.push_back(Tensor("output", t, {}));
  return node;
}

TEST(QuantizedAttentionDecoderAttention, SelfAttentionFloat) {
  // kv = S = 4. gemm_query = 2*4*64*4 = 2048; gemm_kv = 2*2*4*64*4 = 4096; qkv_buffer = 4*2*(4 + 2*4)*64 = 6144;
  // workspace = 4*2*2*4*4*(2*16 + 4) = 256*36 = 9216. Total 21504.
  Estimate e = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, true, 0, 0, 0), DefaultTarget()));
  EXPECT_EQ(e.variant, "self_attention");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "gemm_query_buffer"), 2048u);
  EXPECT_EQ(BufferBytes(e, "gemm_kv_buffer"), 4096u);
  EXPECT_EQ(BufferBytes(e, "qkv_buffer"), 6144u);
  EXPECT_EQ(BufferBytes(e, "workspace"), 9216u);
  EXPECT_EQ(e.workspace_bytes(), 21504u);
}

TEST(QuantizedAttentionDecoderAttention, SelfAttentionFloat16HalvesEveryBuffer) {
  // Same dims with sizeof(T) = 2: 21504 / 2 = 10752.
  Estimate e = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat16, true, 0, 1, 0), DefaultTarget()));
  EXPECT_EQ(e.variant, "self_attention");
  EXPECT_EQ(e.workspace_bytes(), 10752u);
}

TEST(QuantizedAttentionDecoderAttention, CrossAttentionProjectsTheKey) {
  // kv = L = 6. gemm_query 2048; gemm_kv = 2*2*6*64*4 = 6144; qkv = 4*2*(4 + 12)*64 = 8192;
  // workspace = 256*(32 + 6) = 9728. Total 26112.
  Estimate e = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, true, 1, 0, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "cross_attention");
  EXPECT_EQ(BufferBytes(e, "gemm_kv_buffer"), 6144u);
  EXPECT_EQ(e.workspace_bytes(), 26112u);
}

TEST(QuantizedAttentionDecoderAttention, CachedSelfAttentionAppendsToTheCache) {
  // kv = cache 10 + S 4 = 14. gemm_query 2048; gemm_kv 4096 (from the query); qkv = 4*2*(4 + 28)*64 = 16384;
  // workspace = 256*(32 + 14) = 11776. Total 34304.
  Estimate e = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, true, 0, 1, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "self_attention_cached");
  EXPECT_EQ(BufferBytes(e, "qkv_buffer"), 16384u);
  EXPECT_EQ(e.workspace_bytes(), 34304u);
}

TEST(QuantizedAttentionDecoderAttention, CachedCrossAttentionHasNoKvGemm) {
  // kv = cache 10; no gemm_kv. qkv = 4*2*(4 + 20)*64 = 12288; workspace = 256*(32 + 10) = 10752.
  // Total 2048 + 12288 + 10752 = 25088.
  Estimate e = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, true, 1, 1, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "cross_attention_cached");
  EXPECT_FALSE(HasBuffer(e, "gemm_kv_buffer"));
  EXPECT_EQ(e.workspace_bytes(), 25088u);
}

TEST(QuantizedAttentionDecoderAttention, RuntimeFlagsGiveTheLargestBranch) {
  // All four branches feasible: the largest is self_attention_cached, 34304.
  Estimate e = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, true, -1, -1, -1), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.variant, "self_attention_cached");
  EXPECT_EQ(e.workspace_bytes(), 34304u);
  EXPECT_EQ(e.candidates.size(), 4u);
  // Without caches the cached branches would fail ORT_ENFORCE: max(self 21504, cross 26112) = 26112.
  Estimate no_cache = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, false, -1, -1, -1), DefaultTarget()));
  EXPECT_EQ(no_cache.exactness, Exactness::kUpperBound);
  EXPECT_EQ(no_cache.variant, "cross_attention");
  EXPECT_EQ(no_cache.workspace_bytes(), 26112u);
  // --variant picks one feasible branch with its own exactness.
  Target forced = DefaultTarget();
  forced.forced_variant = "self_attention";
  Estimate picked = ExpectOk(EstimateNode(DecoderAttention(DataType::kFloat, true, -1, -1, -1), forced));
  EXPECT_EQ(picked.workspace_bytes(), 21504u);
  EXPECT_EQ(picked.exactness, Exactness::kExact);
}

TEST(QuantizedAttentionDecoderAttention, CachedFlagsWithoutCachesAreAnError) {
  Result<Estimate> r = EstimateNode(DecoderAttention(DataType::kFloat, false, 0, 1, 1), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

// --- QOrderedAttention --------------------------------------------------------------------------------------

NodeView QOrderedAttention(int64_t batch, int64_t seq, int64_t hidden, int64_t num_heads) {
  NodeView node = Node("QOrderedAttention", 1, kMs);
  node.attributes["num_heads"] = num_heads;
  node.attributes["qkv_hidden_sizes"] = std::vector<int64_t>{hidden, hidden, hidden};
  node.attributes["order_input"] = int64_t{1};
  node.attributes["order_weight"] = int64_t{0};
  node.attributes["order_output"] = int64_t{1};
  node.inputs.push_back(Tensor("input", DataType::kInt8, Dims({batch, seq, 32})));
  node.outputs.push_back(Tensor("output", DataType::kInt8, {}));
  return node;
}

TEST(QuantizedAttentionQOrderedAttention, QkvGemmOutputDominates) {
  // B 2, S 16, hidden 64, N 4 (head 16). m*n = 2*16*192 = 6144; 2 * B*N*S*S = 2 * 2048 = 4096 < 6144.
  // gemm_buffer_quantized = 6144 + 6144 = 12288.
  Estimate e = ExpectOk(EstimateNode(QOrderedAttention(2, 16, 64, 4), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublaslt_int8");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 12288u);
}

TEST(QuantizedAttentionQOrderedAttention, ScoresDominateAtLongSequences) {
  // B 1, S 64, hidden 32, N 2 (head 16). m*n = 64*96 = 6144; 2 * 1*2*64*64 = 16384: 6144 + 16384 = 22528.
  Estimate e = ExpectOk(EstimateNode(QOrderedAttention(1, 64, 32, 2), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 22528u);
}

TEST(QuantizedAttentionQOrderedAttention, UnsupportedSizesAndOrdersAreErrors) {
  // S 24 is not a multiple of 16 ("Unsupported size!").
  Result<Estimate> r = EstimateNode(QOrderedAttention(1, 24, 64, 4), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("multiples of 16"), std::string::npos) << r.error().message;
  NodeView col32 = QOrderedAttention(1, 16, 64, 4);
  col32.attributes["order_input"] = int64_t{2};
  EXPECT_FALSE(EstimateNode(col32, DefaultTarget()).ok());
}

TEST(QuantizedAttentionQOrderedAttention, BelowSm75IsUnknown) {
  Target volta = DefaultTarget();
  volta.device.sm_major = 7;
  volta.device.sm_minor = 0;
  Estimate e = ExpectOk(EstimateNode(QOrderedAttention(2, 16, 64, 4), volta));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("SM >= 7.5"), std::string::npos) << e.reason;
}

// --- QOrderedLongformerAttention: B 1, S 16, hidden 16, N 2 (head 8), window 2 -------------------------------
// Shared buffers with global tokens: global_index 4*16 = 64; batch_global_num 4; global_scratch 4*(16 + 1024) =
// 4160; gemm_buffer: qkv_count 16*48 = 768, 768*2*2 + 2*768 = 4608; qkv 3*16*2*8*2 = 1536; global_qkv 1536;
// output_fp16 16*16*2 = 512. Sum 12420, plus the softmax space.

NodeView QOrderedLongformer(const std::vector<int64_t>* global_mask) {
  NodeView node = Node("QOrderedLongformerAttention", 1, kMs);
  node.attributes["num_heads"] = int64_t{2};
  node.attributes["window"] = int64_t{2};
  node.attributes["order_input"] = int64_t{1};
  node.attributes["order_output"] = int64_t{1};
  node.attributes["order_weight"] = int64_t{0};
  node.attributes["order_global_weight"] = int64_t{0};
  node.inputs.push_back(Tensor("input", DataType::kInt8, Dims({1, 16, 16})));
  for (int i = 1; i < 12; ++i) node.inputs.push_back(Tensor("in" + std::to_string(i), DataType::kFloat, {}));
  node.inputs.push_back(Tensor("global_attention_mask", DataType::kInt32, Dims({1, 16})));
  if (global_mask != nullptr) node.inputs.back().int_values = *global_mask;
  node.inputs.push_back(Tensor("scale_output", DataType::kFloat, {}));
  node.outputs.push_back(Tensor("output", DataType::kInt8, {}));
  return node;
}

TEST(QuantizedAttentionQOrderedLongformer, DenseByDefaultWithAConstantGlobalMask) {
  // One global token; compact memory is off unless ORT_LONGFORMER_COMPACT_MEMORY=1: dense softmax space
  // 2 * align256(2*1*2*16*16 = 1024) = 2048. Total 12420 + 2048 = 14468.
  std::vector<int64_t> mask(16, 0);
  mask[0] = 1;
  Estimate e = ExpectOk(EstimateNode(QOrderedLongformer(&mask), DefaultTarget()));
  EXPECT_EQ(e.variant, "dense_global");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "gemm_buffer"), 4608u);
  EXPECT_EQ(BufferBytes(e, "softmax_workspace"), 2048u);
  EXPECT_EQ(e.workspace_bytes(), 14468u);
}

TEST(QuantizedAttentionQOrderedLongformer, CompactWhenEnabled) {
  // Compact: align128(align128((5*16 - 3*2) * 2 * 2 * 1 * 2 = 592) = 640 + 120) = 768. Total 12420 + 768 = 13188.
  std::vector<int64_t> mask(16, 0);
  mask[3] = 1;
  Target target = DefaultTarget();
  ASSERT_TRUE(target.ep.SetEnv("ORT_LONGFORMER_COMPACT_MEMORY", "1").ok());
  Estimate e = ExpectOk(EstimateNode(QOrderedLongformer(&mask), target));
  EXPECT_EQ(e.variant, "compact_global");
  EXPECT_EQ(BufferBytes(e, "softmax_workspace"), 768u);
  EXPECT_EQ(e.workspace_bytes(), 13188u);
  ASSERT_TRUE(target.ep.SetEnv("ORT_LONGFORMER_COMPACT_MEMORY", "yes").ok());
  EXPECT_FALSE(EstimateNode(QOrderedLongformer(&mask), target).ok());
}

TEST(QuantizedAttentionQOrderedLongformer, RuntimeGlobalMaskIsAnUpperBound) {
  // max_num_global in {0, 2, 16}, all dense by default: dense (no global_qkv, 14468 - 1536 = 12932) and
  // dense_global (14468); the bound is 14468.
  Estimate e = ExpectOk(EstimateNode(QOrderedLongformer(nullptr), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.variant, "dense_global");
  EXPECT_EQ(e.workspace_bytes(), 14468u);
  ASSERT_EQ(e.candidates.size(), 2u);
  EXPECT_EQ(e.candidates[0].bytes, 12932u);
}

TEST(QuantizedAttentionQOrderedLongformer, SequenceNotAMultipleOfTwoWindowsIsAnError) {
  NodeView node = QOrderedLongformer(nullptr);
  node.attributes["window"] = int64_t{3};  // 16 % 6 != 0
  Result<Estimate> r = EstimateNode(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

// --- QuantizeWithOrder, DequantizeWithOrder, QOrderedMatMul -------------------------------------------------

NodeView QuantizeWithOrder(DataType t, std::vector<Dim> dims, int64_t order_output) {
  NodeView node = Node("QuantizeWithOrder", 1, kMs);
  node.attributes["order_input"] = int64_t{1};
  node.attributes["order_output"] = order_output;
  node.inputs.push_back(Tensor("x", t, std::move(dims)));
  node.inputs.push_back(Tensor("scale", DataType::kFloat, {}));
  node.outputs.push_back(Tensor("y", DataType::kInt8, {}));
  return node;
}

TEST(QuantizedAttentionQuantizeWithOrder, ReorderTakesAnInt8Copy) {
  // ROW -> COL: q8_buffer of n = 2*8*64 = 1024 int8, for float and float16 inputs alike.
  for (DataType t : {DataType::kFloat, DataType::kFloat16}) {
    Estimate e = ExpectOk(EstimateNode(QuantizeWithOrder(t, Dims({2, 8, 64}), 0), DefaultTarget()));
    EXPECT_EQ(e.variant, "quantize_then_reorder");
    EXPECT_EQ(e.workspace_bytes(), 1024u) << DataTypeName(t);
  }
  // COL4_4R2_8C: rows 8 and cols 64 meet the 8 x 32 tiles; same 1024.
  EXPECT_EQ(ExpectOk(EstimateNode(QuantizeWithOrder(DataType::kFloat16, Dims({2, 8, 64}), 3), DefaultTarget()))
                .workspace_bytes(),
            1024u);
}

TEST(QuantizedAttentionQuantizeWithOrder, Col32AndRowOutputsTakeNoScratch) {
  Estimate col32 = ExpectOk(EstimateNode(QuantizeWithOrder(DataType::kFloat, Dims({2, 8, 64}), 2), DefaultTarget()));
  EXPECT_EQ(col32.variant, "row_to_col32");
  EXPECT_EQ(col32.workspace_bytes(), 0u);
  Estimate row = ExpectOk(EstimateNode(QuantizeWithOrder(DataType::kFloat, Dims({2, 8, 64}), 1), DefaultTarget()));
  EXPECT_EQ(row.variant, "row_to_row");
  EXPECT_EQ(row.workspace_bytes(), 0u);
}

TEST(QuantizedAttentionQuantizeWithOrder, TileMismatchAndColInputAreErrors) {
  // COL32_2R_4R4 needs rows % 32 == 0; rows is 8.
  EXPECT_FALSE(EstimateNode(QuantizeWithOrder(DataType::kFloat, Dims({2, 8, 64}), 4), DefaultTarget()).ok());
  NodeView col_input = QuantizeWithOrder(DataType::kFloat, Dims({2, 8, 64}), 0);
  col_input.attributes["order_input"] = int64_t{0};
  EXPECT_FALSE(EstimateNode(col_input, DefaultTarget()).ok());
}

TEST(QuantizedAttentionQuantizeWithOrder, SymbolicDimIsUnknownOnTheReorderPath) {
  Estimate e = ExpectOk(
      EstimateNode(QuantizeWithOrder(DataType::kFloat, {Dim::Symbolic("tokens"), Dim::Known(64)}, 0), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'tokens'"), std::string::npos) << e.reason;
}

TEST(QuantizedAttentionNoScratchRows, QOrderedMatMulAndDequantizeWithOrderAreExactZero) {
  for (const char* op : {"QOrderedMatMul", "DequantizeWithOrder"}) {
    NodeView node = Node(op, 1, kMs);
    node.inputs.push_back(Tensor("a", DataType::kInt8, Dims({16, 32})));
    Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
    EXPECT_EQ(e.exactness, Exactness::kExact) << op;
    EXPECT_EQ(e.workspace_bytes(), 0u) << op;
    EXPECT_NE(e.reason.find("qordered_ops/"), std::string::npos) << e.reason;
  }
}

// --- GatedRelativePositionBias: hidden 32, N 4 (head 8) -----------------------------------------------------

NodeView GatedRelPosBias(DataType t, std::vector<Dim> query, int64_t seq, int64_t d, bool token_offset) {
  NodeView node = Node("GatedRelativePositionBias", 1, kMs);
  node.attributes["num_heads"] = int64_t{4};
  node.inputs.push_back(Tensor("query_layer", t, std::move(query)));
  node.inputs.push_back(Tensor("query_bias", t, Dims({32})));
  node.inputs.push_back(Tensor("rel_pos", t, Dims({1, 4, seq, seq})));
  node.inputs.push_back(Tensor("weight", t, Dims({8, d})));
  node.inputs.push_back(Tensor("bias", t, Dims({d})));
  node.inputs.push_back(Tensor("eco_a", t, Dims({1, 4, 1, 1})));
  if (token_offset) node.inputs.push_back(Tensor("token_offset", DataType::kInt32, Dims({2, seq})));
  node.outputs.push_back(Tensor("output", t, {}));
  return node;
}

TEST(QuantizedAttentionGatedRelPosBias, FloatGemmIntoWorkspaceWhenDExceedsS) {
  // B 2, S 8, D 16 > S: BNS = 2*4*8 = 64. query part 64*8*4 = 2048; GEMM output 64*16*4 = 4096. Total 6144.
  Estimate e =
      ExpectOk(EstimateNode(GatedRelPosBias(DataType::kFloat, Dims({2, 8, 32}), 8, 16, false), DefaultTarget()));
  EXPECT_EQ(e.variant, "gemm_into_workspace");
  EXPECT_EQ(BufferBytes(e, "workspace_query"), 2048u);
  EXPECT_EQ(BufferBytes(e, "workspace_gemm_output"), 4096u);
  EXPECT_EQ(e.workspace_bytes(), 6144u);
}

TEST(QuantizedAttentionGatedRelPosBias, Float16GemmIntoOutputWhenSCoversD) {
  // B 2, S 16, D 16 <= S: the output holds the GEMM. BNS = 2*4*16 = 128; query part 128*8*2 = 2048.
  Estimate e =
      ExpectOk(EstimateNode(GatedRelPosBias(DataType::kFloat16, Dims({2, 16, 32}), 16, 16, false), DefaultTarget()));
  EXPECT_EQ(e.variant, "gemm_into_output");
  EXPECT_FALSE(HasBuffer(e, "workspace_gemm_output"));
  EXPECT_EQ(e.workspace_bytes(), 2048u);
}

TEST(QuantizedAttentionGatedRelPosBias, PaddingRemovedTakesBatchAndSequenceFromTokenOffset) {
  // query (10 tokens, 32), token_offset (2, 8): B 2, S 8, D 8 <= S. BNS 64, query part 64*8*4 = 2048.
  Estimate e = ExpectOk(EstimateNode(GatedRelPosBias(DataType::kFloat, Dims({10, 32}), 8, 8, true), DefaultTarget()));
  EXPECT_EQ(e.variant, "gemm_into_output");
  EXPECT_EQ(e.workspace_bytes(), 2048u);
}

TEST(QuantizedAttentionGatedRelPosBias, OddDIsAnError) {
  Result<Estimate> r = EstimateNode(GatedRelPosBias(DataType::kFloat, Dims({2, 8, 32}), 8, 7, false), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("even"), std::string::npos) << r.error().message;
}

// --- Whole-model runs: ops/contrib_quantized.cc gives these ops' outputs shapes, so the nodes after them are
// estimated too -----------------------------------------------------------------------------------------------

std::vector<int64_t> KnownDims(const TensorInfo& t) {
  std::vector<int64_t> out;
  for (const Dim& d : t.dims) out.push_back(d.value);
  return out;
}

TEST(QuantizedAttentionModel, QOrderedChainPropagatesShapes) {
  // x (2, 16, 64) -> QuantizeWithOrder (ROW -> COL) -> QOrderedAttention (qkv 64 x 3, N 4) -> DequantizeWithOrder
  // (to float) -> QuantizeWithOrder (ROW -> COL). The last one sees (2, 16, 64): q8_buffer 2*16*64 = 2048 bytes.
  testing::GraphBuilder g;
  g.Opset(kMs, 1);
  g.Input("x", onnx::TensorProto::FLOAT, {2, 16, 64}).Output("q2");
  for (const char* scale : {"s_in", "s_q", "s_k", "s_v", "s_wq", "s_wk", "s_wv", "s_qkt", "s_sm", "s_out"}) {
    g.Weight(scale, onnx::TensorProto::FLOAT, {});
  }
  for (const char* w : {"wq", "wk", "wv"}) g.Weight(w, onnx::TensorProto::INT8, {64, 64});
  for (const char* b : {"bq", "bk", "bv"}) g.Weight(b, onnx::TensorProto::FLOAT, {64});
  g.Weight("mask", onnx::TensorProto::INT32, {2});
  g.Node("QuantizeWithOrder", {"x", "s_in"}, {"q"}, "quantize", kMs).Attr("order_input", 1).Attr("order_output", 0);
  g.Node("QOrderedAttention",
         {"q", "s_in", "s_q", "s_k", "s_v", "wq", "wk", "wv", "s_wq", "s_wk", "s_wv", "bq", "bk", "bv", "s_qkt", "s_sm",
          "s_out", "mask"},
         {"attn"}, "attention", kMs)
      .Attr("num_heads", 4)
      .Attr("qkv_hidden_sizes", std::vector<int64_t>{64, 64, 64})
      .Attr("order_input", 1)
      .Attr("order_weight", 0)
      .Attr("order_output", 1);
  g.Node("DequantizeWithOrder", {"attn", "s_out"}, {"y"}, "dequantize", kMs)
      .Attr("order_input", 1)
      .Attr("order_output", 1)
      .Attr("to", 1);
  g.Node("QuantizeWithOrder", {"y", "s_out"}, {"q2"}, "requantize", kMs).Attr("order_input", 1).Attr("order_output", 0);
  Result<Model> model = Model::FromBytes(g.Serialize(), "qordered.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->nodes().size(), 4u);
  EXPECT_EQ(KnownDims(model->nodes()[1].outputs[0]), (std::vector<int64_t>{2, 16, 64}));
  EXPECT_EQ(model->nodes()[1].outputs[0].dtype, DataType::kInt8);
  EXPECT_EQ(model->nodes()[2].outputs[0].dtype, DataType::kFloat);
  Estimate last = ExpectOk(EstimateNode(model->nodes()[3], DefaultTarget()));
  EXPECT_EQ(last.workspace_bytes(), 2048u);
  // QOrderedAttention in the model: m*n = 2*16*192 = 6144 > 2 * 2*4*16*16 = 4096: 12288.
  EXPECT_EQ(ExpectOk(EstimateNode(model->nodes()[1], DefaultTarget())).workspace_bytes(), 12288u);
}

TEST(QuantizedAttentionModel, QAttentionDecoderAttentionAndGatedBiasShapes) {
  testing::GraphBuilder g;
  g.Opset(kMs, 1);
  g.Input("x", onnx::TensorProto::INT8, {2, 8, 64}).Input("past", onnx::TensorProto::FLOAT, {2, 2, 4, 12, 16});
  g.Input("query", onnx::TensorProto::FLOAT16, {4, 2, 64}).Input("key", onnx::TensorProto::FLOAT16, {6, 2, 64});
  g.Input("flags", onnx::TensorProto::BOOL, {});
  g.Input("ql", onnx::TensorProto::FLOAT, {2, 8, 32});
  g.Output("out").Output("present").Output("dec").Output("bias_out");
  g.Weight("w", onnx::TensorProto::INT8, {64, 192}).Weight("b", onnx::TensorProto::FLOAT, {192});
  g.Weight("scale", onnx::TensorProto::FLOAT, {});
  g.Weight("qw", onnx::TensorProto::FLOAT16, {64, 64}).Weight("kvw", onnx::TensorProto::FLOAT16, {64, 128});
  g.Weight("qkvb", onnx::TensorProto::FLOAT16, {192});
  g.Weight("qb", onnx::TensorProto::FLOAT, {32}).Weight("rel", onnx::TensorProto::FLOAT, {1, 4, 8, 8});
  g.Weight("gw", onnx::TensorProto::FLOAT, {8, 16}).Weight("gb", onnx::TensorProto::FLOAT, {16});
  g.Weight("eco", onnx::TensorProto::FLOAT, {1, 4, 1, 1});
  g.Node("QAttention", {"x", "w", "b", "scale", "scale", "", "", "", "past"}, {"out", "present"}, "qattention", kMs)
      .Attr("num_heads", 4);
  g.Node("DecoderAttention", {"query", "key", "qw", "kvw", "qkvb", "", "", "", "flags", "flags", "flags", "flags"},
         {"dec"}, "decoder", kMs)
      .Attr("num_heads", 4);
  g.Node("GatedRelativePositionBias", {"ql", "qb", "rel", "gw", "gb", "eco"}, {"bias_out"}, "gated", kMs)
      .Attr("num_heads", 4);
  Result<Model> model = Model::FromBytes(g.Serialize(), "quantized.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  // Three independent nodes: ORT runs them last leaf first (src/execution_order.h), so find them by name.
  auto node = [&](const std::string& name) -> const NodeView& {
    for (const auto& n : model->nodes())
      if (n.name == name) return n;
    throw std::runtime_error("no node " + name);
  };
  // QAttention: output (B, S, 192 / 3) = (2, 8, 64), float from the bias; present (2, B, N, P + S, H) =
  // (2, 2, 4, 20, 16).
  EXPECT_EQ(KnownDims(node("qattention").outputs[0]), (std::vector<int64_t>{2, 8, 64}));
  EXPECT_EQ(node("qattention").outputs[0].dtype, DataType::kFloat);
  EXPECT_EQ(KnownDims(node("qattention").outputs[1]), (std::vector<int64_t>{2, 2, 4, 20, 16}));
  // DecoderAttention: output is the query's (4, 2, 64).
  EXPECT_EQ(KnownDims(node("decoder").outputs[0]), (std::vector<int64_t>{4, 2, 64}));
  // GatedRelativePositionBias: (B, N, S, S) = (2, 4, 8, 8).
  EXPECT_EQ(KnownDims(node("gated").outputs[0]), (std::vector<int64_t>{2, 4, 8, 8}));
}

TEST(QuantizedAttentionModel, QOrderedMatMulGeluLayerNormAndLongformerShapes) {
  // q (2, 16, 64) int8 -> QOrderedMatMul with B (64, 32) -> (2, 16, 32) -> QOrderedGelu -> QOrderedLayerNormalization
  // -> QOrderedLongformerAttention (window 2, N 4) -> DequantizeWithOrder (to float16): (2, 16, 32) throughout.
  testing::GraphBuilder g;
  g.Opset(kMs, 1);
  g.Input("q", onnx::TensorProto::INT8, {2, 16, 64}).Input("global", onnx::TensorProto::INT32, {2, 16});
  g.Input("mask", onnx::TensorProto::FLOAT16, {2, 16}).Output("out");
  g.Weight("s", onnx::TensorProto::FLOAT, {}).Weight("b", onnx::TensorProto::INT8, {64, 32});
  g.Weight("gamma", onnx::TensorProto::FLOAT, {32});
  g.Weight("w", onnx::TensorProto::INT8, {32, 96}).Weight("bias", onnx::TensorProto::FLOAT, {96});
  g.Node("QOrderedMatMul", {"q", "s", "b", "s", "s"}, {"mm"}, "matmul", kMs)
      .Attr("order_A", 1)
      .Attr("order_B", 0)
      .Attr("order_Y", 1);
  g.Node("QOrderedGelu", {"mm", "s", "s"}, {"gelu"}, "gelu", kMs);
  g.Node("QOrderedLayerNormalization", {"gelu", "s", "gamma", "", "s"}, {"ln"}, "ln", kMs);
  g.Node("QOrderedLongformerAttention",
         {"ln", "s", "w", "s", "bias", "s", "s", "mask", "w", "s", "bias", "s", "global", "s"}, {"attn"}, "longformer",
         kMs)
      .Attr("num_heads", 4)
      .Attr("window", 2)
      .Attr("order_input", 1)
      .Attr("order_weight", 0)
      .Attr("order_global_weight", 0)
      .Attr("order_output", 1);
  g.Node("DequantizeWithOrder", {"attn", "s"}, {"out"}, "dequantize", kMs)
      .Attr("order_input", 1)
      .Attr("order_output", 1)
      .Attr("to", 10);
  Result<Model> model = Model::FromBytes(g.Serialize(), "qordered_chain.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->nodes().size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(KnownDims(model->nodes()[i].outputs[0]), (std::vector<int64_t>{2, 16, 32})) << i;
  }
  EXPECT_EQ(model->nodes()[3].outputs[0].dtype, DataType::kInt8);
  EXPECT_EQ(model->nodes()[4].outputs[0].dtype, DataType::kFloat16);
  // The Longformer node is estimated from the inferred (2, 16, 32): its global mask is a graph input, so the
  // estimate is the bound over max_num_global.
  EXPECT_EQ(ExpectOk(EstimateNode(model->nodes()[3], DefaultTarget())).exactness, Exactness::kUpperBound);
}

}  // namespace
}  // namespace wsest
