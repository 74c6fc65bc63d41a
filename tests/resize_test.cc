// Resize and Upsample (estimators/resize.cc): CalcResizeBufferSize and the antialias buffers of ORT 1.29.0
// core/providers/cuda/tensor/upsample.cc, resize_impl.cu and resize_antialias_impl.cu, bytes worked by hand.
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

// Resize X -> Y (both float NCHW unless given), with the sizes input (ORT's scales = out / in exactly)
// or the scales input.
NodeView Resize(std::vector<int64_t> x, std::vector<int64_t> y, const char* mode, int opset = 13,
                bool sizes = true, DataType dtype = DataType::kFloat) {
  NodeView node = Node("Resize", opset);
  std::vector<Dim> xd, yd;
  for (int64_t v : x) xd.push_back(Dim::Known(v));
  for (int64_t v : y) yd.push_back(Dim::Known(v));
  node.inputs.push_back(Tensor("x", dtype, xd));
  node.inputs.push_back(Tensor("", DataType::kFloat, {}));  // roi omitted
  if (sizes) {
    node.inputs.push_back(Tensor("", DataType::kFloat, {}));  // scales omitted
    node.inputs.push_back(Tensor("sizes", DataType::kInt64, Dims({static_cast<int64_t>(y.size())})));
  } else {
    node.inputs.push_back(Tensor("scales", DataType::kFloat, Dims({static_cast<int64_t>(y.size())})));
  }
  node.outputs.push_back(Tensor("y", dtype, yd));
  node.attributes["mode"] = std::string(mode);
  return node;
}

TEST(ResizeMapping, NearestMapsEveryOutputDim) {
  // CalcResizeBufferSize NN: 8 * rank + sizeof(NearestMappingInfo) * sum(out) = 8*4 + 8*(1+3+8+8) = 32 + 160.
  Estimate e = ExpectOk(estimators::EstimateResize(Resize({1, 3, 4, 4}, {1, 3, 8, 8}, "nearest"), DefaultTarget()));
  EXPECT_EQ(e.variant, "nearest");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].name, "dims_mapping_buffer");
  EXPECT_EQ(e.workspace_bytes(), 192u);
}

TEST(ResizeMapping, LinearMapsTheLastTwoDims) {
  // sizeof(LinearMappingInfo) 12 * (8 + 8) = 192.
  Estimate e = ExpectOk(estimators::EstimateResize(Resize({1, 3, 4, 4}, {1, 3, 8, 8}, "linear"), DefaultTarget()));
  EXPECT_EQ(e.variant, "linear");
  EXPECT_EQ(e.workspace_bytes(), 192u);
}

TEST(ResizeMapping, CubicMapsTheLastTwoDims) {
  // sizeof(CubicMappingInfo) 24 * (8 + 6) = 336.
  Estimate e = ExpectOk(estimators::EstimateResize(Resize({1, 3, 4, 3}, {1, 3, 8, 6}, "cubic"), DefaultTarget()));
  EXPECT_EQ(e.variant, "cubic");
  EXPECT_EQ(e.workspace_bytes(), 336u);
}

