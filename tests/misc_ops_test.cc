// Dropout, BiasDropout, Inverse, DeformConv, int8 MaxPool, RemovePadding and control flow
// (estimators/misc_ops.cc), bytes worked by hand from the ORT 1.29.0 kernel files each estimator cites.
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
using testing::Node;
using testing::Tensor;

NodeView Dropout(const char* op, std::vector<Dim> x, bool training_input, bool mask_output, int opset = 13,
                 const char* domain = "") {
  NodeView node = Node(op, opset, domain);
  node.inputs.push_back(Tensor("x", DataType::kFloat, std::move(x)));
  if (training_input) {
    node.inputs.push_back(Tensor("", DataType::kFloat, {}));  // ratio omitted (default 0.5)
    node.inputs.push_back(Tensor("training_mode", DataType::kBool, {}));
  }
  node.outputs.push_back(Tensor("y", DataType::kFloat, {}));
  if (mask_output) node.outputs.push_back(Tensor("mask", DataType::kBool, {}));
  return node;
}

TEST(MiscDropout, NoTrainingModeIsInference) {
  Estimate e = ExpectOk(estimators::EstimateDropout(Dropout("Dropout", Dims({4, 100}), false, false),
                                                    DefaultTarget()));
  EXPECT_EQ(e.variant, "inference");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(MiscDropout, RuntimeTrainingModeIsAnUpperBoundMask) {
  // training_mode not a constant: the bool mask, N = 400 bytes, counted as a maximum.
  Estimate e = ExpectOk(estimators::EstimateDropout(Dropout("Dropout", Dims({4, 100}), true, false),
                                                    DefaultTarget()));
  EXPECT_EQ(e.variant, "training_scratch_mask");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 400u);
}

TEST(MiscDropout, KnownTrainingWithBitmaskIsExact) {
  // BitmaskDropout: ceil(400 / 32) = 13 words * 4 bytes = 52.
  NodeView node = Dropout("BitmaskDropout", Dims({4, 100}), true, false, 1, "com.microsoft");
  node.inputs[2].int_values = std::vector<int64_t>{1};
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 52u);
}

