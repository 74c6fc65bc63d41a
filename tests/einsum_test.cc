// Einsum (estimators/einsum.cc): ORT 1.29.0's einsum plan replayed from the equation and the shapes, each
// case's temporaries worked by hand from EinsumComputePreprocessor / EinsumTypedComputeProcessor, and the
// peak of the ones live at once.
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

NodeView Einsum(const std::string& equation, DataType dt, const std::vector<std::vector<int64_t>>& shapes) {
  NodeView n;
  n.name = "e1";
  n.op_type = "Einsum";
  n.opset = 12;
  for (size_t i = 0; i < shapes.size(); ++i) n.inputs.push_back(MakeTensor("x" + std::to_string(i), dt, shapes[i]));
  n.outputs = {MakeTensor("y", dt, {})};
  n.outputs[0].has_shape = false;
  n.attributes["equation"] = equation;
  return n;
}

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

std::vector<std::string> Names(const Estimate& e) {
  std::vector<std::string> names;
  for (const Buffer& b : e.buffers) names.push_back(b.name);
  return names;
}

TEST(EinsumPairwise, PlainMatMulTransposesTheRightOperand) {
  // ij,jk->ik, i=64 j=128 k=32: homogenized [i, j, 1] and [1, j, k]. The pair puts the right operand in
  // [reduce j, ro k, lo i] order, perm [1, 2, 0] on a node input: a transposed copy of j*k = 4096 floats
  // (16384 B) even though only 1-dims move; the MatMul result is i*k = 2048 floats (8192 B). The final
  // candidate [i, 1, k] is already in output order: no transpose. Peak 16384 + 8192 = 24576.
  Estimate e =
      Ok(estimators::EstimateEinsum(Einsum("ij,jk->ik", DataType::kFloat, {{64, 128}, {128, 32}}), DefaultTarget()));
  EXPECT_EQ(e.variant, "pairwise");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(Names(e), (std::vector<std::string>{"pair1_right_transposed", "pair1_matmul"}));
  EXPECT_EQ(e.workspace_bytes(), 24576u);
  EXPECT_EQ(e.buffers[0].allocator, Allocator::kTempSpace);
  EXPECT_NE(e.buffers[1].source.find("EinsumOp::MatMul"), std::string::npos);
}

TEST(EinsumPairwise, ImplicitOutputIsTheLettersSeenOnce) {
  // "ij,jk" means "ij,jk->ik": the same plan, 24576 B.
  Estimate e =
      Ok(estimators::EstimateEinsum(Einsum("ij,jk", DataType::kFloat, {{64, 128}, {128, 32}}), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 24576u);
}

TEST(EinsumPairwise, BatchedHalf) {
  // bij,bjk->bik, b=4 i=16 j=8 k=32, fp16 (2 B): b is lro, i lo, j reduced, k ro. Right operand [b, 1, j, k]
  // to [b, j, k, 1]: 4 * 8 * 32 = 1024 halves = 2048 B; MatMul result 4 * 16 * 32 = 2048 halves = 4096 B.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("bij,bjk->bik", DataType::kFloat16, {{4, 16, 8}, {4, 8, 32}}),
                                             DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 2048u + 4096u);
}

TEST(EinsumPairwise, ThreeOperandsPeakInTheSecondPair) {
  // ij,jk,kl->il, i=8 j=16 k=32 l=64, float. Pair 1 (j reduced): right [1, j, k, 1] transposed, 512 floats;
  // MatMul [i, 1, k, 1] = 256 floats, already in index order (kept as the result). Live: 768 floats.
  // Pair 2 (k reduced) with the result [i, 1, k, 1] on the left: left perm [0, 2, 1, 3] transposes it
  // (256 floats, the result is not reshaped in place), right [1, 1, k, l] goes to [k, 1, l, 1]: 2048 floats;
  // MatMul i * l = 512 floats. Live: 256 + 256 + 2048 + 512 = 3072 floats = 12288 B, the peak.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij,jk,kl->il", DataType::kFloat, {{8, 16}, {16, 32}, {32, 64}}),
                                             DefaultTarget()));
  EXPECT_EQ(e.variant, "pairwise");
  EXPECT_EQ(Names(e), (std::vector<std::string>{"pair1_matmul", "pair2_left_transposed", "pair2_right_transposed",
                                                "pair2_matmul"}));
  EXPECT_EQ(e.workspace_bytes(), 12288u);
}

