// Reduce* and ArgMax/ArgMin (estimators/reduce.cc), one case per ReduceComputeCore branch of ORT
// 1.29.0 reduction_ops.cc, bytes worked by hand.
#include <gtest/gtest.h>

#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::FakeQueries;
using testing::MakeTensor;

NodeView Reduce(const std::string& op, DataType dt, std::vector<int64_t> dims, std::vector<int64_t> axes,
                int opset = 11) {
  NodeView n;
  n.name = "r1";
  n.op_type = op;
  n.opset = opset;
  n.inputs = {MakeTensor("x", dt, std::move(dims))};
  n.outputs = {MakeTensor("y", dt, {})};
  if (op == "ArgMax" || op == "ArgMin") {
    n.attributes["axis"] = axes.front();
  } else {
    n.attributes["axes"] = axes;
  }
  return n;
}

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

Target WithLive(const FakeQueries& fake) {
  Target t = DefaultTarget();
  t.live = &fake;
  return t;
}

TEST(ReduceMatrix, ColumnsBuffer) {
  // [8, 1024, 768] over the last axis: columns, m = 8192, n = 768. block y = min(8, 768 / 128 = 6) = 6;
  // grid x = min(256, 768 / (4 * 32 * 6) = 1) = 1. bytes = 8192 * 1 * 4 + 8192 * 4 + 15 = 65551.
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ReduceSum", DataType::kFloat, {8, 1024, 768}, {2}), DefaultTarget()));
  EXPECT_EQ(e.variant, "matrix_columns");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 65551u);
}

TEST(ReduceMatrix, RowsHaveNoScratch) {
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ReduceMean", DataType::kFloat16, {4096, 32}, {0}), DefaultTarget()));
  EXPECT_EQ(e.variant, "matrix_rows");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(ReduceMatrix, SumSquareSquaresIntoAnInputSizedCopy) {
  // [64, 4096] fp16 over axis 1: X*X copy 64 * 4096 * 2 = 524288; columns m = 64, n = 4096: block y 8,
  // grid x = 4096 / 1024 = 4: 64 * 4 * 4 (float accumulator) = 1024, + 64 * 4 = 256, + 15 = 1295.
  Estimate e =
      Ok(estimators::EstimateReduce(Reduce("ReduceSumSquare", DataType::kFloat16, {64, 4096}, {1}), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 524288u + 1295u);
}

TEST(ReduceMatrix, OnesAroundAxesStillCount) {
  // [1, 512, 1, 49] over axes {2, 3}: dims of 1 drop out -> [512, 49] over the last axis: columns.
  Estimate e =
      Ok(estimators::EstimateReduce(Reduce("ReduceMean", DataType::kFloat, {1, 512, 1, 49}, {2, 3}), DefaultTarget()));
  EXPECT_EQ(e.variant, "matrix_columns");
}

TEST(ReduceCudnn, WorkspaceIsExactlyCudnnsAnswer) {
  // The 1.29.0 binary allocates the bytes cuDNN answers, whatever T (shadow device: ReduceMax float
  // [32, 512, 64] over axis 1 took one allocation of each answer): 1000 B.
  FakeQueries fake;
  fake.reduction = {{1000, 0}};
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ReduceMax", DataType::kFloat, {1, 128, 768}, {-1}), WithLive(fake)));
  EXPECT_EQ(e.variant, "cudnn");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].name, "workspace_cuda");
  EXPECT_EQ(e.buffers[0].bytes, 1000u);
  EXPECT_NE(e.buffers[0].source.find("fake live"), std::string::npos);
  // rank 3 stays rank 3; output keeps the reduced axis as 1.
  ASSERT_TRUE(fake.last_reduction.has_value());
  EXPECT_EQ(fake.last_reduction->output_dims, (std::vector<int64_t>{1, 128, 1}));
  EXPECT_EQ(fake.last_reduction->reduce_op, "max");
}

TEST(ReduceCudnn, ArgMaxHalfOverAnInnerAxisCopiesToFp32) {
  // [8, 1000, 4] over axis 1: temp_X 32000 * 4 = 128000; workspace 96; indices 32; temp_output
  // [8, 1, 4] floats = 128 (the shadow device's ArgMax fp16 [32, 512, 64] took the same four buffers).
  FakeQueries fake;
  fake.reduction = {{96, 32}};
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ArgMax", DataType::kFloat16, {8, 1000, 4}, {1}), WithLive(fake)));
  EXPECT_EQ(e.variant, "cudnn");
  EXPECT_EQ(e.workspace_bytes(), 128000u + 96u + 32u + 128u);
  EXPECT_TRUE(fake.last_reduction->flattened_indices);
  EXPECT_EQ(fake.last_reduction->tensor_dtype, DataType::kFloat);
}

TEST(ReduceArg, LastAxisRunsItsOwnKernelWithNoScratch) {
  // The 1.29.0 binary launches arg_min_max_last_axis_kernel and allocates nothing (shadow device,
  // ArgMax float [64, 32000] axis 1 and ArgMin fp16 [64, 1000] axis -1).
  for (DataType t : {DataType::kFloat, DataType::kFloat16}) {
    Estimate e = Ok(estimators::EstimateReduce(Reduce("ArgMax", t, {8, 1000}, {1}), DefaultTarget()));
    EXPECT_EQ(e.variant, "last_axis_kernel");
    EXPECT_EQ(e.exactness, Exactness::kExact);
    EXPECT_EQ(e.workspace_bytes(), 0u);
  }
  Estimate inner = Ok(estimators::EstimateReduce(Reduce("ArgMin", DataType::kFloat, {8, 1000, 4}, {1}), DefaultTarget()));
  EXPECT_EQ(inner.variant, "cudnn");  // cuDNN, Unknown without its answer
}

