// MoE family estimators (estimators/moe.cc): ORT 1.29.0 moe.cc MoE<T>::ComputeInternal and
// moe_quantization.cc QMoE<T>::QuantizedMoEImpl, whose workspace is ft_moe/moe_kernel.cu
// CutlassMoeFCRunner::getWorkspaceSize. Bytes worked by hand; "pad" is pad_to_multiple_of_16 on element counts.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "tests/node_builders.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::BufferBytes;
using testing::Dims;
using testing::ExpectOk;
using testing::On;
using testing::Tensor;

struct MoEShape {
  std::vector<int64_t> input;  // [tokens, hidden] or [batch, seq, hidden]
  int64_t experts = 0;
  int64_t inter = 0;
  bool fc3 = false;
  bool swiglu = false;
};

int64_t Tokens(const MoEShape& s) { return s.input.size() == 2 ? s.input[0] : s.input[0] * s.input[1]; }

std::vector<Dim> KnownDims(const std::vector<int64_t>& values) {
  std::vector<Dim> dims;
  for (int64_t v : values) dims.push_back(Dim::Known(v));
  return dims;
}

// MoE inputs: 0 input, 1 router_probs, 2 fc1 [E, fusion * inter, hidden], 3 fc1 bias, 4 fc2 [E, hidden, inter],
// 5 fc2 bias, 6 fc3 [E, inter, hidden], 7 fc3 bias (contrib_defs.cc MoE ver1).
NodeView MoENode(const MoEShape& s, DataType dtype, int64_t k) {
  NodeView node = testing::Node("MoE", 1, "com.microsoft");
  const int64_t hidden = s.input.back();
  const int64_t fusion = s.swiglu ? 2 : 1;
  node.inputs.push_back(Tensor("input", dtype, KnownDims(s.input)));
  node.inputs.push_back(Tensor("router_probs", dtype, Dims({Tokens(s), s.experts})));
  node.inputs.push_back(Tensor("fc1", dtype, Dims({s.experts, fusion * s.inter, hidden})));
  node.inputs.push_back(TensorInfo{});
  node.inputs.push_back(Tensor("fc2", dtype, Dims({s.experts, hidden, s.inter})));
  node.inputs.push_back(TensorInfo{});
  if (s.fc3) node.inputs.push_back(Tensor("fc3", dtype, Dims({s.experts, s.inter, hidden})));
  node.outputs.push_back(Tensor("output", dtype, KnownDims(s.input)));
  node.attributes["k"] = k;
  node.attributes["activation_type"] = std::string(s.swiglu ? "swiglu" : s.fc3 ? "silu" : "relu");
  return node;
}

// QMoE inputs: 0 input, 1 router_probs, 2 fc1 (uint8, hidden / pack), 3 fc1_scales, 4 fc1 bias, 5 fc2 (uint8,
// inter / pack), 6 fc2_scales, 7 fc2 bias, 8 fc3, 9 fc3_scales, 10 fc3 bias, 11-13 zero points (contrib_defs.cc).
NodeView QMoENode(const MoEShape& s, DataType dtype, int64_t k, int64_t bits) {
  NodeView node = testing::Node("QMoE", 1, "com.microsoft");
  const int64_t hidden = s.input.back();
  const int64_t pack = bits == 4 ? 2 : 1;
  node.inputs.push_back(Tensor("input", dtype, KnownDims(s.input)));
  node.inputs.push_back(Tensor("router_probs", dtype, Dims({Tokens(s), s.experts})));
  node.inputs.push_back(Tensor("fc1", DataType::kUint8, Dims({s.experts, s.inter, hidden / pack})));
  node.inputs.push_back(Tensor("fc1_scales", dtype, Dims({s.experts, s.inter})));
  node.inputs.push_back(TensorInfo{});
  node.inputs.push_back(Tensor("fc2", DataType::kUint8, Dims({s.experts, hidden, s.inter / pack})));
  node.inputs.push_back(Tensor("fc2_scales", dtype, Dims({s.experts, hidden})));
  node.outputs.push_back(Tensor("output", dtype, KnownDims(s.input)));
  node.attributes["k"] = k;
  node.attributes["expert_weight_bits"] = bits;
  return node;
}

// --- MoE ---------------------------------------------------------------------------------------------

