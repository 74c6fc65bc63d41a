// BatchNormalization and InstanceNormalization estimators (estimators/norm.cc), one case per dtype
// and kernel branch of ORT 1.29.0 batch_norm.cc / instance_norm.cc, bytes worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/node_builders.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::Dims;
using testing::ExpectOk;
using testing::Tensor;

// BatchNormalization over X with `x_dims`, per-channel inputs of length `c` (skipped when c < 0), and
// Y only, or all five outputs when `training_outputs` (opsets 9-13 declare them).
NodeView BatchNorm(DataType dtype, std::vector<Dim> x_dims, int64_t c, int opset = 15,
                   bool training_outputs = false) {
  NodeView node;
  node.name = "bn1";
  node.op_type = "BatchNormalization";
  node.opset = opset;
  node.inputs.push_back(Tensor("x", dtype, std::move(x_dims)));
  for (const char* name : {"scale", "b", "mean", "var"}) {
    node.inputs.push_back(c >= 0 ? Tensor(name, dtype, Dims({c})) : Tensor(name, dtype, {Dim::Symbolic("channels")}));
  }
  node.outputs.push_back(Tensor("y", dtype, {}));
  if (training_outputs) {
    for (const char* name : {"running_mean", "running_var", "saved_mean", "saved_var"}) {
      node.outputs.push_back(Tensor(name, dtype, {}));
    }
  }
  return node;
}

NodeView InstanceNorm(DataType dtype, std::vector<Dim> x_dims, int64_t c) {
  NodeView node;
  node.name = "in1";
  node.op_type = "InstanceNormalization";
  node.opset = 6;
  node.inputs.push_back(Tensor("x", dtype, std::move(x_dims)));
  for (const char* name : {"scale", "b"}) {
    node.inputs.push_back(c >= 0 ? Tensor(name, dtype, Dims({c})) : Tensor(name, dtype, {Dim::Symbolic("channels")}));
  }
  node.outputs.push_back(Tensor("y", dtype, {}));
  return node;
}

// --- BatchNormalization -------------------------------------------------------------------------

TEST(NormBatchNorm, FloatInferenceHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat, Dims({8, /*C=*/64, 32, 32}), 64), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_inference");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_TRUE(e.buffers.empty());
  EXPECT_EQ(e.workspace_bytes(), 0u);  // cuDNN reads scale/B/mean/var in place
}

TEST(NormBatchNorm, DoubleInferenceHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kDouble, Dims({2, /*C=*/3, 5}), 3), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_inference");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(NormBatchNorm, FloatTrainingOutputsHaveNoScratch) {
  // Opset 9-13 with all five outputs: cudnnBatchNormalizationForwardTraining, no workspace argument.
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat, Dims({8, /*C=*/16, 4, 4}), 16, /*opset=*/9, /*training_outputs=*/true),
      DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_training");
  EXPECT_EQ(e.workspace_bytes(), 0u);
  ASSERT_EQ(e.candidates.size(), 1u);
  EXPECT_EQ(e.candidates[0].variant, "cudnn_inference");
}

TEST(NormBatchNorm, Float16CastsParamsToFp32) {
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat16, Dims({8, /*C=*/64, 32, 32}), 64), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_inference_fp32_params");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 4u);
  EXPECT_EQ(e.buffers[0].name, "f_scale");
  EXPECT_EQ(e.buffers[0].bytes, 256u);  // C * sizeof(float) = 64 * 4 = 256
  EXPECT_EQ(e.buffers[3].name, "f_var");
  EXPECT_NE(e.buffers[0].source.find("batch_norm.cc BatchNorm<T>::ComputeInternal"), std::string::npos);
  EXPECT_EQ(e.workspace_bytes(), 1024u);  // fp16: 4 buffers * 4 bytes * C = 16 * 64 = 1024
}

TEST(NormBatchNorm, Float16WithTrainingOutputsStillTakesInference) {
  // batch_norm.cc checks MLFloat16 before the training-mode outputs.
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat16, Dims({2, /*C=*/10, 7}), 10, /*opset=*/9, /*training_outputs=*/true),
      DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_inference_fp32_params");
  EXPECT_EQ(e.workspace_bytes(), 160u);  // 16 * C = 16 * 10 = 160
}

TEST(NormBatchNorm, Float16SymbolicChannelsIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat16, {Dim::Known(1), Dim::Symbolic("channels"), Dim::Known(8), Dim::Known(8)}, -1),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_NE(e.reason.find("'channels'"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("bn1"), std::string::npos) << e.reason;
}

TEST(NormBatchNorm, FloatSymbolicDimsStillExactZero) {
  // No float buffer depends on a dim, so symbolic N and C do not make the answer unknown.
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat, {Dim::Symbolic("batch"), Dim::Symbolic("channels"), Dim::Known(4)}, -1),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(NormBatchNorm, Bfloat16IsNotRegistered) {
  Estimate e = ExpectOk(estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kBfloat16, Dims({1, 4, 2, 2}), 4), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("not registered"), std::string::npos) << e.reason;
}

TEST(NormBatchNorm, RankOneIsInvalid) {
  Result<Estimate> r =
      estimators::EstimateBatchNormalization(BatchNorm(DataType::kFloat, Dims({7}), 1), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "BatchNormalization 'bn1': input 0 rank 1, expected at least 2");
}

TEST(NormBatchNorm, RankSixIsInvalid) {
  Result<Estimate> r = estimators::EstimateBatchNormalization(
      BatchNorm(DataType::kFloat16, Dims({1, 2, 1, 1, 1, 1}), 2), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("rank 6, expected at most 5"), std::string::npos) << r.error().message;
}

