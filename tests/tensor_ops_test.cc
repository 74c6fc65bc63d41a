// Concat, Split, GatherND and ScatterND estimators (estimators/tensor_ops.cc) and the no-scratch rows of the
// shape ops; bytes worked by hand from ORT 1.29.0 concat.cc, split.cc, gather_nd.cc, scatter_nd.cc.
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

// Concat of inputs [2, a_i, 4] along axis 1 (float).
NodeView Concat(std::vector<std::vector<Dim>> inputs, int64_t axis = 1) {
  NodeView node = Node("Concat", 13);
  for (size_t i = 0; i < inputs.size(); ++i) {
    node.inputs.push_back(Tensor("x" + std::to_string(i), DataType::kFloat, inputs[i]));
  }
  node.outputs.push_back(Tensor("y", DataType::kFloat, {}));
  node.attributes["axis"] = axis;
  return node;
}

TEST(TensorOpsConcat, SameExtentUpTo32InputsGoByValue) {
  Estimate e = ExpectOk(estimators::EstimateConcat(Concat({Dims({2, 3, 4}), Dims({2, 3, 4})}), DefaultTarget()));
  EXPECT_EQ(e.variant, "same_concat_dim_by_value");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsConcat, SameExtentOver32InputsCopiesThePointers) {
  std::vector<std::vector<Dim>> inputs(33, Dims({2, 3, 4}));
  Estimate e = ExpectOk(estimators::EstimateConcat(Concat(inputs), DefaultTarget()));
  EXPECT_EQ(e.variant, "same_concat_dim_pointer_array");
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].name, "input_ptr");
  EXPECT_EQ(e.workspace_bytes(), 264u);  // 33 pointers * 8 = 264
}

TEST(TensorOpsConcat, DifferentExtentsTakeFourArrays) {
  // Extents 3 and 5 along axis 1: concat_sizes 2*8, mapping (3+5)*8, range 2*8, input_ptr 2*8.
  Estimate e =
      ExpectOk(estimators::EstimateConcat(Concat({Dims({2, 3, 4}), Dims({2, 5, 4})}), DefaultTarget()));
  EXPECT_EQ(e.variant, "general");
  ASSERT_EQ(e.buffers.size(), 4u);
  EXPECT_EQ(e.buffers[1].name, "axis_dimension_input_output_mapping_gpu");
  EXPECT_EQ(e.buffers[1].bytes, 64u);    // (3 + 5) * 8 = 64
  EXPECT_EQ(e.workspace_bytes(), 112u);  // 16 + 64 + 16 + 16 = 112
  EXPECT_NE(e.buffers[0].source.find("concat.cc Concat::ComputeInternal"), std::string::npos);
}

TEST(TensorOpsConcat, EmptyInputAlongTheAxisCountsAsADifferentExtent) {
  // PrepareForCompute keeps the empty input: sizes {0, 4} differ, so the general path: 2*8 + 4*8 + 2*8 + 2*8.
  Estimate e =
      ExpectOk(estimators::EstimateConcat(Concat({Dims({2, 0, 4}), Dims({2, 4, 4})}), DefaultTarget()));
  EXPECT_EQ(e.variant, "general");
  EXPECT_EQ(e.workspace_bytes(), 80u);  // 16 + 32 + 16 + 16 = 80
}

