// com.microsoft Rfft/Irfft (estimators/fft.cc): no ORT scratch, and cuFFT's own plan work area, which has no
// documented bound, so unknown with the plan key. Also com.microsoft ConvTransposeWithDynamicPads, routed
// through the ConvTranspose estimator (estimators/conv.cc) with its pads input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::FakeQueries;
using testing::MakeTensor;

NodeView Fft(const std::string& op, DataType dt, std::vector<int64_t> dims, int64_t signal_ndim) {
  NodeView n;
  n.name = "f1";
  n.op_type = op;
  n.domain = "com.microsoft";
  n.opset = 1;
  n.inputs = {MakeTensor("x", dt, std::move(dims))};
  n.outputs = {MakeTensor("y", dt, {})};
  n.attributes["signal_ndim"] = signal_ndim;
  return n;
}

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Fft, RfftFloatIsUnknownNamingThePlan) {
  // [8, 1024], signal_ndim 1: batch 8 of a 1024-point R2C transform, executed in CUDA_C_32F.
  Estimate e = Ok(estimators::EstimateFft(Fft("Rfft", DataType::kFloat, {8, 1024}, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "cufft_r2c");
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_TRUE(Has(e.reason, "signal_dims [1024], batch 8, R2C, exec CUDA_C_32F")) << e.reason;
  EXPECT_TRUE(Has(e.reason, "external")) << e.reason;
  EXPECT_TRUE(Has(e.reason, "cufftXtMakePlanMany")) << e.reason;
}

TEST(Fft, IrfftDoubleSignalIsTwiceTheOnesidedLengthLessTwo) {
  // [4, 513, 2] complex input, signal_ndim 1: the real signal is 2 * (513 - 1) = 1024 points, batch 4.
  Estimate e = Ok(estimators::EstimateFft(Fft("Irfft", DataType::kDouble, {4, 513, 2}, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "cufft_c2r");
  EXPECT_TRUE(Has(e.reason, "signal_dims [1024], batch 4, C2R, exec CUDA_C_64F")) << e.reason;
}

TEST(Fft, HalfTwoDimensionalNotesThePowerOfTwoRule) {
  // [2, 3, 1000], signal_ndim 2: one batch of 2 over a [3, 1000] signal; fp16 plans take powers of two only.
  Estimate e = Ok(estimators::EstimateFft(Fft("Rfft", DataType::kFloat16, {2, 3, 1000}, 2), DefaultTarget()));
  EXPECT_TRUE(Has(e.reason, "signal_dims [3,1000], batch 2, R2C, exec CUDA_C_16F")) << e.reason;
  EXPECT_TRUE(Has(e.reason, "not a power of two")) << e.reason;
  Estimate pow2 = Ok(estimators::EstimateFft(Fft("Rfft", DataType::kFloat16, {2, 4, 1024}, 2), DefaultTarget()));
  EXPECT_FALSE(Has(pow2.reason, "power of two")) << pow2.reason;
}

TEST(Fft, Bfloat16IsNotRegistered) {
  Estimate e = Ok(estimators::EstimateFft(Fft("Rfft", DataType::kBfloat16, {8, 1024}, 1), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_TRUE(Has(e.reason, "not registered")) << e.reason;
}

TEST(Fft, SignalNdimOutOfRangeIsInvalid) {
  Result<Estimate> r = estimators::EstimateFft(Fft("Rfft", DataType::kFloat, {8, 1024}, 4), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Has(r.error().message, "signal_ndim 4")) << r.error().message;
}

TEST(Fft, IrfftRankBelowSignalPlusComplexDimIsInvalid) {
  // Irfft with signal_ndim 2 needs rank >= 3 (two signal dims and the complex pair).
  Result<Estimate> r = estimators::EstimateFft(Fft("Irfft", DataType::kFloat, {8, 2}, 2), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.error().message, "rank 2, expected at least 3")) << r.error().message;
}

TEST(Fft, SymbolicIsUnknownForThatReason) {
  NodeView n = Fft("Rfft", DataType::kFloat, {8, 1024}, 1);
  n.inputs[0].dims[0] = Dim::Symbolic("batch");
  Estimate e = Ok(estimators::EstimateFft(n, DefaultTarget()));
  EXPECT_TRUE(Has(e.reason, "'batch' (dim 0 of 'x') is symbolic")) << e.reason;
}

TEST(Fft, RowsDeclareUnknownOnly) {
  for (const char* op : {"Rfft", "Irfft"}) {
    const EstimatorEntry* row = FindEstimator("com.microsoft", op, 1);
    ASSERT_NE(row, nullptr) << op;
    EXPECT_STREQ(row->exactness, "unknown");
  }
}

NodeView DynamicPads(DataType dt = DataType::kFloat) {
  NodeView n;
  n.name = "ct1";
  n.op_type = "ConvTransposeWithDynamicPads";
  n.domain = "com.microsoft";
  n.opset = 1;
  n.inputs = {MakeTensor("x", dt, {1, 16, 8, 8}), MakeTensor("w", dt, {16, 8, 4, 4}, true),
              MakeTensor("pads", DataType::kInt64, {4}, true), MakeTensor("b", dt, {8}, true)};
  n.inputs[2].int_values = std::vector<int64_t>{1, 1, 1, 1};
  n.outputs = {MakeTensor("y", dt, {})};
  n.outputs[0].has_shape = false;  // onnx has no schema for the op
  n.attributes["strides"] = std::vector<int64_t>{2, 2};
  return n;
}

TEST(ConvTransposeWithDynamicPads, PadsInputBecomesTheTransposeQuery) {
  // Y spatial = (8 - 1) * 2 + 0 + (4 - 1) * 1 + 1 - 1 - 1 = 16; Y channels = W[1] * group = 8.
  FakeQueries fake;
  fake.conv = 65536;
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateConv(DynamicPads(), t));
  EXPECT_EQ(e.variant, "cudnn_frontend");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 65536u);
  EXPECT_TRUE(Has(e.buffers[0].source, "conv_transpose.cc")) << e.buffers[0].source;
  ASSERT_TRUE(fake.last_conv.has_value());
  EXPECT_TRUE(fake.last_conv->transpose);
  EXPECT_EQ(fake.last_conv->pads, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(fake.last_conv->y_dims, (std::vector<int64_t>{1, 8, 16, 16}));
}

TEST(ConvTransposeWithDynamicPads, AsymmetricPadsShapeY) {
  // pads [0, 2, 1, 3] (heads h, w; tails h, w): h = 14 + 4 - 0 - 1 = 17, w = 18 - 2 - 3 = 13.
  FakeQueries fake;
  fake.conv = 1;
  Target t = DefaultTarget();
  t.live = &fake;
  NodeView n = DynamicPads();
  n.inputs[2].int_values = std::vector<int64_t>{0, 2, 1, 3};
  Ok(estimators::EstimateConv(n, t));
  ASSERT_TRUE(fake.last_conv.has_value());
  EXPECT_EQ(fake.last_conv->y_dims, (std::vector<int64_t>{1, 8, 17, 13}));
}

TEST(ConvTransposeWithDynamicPads, RuntimePadsAreUnknown) {
  NodeView n = DynamicPads();
  n.inputs[2].int_values.reset();
  Estimate e = Ok(estimators::EstimateConv(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_TRUE(Has(e.reason, "pads (input 2) are not a constant")) << e.reason;
}

TEST(ConvTransposeWithDynamicPads, HalfIsNotRegistered) {
  Estimate e = Ok(estimators::EstimateConv(DynamicPads(DataType::kFloat16), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_TRUE(Has(e.reason, "float only")) << e.reason;
}

TEST(ConvTransposeWithDynamicPads, RowRoutesToConv) {
  const EstimatorEntry* row = FindEstimator("com.microsoft", "ConvTransposeWithDynamicPads", 1);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->estimate, &estimators::EstimateConv);
}

TEST(ConvTransposeWithDynamicPads, ConstantPadsReachTheEstimatorInAWholeModel) {
  // The pads come from an inline int64 initializer; Y is 16 x 16 as in the first case. With no GPU and no
  // record the cuDNN workspace is unknown, and says so with the transpose query's key (y=1x8x16x16).
  testing::GraphBuilder g;
  g.Opset("com.microsoft", 1);
  g.Input("x", onnx::TensorProto::FLOAT, {1, 16, 8, 8});
  g.Weight("w", onnx::TensorProto::FLOAT, {16, 8, 4, 4});
  g.Int64Constant("pads", {1, 1, 1, 1});
  g.Node("ConvTransposeWithDynamicPads", {"x", "w", "pads"}, {"y"}, "ct", "com.microsoft")
      .Attr("strides", std::vector<int64_t>{2, 2});
  g.Output("y", onnx::TensorProto::FLOAT);
  Result<Model> model = Model::FromBytes(g.Serialize(), "ct.onnx", {});
  ASSERT_TRUE(model.ok()) << model.error().message;
  Result<ModelEstimate> est = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(est.ok()) << est.error().message;
  ASSERT_EQ(est->nodes.size(), 1u);
  EXPECT_EQ(est->nodes[0].estimate.variant, "cudnn_frontend");
  EXPECT_TRUE(Has(est->nodes[0].estimate.reason, "y=1x8x16x16")) << est->nodes[0].estimate.reason;
}

}  // namespace
}  // namespace wsest