TEST(ResizeMapping, ScalesInputStillExactWhenDimsChange) {
  Estimate e = ExpectOk(
      estimators::EstimateResize(Resize({1, 3, 4, 4}, {1, 3, 8, 8}, "nearest", 13, false), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 192u);
}

TEST(ResizeCopy, SameSizeWithSizesInputIsAnExactCopy) {
  Estimate e = ExpectOk(estimators::EstimateResize(Resize({1, 3, 4, 4}, {1, 3, 4, 4}, "linear"), DefaultTarget()));
  EXPECT_EQ(e.variant, "copy");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(ResizeCopy, SameSizeFromScalesIsHeuristic) {
  // A scale of 1.1 on a dim of 4 also gives 4: the EP would resize; the estimate assumes scales of 1.
  Estimate e = ExpectOk(
      estimators::EstimateResize(Resize({1, 3, 4, 4}, {1, 3, 4, 4}, "linear", 13, false), DefaultTarget()));
  EXPECT_EQ(e.variant, "copy");
  EXPECT_EQ(e.exactness, Exactness::kHeuristic);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(ResizeCopy, TfCropAndResizeNeverCopies) {
  NodeView node = Resize({1, 1, 4, 4}, {1, 1, 4, 4}, "nearest");
  node.attributes["coordinate_transformation_mode"] = std::string("tf_crop_and_resize");
  Estimate e = ExpectOk(estimators::EstimateResize(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "nearest");
  EXPECT_EQ(e.workspace_bytes(), 112u);  // 8*4 + 8*(1+1+4+4) = 32 + 80
}

TEST(ResizeAntialias, BilinearDownscale) {
  // X [1,3,8,8] -> Y [1,3,4,4], rscale 0.5: scale 2 >= 1, scaled_support = (2 * 0.5) * 2 = 2, window = 2*2+1 = 5.
  // bounds (4+4)*2*8 = 128; out_of_bounds (4+4)*8 = 64; weighted (4*5 + 4*5)*4 = 160;
  // image_temp C*in_h*out_w*4 = 3*8*4*4 = 384 (no batch factor on this path).
  NodeView node = Resize({1, 3, 8, 8}, {1, 3, 4, 4}, "linear", 18);
  node.attributes["antialias"] = int64_t{1};
  Estimate e = ExpectOk(estimators::EstimateResize(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "antialias_bilinear");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 4u);
  EXPECT_EQ(e.buffers[2].bytes, 160u);
  EXPECT_EQ(e.buffers[3].bytes, 384u);
  EXPECT_EQ(e.workspace_bytes(), 736u);  // 128 + 64 + 160 + 384
}

TEST(ResizeAntialias, BilinearDoubleAccumulatesInDouble) {
  // As above in double: weighted 40*8 = 320, image_temp 96*8 = 768; 128 + 64 + 320 + 768 = 1280.
  NodeView node = Resize({1, 3, 8, 8}, {1, 3, 4, 4}, "linear", 18, true, DataType::kDouble);
  node.attributes["antialias"] = int64_t{1};
  EXPECT_EQ(ExpectOk(estimators::EstimateResize(node, DefaultTarget())).workspace_bytes(), 1280u);
}

TEST(ResizeAntialias, BicubicUpscale) {
  // X [1,1,4,4] -> [1,1,8,8], rscale 2: scale 0.5 < 1, scaled_support = 4*0.5 = 2, window 5.
  // bounds 16*16 = 256; oob 16*8 = 128; weighted (8*5+8*5)*4 = 320; image_temp B*C*in_h*out_w*4 = 4*8*4 = 128.
  NodeView node = Resize({1, 1, 4, 4}, {1, 1, 8, 8}, "cubic", 18);
  node.attributes["antialias"] = int64_t{1};
  Estimate e = ExpectOk(estimators::EstimateResize(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "antialias_bicubic");
  EXPECT_EQ(e.workspace_bytes(), 832u);  // 256 + 128 + 320 + 128
}

TEST(ResizeAntialias, TrilinearRank3) {
  // [4,4,4] -> [2,2,2]: window 5 per axis; bounds 6*16 = 96; oob 6*8 = 48; weighted 3*(2*5)*4 = 120;
  // temp in_d*in_h*out_w*4 = 4*4*2*4 = 128; result in_d*out_h*out_w*4 = 4*2*2*4 = 64.
  NodeView node = Resize({4, 4, 4}, {2, 2, 2}, "linear", 18);
  node.attributes["antialias"] = int64_t{1};
  Estimate e = ExpectOk(estimators::EstimateResize(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "antialias_trilinear");
  EXPECT_EQ(e.workspace_bytes(), 456u);  // 96 + 48 + 120 + 128 + 64
}

TEST(ResizeAntialias, NearestIsInvalid) {
  NodeView node = Resize({1, 1, 8, 8}, {1, 1, 4, 4}, "nearest", 18);
  node.attributes["antialias"] = int64_t{1};
  Result<Estimate> r = estimators::EstimateResize(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(ResizeAntialias, IgnoredBeforeOpset18) {
  NodeView node = Resize({1, 3, 8, 8}, {1, 3, 4, 4}, "linear", 13);
  node.attributes["antialias"] = int64_t{1};
  EXPECT_EQ(ExpectOk(estimators::EstimateResize(node, DefaultTarget())).variant, "linear");
}

TEST(ResizeUpsample, UpsampleHasNoScratch) {
  NodeView node = Node("Upsample", 9);
  node.inputs.push_back(Tensor("x", DataType::kFloat, Dims({1, 1, 2, 2})));
  node.inputs.push_back(Tensor("scales", DataType::kFloat, Dims({4})));
  node.outputs.push_back(Tensor("y", DataType::kFloat, Dims({1, 1, 4, 4})));
  Estimate e = ExpectOk(estimators::EstimateResize(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "upsample");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(ResizeShapes, EmptyOutputHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateResize(Resize({0, 3, 4, 4}, {0, 3, 8, 8}, "nearest"), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_output");
}

TEST(ResizeShapes, SymbolicOutputDimIsUnknown) {
  NodeView node = Resize({1, 3, 4, 4}, {1, 3, 8, 8}, "nearest");
  node.outputs[0].dims[2] = Dim::Symbolic("h_out");
  Estimate e = ExpectOk(estimators::EstimateResize(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'h_out'"), std::string::npos) << e.reason;
}

TEST(ResizeShapes, BadModeIsInvalid) {
  Result<Estimate> r = estimators::EstimateResize(Resize({1, 3, 4, 4}, {1, 3, 8, 8}, "area"), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "Resize 'n1': mode 'area' is not nearest, linear or cubic");
}

TEST(ResizeShapes, HugeOutputOverflowsThroughEstimateNode) {
  // NN: 8 * (sum of output dims) with 2^62 + 2^62 = 2^63, times 8 overflows.
  const int64_t big = int64_t{1} << 62;
  Result<Estimate> r = EstimateNode(Resize({1, 1, 2, 2}, {1, 1, big, big}, "nearest"), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("dims_mapping_buffer"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace wsest