TEST(NormBatchNorm, ScaleLengthMismatchIsInvalid) {
  NodeView node = BatchNorm(DataType::kFloat, Dims({1, /*C=*/5, 3, 3}), 5);
  node.inputs[1].dims = Dims({7});
  Result<Estimate> r = estimators::EstimateBatchNormalization(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("input 1 (scale) has 7 elements, expected C = 5"), std::string::npos)
      << r.error().message;
}

TEST(NormBatchNorm, MissingMeanIsInvalid) {
  NodeView node = BatchNorm(DataType::kFloat, Dims({1, 5, 3, 3}), 5);
  node.inputs[3].name.clear();
  Result<Estimate> r = estimators::EstimateBatchNormalization(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("input 3 is missing"), std::string::npos) << r.error().message;
}

TEST(NormBatchNorm, HugeChannelsOverflowThroughEstimateNode) {
  // fp16: 4 * C with C = 2^62 is 2^64, one past uint64.
  const int64_t c = int64_t{1} << 62;
  Result<Estimate> r = EstimateNode(BatchNorm(DataType::kFloat16, Dims({1, c, 1, 1}), c), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("bn1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("f_scale"), std::string::npos) << r.error().message;
}

TEST(NormBatchNorm, EstimateNodeFindsTheRow) {
  Result<Estimate> r = EstimateNode(BatchNorm(DataType::kFloat16, Dims({4, /*C=*/32, 8, 8}), 32), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->workspace_bytes(), 512u);  // 16 * C = 16 * 32 = 512
}

// --- InstanceNormalization ----------------------------------------------------------------------

TEST(NormInstanceNorm, FloatSingleInstanceHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kFloat, Dims({/*N=*/1, /*C=*/64, 32, 32}), 64), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_training_n1");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(NormInstanceNorm, DoubleSingleInstanceHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kDouble, Dims({/*N=*/1, /*C=*/3, 9}), 3), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_training_n1");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(NormInstanceNorm, Float16SingleInstanceCastsScaleAndBias) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kFloat16, Dims({/*N=*/1, /*C=*/64, 32, 32}), 64), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_training_n1");
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[0].name, "scale_data_fp32");
  EXPECT_EQ(e.buffers[1].name, "bias_data_fp32");
  EXPECT_NE(e.buffers[0].source.find("InstanceNorm<MLFloat16>::ComputeInternal"), std::string::npos);
  EXPECT_EQ(e.workspace_bytes(), 512u);  // fp16 N=1: 8 * C = 8 * 64 = 512
}

TEST(NormInstanceNorm, FloatBatchTakesFourStatsBuffers) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kFloat, Dims({/*N=*/2, /*C=*/3, 5, 5}), 3), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_training_nc_stats");
  ASSERT_EQ(e.buffers.size(), 4u);
  EXPECT_EQ(e.buffers[0].name, "mean");
  EXPECT_EQ(e.buffers[0].bytes, 24u);     // N * C * sizeof(float) = 2 * 3 * 4 = 24
  EXPECT_EQ(e.workspace_bytes(), 96u);  // 4 buffers * 24 = 96
}

TEST(NormInstanceNorm, DoubleBatchStatsAreDouble) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kDouble, Dims({/*N=*/2, /*C=*/3, 5}), 3), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 192u);  // 4 * N * C * sizeof(double) = 4 * 2 * 3 * 8 = 192
}

TEST(NormInstanceNorm, Float16BatchStatsAreFp32) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kFloat16, Dims({/*N=*/4, /*C=*/8, 16, 16}), 8), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_training_nc_stats");
  EXPECT_EQ(e.workspace_bytes(), 512u);  // 4 * N * C * sizeof(float) = 4 * 4 * 8 * 4 = 512
}

TEST(NormInstanceNorm, SymbolicBatchIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kFloat, {Dim::Symbolic("batch"), Dim::Known(3), Dim::Known(5)}, 3), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

TEST(NormInstanceNorm, SymbolicChannelsWithBatchIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateInstanceNormalization(
      InstanceNorm(DataType::kFloat, {Dim::Known(2), Dim::Symbolic("channels"), Dim::Known(5)}, -1),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'channels'"), std::string::npos) << e.reason;
}

TEST(NormInstanceNorm, RankTwoIsInvalid) {
  Result<Estimate> r =
      estimators::EstimateInstanceNormalization(InstanceNorm(DataType::kFloat, Dims({2, 3}), 3), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "InstanceNormalization 'in1': input 0 rank 2, expected at least 3");
}

TEST(NormInstanceNorm, HugeStatsOverflowThroughEstimateNode) {
  // N * C * 4 = 2 * 2^62 * 4 = 2^65 overflows 64 bits.
  const int64_t c = int64_t{1} << 62;
  Result<Estimate> r = EstimateNode(InstanceNorm(DataType::kFloat, Dims({2, c, 1}), c), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("in1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("mean"), std::string::npos) << r.error().message;
}

TEST(NormInstanceNorm, EstimateNodeFindsTheRow) {
  Result<Estimate> r =
      EstimateNode(InstanceNorm(DataType::kFloat16, Dims({/*N=*/1, /*C=*/10, 4, 4}), 10), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->workspace_bytes(), 80u);  // fp16 N=1: 8 * C = 8 * 10 = 80
}

}  // namespace
}  // namespace wsest