TEST(MoE, HalfReluTopTwoOnHopper) {
  // tokens 32, hidden 64, experts 8, inter 128, k 2, fp16 (2 B): k * rows = 64.
  // workspace: 3 * pad(64) * 4 = 768; permuted_data pad(64 * 64) * 2 = 8192; pad(8) * 8 = 128;
  //   softmax 0 (8 is a power of two <= 256); fc1_result pad(64 * 128) * 2 = 16384; the sorter sorts 64 pairs
  //   (one tile: CUB reports 1, pad 16), all inside fc1_result: excess 0. Sum 25472.
  // fc2_output 64 * 64 * 2 = 8192; expert_scales 64 * 2 = 128; two int arrays 64 * 4 = 256 each.
  // Total 25472 + 8192 + 128 + 512 = 34304.
  Result<Estimate> r = EstimateNode(MoENode({{32, 64}, 8, 128}, DataType::kFloat16, 2), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->variant, "cutlass_grouped");
  EXPECT_EQ(r->exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(*r, "workspace.source_permuted_rows"), 768u);
  EXPECT_EQ(BufferBytes(*r, "workspace.permuted_data"), 8192u);
  EXPECT_EQ(BufferBytes(*r, "workspace.total_rows_before_expert"), 128u);
  EXPECT_EQ(BufferBytes(*r, "workspace.softmax_out"), 0u);
  EXPECT_EQ(BufferBytes(*r, "workspace.fc1_result"), 16384u);
  EXPECT_EQ(BufferBytes(*r, "workspace.sort_excess"), 0u);
  EXPECT_EQ(BufferBytes(*r, "fc2_output"), 8192u);
  EXPECT_EQ(BufferBytes(*r, "expert_scales"), 128u);
  EXPECT_EQ(r->workspace_bytes(), 34304u);
  for (const Buffer& b : r->buffers) EXPECT_EQ(b.allocator, Allocator::kTempSpace) << b.name;
}

