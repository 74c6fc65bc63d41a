// The CUDA EP's own refusals (estimators/placement.cc): each declined form was placed on the CPU EP by
// the 1.29.0 binary on the shadow device, its counterpart on the CUDA EP (calibrate/cases/rnn_cases.cc,
// conv_cases.cc, reduce_cases.cc).
#include <gtest/gtest.h>

#include "tests/node_builders.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::Dims;
using testing::Node;
using testing::Tensor;

NodeView Gru() {
  NodeView n = Node("GRU", 14);
  n.inputs = {Tensor("x", DataType::kFloat, Dims({8, 4, 32})), Tensor("w", DataType::kFloat, Dims({1, 192, 32})),
              Tensor("r", DataType::kFloat, Dims({1, 192, 64}))};
  n.outputs = {Tensor("y", DataType::kFloat, Dims({8, 1, 4, 64}))};
  n.attributes["hidden_size"] = int64_t{64};
  return n;
}

TEST(Placement, GruRunsOnCudaOnlyLinearBeforeReset) {
  NodeView gru = Gru();
  // No attribute reads as its default 0: declined, as the binary declined gru_s8_b4_i32_h64_no_lbr.
  ASSERT_TRUE(CudaEpDeclines(gru, DefaultTarget()).has_value());
  Result<Estimate> e = EstimateNode(gru, DefaultTarget());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->variant, "cpu_ep");
  EXPECT_EQ(e->exactness, Exactness::kExact);
  EXPECT_EQ(e->workspace_bytes(), 0u);
  EXPECT_NE(e->reason.find("linear_before_reset"), std::string::npos) << e->reason;
  gru.attributes["linear_before_reset"] = int64_t{1};
  EXPECT_FALSE(CudaEpDeclines(gru, DefaultTarget()).has_value());
}

TEST(Placement, RnnActivationsAndClip) {
  NodeView rnn = Gru();
  rnn.op_type = "RNN";
  rnn.attributes["activations"] = std::vector<std::string>{"Tanh"};
  EXPECT_FALSE(CudaEpDeclines(rnn, DefaultTarget()).has_value());  // the default, spelt out
  rnn.attributes["activations"] = std::vector<std::string>{"Relu"};
  EXPECT_TRUE(CudaEpDeclines(rnn, DefaultTarget()).has_value());
  NodeView lstm = Gru();
  lstm.op_type = "LSTM";
  EXPECT_FALSE(CudaEpDeclines(lstm, DefaultTarget()).has_value());
  lstm.attributes["clip"] = 5.0f;
  EXPECT_TRUE(CudaEpDeclines(lstm, DefaultTarget()).has_value());
  lstm.attributes.erase("clip");
  lstm.attributes["input_forget"] = int64_t{1};
  EXPECT_TRUE(CudaEpDeclines(lstm, DefaultTarget()).has_value());
}

TEST(Placement, ArgMaxSelectLastIndex) {
  NodeView arg = Node("ArgMax", 13);
  arg.inputs = {Tensor("x", DataType::kFloat, Dims({64, 1000}))};
  arg.outputs = {Tensor("y", DataType::kInt64, Dims({64, 1}))};
  EXPECT_FALSE(CudaEpDeclines(arg, DefaultTarget()).has_value());
  arg.attributes["select_last_index"] = int64_t{1};
  EXPECT_TRUE(CudaEpDeclines(arg, DefaultTarget()).has_value());
}

TEST(Placement, ConvTransposePadsAutoPadAndNhwcWeights) {
  NodeView ct = Node("ConvTranspose", 11);
  ct.inputs = {Tensor("x", DataType::kFloat, Dims({1, 8, 10, 10})), Tensor("w", DataType::kFloat, Dims({8, 4, 3, 3}))};
  ct.outputs = {Tensor("y", DataType::kFloat, Dims({1, 4, 12, 12}))};
  EXPECT_FALSE(CudaEpDeclines(ct, DefaultTarget()).has_value());
  Target nhwc = DefaultTarget();
  ASSERT_TRUE(nhwc.ep.SetProviderOption("prefer_nhwc", "1").ok());
  EXPECT_TRUE(CudaEpDeclines(ct, nhwc).has_value());  // W is a graph input, not an initializer
  ct.inputs[1].is_initializer = true;
  EXPECT_FALSE(CudaEpDeclines(ct, nhwc).has_value());
  ct.attributes["pads"] = std::vector<int64_t>{0, 0, 1, 1};
  EXPECT_TRUE(CudaEpDeclines(ct, DefaultTarget()).has_value());
  ct.attributes["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  EXPECT_FALSE(CudaEpDeclines(ct, DefaultTarget()).has_value());
  ct.attributes["auto_pad"] = std::string("SAME_UPPER");
  EXPECT_TRUE(CudaEpDeclines(ct, DefaultTarget()).has_value());
}

}  // namespace
}  // namespace wsest