TEST(TensorOpsConcat, EmptyOutputHasNoScratch) {
  Estimate e =
      ExpectOk(estimators::EstimateConcat(Concat({Dims({0, 3, 4}), Dims({0, 5, 4})}), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_output");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsConcat, SymbolicBatchIsAnUpperBound) {
  std::vector<Dim> a = {Dim::Symbolic("batch"), Dim::Known(3), Dim::Known(4)};
  std::vector<Dim> b = {Dim::Symbolic("batch"), Dim::Known(5), Dim::Known(4)};
  Estimate e = ExpectOk(estimators::EstimateConcat(Concat({a, b}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);  // batch bound to 0 would skip the copy
  EXPECT_EQ(e.workspace_bytes(), 112u);
}

TEST(TensorOpsConcat, SymbolicAxisExtentIsUnknown) {
  std::vector<Dim> a = {Dim::Known(1), Dim::Symbolic("past"), Dim::Known(4)};
  Estimate e = ExpectOk(estimators::EstimateConcat(Concat({a, Dims({1, 1, 4})}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'past'"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("n1"), std::string::npos) << e.reason;
}

TEST(TensorOpsConcat, RankMismatchIsInvalid) {
  Result<Estimate> r = estimators::EstimateConcat(Concat({Dims({2, 3, 4}), Dims({2, 3})}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "Concat 'n1': input 1 rank 2, expected 3 as input 0");
}

TEST(TensorOpsConcat, HugeExtentOverflowsThroughEstimateNode) {
  // mapping = (2^61 + 2^61) * 8 = 2^65 bytes.
  const int64_t big = int64_t{1} << 61;
  Result<Estimate> r = EstimateNode(Concat({Dims({1, big, 1}), Dims({1, big + 1, 1})}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("axis_dimension_input_output_mapping_gpu"), std::string::npos);
}

// Split of X [4, 10] along `axis` into outputs with the given extents.
NodeView Split(std::vector<int64_t> extents, int64_t axis, std::vector<int64_t> x = {4, 10}) {
  NodeView node = Node("Split", 18);
  std::vector<Dim> xd;
  for (int64_t v : x) xd.push_back(Dim::Known(v));
  node.inputs.push_back(Tensor("x", DataType::kFloat, xd));
  for (size_t i = 0; i < extents.size(); ++i) {
    std::vector<Dim> od = xd;
    od[static_cast<size_t>(axis)] = Dim::Known(extents[i]);
    node.outputs.push_back(Tensor("y" + std::to_string(i), DataType::kFloat, od));
  }
  node.attributes["axis"] = axis;
  return node;
}

TEST(TensorOpsSplit, ThreeInnermostPiecesUseSplit3Inner) {
  Estimate e = ExpectOk(estimators::EstimateSplit(Split({2, 3, 5}, 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "split3_inner");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsSplit, EqualPiecesGoByValue) {
  Estimate e = ExpectOk(estimators::EstimateSplit(Split({2, 2}, 0), DefaultTarget()));
  EXPECT_EQ(e.variant, "same_split_dim_by_value");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsSplit, UnequalPiecesTakeFourArrays) {
  // Axis 0 of [4, 10] into {1, 3}: output_ptr 2*8, sizes 2*8, range 2*8, mapping 4*8.
  Estimate e = ExpectOk(estimators::EstimateSplit(Split({1, 3}, 0), DefaultTarget()));
  EXPECT_EQ(e.variant, "general");
  ASSERT_EQ(e.buffers.size(), 4u);
  EXPECT_EQ(e.buffers[3].bytes, 32u);   // input dim 4 * 8 = 32
  EXPECT_EQ(e.workspace_bytes(), 80u);  // 16 + 16 + 16 + 32 = 80
}

TEST(TensorOpsSplit, ThreeUnequalPiecesOffTheInnermostAxis) {
  // Axis 1 of [6, 4, 2] into {1, 1, 2}: not innermost, so the general path: 3*8 * 3 + 4*8.
  Estimate e = ExpectOk(estimators::EstimateSplit(Split({1, 1, 2}, 1, {6, 4, 2}), DefaultTarget()));
  EXPECT_EQ(e.variant, "general");
  EXPECT_EQ(e.workspace_bytes(), 104u);  // 24 + 24 + 24 + 32 = 104
}

TEST(TensorOpsSplit, FortyEqualPiecesCopyThePointers) {
  Estimate e = ExpectOk(estimators::EstimateSplit(Split(std::vector<int64_t>(40, 1), 0, {40, 3}), DefaultTarget()));
  EXPECT_EQ(e.variant, "same_split_dim_pointer_array");
  EXPECT_EQ(e.workspace_bytes(), 320u);  // 40 pointers * 8 = 320
}

TEST(TensorOpsSplit, EmptyInputHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateSplit(Split({1, 3}, 1, {0, 4}), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_input");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsSplit, SymbolicAxisIsUnknown) {
  NodeView node = Split({1, 3}, 0);
  node.inputs[0].dims[0] = Dim::Symbolic("rows");
  Estimate e = ExpectOk(estimators::EstimateSplit(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'rows'"), std::string::npos) << e.reason;
}

TEST(TensorOpsSplit, AxisOutOfRangeIsInvalid) {
  NodeView node = Split({1, 3}, 0);
  node.attributes["axis"] = int64_t{2};
  Result<Estimate> r = estimators::EstimateSplit(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "Split 'n1': axis 2 is out of range for rank 2");
}

NodeView GatherND(std::vector<Dim> data, std::vector<Dim> indices, int64_t batch_dims = 0) {
  NodeView node = Node("GatherND", 13);
  node.inputs.push_back(Tensor("data", DataType::kFloat, std::move(data)));
  node.inputs.push_back(Tensor("indices", DataType::kInt64, std::move(indices)));
  node.outputs.push_back(Tensor("y", DataType::kFloat, {}));
  if (batch_dims != 0) node.attributes["batch_dims"] = batch_dims;
  return node;
}

TEST(TensorOpsGatherND, SliceOffsetsAndSliceSizes) {
  // indices [5, 7, 2]: num_slices 35, num_slice_dims 2 -> 2*8 + 35*8.
  Estimate e =
      ExpectOk(estimators::EstimateGatherND(GatherND(Dims({10, 20, 30}), Dims({5, 7, 2})), DefaultTarget()));
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[0].bytes, 16u);    // num_slice_dims 2 * 8
  EXPECT_EQ(e.buffers[1].bytes, 280u);   // num_slices 5 * 7 = 35, * 8 = 280
  EXPECT_EQ(e.workspace_bytes(), 296u);  // 16 + 280
}

TEST(TensorOpsGatherND, EmptyOutputHasNoScratch) {
  Estimate e =
      ExpectOk(estimators::EstimateGatherND(GatherND(Dims({10, 20}), Dims({0, 1})), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_output");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsGatherND, SymbolicSliceCountIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateGatherND(
      GatherND(Dims({10, 20}), {Dim::Symbolic("n"), Dim::Known(1)}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'n'"), std::string::npos) << e.reason;
}

TEST(TensorOpsGatherND, IndexDepthBeyondRankIsInvalid) {
  Result<Estimate> r = estimators::EstimateGatherND(GatherND(Dims({10, 20}), Dims({3, 3})), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

NodeView ScatterND(std::vector<int64_t> data, std::vector<int64_t> indices) {
  NodeView node = Node("ScatterND", 18);
  std::vector<Dim> dd, id;
  for (int64_t v : data) dd.push_back(Dim::Known(v));
  for (int64_t v : indices) id.push_back(Dim::Known(v));
  node.inputs.push_back(Tensor("data", DataType::kFloat, dd));
  node.inputs.push_back(Tensor("indices", DataType::kInt64, id));
  node.inputs.push_back(Tensor("updates", DataType::kFloat, {}));
  node.outputs.push_back(Tensor("y", DataType::kFloat, {}));
  return node;
}

TEST(TensorOpsScatterND, FewIndexComponentsStayOnTheStack) {
  Estimate e = ExpectOk(estimators::EstimateScatterND(ScatterND({4, 4, 4}, {2, 3}), DefaultTarget()));
  EXPECT_EQ(e.variant, "dims_on_stack");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsScatterND, SixIndexComponentsGoToTheDevice) {
  // last_index_dimension 6: strides and dims, 2 * 6 int64 = 96 bytes.
  Estimate e =
      ExpectOk(estimators::EstimateScatterND(ScatterND({2, 2, 2, 2, 2, 2, 3}, {5, 6}), DefaultTarget()));
  EXPECT_EQ(e.variant, "dims_on_device");
  EXPECT_EQ(e.workspace_bytes(), 96u);  // 6 * 2 * 8 = 96
}

TEST(TensorOpsScatterND, EmptyIndicesHaveNoScratch) {
  Estimate e =
      ExpectOk(estimators::EstimateScatterND(ScatterND({2, 2, 2, 2, 2, 2}, {0, 6}), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_indices");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(TensorOpsNoScratch, ShapeOpsAreExactZeroWithTheirFile) {
  for (const char* op : {"Transpose", "Gather", "Slice", "Reshape", "Pad", "Where", "Expand", "Tile", "Squeeze",
                         "Unsqueeze", "Flatten", "Shape", "GatherElements", "CumSum", "Constant"}) {
    const EstimatorEntry* entry = FindEstimator("", op, 13);
    ASSERT_NE(entry, nullptr) << op;
    EXPECT_EQ(entry->estimate, nullptr) << op;
    NodeView node = Node(op, 13);
    node.inputs.push_back(Tensor("x", DataType::kFloat, Dims({2, 3})));
    Result<Estimate> r = EstimateNode(node, DefaultTarget());
    ASSERT_TRUE(r.ok()) << op;
    EXPECT_EQ(r->exactness, Exactness::kExact) << op;
    EXPECT_EQ(r->workspace_bytes(), 0u) << op;
    EXPECT_NE(r->reason.find(entry->kernel), std::string::npos) << op << ": " << r->reason;
  }
}

}  // namespace
}  // namespace wsest
