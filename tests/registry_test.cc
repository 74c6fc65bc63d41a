// The estimator table (estimators/registry.cc) and its lookup: opset ranges as the CUDA EP registers
// its kernels, no overlapping rows, and no-scratch rows that answer an exact, cited 0.
#include <gtest/gtest.h>

#include <string>

#include "wsest/registry.h"

namespace wsest {
namespace {

NodeView UnaryNode(const std::string& domain, const std::string& op, int opset) {
  NodeView node;
  node.name = "n1";
  node.op_type = op;
  node.domain = domain;
  node.opset = opset;
  TensorInfo x;
  x.name = "x";
  x.dtype = DataType::kFloat;
  x.has_shape = true;
  x.dims = {Dim::Known(2), Dim::Known(3)};
  node.inputs.push_back(x);
  TensorInfo y = x;
  y.name = "y";
  node.outputs.push_back(y);
  return node;
}

TEST(RegistryLookup, BelowSinceVersionIsNull) {
  EXPECT_EQ(FindEstimator("", "BatchNormalization", 6), nullptr);
  EXPECT_EQ(FindEstimator("", "InstanceNormalization", 5), nullptr);
  EXPECT_EQ(FindEstimator("", "Relu", 5), nullptr);
  EXPECT_EQ(FindEstimator("", "Sign", 12), nullptr);
  EXPECT_EQ(FindEstimator("", "GreaterOrEqual", 11), nullptr);
  EXPECT_EQ(FindEstimator("", "Gelu", 19), nullptr);  // ai.onnx Gelu exists from opset 20
}

TEST(RegistryLookup, BoundariesAreInclusive) {
  const EstimatorEntry* bn7 = FindEstimator("", "BatchNormalization", 7);
  ASSERT_NE(bn7, nullptr);
  EXPECT_STREQ(bn7->kernel, "onnxruntime/core/providers/cuda/nn/batch_norm.cc");
  EXPECT_NE(FindEstimator("", "BatchNormalization", kLatestOpset), nullptr);
  EXPECT_NE(FindEstimator("", "InstanceNormalization", 6), nullptr);
  EXPECT_NE(FindEstimator("", "Sign", 13), nullptr);
  EXPECT_NE(FindEstimator("", "GreaterOrEqual", 12), nullptr);
  EXPECT_NE(FindEstimator("", "Gelu", 20), nullptr);
}

TEST(RegistryLookup, SplitRowsMeetAtTheirBoundary) {
  // ThresholdedRelu: experimental opset-1 kernel (contrib) up to 9, the core kernel from 10.
  const EstimatorEntry* at9 = FindEstimator("", "ThresholdedRelu", 9);
  const EstimatorEntry* at10 = FindEstimator("", "ThresholdedRelu", 10);
  ASSERT_NE(at9, nullptr);
  ASSERT_NE(at10, nullptr);
  EXPECT_STREQ(at9->kernel, "onnxruntime/contrib_ops/cuda/activation/activations.cc");
  EXPECT_STREQ(at10->kernel, "onnxruntime/core/providers/cuda/activation/activations.cc");
}

TEST(RegistryLookup, DomainsAreKeptApart) {
  EXPECT_NE(FindEstimator("ai.onnx", "Relu", 17), nullptr);  // ai.onnx spelled out
  const EstimatorEntry* ms_gelu = FindEstimator("com.microsoft", "Gelu", 1);
  ASSERT_NE(ms_gelu, nullptr);
  EXPECT_STREQ(ms_gelu->domain, "com.microsoft");
  EXPECT_EQ(FindEstimator("com.microsoft", "Relu", 1), nullptr);
  EXPECT_EQ(FindEstimator("", "FastGelu", 17), nullptr);
}

TEST(RegistryTable, NoDuplicateOrOverlappingRows) {
  const auto& table = EstimatorTable();
  for (size_t i = 0; i < table.size(); ++i) {
    const EstimatorEntry& a = table[i];
    EXPECT_LE(a.since_version, a.until_version) << a.op_type;
    EXPECT_GE(a.since_version, 1) << a.op_type;
    for (size_t j = i + 1; j < table.size(); ++j) {
      const EstimatorEntry& b = table[j];
      if (std::string(a.domain) != b.domain || std::string(a.op_type) != b.op_type) continue;
      const bool disjoint = a.until_version < b.since_version || b.until_version < a.since_version;
      EXPECT_TRUE(disjoint) << a.domain << "." << a.op_type << " rows " << i << " [" << a.since_version << ", "
                            << a.until_version << "] and " << j << " [" << b.since_version << ", "
                            << b.until_version << "] overlap";
    }
  }
}

TEST(RegistryTable, EveryRowCitesAKernelFile) {
  for (const EstimatorEntry& e : EstimatorTable()) {
    const std::string kernel = e.kernel;
    EXPECT_EQ(kernel.rfind("onnxruntime/", 0), 0u) << e.op_type << ": " << kernel;
    EXPECT_EQ(kernel.substr(kernel.size() - 3), ".cc") << e.op_type << ": " << kernel;
    EXPECT_NE(std::string(e.family), "") << e.op_type;
    EXPECT_NE(std::string(e.variants), "") << e.op_type;
    EXPECT_NE(std::string(e.exactness), "") << e.op_type;
    if (e.estimate == nullptr) {
      EXPECT_STREQ(e.exactness, "exact") << e.op_type;
    }
  }
}

TEST(RegistryTable, NoScratchRowsCoverTheCommonElementwiseOps) {
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Erf", "Relu", "Sigmoid", "Tanh", "Clip",
                         "Cast", "Identity", "Sum", "Max", "Min"}) {
    const EstimatorEntry* e = FindEstimator("", op, 17);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_EQ(e->estimate, nullptr) << op;
  }
}