TEST(MiscDropout, MaskOutputTakesNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateDropout(Dropout("Dropout", Dims({4, 100}), true, true),
                                                    DefaultTarget()));
  EXPECT_EQ(e.variant, "training_mask_output");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(MiscDropout, Opset10IsIdentity) {
  Estimate e = ExpectOk(EstimateNode(Dropout("Dropout", Dims({4, 100}), false, true, 10), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
  EXPECT_NE(e.reason.find("identity_op.cc"), std::string::npos) << e.reason;
}

TEST(MiscDropout, SymbolicDimIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateDropout(
      Dropout("Dropout", {Dim::Symbolic("batch"), Dim::Known(100)}, true, false), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

NodeView BiasDropout(const char* op, bool mask_output) {
  NodeView node = Node(op, 1, "com.microsoft");
  node.inputs.push_back(Tensor("x", DataType::kFloat16, Dims({2, 50})));
  node.inputs.push_back(Tensor("bias", DataType::kFloat16, Dims({50})));
  node.outputs.push_back(Tensor("y", DataType::kFloat16, {}));
  if (mask_output) node.outputs.push_back(Tensor("mask", DataType::kBool, {}));
  return node;
}

TEST(MiscBiasDropout, MissingMaskAlwaysTakesScratch) {
  // Inference too: ratio is forced to 0 but the mask kernel still runs. N = 100 bools.
  EXPECT_EQ(ExpectOk(EstimateNode(BiasDropout("BiasDropout", false), DefaultTarget())).workspace_bytes(), 100u);
  // Bitmask: ceil(100 / 32) = 4 words * 4 = 16.
  EXPECT_EQ(ExpectOk(EstimateNode(BiasDropout("BitmaskBiasDropout", false), DefaultTarget())).workspace_bytes(),
            16u);
  EXPECT_EQ(ExpectOk(EstimateNode(BiasDropout("BiasDropout", true), DefaultTarget())).workspace_bytes(), 0u);
}

NodeView Inverse(DataType dtype, std::vector<Dim> dims) {
  NodeView node = Node("Inverse", 1, "com.microsoft");
  node.inputs.push_back(Tensor("x", dtype, std::move(dims)));
  node.outputs.push_back(Tensor("y", dtype, {}));
  return node;
}

TEST(MiscInverse, FloatBatch) {
  // [3, 4, 4]: B 3, n 4, 48 elements. info 3*4 = 12; pivots 4*3*4 = 48; input_workspace 48*4 = 192;
  // matrix_ptrs 3*8 = 24; output_ptrs 24.
  Estimate e = ExpectOk(estimators::EstimateInverse(Inverse(DataType::kFloat, Dims({3, 4, 4})), DefaultTarget()));
  EXPECT_EQ(e.variant, "getrf_getri_fp32");
  ASSERT_EQ(e.buffers.size(), 5u);
  EXPECT_EQ(e.workspace_bytes(), 300u);  // 12 + 48 + 192 + 24 + 24
}

TEST(MiscInverse, Float16AddsAFloatOutput) {
  // As float plus ml_float_output 48 * 4 = 192: 300 + 192 = 492.
  Estimate e = ExpectOk(estimators::EstimateInverse(Inverse(DataType::kFloat16, Dims({3, 4, 4})), DefaultTarget()));
  EXPECT_EQ(e.variant, "getrf_getri_fp32_from_fp16");
  ASSERT_EQ(e.buffers.size(), 6u);
  EXPECT_EQ(e.workspace_bytes(), 492u);
}

TEST(MiscInverse, DoubleSingleMatrix) {
  // [5, 5]: B 1. info 4; pivots 20; input_workspace 25*8 = 200; ptrs 8 + 8.
  Estimate e = ExpectOk(estimators::EstimateInverse(Inverse(DataType::kDouble, Dims({5, 5})), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 240u);  // 4 + 20 + 200 + 8 + 8
}

TEST(MiscInverse, NonSquareIsInvalid) {
  Result<Estimate> r = estimators::EstimateInverse(Inverse(DataType::kFloat, Dims({3, 4})), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "Inverse 'n1': input 0 is 3 x 4, expected square matrices");
}

NodeView DeformConv(int64_t n, int64_t c, int64_t hw_out, int64_t m = 8) {
  NodeView node = Node("DeformConv", 19);
  node.inputs.push_back(Tensor("x", DataType::kFloat, Dims({n, c, hw_out, hw_out})));
  node.inputs.push_back(Tensor("w", DataType::kFloat, Dims({m, c, 3, 3})));
  node.inputs.push_back(Tensor("offset", DataType::kFloat, Dims({n, 18, hw_out, hw_out})));
  node.outputs.push_back(Tensor("y", DataType::kFloat, Dims({n, m, hw_out, hw_out})));
  return node;
}

TEST(MiscDeformConv, SmallBatchInOneChunk) {
  // N 2, C 4, 3x3, out 8x8: bytes_per_image 64*4*9*4 = 9216, far under the budget: T = 32, k = 2.
  // col_buffer = C * kernel_size * k * output_image_size * 4 = 4*9*2*64*4 = 18432.
  Estimate e = ExpectOk(estimators::EstimateDeformConv(DeformConv(2, 4, 8), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);  // h100-sxm: 10% of 80 GiB clamps to 2 GiB
  EXPECT_EQ(e.workspace_bytes(), 18432u);
}

TEST(MiscDeformConv, BatchOver32IsBalanced) {
  // N 40: k_cap = 32, rounds = ceil(40/32) = 2, k = ceil(40/2) = 20: 4*9*20*64*4 = 184320.
  EXPECT_EQ(ExpectOk(estimators::EstimateDeformConv(DeformConv(40, 4, 8), DefaultTarget())).workspace_bytes(),
            184320u);
}

TEST(MiscDeformConv, DeviceMemorySetsTheChunk) {
  // C 512, out 64x64: bytes_per_image 4096*512*9*4 = 75497472.
  // h100-sxm: 2 GiB / 75497472 = 28 -> T 28 >= N 25: k = 25; col = 512*9*25*4096*4 = 1887436800.
  // t4: floor(16 GiB * 0.1) = 1717986918 / 75497472 = 22 -> T 22: rounds 2, k = 13; col = 981467136.
  Estimate h100 = ExpectOk(estimators::EstimateDeformConv(DeformConv(25, 512, 64), DefaultTarget()));
  EXPECT_EQ(h100.workspace_bytes(), 1887436800u);
  EXPECT_EQ(h100.exactness, Exactness::kExact);
  Target t4 = DefaultTarget();
  t4.device = FindDevice("t4").value();
  Estimate small = ExpectOk(estimators::EstimateDeformConv(DeformConv(25, 512, 64), t4));
  EXPECT_EQ(small.workspace_bytes(), 981467136u);
  EXPECT_EQ(small.exactness, Exactness::kHeuristic);  // totalGlobalMem is below the nominal 16 GiB
}

TEST(MiscDeformConv, SymbolicBatchIsUnknown) {
  NodeView node = DeformConv(2, 4, 8);
  node.inputs[0].dims[0] = Dim::Symbolic("batch");
  Estimate e = ExpectOk(estimators::EstimateDeformConv(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

NodeView MaxPool(DataType dtype, bool indices) {
  NodeView node = Node("MaxPool", 12);
  node.inputs.push_back(Tensor("x", dtype, Dims({1, 2, 4, 4})));
  node.outputs.push_back(Tensor("y", dtype, Dims({1, 2, 2, 2})));
  if (indices) node.outputs.push_back(Tensor("i", DataType::kInt64, Dims({1, 2, 2, 2})));
  node.attributes["kernel_shape"] = std::vector<int64_t>{2, 2};
  return node;
}

TEST(MiscMaxPool, Int8CastsThroughFloat) {
  // temp_X 32 * 4 = 128, temp_Y 8 * 4 = 32.
  Estimate e = ExpectOk(EstimateNode(MaxPool(DataType::kInt8, false), DefaultTarget()));
  EXPECT_EQ(e.variant, "cudnn_float_cast");
  EXPECT_EQ(e.workspace_bytes(), 160u);
  EXPECT_EQ(ExpectOk(EstimateNode(MaxPool(DataType::kUint8, false), DefaultTarget())).workspace_bytes(), 160u);
}

TEST(MiscMaxPool, IndicesOutputOrFloatTakesNone) {
  EXPECT_EQ(ExpectOk(EstimateNode(MaxPool(DataType::kInt8, true), DefaultTarget())).workspace_bytes(), 0u);
  EXPECT_EQ(ExpectOk(EstimateNode(MaxPool(DataType::kFloat, false), DefaultTarget())).workspace_bytes(), 0u);
}

TEST(MiscRemovePadding, TwoInts) {
  NodeView node = Node("RemovePadding", 1, "com.microsoft");
  node.inputs.push_back(Tensor("x", DataType::kFloat16, Dims({2, 8, 16})));
  node.inputs.push_back(Tensor("count", DataType::kInt32, Dims({2})));
  EXPECT_EQ(ExpectOk(EstimateNode(node, DefaultTarget())).workspace_bytes(), 8u);  // 2 * sizeof(int)
}

TEST(MiscDynamicTimeWarping, IndexCostAndTraceBuffers) {
  // rows 3, cols 4: index arrays (3+4+1)*2*4 = 64; length 8; cost and trace (3+1)*(4+1) = 20 cells * (4+1) = 100.
  NodeView node = Node("DynamicTimeWarping", 1, "com.microsoft");
  node.inputs.push_back(Tensor("x", DataType::kFloat, Dims({1, 3, 4})));
  EXPECT_EQ(ExpectOk(EstimateNode(node, DefaultTarget())).workspace_bytes(), 172u);  // 64 + 8 + 100
}

// If, Loop and Scan walk their bodies (tests/control_flow_test.cc); a view without one stays unknown.
TEST(MiscControlFlow, LoopWithoutItsBodyIsUnknownWithAReason) {
  NodeView node = Node("Loop", 13);
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("no 'body' body"), std::string::npos) << e.reason;
}

TEST(MiscInverse, HugeBatchOverflowsThroughEstimateNode) {
  Result<Estimate> r = EstimateNode(Inverse(DataType::kFloat, Dims({int64_t{1} << 62, 2, 2})), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

}  // namespace
}  // namespace wsest
