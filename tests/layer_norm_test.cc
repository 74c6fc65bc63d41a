// The layer-norm family (estimators/layer_norm.cc and its no-scratch rows): GroupNorm's workspace from ORT
// 1.29.0 contrib_ops/cuda/diffusion/group_norm.cc, and exact 0 with the kernel file for the fused kernels.
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

NodeView GroupNorm(const char* op, std::vector<Dim> x, int64_t groups) {
  NodeView node = Node(op, 1, "com.microsoft");
  node.inputs.push_back(Tensor("x", DataType::kFloat16, std::move(x)));
  node.inputs.push_back(Tensor("gamma", DataType::kFloat, Dims({32})));
  node.inputs.push_back(Tensor("beta", DataType::kFloat, Dims({32})));
  node.outputs.push_back(Tensor("y", DataType::kFloat16, {}));
  node.attributes["groups"] = groups;
  node.attributes["activation"] = int64_t{0};
  return node;
}

TEST(LayerNormGroupNorm, WorkspaceIsTwoFloatsPerBatchAndGroup) {
  // GetGroupNormWorkspaceSizeInBytes: (4 * 2) * N * groups = 8 * 2 * 4 = 64.
  Estimate e = ExpectOk(estimators::EstimateGroupNorm(GroupNorm("GroupNorm", Dims({2, 8, 8, 32}), 4), DefaultTarget()));
  EXPECT_EQ(e.variant, "nhwc");
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].name, "workspace");
  EXPECT_EQ(e.workspace_bytes(), 64u);
}

TEST(LayerNormGroupNorm, SkipGroupNormSizesTheSame) {
  NodeView node = GroupNorm("SkipGroupNorm", Dims({3, 4, 4, 32}), 32);
  node.inputs.push_back(Tensor("skip", DataType::kFloat16, Dims({3, 4, 4, 32})));
  EXPECT_EQ(ExpectOk(EstimateNode(node, DefaultTarget())).workspace_bytes(), 768u);  // 8 * 3 * 32 = 768
}

TEST(LayerNormGroupNorm, SymbolicBatchIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateGroupNorm(
      GroupNorm("GroupNorm", {Dim::Symbolic("batch"), Dim::Known(8), Dim::Known(8), Dim::Known(32)}, 4),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

TEST(LayerNormGroupNorm, Rank3IsInvalid) {
  Result<Estimate> r = estimators::EstimateGroupNorm(GroupNorm("GroupNorm", Dims({2, 8, 32}), 4), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "GroupNorm 'n1': input 0 rank 3, expected 4 (NHWC)");
}

TEST(LayerNormGroupNorm, MissingGroupsIsInvalid) {
  NodeView node = GroupNorm("GroupNorm", Dims({2, 8, 8, 32}), 4);
  node.attributes.erase("groups");
  Result<Estimate> r = estimators::EstimateGroupNorm(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(LayerNormGroupNorm, HugeBatchOverflowsThroughEstimateNode) {
  // 8 * 2^61 * 4 = 2^66.
  Result<Estimate> r =
      EstimateNode(GroupNorm("GroupNorm", Dims({int64_t{1} << 61, 1, 1, 32}), 4), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("workspace"), std::string::npos);
}

struct NoScratchCase {
  const char* domain;
  const char* op;
  int opset;
  const char* file;
};

TEST(LayerNormFamily, FusedKernelsAreExactZeroWithTheirFile) {
  const NoScratchCase cases[] = {
      {"", "LayerNormalization", 16, "contrib_ops/cuda/layer_norm.cc"},
      {"", "LayerNormalization", 17, "core/providers/cuda/nn/layer_norm.cc"},
      {"", "SimplifiedLayerNormalization", 1, "contrib_ops/cuda/layer_norm.cc"},
      {"", "RMSNormalization", 23, "core/providers/cuda/nn/rms_norm.cc"},
      {"com.microsoft", "SkipLayerNormalization", 1, "bert/skip_layer_norm.cc"},
      {"com.microsoft", "SkipSimplifiedLayerNormalization", 1, "bert/skip_layer_norm.cc"},
      {"com.microsoft", "EmbedLayerNormalization", 1, "bert/embed_layer_norm.cc"},
      {"com.microsoft", "BiasSoftmax", 1, "math/bias_softmax.cc"},
      {"com.microsoft", "RotaryEmbedding", 1, "bert/rotary_embedding.cc"},
      {"", "RotaryEmbedding", 23, "llm/rotary_embedding.cc"},
  };
  for (const auto& c : cases) {
    NodeView node = Node(c.op, c.opset, c.domain);
    node.inputs.push_back(Tensor("x", DataType::kFloat16, {Dim::Symbolic("batch"), Dim::Known(128), Dim::Known(768)}));
    Result<Estimate> r = EstimateNode(node, DefaultTarget());
    ASSERT_TRUE(r.ok()) << c.op;
    EXPECT_EQ(r->exactness, Exactness::kExact) << c.op;
    EXPECT_EQ(r->workspace_bytes(), 0u) << c.op;
    EXPECT_NE(r->reason.find(c.file), std::string::npos) << c.op << ": " << r->reason;
  }
  EXPECT_EQ(FindEstimator("", "RMSNormalization", 22), nullptr);
}

}  // namespace
}  // namespace wsest