TEST(ReduceCudnn, Bfloat16SumOverMiddleAxis) {
  // [2, 3, 4] over axis 1: not anchored to either end -> cuDNN; bf16 copies to fp32:
  // temp_X 24 * 4 = 96; workspace 64; temp_output 8 * 4 = 32.
  FakeQueries fake;
  fake.reduction = {{64, 0}};
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ReduceSum", DataType::kBfloat16, {2, 3, 4}, {1}), WithLive(fake)));
  EXPECT_EQ(e.variant, "cudnn");
  EXPECT_EQ(e.workspace_bytes(), 96u + 64u + 32u);
}

TEST(ReduceCudnn, LogSumExpKeepsExpAndSum) {
  // [4, 32000] fp32 over the last axis: workspace 10 and indices 2 throughout; the MAX pass adds
  // indices again (2), freed before the exp pass adds exp_result 128000 * 4 = 512000 and
  // log_sum_result 4 * 4 = 16: the larger pass is held (the shadow device's ReduceLogSumExp float
  // [32, 512, 64] held two of its three cuDNN buffers with exp_result and log_sum_result).
  FakeQueries fake;
  fake.reduction = {{10, 2}};
  Estimate e =
      Ok(estimators::EstimateReduce(Reduce("ReduceLogSumExp", DataType::kFloat, {4, 32000}, {1}), WithLive(fake)));
  EXPECT_EQ(e.workspace_bytes(), 10u + 2u + 512000u + 16u);
}

TEST(ReduceCudnn, WithoutLibraryIsUnknownAndSaysWhy) {
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ReduceMax", DataType::kFloat, {1, 128, 768}, {-1}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_NE(e.reason.find("cudnnGetReductionWorkspaceSize"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("GPU"), std::string::npos) << e.reason;
}

TEST(ReduceInt, Int32GoesThroughDoubleCopies) {
  // The 1.29.0 binary copies to double (shadow device: ReduceMax int32 [32, 512, 64] took 8 bytes per
  // element each way). [8, 128, 16] over axis 1: temp_X 16384 * 8 = 131072; indices 8; workspace 100;
  // temp_Y 128 * 8 = 1024.
  FakeQueries fake;
  fake.reduction = {{100, 8}};
  Estimate e = Ok(estimators::EstimateReduce(Reduce("ReduceSum", DataType::kInt32, {8, 128, 16}, {1}), WithLive(fake)));
  EXPECT_EQ(e.variant, "int_via_double_cudnn");
  EXPECT_EQ(e.workspace_bytes(), 131072u + 8u + 100u + 1024u);
  EXPECT_EQ(fake.last_reduction->tensor_dtype, DataType::kDouble);
}

TEST(ReduceAxes, AxesInputMustBeConstant) {
  NodeView n = Reduce("ReduceSum", DataType::kFloat, {4, 4}, {1}, /*opset=*/13);
  n.attributes.erase("axes");
  n.inputs.push_back(MakeTensor("axes", DataType::kInt64, {1}));
  Estimate e = Ok(estimators::EstimateReduce(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  n.inputs[1].int_values = std::vector<int64_t>{0};
  e = Ok(estimators::EstimateReduce(n, DefaultTarget()));
  EXPECT_EQ(e.variant, "matrix_rows");
}

TEST(ReduceAxes, NoopWithEmptyAxes) {
  NodeView n = Reduce("ReduceMax", DataType::kFloat, {4, 4}, {}, /*opset=*/18);
  n.attributes.erase("axes");
  n.attributes["noop_with_empty_axes"] = int64_t{1};
  Estimate e = Ok(estimators::EstimateReduce(n, DefaultTarget()));
  EXPECT_EQ(e.variant, "noop_copy");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(ReduceErrors, AxisOutOfRange) {
  Result<Estimate> r = estimators::EstimateReduce(Reduce("ReduceSum", DataType::kFloat, {4, 4}, {2}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "ReduceSum 'r1': axis 2 out of range for input 0 rank 2");
}

TEST(ReduceErrors, SymbolicIsUnknown) {
  NodeView n = Reduce("ReduceSum", DataType::kFloat, {4, 4}, {1});
  n.inputs[0].dims[0] = Dim::Symbolic("batch");
  Estimate e = Ok(estimators::EstimateReduce(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos);
}

TEST(ReduceErrors, HugeOverflowsThroughEstimateNode) {
  // SumSquare's X*X copy: 2^31 * 2^31 * 8 elements * 2 bytes = 2^66.
  const int64_t big = int64_t{1} << 31;
  Result<Estimate> r = EstimateNode(Reduce("ReduceSumSquare", DataType::kFloat16, {big, big, 8}, {1}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("r1"), std::string::npos) << r.error().message;
}

TEST(ReduceRegistry, EveryReduceHasARow) {
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                         "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin"}) {
    EXPECT_NE(FindEstimator("", op, 13), nullptr) << op;
  }
}

}  // namespace
}  // namespace wsest