TEST(RegistryEstimateNode, NoScratchOpIsExactZeroWithKernelCited) {
  Result<Estimate> r = EstimateNode(UnaryNode("", "Relu", 17), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exactness, Exactness::kExact);
  EXPECT_EQ(r->workspace_bytes(), 0u);
  EXPECT_NE(r->reason.find("onnxruntime/core/providers/cuda/activation/activations.cc"), std::string::npos)
      << r->reason;
}

TEST(RegistryEstimateNode, ContribNoScratchOpIsExactZero) {
  Result<Estimate> r = EstimateNode(UnaryNode("com.microsoft", "FastGelu", 1), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->workspace_bytes(), 0u);
  EXPECT_NE(r->reason.find("contrib_ops/cuda/bert/fast_gelu.cc"), std::string::npos) << r->reason;
}

TEST(RegistryEstimateNode, OpWithoutRowIsUnknownNeverZero) {
  for (const NodeView& node : {UnaryNode("", "NoSuchOp", 17), UnaryNode("com.microsoft", "NoSuchContribOp", 1),
                               UnaryNode("my.custom.ops", "Relu", 1)}) {
    Result<Estimate> r = EstimateNode(node, DefaultTarget());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->exactness, Exactness::kUnknown) << node.op_type;
    EXPECT_FALSE(r->workspace_bytes().has_value()) << node.op_type;
    EXPECT_NE(r->reason.find("no estimator"), std::string::npos) << r->reason;
  }
}

// An onnx op the CUDA EP registers no kernel for at the model's opset runs on the CPU EP: exact 0 on
// the GPU. Relu's CUDA kernels start at opset 6 (data/ort-1.29.0-cuda-kernels.tsv: Relu 6-12, 13, 14+),
// onnx has Relu-1 for opset 5; NegativeLogLikelihoodLoss and the string op StringNormalizer have no
// CUDA kernel at all.
TEST(RegistryEstimateNode, OnnxOpWithoutCudaKernelRunsOnTheCpuEp) {
  for (const NodeView& node : {UnaryNode("", "Relu", 5), UnaryNode("", "NegativeLogLikelihoodLoss", 13),
                               UnaryNode("ai.onnx", "StringNormalizer", 10)}) {
    Result<Estimate> r = EstimateNode(node, DefaultTarget());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->variant, "cpu_ep") << node.op_type;
    EXPECT_EQ(r->exactness, Exactness::kExact) << node.op_type;
    EXPECT_EQ(r->workspace_bytes(), 0u) << node.op_type;
    EXPECT_NE(r->reason.find("registers no kernel for " + node.op_type), std::string::npos) << r->reason;
  }
  // Relu at opset 6 has a CUDA kernel: the registry's own row answers, not the CPU fallback.
  Result<Estimate> relu6 = EstimateNode(UnaryNode("", "Relu", 6), DefaultTarget());
  ASSERT_TRUE(relu6.ok());
  EXPECT_NE(relu6->variant, "cpu_ep");
}

}  // namespace
}  // namespace wsest