TEST(MoE, FloatDoublesTheTypedBuffers) {
  // As above with sizeof(float) = 4: permuted_data 4096 * 4 = 16384; fc1_result 8192 * 4 = 32768;
  // workspace 768 + 16384 + 128 + 32768 = 50048; fc2_output 4096 * 4 = 16384; expert_scales 64 * 4 = 256;
  // int arrays 512. Total 50048 + 16384 + 256 + 512 = 67200.
  Estimate e = ExpectOk(estimators::EstimateMoE(MoENode({{32, 64}, 8, 128}, DataType::kFloat, 2), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 67200u);
}

TEST(MoE, Fc3WithOddExpertCountAddsSoftmaxAndSecondInterBuffer) {
  // input [2, 5, 64]: 10 tokens; experts 6 (not a power of two), inter 32, k 1, silu with fc3, fp16.
  // workspace: 3 * pad(10) * 4 = 3 * 16 * 4 = 192; permuted_data pad(640) * 2 = 1280; pad(6) * 8 = 128;
  //   softmax pad(10 * 6) * 2 = 64 * 2 = 128; fc1 + fc3 results 2 * pad(320) * 2 = 1280; excess 0. Sum 3008.
  // fc2_output 10 * 64 * 2 = 1280; expert_scales 10 * 2 = 20; int arrays 2 * 40 = 80. Total 4388.
  Estimate e = ExpectOk(
      estimators::EstimateMoE(MoENode({{2, 5, 64}, 6, 32, /*fc3=*/true}, DataType::kFloat16, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "cutlass_grouped_fc3");
  EXPECT_EQ(BufferBytes(e, "workspace.softmax_out"), 128u);
  EXPECT_EQ(BufferBytes(e, "workspace.fc1_result"), 1280u);
  EXPECT_EQ(e.workspace_bytes(), 4388u);
}

TEST(MoE, SwigluSortLargerThanFc1ResultOnHopper) {
  // 4096 tokens, hidden 16, experts 4, inter 1, k 2, swiglu, fp16: k * rows = 8192 pairs.
  // CUB onesweep at ptx 900 (int keys and values, 32-bit offsets): tile 384 * 23 = 8832, 4 passes, 1 portion,
  //   1 block: bins 4 * 256 * 4 = 4096, lookback 256 * 4 = 1024, keys 8192 * 4 = 32768, values 32768,
  //   counters 16 -> 256 aligned; 4096 + 1024 + 32768 + 32768 + 256 + 255 = 71167; pad 71168.
  // fc1_result (swiglu: 2 + 1 inter buffers) 3 * pad(8192) * 2 = 49152 < 71168: excess pad(22016) = 22016.
  // workspace: 3 * 8192 * 4 = 98304; pad(131072) * 2 = 262144; 16 * 8 = 128; softmax 0; 49152; 22016.
  //   Sum 431744. fc2_output 8192 * 16 * 2 = 262144; expert_scales 16384; int arrays 65536.
  // Total 431744 + 262144 + 16384 + 65536 = 775808.
  const MoEShape shape{{4096, 16}, 4, 1, false, /*swiglu=*/true};
  Estimate e = ExpectOk(estimators::EstimateMoE(MoENode(shape, DataType::kFloat16, 2), On("h100-sxm")));
  EXPECT_EQ(e.variant, "cutlass_grouped_swiglu");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "workspace.fc1_result"), 49152u);
  EXPECT_EQ(BufferBytes(e, "workspace.sort_excess"), 22016u);
  EXPECT_EQ(e.workspace_bytes(), 775808u);

  // Ampere (ptx 800): onesweep <384, 21>, tile 8064, 2 blocks: lookback 2 * 256 * 4 = 2048;
  // 4096 + 2048 + 32768 + 32768 + 256 + 255 = 72191, pad 72192; excess 72192 - 49152 = 23040.
  // Total 775808 - 22016 + 23040 = 776832.
  e = ExpectOk(estimators::EstimateMoE(MoENode(shape, DataType::kFloat16, 2), On("a100-80gb")));
  EXPECT_EQ(BufferBytes(e, "workspace.sort_excess"), 23040u);
  EXPECT_EQ(e.workspace_bytes(), 776832u);
}

TEST(MoE, TuringSortIsUnknownUnlessALibraryAnswers) {
  // Pre-Ampere CUB takes the upsweep/downsweep passes (occupancy-sized): no host arithmetic.
  const MoEShape shape{{4096, 16}, 4, 1, false, true};
  Target t4 = On("t4");
  Estimate e = ExpectOk(estimators::EstimateMoE(MoENode(shape, DataType::kFloat16, 2), t4));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("ptx 750"), std::string::npos) << e.reason;

  // A library answer of 100000 B: pad 100000; excess pad(100000 - 49152) = 50848.
  // Total 775808 - 22016 + 50848 = 804640.
  testing::FakeQueries fake;
  fake.cub = 100000;
  t4.live = &fake;
  e = ExpectOk(estimators::EstimateMoE(MoENode(shape, DataType::kFloat16, 2), t4));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "workspace.sort_excess"), 50848u);
  EXPECT_EQ(e.workspace_bytes(), 804640u);
  ASSERT_TRUE(fake.last_cub.has_value());
  EXPECT_EQ(fake.last_cub->num_items, 8192);
  EXPECT_EQ(fake.last_cub->end_bit, 32);  // the default sorter's num_bits_, before update_num_experts
}

TEST(MoE, SwigluWithFc3IsInvalid) {
  MoEShape shape{{32, 64}, 8, 128, /*fc3=*/true, /*swiglu=*/true};
  Result<Estimate> r = estimators::EstimateMoE(MoENode(shape, DataType::kFloat16, 2), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("swiglu"), std::string::npos) << r.error().message;
}

TEST(MoE, RouterRowsMustMatchTokens) {
  NodeView node = MoENode({{32, 64}, 8, 128}, DataType::kFloat16, 2);
  node.inputs[1].dims[0] = Dim::Known(31);
  Result<Estimate> r = estimators::EstimateMoE(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "MoE 'n1': input 1 dim 0 is 31, expected num_rows 32");
}

