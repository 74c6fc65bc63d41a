// Softmax and LogSoftmax (estimators/softmax.cc): the opset-13 transpose path of ORT 1.29.0
// core/providers/cuda/math/softmax.cc, bytes worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <optional>
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

NodeView Softmax(const char* op, int opset, DataType dtype, std::vector<Dim> dims, std::optional<int64_t> axis) {
  NodeView node = Node(op, opset);
  node.inputs.push_back(Tensor("x", dtype, std::move(dims)));
  node.outputs.push_back(Tensor("y", dtype, {}));
  if (axis) node.attributes["axis"] = *axis;
  return node;
}

TEST(Softmax, Opset13LastAxisHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kFloat, Dims({2, 12, 128, 128}), std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.variant, "direct");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(Softmax, Opset13InnerAxisTransposesThroughTwoTempTensors) {
  // axis 1 of float [2, 3, 4]: 24 elements * 4 bytes = 96 per tensor, two tensors.
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kFloat, Dims({2, 3, 4}), 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "transposed");
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[0].bytes, 96u);
  EXPECT_EQ(e.buffers[0].allocator, Allocator::kTempSpace);
  EXPECT_EQ(e.workspace_bytes(), 192u);  // 2 * 96
}

TEST(Softmax, Float16TempTensorsAreHalfSized) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("LogSoftmax", 18, DataType::kFloat16, Dims({2, 3, 4}), 0), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 96u);  // 2 tensors * 24 elements * 2 bytes = 96
}

TEST(Softmax, DoubleTempTensors) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kDouble, Dims({5, 7}), -2), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 560u);  // 2 tensors * 35 elements * 8 bytes = 560
}

TEST(Softmax, Opset11InnerAxisFlattensWithoutTranspose) {
  // Before opset 13 the axis flattens the shape: no transpose whatever its position (default axis 1).
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 11, DataType::kFloat, Dims({2, 3, 4}), std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.variant, "direct");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(Softmax, EmptyInputHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kFloat, Dims({0, 3, 4}), 1), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(Softmax, SymbolicDimOnTheTransposedPathIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kFloat, {Dim::Symbolic("batch"), Dim::Known(3), Dim::Known(4)}, 1),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

TEST(Softmax, SymbolicDimOnTheDirectPathIsExactZero) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kFloat, {Dim::Symbolic("batch"), Dim::Known(4)}, -1), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(Softmax, Int32IsNotRegistered) {
  Estimate e = ExpectOk(estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kInt32, Dims({2, 3}), 0), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
}

TEST(Softmax, AxisOutOfRangeIsInvalid) {
  Result<Estimate> r = estimators::EstimateSoftmax(
      Softmax("Softmax", 13, DataType::kFloat, Dims({2, 3}), 2), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "Softmax 'n1': axis 2 is out of range for rank 2");
}

TEST(Softmax, HugeInputOverflowsThroughEstimateNode) {
  // 2^62 * 2^2 elements... : dims 2^62 and 2 with axis 0, times 4 bytes = 2^65.
  Result<Estimate> r = EstimateNode(
      Softmax("Softmax", 13, DataType::kFloat, Dims({int64_t{1} << 62, 2}), 0), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("transposed_input"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace wsest