TEST(EinsumPairwise, EllipsisBroadcastsAMatrixOverBatchDims) {
  // ...ij,...jk->...ik with A [2, 3, 4, 5] and B [5, 6]: the ellipsis is 2 dims in A and 0 in B, indices
  // [e0, e1, i, j, k]; A homogenized [2, 3, 4, 5, 1], B [1, 1, 1, 5, 6]. e0, e1, i are lo; j reduced; k ro.
  // B goes to [j, k, e0, e1, i]: 30 floats; MatMul (2 * 3 * 4) x 6 = 144 floats. (30 + 144) * 4 = 696 B.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("...ij,...jk->...ik", DataType::kFloat, {{2, 3, 4, 5}, {5, 6}}),
                                             DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 696u);
}

TEST(EinsumPairwise, EmptyInputZeroFillsWithoutTemporaries) {
  // i = 0: Run zero-fills Y before any compute; preprocessing transposed nothing.
  Estimate e =
      Ok(estimators::EstimateEinsum(Einsum("ij,jk->ik", DataType::kFloat, {{0, 128}, {128, 32}}), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_input");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(EinsumSingle, TransposeOnlyDouble) {
  // ij->ji, [3, 5] double: nothing reduced; FinalizeOutput transposes the input into output order: a
  // temporary of 15 doubles = 120 B, copied into Y and freed.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->ji", DataType::kDouble, {{3, 5}}), DefaultTarget()));
  EXPECT_EQ(e.variant, "single_operand");
  EXPECT_EQ(Names(e), (std::vector<std::string>{"output_transposed"}));
  EXPECT_EQ(e.workspace_bytes(), 120u);
}

TEST(EinsumSingle, IdentityHasNoScratch) {
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->ij", DataType::kFloat, {{3, 5}}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(EinsumSingle, DiagonalDropsTheRepeatedAxis) {
  // ii->i, [100, 100] float: the Diagonal helper writes [100] = 400 B, which becomes the result; no transpose.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ii->i", DataType::kFloat, {{100, 100}}), DefaultTarget()));
  EXPECT_EQ(Names(e), (std::vector<std::string>{"input0_diagonal"}));
  EXPECT_EQ(e.workspace_bytes(), 400u);
}

TEST(EinsumReduce, TrailingAxisTakesTheMatrixColumnsBuffer) {
  // ij->i, [8192, 768] float: ReduceSum over axis 1 (keep_dims) into [8192, 1] = 32768 B, through the
  // matrix-columns path: m = 8192, n = 768, block y = min(8, 768 / 128 = 6) = 6, grid x = min(256,
  // 768 / (4 * 32 * 6) = 1) = 1: 8192 * 1 * 4 + 8192 * 4 + 15 = 65551 B of scratch. Peak 32768 + 65551.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->i", DataType::kFloat, {{8192, 768}}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(Names(e), (std::vector<std::string>{"input0_reduced", "input0_reduced.reduce_matrix_columns_buffer"}));
  EXPECT_EQ(e.workspace_bytes(), 32768u + 65551u);
  EXPECT_EQ(e.buffers[1].allocator, Allocator::kScratch);
}

TEST(EinsumReduce, HalfAccumulatesInFloat) {
  // ij->i, [64, 4096] fp16: output 64 halves = 128 B; columns m = 64, n = 4096: block y 8, grid x
  // 4096 / 1024 = 4; 64 * 4 * 4 (float partials) + 64 * 4 + 15 = 1295. Peak 128 + 1295 = 1423.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->i", DataType::kFloat16, {{64, 4096}}), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 1423u);
}

TEST(EinsumReduce, DoubleAccumulatesInDouble) {
  // The same in double: output 64 * 8 = 512; partials 64 * 4 * 8 = 2048, + 256 + 15 = 2319. 2831 B.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->i", DataType::kDouble, {{64, 4096}}), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 2831u);
}

TEST(EinsumReduce, LeadingAxisTakesTheRowsPathWithNoScratch) {
  // ij->j, [4096, 32] float: rows reduction, no buffer; only the [1, 32] output, 128 B.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->j", DataType::kFloat, {{4096, 32}}), DefaultTarget()));
  EXPECT_EQ(Names(e), (std::vector<std::string>{"input0_reduced"}));
  EXPECT_EQ(e.workspace_bytes(), 128u);
}

TEST(EinsumReduce, SplitAxesNeedCudnnAndAreUnknownWithoutIt) {
  // ijk->j over axes {0, 2} of [4, 8, 16]: not a matrix reduction, so cudnnReduceTensor.
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ijk->j", DataType::kFloat, {{4, 8, 16}}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_NE(e.reason.find("cudnnGetReductionWorkspaceSize"), std::string::npos) << e.reason;
}

TEST(EinsumReduce, SplitAxesWithLiveCudnnAreExact) {
  // Output [1, 8, 1] = 32 B; workspace_cuda: the 100 bytes cuDNN answers (reduce_test.cc: measured on
  // the 1.29.0 binary).
  FakeQueries fake;
  fake.reduction = {{100, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ijk->j", DataType::kFloat, {{4, 8, 16}}), t));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 132u);
  ASSERT_TRUE(fake.last_reduction.has_value());
  EXPECT_EQ(fake.last_reduction->reduce_op, "add");
  EXPECT_EQ(fake.last_reduction->input_dims, (std::vector<int64_t>{4, 8, 16}));
  EXPECT_EQ(fake.last_reduction->output_dims, (std::vector<int64_t>{1, 8, 1}));
}

TEST(EinsumErrors, SubscriptCountMustMatchInputs) {
  Result<Estimate> r = estimators::EstimateEinsum(Einsum("ij,jk->ik", DataType::kFloat, {{2, 3}}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("2 input subscripts, expected 1"), std::string::npos) << r.error().message;
}

TEST(EinsumErrors, MismatchedLabelDimsAreInvalid) {
  Result<Estimate> r =
      estimators::EstimateEinsum(Einsum("ij,jk->ik", DataType::kFloat, {{2, 3}, {4, 5}}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("label 'j'"), std::string::npos) << r.error().message;
}

TEST(EinsumErrors, IntegerTypesAreNotRegistered) {
  Estimate e = Ok(estimators::EstimateEinsum(Einsum("ij->ji", DataType::kInt32, {{3, 5}}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("not registered"), std::string::npos);
}

TEST(EinsumErrors, SymbolicIsUnknown) {
  NodeView n = Einsum("ij,jk->ik", DataType::kFloat, {{64, 128}, {128, 32}});
  n.inputs[0].dims[0] = Dim::Symbolic("batch");
  Estimate e = Ok(estimators::EstimateEinsum(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch' (dim 0 of 'x0') is symbolic"), std::string::npos) << e.reason;
}

TEST(EinsumErrors, HugeOverflowsThroughEstimateNode) {
  // ij->ji on [2^40, 2^40]: 2^80 elements.
  const int64_t huge = int64_t{1} << 40;
  Result<Estimate> r = EstimateNode(Einsum("ij->ji", DataType::kFloat, {{huge, huge}}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(EinsumRegistry, RowDeclaresItsLabels) {
  const EstimatorEntry* row = FindEstimator("", "Einsum", 12);
  ASSERT_NE(row, nullptr);
  EXPECT_STREQ(row->exactness, "exact,unknown");
  EXPECT_EQ(FindEstimator("", "Einsum", 11), nullptr);
}

TEST(EinsumModel, BoundBatchInAWholeModel) {
  // The batched case in a model with batch bound to 4: 12288 B as in BatchedHalf's float twin
  // (4 * 8 * 32 + 4 * 16 * 32 = 3072 floats). The Rfft after it is unknown either way (cuFFT's work area);
  // here already for its input dims, which onnx 1.12's Einsum inference leaves unknown (rank only).
  testing::GraphBuilder g;
  g.Opset("com.microsoft", 1);
  g.Input("a", onnx::TensorProto::FLOAT, {"batch", 16, 8}).Input("b", onnx::TensorProto::FLOAT, {"batch", 8, 32});
  g.Node("Einsum", {"a", "b"}, {"y"}, "ein").Attr("equation", "bij,bjk->bik");
  g.Node("Rfft", {"y"}, {"z"}, "fft", "com.microsoft").Attr("signal_ndim", 1);
  g.Output("z");
  ModelOptions options;
  options.dims["batch"] = 4;
  Result<Model> model = Model::FromBytes(g.Serialize(), "einsum.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  Result<ModelEstimate> est = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(est.ok()) << est.error().message;
  ASSERT_EQ(est->nodes.size(), 2u);
  EXPECT_EQ(est->nodes[0].estimate.exactness, Exactness::kExact);
  EXPECT_EQ(est->nodes[0].estimate.workspace_bytes(), 12288u);
  EXPECT_EQ(est->nodes[1].estimate.variant, "cufft_r2c") << est->nodes[1].estimate.reason;
  EXPECT_EQ(est->nodes[1].estimate.exactness, Exactness::kUnknown);
}

}  // namespace
}  // namespace wsest