TEST(MoE, SymbolicTokensAreUnknown) {
  NodeView node = MoENode({{32, 64}, 8, 128}, DataType::kFloat16, 2);
  node.inputs[0].dims[0] = Dim::Symbolic("tokens");
  Estimate e = ExpectOk(estimators::EstimateMoE(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'tokens'"), std::string::npos) << e.reason;
}

TEST(MoE, HugeTokenCountIsOutOfRange) {
  // k * num_rows = 2 * 2^31 exceeds the int count CubKeyValueSorter passes to CUB.
  const int64_t tokens = int64_t{1} << 31;
  Result<Estimate> r = EstimateNode(MoENode({{tokens, 64}, 8, 128}, DataType::kFloat16, 2), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("n1"), std::string::npos) << r.error().message;
}

// --- QMoE --------------------------------------------------------------------------------------------

TEST(QMoE, FourBitPacksTwoWeightsPerByte) {
  // fc2 [8, 64, 64] uint8 with 4 bits: inter = 64 * 64 * 2 / 64 = 128, so the bytes are MoE's fp16 case: 34304.
  Result<Estimate> r = EstimateNode(QMoENode({{32, 64}, 8, 128}, DataType::kFloat16, 2, 4), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->variant, "cutlass_grouped");
  EXPECT_EQ(r->workspace_bytes(), 34304u);
  EXPECT_NE(r->buffers.back().source.find("moe_quantization.cc"), std::string::npos) << r->buffers.back().source;
}

TEST(QMoE, EightBitReadsTheSameBytesAsHalfTheInterSize) {
  // bf16, fc2 [8, 64, 64] with 8 bits: inter = 64 * 64 / 64 = 64. fc1_result pad(64 * 64) * 2 = 8192;
  // workspace 768 + 8192 + 128 + 8192 = 17280; + fc2_output 8192 + expert_scales 128 + 512 = 26112.
  NodeView node = QMoENode({{32, 64}, 8, 64}, DataType::kBfloat16, 2, 8);
  Estimate e = ExpectOk(estimators::EstimateQMoE(node, DefaultTarget()));
  EXPECT_EQ(BufferBytes(e, "workspace.fc1_result"), 8192u);
  EXPECT_EQ(e.workspace_bytes(), 26112u);
}

TEST(QMoE, FloatIsNotRegistered) {
  Estimate e =
      ExpectOk(estimators::EstimateQMoE(QMoENode({{32, 64}, 8, 128}, DataType::kFloat, 2, 4), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("not registered"), std::string::npos) << e.reason;
}

TEST(QMoE, ZeroPointsAndBlockSizeAreRejectedAsTheKernelDoes) {
  NodeView node = QMoENode({{32, 64}, 8, 128}, DataType::kFloat16, 2, 4);
  node.inputs.resize(12);
  node.inputs[11] = Tensor("fc1_zp", DataType::kUint8, Dims({8, 64}));
  Result<Estimate> r = estimators::EstimateQMoE(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("input 11"), std::string::npos) << r.error().message;

  NodeView blocked = QMoENode({{32, 64}, 8, 128}, DataType::kFloat16, 2, 4);
  blocked.attributes["block_size"] = int64_t{64};
  r = estimators::EstimateQMoE(blocked, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

// --- Whole model -------------------------------------------------------------------------------------

TEST(MoEModel, ShapeRuleFeedsTheNextNode) {
  // x [tokens, 64] fp16 -> MoE (k 2, experts 8, inter 128) -> MatMul with W [64, 16]. With tokens = 32 the MoE is
  // the fp16 case above (34304 B); ops/contrib_moe.cc gives its output [32, 64], so the MatMul is one GEMM (exact 0)
  // rather than Unknown for want of a shape.
  constexpr int kHalf = onnx::TensorProto::FLOAT16;
  testing::GraphBuilder g;
  g.Opset("com.microsoft", 1);
  g.Input("x", kHalf, {"tokens", 64}).Input("router", kHalf, {"tokens", 8});
  g.Weight("fc1", kHalf, {8, 128, 64}).Weight("fc2", kHalf, {8, 64, 128}).Weight("w", kHalf, {64, 16});
  g.Node("MoE", {"x", "router", "fc1", "", "fc2"}, {"moe_out"}, "moe", "com.microsoft")
      .Attr("k", 2)
      .Attr("activation_type", "relu");
  g.Node("MatMul", {"moe_out", "w"}, {"y"}, "proj");
  g.Output("y");
  ModelOptions options;
  options.dims["tokens"] = 32;
  Result<Model> model = Model::FromBytes(g.Serialize(), "moe.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  Result<ModelEstimate> est = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(est.ok()) << est.error().message;
  ASSERT_EQ(est->nodes.size(), 2u);
  EXPECT_EQ(est->nodes[0].estimate.workspace_bytes(), 34304u);
  EXPECT_EQ(est->nodes[1].estimate.variant, "cublas_gemm");
  EXPECT_EQ(est->nodes[1].estimate.exactness, Exactness::kExact);
}

}  // namespace
}  // namespace wsest
