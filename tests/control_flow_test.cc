// If, Loop and Scan (estimators/control_flow.cc): the largest body node's workspace plus what the kernel holds
// while the body runs (ORT 1.29.0 core/providers/cpu/controlflow/loop.cc, scan_8.cc, scan_9.cc, scan_utils.cc),
// on hand-built NodeViews and on whole models whose bodies src/model.cc shapes. Bytes worked by hand.
//
// The body node with scratch is Softmax opset 13 on an inner axis (tests/softmax_test.cc): two temporaries the
// size of the input, so float [2, 3, 4] takes 2 * 24 * 4 = 192 B and float16 [2, 3, 4] 2 * 24 * 2 = 96 B.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/cli_runner.h"
#include "tests/node_builders.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::Dims;
using testing::ExpectOk;
using testing::GraphBuilder;
using testing::Node;
using testing::Tensor;

constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kBool = onnx::TensorProto::BOOL;
constexpr int kInt64 = onnx::TensorProto::INT64;

// Softmax over axis 1 (an inner axis): 192 B for float [2, 3, 4], 96 B for float16.
NodeView SoftmaxNode(const std::string& name, DataType dtype, std::vector<Dim> dims) {
  NodeView n = Node("Softmax", 13);
  n.name = name;
  n.inputs.push_back(Tensor(name + "_in", dtype, dims));
  n.outputs.push_back(Tensor(name + "_out", dtype, dims));
  n.attributes["axis"] = int64_t{1};
  return n;
}

NodeView ReluNode(const std::string& name) {
  NodeView n = Node("Relu", 14);
  n.name = name;
  n.inputs.push_back(Tensor(name + "_in", DataType::kFloat, Dims({2, 3, 4})));
  n.outputs.push_back(Tensor(name + "_out", DataType::kFloat, Dims({2, 3, 4})));
  return n;
}

Subgraph Body(const std::string& attribute, std::vector<NodeView> nodes) {
  Subgraph g;
  g.attribute = attribute;
  g.nodes = std::move(nodes);
  return g;
}

NodeView If(const std::string& name, std::vector<NodeView> then_nodes, std::vector<NodeView> else_nodes) {
  NodeView n = Node("If", 16);
  n.name = name;
  n.inputs.push_back(Tensor("cond", DataType::kBool, {}));
  n.outputs.push_back(Tensor(name + "_out", DataType::kFloat, Dims({2, 3, 4})));
  n.subgraphs.push_back(Body("then_branch", std::move(then_nodes)));
  n.subgraphs.push_back(Body("else_branch", std::move(else_nodes)));
  return n;
}

// Loop(M, cond) with no carried values and one scan output of `per_iteration` dims (float).
NodeView Loop(std::vector<NodeView> body_nodes, std::optional<int64_t> trip_count, bool cond_passed_through,
              std::vector<Dim> output_dims, std::vector<int64_t> per_iteration) {
  NodeView n = Node("Loop", 16);
  n.name = "loop";
  n.inputs.push_back(Tensor("M", DataType::kInt64, {}));
  if (trip_count) n.inputs[0].int_values = std::vector<int64_t>{*trip_count};
  n.inputs.push_back(TensorInfo{});  // no cond input
  n.outputs.push_back(Tensor("ys", DataType::kFloat, std::move(output_dims)));
  Subgraph body = Body("body", std::move(body_nodes));
  body.inputs.push_back(Tensor("i", DataType::kInt64, {}));
  body.inputs.push_back(Tensor("c", DataType::kBool, {}));
  body.outputs.push_back(Tensor(cond_passed_through ? "c" : "c_next", DataType::kBool, {}));
  std::vector<Dim> dims;
  for (int64_t d : per_iteration) dims.push_back(Dim::Known(d));
  body.outputs.push_back(Tensor("y", DataType::kFloat, dims));
  n.subgraphs.push_back(std::move(body));
  return n;
}

// --- If --------------------------------------------------------------------------------------

TEST(ControlFlowIf, LargerBranchIsAnUpperBound) {
  // then: Softmax float 192 B; else: Softmax float16 96 B and a Relu (0). cond picks at run time: max 192.
  NodeView node = If("if", {SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))},
                     {SoftmaxNode("sm16", DataType::kFloat16, Dims({2, 3, 4})), ReluNode("act")});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "subgraph");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 192u);
  ASSERT_EQ(e.buffers.size(), 2u);  // Softmax's two temporaries, 96 B each
  EXPECT_EQ(e.buffers[0].name.rfind("then_branch/sm: ", 0), 0u) << e.buffers[0].name;
  EXPECT_EQ(e.buffers[0].bytes, 96u);
  EXPECT_EQ(e.buffers[0].allocator, Allocator::kTempSpace);
  ASSERT_EQ(e.candidates.size(), 2u);
  EXPECT_EQ(e.candidates[0].bytes, 192u);
  EXPECT_EQ(e.candidates[1].bytes, 96u);
  EXPECT_NE(e.reason.find("else_branch (2 nodes): the largest is else_branch/sm16 (Softmax), 96 B"), std::string::npos)
      << e.reason;
}

TEST(ControlFlowIf, AKnownCondCountsOnlyItsBranch) {
  // LargerBranchIsAnUpperBound's branches (then 192 B, else 96 B) with cond known before the run:
  // false counts the else_branch's 96 B, true the then_branch's 192 B, each exact.
  NodeView node = If("if", {SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))},
                     {SoftmaxNode("sm16", DataType::kFloat16, Dims({2, 3, 4})), ReluNode("act")});
  node.inputs[0].int_values = std::vector<int64_t>{0};
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact) << e.reason;
  EXPECT_EQ(e.workspace_bytes(), 96u);
  EXPECT_NE(e.reason.find("only the else_branch runs"), std::string::npos) << e.reason;
  node.inputs[0].int_values = std::vector<int64_t>{1};
  e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 192u);
}

TEST(ControlFlowIf, EveryBranchsKernelBuffersAreHeldWhicheverRuns) {
  // ORT creates the kernels of both branches at session creation: the then_branch LSTM's repacked
  // weights (W and R initializers; 1 * 4 * 16 * (8 + 16 + 2) = 1664 floats = 6656 B) are held even
  // when cond is known false, and even while the LSTM's own workspace is unknown (no cuDNN here).
  NodeView lstm;
  lstm.name = "lstm";
  lstm.op_type = "LSTM";
  lstm.opset = 14;
  TensorInfo w = Tensor("w", DataType::kFloat, Dims({1, 64, 8}));
  TensorInfo r = Tensor("r", DataType::kFloat, Dims({1, 64, 16}));
  w.is_initializer = r.is_initializer = true;
  lstm.inputs = {Tensor("x", DataType::kFloat, Dims({5, 2, 8})), w, r};
  lstm.outputs = {Tensor("y", DataType::kFloat, Dims({5, 1, 2, 16}))};
  lstm.attributes["hidden_size"] = int64_t{16};
  NodeView node = If("if", {lstm}, {ReluNode("act")});
  node.inputs[0].int_values = std::vector<int64_t>{0};
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 0u);  // the else_branch's Relu
  ASSERT_EQ(e.session_buffers.size(), 1u);
  EXPECT_EQ(e.session_buffers[0].name, "then_branch/lstm: w_data_cache");
  EXPECT_EQ(e.session_buffers[0].bytes, 6656u);
  node.inputs[0].int_values.reset();
  e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_FALSE(e.known());  // the LSTM's cuDNN workspace needs a GPU
  ASSERT_EQ(e.session_buffers.size(), 1u);
  EXPECT_EQ(e.session_buffers[0].bytes, 6656u);
}

TEST(ControlFlowIf, ElseBranchWinsWhenLarger) {
  // then: Relu 0; else: Softmax float 192 B.
  Estimate e = ExpectOk(EstimateNode(
      If("if", {ReluNode("act")}, {SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))}), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 192u);
  ASSERT_FALSE(e.buffers.empty());
  EXPECT_EQ(e.buffers[0].name.rfind("else_branch/sm: ", 0), 0u) << e.buffers[0].name;
}

TEST(ControlFlowIf, EqualBranchesAreExact) {
  // Both branches 192 B: the run-time choice does not change the bytes.
  Estimate e = ExpectOk(EstimateNode(If("if", {SoftmaxNode("a", DataType::kFloat, Dims({2, 3, 4}))},
                                        {SoftmaxNode("b", DataType::kFloat, Dims({2, 3, 4}))}),
                                     DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 192u);
}

TEST(ControlFlowIf, EmptyBranchesAreExactZero) {
  Estimate e = ExpectOk(EstimateNode(If("if", {}, {}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(ControlFlowIf, ViewWithoutBodiesIsUnknownSayingSo) {
  // What an EP adapter that does not fill NodeView::subgraphs produces.
  NodeView node = Node("If", 16);
  node.inputs.push_back(Tensor("cond", DataType::kBool, {}));
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("no 'then_branch' body"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("gave no subgraphs"), std::string::npos) << e.reason;
}

TEST(ControlFlowIf, UnknownBodyNodeMakesItUnknownNamingTheNode) {
  NodeView bad = Node("NoSuchOp", 16);
  bad.name = "mystery";
  Estimate e = ExpectOk(EstimateNode(If("if", {ReluNode("act")}, {bad}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("If 'if': body node else_branch/mystery (NoSuchOp) is unknown: no estimator"),
            std::string::npos)
      << e.reason;
}

TEST(ControlFlowIf, SymbolicBodyDimIsUnknown) {
  Estimate e = ExpectOk(EstimateNode(
      If("if", {SoftmaxNode("sm", DataType::kFloat, {Dim::Symbolic("batch"), Dim::Known(3), Dim::Known(4)})}, {}),
      DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("then_branch/sm (Softmax)"), std::string::npos) << e.reason;
}

TEST(ControlFlowIf, MalformedBodyNodeIsAnErrorNamingTheBranch) {
  NodeView sm = SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}));
  sm.attributes["axis"] = int64_t{7};  // rank 3
  Result<Estimate> r = EstimateNode(If("if", {sm}, {}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message.rfind("If 'if': then_branch: ", 0), 0u) << r.error().message;
}

TEST(ControlFlowIf, HugeBodyNodeOverflowsThroughEstimateNode) {
  Result<Estimate> r =
      EstimateNode(If("if", {SoftmaxNode("sm", DataType::kFloat, Dims({int64_t{1} << 40, int64_t{1} << 40, 4}))}, {}),
                   DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(ControlFlowIf, NestingPastTheLimitIsUnknown) {
  // 130 Ifs, each in the then_branch of the one above: deeper than the walk's limit of 128.
  NodeView node = If("if129", {ReluNode("act")}, {});
  for (int i = 128; i >= 0; --i) node = If("if" + std::to_string(i), {node}, {});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("nest deeper than 128"), std::string::npos) << e.reason;
}

// --- Loop ------------------------------------------------------------------------------------

TEST(ControlFlowLoop, ConstantTripCountHoldsEveryIterationsOutput) {
  // Scan output float [2, 3]: 6 * 4 = 24 B per iteration, M = 5: 120 B held until the concatenation; body
  // Softmax 192 B. cond passes through and the Loop has no cond input: exactly M iterations. 120 + 192 = 312.
  NodeView node = Loop({SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))}, 5, /*cond_passed_through=*/true,
                       {Dim::Symbolic("iterations"), Dim::Known(2), Dim::Known(3)}, {2, 3});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 312u);
  ASSERT_EQ(e.buffers.size(), 3u);
  EXPECT_EQ(e.buffers[0].name, "per_iteration_outputs[0]");
  EXPECT_EQ(e.buffers[0].bytes, 120u);
  EXPECT_EQ(e.buffers[1].name.rfind("body/sm: ", 0), 0u) << e.buffers[1].name;
}

TEST(ControlFlowLoop, ComputedCondMakesTheTripCountAnUpperBound) {
  // Same bytes, 312, but the body computes cond: the loop may stop before M.
  NodeView node = Loop({SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))}, 5, /*cond_passed_through=*/false,
                       {Dim::Symbolic("iterations"), Dim::Known(2), Dim::Known(3)}, {2, 3});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 312u);
}

TEST(ControlFlowLoop, KnownOutputShapeIsExact) {
  // The output [7, 2, 3] float is known: 7 * 6 * 4 = 168 B, whatever M is; body Relu 0.
  NodeView node = Loop({ReluNode("act")}, std::nullopt, false, Dims({7, 2, 3}), {2, 3});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 168u);
}

TEST(ControlFlowLoop, RunTimeTripCountWithScanOutputIsUnknown) {
  NodeView node =
      Loop({ReluNode("act")}, std::nullopt, false, {Dim::Symbolic("iterations"), Dim::Known(2), Dim::Known(3)}, {2, 3});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("the trip count M is a run-time value"), std::string::npos) << e.reason;
}

TEST(ControlFlowLoop, HugeTripCountIsUnknownNotAnError) {
  // Exporters write M = INT64_MAX for a while loop: M * 24 B overflows, and the loop ends on cond.
  NodeView node = Loop({ReluNode("act")}, std::numeric_limits<int64_t>::max(), false,
                       {Dim::Symbolic("iterations"), Dim::Known(2), Dim::Known(3)}, {2, 3});
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("overflows"), std::string::npos) << e.reason;
}

TEST(ControlFlowLoop, WithoutScanOutputsOnlyTheBodyCounts) {
  // One carried value, no scan output: the body's Softmax float16 96 B, exact.
  NodeView node = Node("Loop", 16);
  node.name = "loop";
  node.inputs = {Tensor("M", DataType::kInt64, {}), TensorInfo{}, Tensor("v0", DataType::kFloat16, Dims({2, 3, 4}))};
  node.outputs = {Tensor("v", DataType::kFloat16, Dims({2, 3, 4}))};
  node.subgraphs.push_back(Body("body", {SoftmaxNode("sm", DataType::kFloat16, Dims({2, 3, 4}))}));
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 96u);
}

TEST(ControlFlowLoop, NestedIfKeepsItsPathInTheBufferNames) {
  // Loop body: an If whose then_branch has Softmax 192 B and else_branch a Relu: 192, an upper bound.
  NodeView node = Node("Loop", 16);
  node.name = "loop";
  node.inputs = {Tensor("M", DataType::kInt64, {}), TensorInfo{}};
  node.subgraphs.push_back(Body(
      "body", {ReluNode("pre"), If("gate", {SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))}, {ReluNode("r")})}));
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 192u);
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[0].name.rfind("body/gate/then_branch/sm: ", 0), 0u) << e.buffers[0].name;
}

TEST(ControlFlowLoop, UnknownNodeInANestedBodyIsNamedWithItsPath) {
  NodeView bad = Node("NoSuchOp", 16);
  bad.name.clear();  // unnamed: labelled by its index in the branch
  NodeView node = Node("Loop", 16);
  node.name = "loop";
  node.inputs = {Tensor("M", DataType::kInt64, {}), TensorInfo{}};
  node.subgraphs.push_back(Body("body", {If("gate", {ReluNode("a")}, {ReluNode("b"), bad})}));
  Estimate e = ExpectOk(EstimateNode(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("body/gate (If) is unknown: If 'gate': body node else_branch/#1 (NoSuchOp) is unknown"),
            std::string::npos)
      << e.reason;
}

// --- Scan ------------------------------------------------------------------------------------

// Scan opset 16: one state float [3, 4] and one scan input float `xs` scanned over `input_axis`, one scan output
// `ys` with `output_axis`; the body holds one Softmax float [2, 3, 4] (192 B).
NodeView Scan9(std::vector<Dim> xs, int64_t input_axis, std::vector<Dim> ys, int64_t output_axis) {
  NodeView n = Node("Scan", 16);
  n.name = "scan";
  n.attributes["num_scan_inputs"] = int64_t{1};
  n.attributes["scan_input_axes"] = std::vector<int64_t>{input_axis};
  n.attributes["scan_output_axes"] = std::vector<int64_t>{output_axis};
  n.inputs = {Tensor("s0", DataType::kFloat, Dims({3, 4})), Tensor("xs", DataType::kFloat, std::move(xs))};
  n.outputs = {Tensor("s", DataType::kFloat, Dims({3, 4})), Tensor("ys", DataType::kFloat, std::move(ys))};
  n.subgraphs.push_back(Body("body", {SoftmaxNode("sm", DataType::kFloat, Dims({2, 3, 4}))}));
  return n;
}

TEST(ControlFlowScan, AxisZeroHoldsOnlyTheStateCopies) {
  // Sequence length 5 (> 2): a_ and b_, each the state's 12 * 4 = 48 B: 96; body 192. 96 + 192 = 288.
  Estimate e = ExpectOk(EstimateNode(Scan9(Dims({5, 3, 4}), 0, Dims({5, 3, 4}), 0), DefaultTarget()));
  EXPECT_EQ(e.variant, "scan9_subgraph");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 288u);
  EXPECT_EQ(e.buffers[0].name, "loop_state_copies[0]");
  EXPECT_EQ(e.buffers[0].bytes, 96u);
  EXPECT_EQ(e.buffers[0].allocator, Allocator::kTempSpace);
}

TEST(ControlFlowScan, NonZeroAxesTransposeThroughTemporaries) {
  // xs [3, 5, 4] scanned over axis 1 (length 5): transposed copy 60 * 4 = 240 B. ys [3, 5, 4] with axis 1: a
  // temporary of the same 240 B. State copies 96, body 192: 240 + 240 + 96 + 192 = 768.
  Estimate e = ExpectOk(EstimateNode(Scan9(Dims({3, 5, 4}), 1, Dims({3, 5, 4}), -2), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 768u);
  ASSERT_EQ(e.buffers.size(), 5u);  // state copies, transposed input, temporary output, Softmax's two
  EXPECT_EQ(e.buffers[1].name, "transposed_inputs[0]");
  EXPECT_EQ(e.buffers[1].bytes, 240u);
  EXPECT_EQ(e.buffers[2].name, "temporary_outputs[0]");
  EXPECT_EQ(e.buffers[2].bytes, 240u);
}

TEST(ControlFlowScan, ShortSequencesTakeFewerStateCopies) {
  // Length 2: a_ only (48 B) + body 192 = 240. Length 1: none, 192.
  EXPECT_EQ(ExpectOk(EstimateNode(Scan9(Dims({2, 3, 4}), 0, Dims({2, 3, 4}), 0), DefaultTarget())).workspace_bytes(),
            240u);
  EXPECT_EQ(ExpectOk(EstimateNode(Scan9(Dims({1, 3, 4}), 0, Dims({1, 3, 4}), 0), DefaultTarget())).workspace_bytes(),
            192u);
}

TEST(ControlFlowScan, SymbolicSequenceLengthIsAnUpperBound) {
  // Both copies counted (96) + 192 = 288, as a maximum.
  Estimate e = ExpectOk(EstimateNode(Scan9({Dim::Symbolic("seq"), Dim::Known(3), Dim::Known(4)}, 0,
                                           {Dim::Symbolic("seq"), Dim::Known(3), Dim::Known(4)}, 0),
                                     DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 288u);
}

TEST(ControlFlowScan, SymbolicTransposedInputIsUnknown) {
  Estimate e = ExpectOk(EstimateNode(
      Scan9({Dim::Symbolic("batch"), Dim::Known(5), Dim::Known(4)}, 1, Dims({3, 5, 4}), 0), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("scan input 0 'xs'"), std::string::npos) << e.reason;
}

// Scan opset 8: [sequence_lens], state float [2 (batch), 3], scan input float [2, 5 (sequence), 3]; empty body.
NodeView Scan8(bool with_lens, std::optional<std::vector<int64_t>> lens_values) {
  NodeView n = Node("Scan", 8);
  n.name = "scan8";
  n.attributes["num_scan_inputs"] = int64_t{1};
  n.inputs.push_back(with_lens ? Tensor("lens", DataType::kInt64, Dims({2})) : TensorInfo{});
  if (lens_values) n.inputs[0].int_values = lens_values;
  n.inputs.push_back(Tensor("s0", DataType::kFloat, Dims({2, 3})));
  n.inputs.push_back(Tensor("xs", DataType::kFloat, Dims({2, 5, 3})));
  n.outputs = {Tensor("s", DataType::kFloat, Dims({2, 3}))};
  n.subgraphs.push_back(Body("body", {}));
  return n;
}

TEST(ControlFlowScan, Opset8CopiesStatePerBatchRow) {
  // No sequence_lens: both rows run 5 steps, two copies of a 3 * 4 = 12 B row each: 2 rows * 2 * 12 = 48.
  Estimate e = ExpectOk(EstimateNode(Scan8(false, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.variant, "scan8_subgraph");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 48u);
}

TEST(ControlFlowScan, Opset8ConstantSequenceLensCountPerRow) {
  // Lengths {1, 2}: row 0 no copy, row 1 one copy of 12 B.
  Estimate e = ExpectOk(EstimateNode(Scan8(true, std::vector<int64_t>{1, 2}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 12u);
}

TEST(ControlFlowScan, Opset8RunTimeSequenceLensIsAnUpperBound) {
  // At most the full length 5 for each row: 48, as a maximum.
  Estimate e = ExpectOk(EstimateNode(Scan8(true, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 48u);
}

// --- Whole models: body shapes from onnx's inference, outer-scope values, --dim in bodies -------------

void SetValue(onnx::ValueInfoProto* v, const std::string& name, int type, const std::vector<testing::DimSpec>& dims,
              bool with_shape = true) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(type);
  if (!with_shape) return;
  auto* shape = tt->mutable_shape();
  for (const auto& d : dims) {
    if (d.symbol.empty())
      shape->add_dim()->set_dim_value(d.value);
    else
      shape->add_dim()->set_dim_param(d.symbol);
  }
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::vector<std::string>& ins,
                         const std::vector<std::string>& outs, const std::string& name) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : ins) n->add_input(i);
  for (const auto& o : outs) n->add_output(o);
  return n;
}

onnx::GraphProto* AddBody(onnx::NodeProto* n, const std::string& attribute) {
  auto* a = n->add_attribute();
  a->set_name(attribute);
  a->set_type(onnx::AttributeProto::GRAPH);
  a->mutable_g()->set_name(attribute);
  return a->mutable_g();
}

void AddIntAttr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void AddIntsAttr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

// y = If(cond) { then: Softmax(axis 1) of the outer-scope x } else { Identity(x) }, x float [batch, 3, 4].
GraphBuilder IfModel(testing::DimSpec batch) {
  GraphBuilder g;
  g.Input("x", kFloat, {batch, 3, 4}).Input("cond", kBool, {}).Output("y");
  auto* n = AddNode(g.proto().mutable_graph(), "If", {"cond"}, {"y"}, "gate");
  auto* then_branch = AddBody(n, "then_branch");
  AddIntAttr(AddNode(then_branch, "Softmax", {"x"}, {"t"}, "layer3_softmax"), "axis", 1);
  SetValue(then_branch->add_output(), "t", kFloat, {}, false);
  auto* else_branch = AddBody(n, "else_branch");
  AddNode(else_branch, "Identity", {"x"}, {"e"}, "pass");
  SetValue(else_branch->add_output(), "e", kFloat, {}, false);
  return g;
}

TEST(ControlFlowModel, IfBranchReadsOuterScopeShapes) {
  // x [2, 3, 4] reaches the then_branch's Softmax from the outer scope: 192 B; else Identity 0.
  auto model = Model::FromBytes(IfModel(2).Serialize(), "if.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->nodes().size(), 1u);
  const NodeView& gate = model->nodes()[0];
  ASSERT_EQ(gate.subgraphs.size(), 2u);
  ASSERT_NE(gate.subgraph("then_branch"), nullptr);
  const NodeView& softmax = gate.subgraph("then_branch")->nodes.at(0);
  EXPECT_EQ(softmax.inputs.at(0).dims.size(), 3u);
  EXPECT_EQ(softmax.outputs.at(0).dims.at(0).value, 2);  // inferred inside the branch
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const Estimate& e = estimate->nodes[0].estimate;
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 192u);
  EXPECT_EQ(e.buffers.at(0).name.rfind("then_branch/layer3_softmax: ", 0), 0u) << e.buffers[0].name;
}

TEST(ControlFlowModel, DimBoundOnTheMainGraphReachesTheBody) {
  ModelOptions options;
  options.dims["batch"] = 2;
  auto model = Model::FromBytes(IfModel("batch").Serialize(), "if.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  EXPECT_EQ(estimate->nodes[0].estimate.workspace_bytes(), 192u);  // 2 * 24 * 4 with batch 2
}

TEST(ControlFlowModel, UnboundDimInTheBodyIsUnknownNamingTheBodyNode) {
  ModelOptions options;
  options.allow_symbolic = true;
  auto model = Model::FromBytes(IfModel("batch").Serialize(), "if.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const Estimate& e = estimate->nodes[0].estimate;
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("then_branch/layer3_softmax (Softmax) is unknown"), std::string::npos) << e.reason;
}

TEST(ControlFlowModel, AnUnboundDimReadOnlyInsideABodyNamesTheIf) {
  // x is read only by the then_branch's Softmax: the If that holds it is where to look.
  auto model = Model::FromBytes(IfModel("batch").Serialize(), "if.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("If 'gate' in its then_branch: input 'x' dim 0 is the symbolic dim 'batch'"),
            std::string::npos)
      << model.error().message;
}

// ys = Loop(M = 3 (a constant), no cond, carried v = x [batch, 3, 4]); body: v declared [batch, 3, 4] (onnx clears
// carried shapes, so the declared one is what the body has), Softmax(axis 1) of v as the scan output, and v
// passed on; cond passes through.
GraphBuilder LoopModel() {
  GraphBuilder g;
  g.Input("x", kFloat, {"batch", 3, 4}).Output("v_final").Output("ys");
  auto* m = g.proto().mutable_graph()->add_initializer();
  m->set_name("M");
  m->set_data_type(kInt64);
  m->add_int64_data(3);  // a scalar
  auto* n = AddNode(g.proto().mutable_graph(), "Loop", {"M", "", "x"}, {"v_final", "ys"}, "loop");
  auto* body = AddBody(n, "body");
  SetValue(body->add_input(), "i", kInt64, {});
  SetValue(body->add_input(), "c", kBool, {});
  SetValue(body->add_input(), "v", kFloat, {"batch", 3, 4});
  AddIntAttr(AddNode(body, "Softmax", {"v"}, {"y"}, "sm"), "axis", 1);
  AddNode(body, "Identity", {"v"}, {"v_next"}, "carry");
  SetValue(body->add_output(), "c", kBool, {});
  SetValue(body->add_output(), "v_next", kFloat, {}, false);
  SetValue(body->add_output(), "y", kFloat, {}, false);
  return g;
}

TEST(ControlFlowModel, LoopWithConstantTripCountAndDimBoundInsideTheBody) {
  // batch 2: Softmax float [2, 3, 4] 192 B; scan output 24 * 4 = 96 B per iteration, 3 iterations: 288 held.
  // cond passes through and the Loop has no cond input: exact. 288 + 192 = 480.
  ModelOptions options;
  options.dims["batch"] = 2;
  auto model = Model::FromBytes(LoopModel().Serialize(), "loop.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const Estimate& e = estimate->nodes[0].estimate;
  EXPECT_EQ(e.exactness, Exactness::kExact) << e.reason;
  EXPECT_EQ(e.workspace_bytes(), 480u);
  EXPECT_EQ(e.buffers.at(0).bytes, 288u);
}

// [s_final, ys] = Scan(s0 float [3, 4], xs float [5, 3, 4], scan_output_axes [1]); body inputs declared without
// shapes (Scan's inference gives them [3, 4]): s_next = Add(s, x), y = Softmax(axis 0) of x.
TEST(ControlFlowModel, ScanBodyInputsAreTypedByInference) {
  GraphBuilder g;
  g.Input("s0", kFloat, {3, 4}).Input("xs", kFloat, {5, 3, 4}).Output("s_final").Output("ys");
  auto* n = AddNode(g.proto().mutable_graph(), "Scan", {"s0", "xs"}, {"s_final", "ys"}, "scan");
  AddIntAttr(n, "num_scan_inputs", 1);
  AddIntsAttr(n, "scan_output_axes", {1});
  auto* body = AddBody(n, "body");
  SetValue(body->add_input(), "s", kFloat, {}, false);
  SetValue(body->add_input(), "x", kFloat, {}, false);
  AddNode(body, "Add", {"s", "x"}, {"s_next"}, "acc");
  AddIntAttr(AddNode(body, "Softmax", {"x"}, {"y"}, "sm"), "axis", 0);
  SetValue(body->add_output(), "s_next", kFloat, {}, false);
  SetValue(body->add_output(), "y", kFloat, {}, false);
  auto model = Model::FromBytes(g.Serialize(), "scan.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  // State copies: length 5, two of 12 * 4 = 48 B: 96. ys [3, 5, 4] through a temporary: 60 * 4 = 240.
  // Body Softmax over axis 0 of [3, 4]: two temporaries of 48 B, 96. 96 + 240 + 96 = 432.
  const Estimate& e = estimate->nodes[0].estimate;
  EXPECT_EQ(e.exactness, Exactness::kExact) << e.reason;
  EXPECT_EQ(e.workspace_bytes(), 432u);
}

TEST(ControlFlowModel, NodeAndJsonShowTheBodyBuffers) {
  const auto path = IfModel(2).SaveTo(testing::TempDir("control_flow_cli") + "/if.onnx");
  auto node = testing::RunWsest({path, "--node", "gate"});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  EXPECT_NE(node.out.find("then_branch/layer3_softmax: "), std::string::npos) << node.out;
  auto json = testing::RunWsest({path, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto buffers = nlohmann::json::parse(json.out)["nodes"][0]["buffers"];
  ASSERT_EQ(buffers.size(), 2u);
  EXPECT_EQ(buffers[0]["bytes"], 96);
  EXPECT_EQ(buffers[0]["name"].get<std::string>().rfind("then_branch/layer3_softmax: ", 0), 0u);
}

// torch's F.pad export inside an If branch (Silero VAD's stft): the pads are a Concat of Constants in
// the body, a value onnx 1.12 does not propagate inside a body. x [2, 3, 4]; pads [0, 0, 1, 0, 0, 1]
// pad the last axis by 1 on each side: Pad's output [2, 3, 6], read by Softmax(axis 1).
GraphBuilder IfPadModel() {
  GraphBuilder g;
  g.Input("x", kFloat, {2, 3, 4}).Input("cond", kBool, {}).Output("y");
  auto* n = AddNode(g.proto().mutable_graph(), "If", {"cond"}, {"y"}, "gate");
  auto* then_branch = AddBody(n, "then_branch");
  for (const char* name : {"pads_begin", "pads_end"}) {
    auto* c = AddNode(then_branch, "Constant", {}, {name}, name);
    auto* a = c->add_attribute();
    a->set_name("value_ints");
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : {0, 0, 1}) a->add_ints(v);
  }
  AddIntAttr(AddNode(then_branch, "Concat", {"pads_begin", "pads_end"}, {"pads"}, "pads"), "axis", 0);
  AddNode(then_branch, "Pad", {"x", "pads"}, {"padded"}, "pad");
  AddIntAttr(AddNode(then_branch, "Softmax", {"padded"}, {"t"}, "softmax"), "axis", 1);
  SetValue(then_branch->add_output(), "t", kFloat, {}, false);
  auto* else_branch = AddBody(n, "else_branch");
  AddNode(else_branch, "Identity", {"x"}, {"e"}, "pass");
  SetValue(else_branch->add_output(), "e", kFloat, {}, false);
  return g;
}

TEST(ControlFlowModel, ShapeComputationsInsideABodyAreFolded) {
  auto model = Model::FromBytes(IfPadModel().Serialize(), "if_pad.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const Subgraph* then_branch = model->nodes().at(0).subgraph("then_branch");
  ASSERT_NE(then_branch, nullptr);
  const NodeView& softmax = then_branch->nodes.at(4);
  ASSERT_EQ(softmax.op_type, "Softmax");
  const std::vector<Dim>& padded = softmax.inputs.at(0).dims;
  ASSERT_EQ(padded.size(), 3u);
  EXPECT_TRUE(padded[0].known() && padded[1].known() && padded[2].known());
  EXPECT_EQ(padded[0].value * 100 + padded[1].value * 10 + padded[2].value, 236);
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const Estimate& e = estimate->nodes[0].estimate;
  // The IfModel's Softmax(axis 1) of [2, 3, 4] floats (96 B) takes 192 B: twice the tensor. [2, 3, 6] is 144 B: 288.
  EXPECT_EQ(e.exactness, Exactness::kUpperBound) << e.reason;
  EXPECT_EQ(e.workspace_bytes(), 288u);
}

TEST(ControlFlowModel, ABodysConstantsAreItsWeights) {
  // IfPadModel's then_branch holds two Constant nodes of 3 int64 each: 2 x 3 x 8 = 48 B, the model's
  // only weights (ORT makes a body's Constants initializers of its subgraph and places them).
  auto model = Model::FromBytes(IfPadModel().Serialize(), "if_pad.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const Subgraph* then_branch = model->nodes().at(0).subgraph("then_branch");
  ASSERT_NE(then_branch, nullptr);
  ASSERT_EQ(then_branch->initializers.size(), 2u);
  EXPECT_EQ(then_branch->initializers[0].name, "pads_begin");
  EXPECT_EQ(model->initializer_bytes(), 0u);
  EXPECT_EQ(WeightBytes(*model).value(), 48u);
}

// torch's `if x.shape[0] == 2:` on a static shape: cond = Equal(Gather(Shape(x), 0), 2) with x [2, 3, 4].
// The then_branch reshapes x to [6, 4], the else_branch passes it on: onnx merges [6, 4] and
// [2, 3, 4] into no shape, ORT runs the then_branch. The Softmax after the If reads [6, 4].
TEST(ControlFlowModel, AnIfOnAFoldedConditionGivesItsBranchsShapes) {
  GraphBuilder g;
  g.Input("x", kFloat, {2, 3, 4}).Output("z");
  auto* graph = g.proto().mutable_graph();
  for (const auto& [name, values] :
       std::vector<std::pair<std::string, std::vector<int64_t>>>{{"zero", {}}, {"two", {}}, {"rows", {6, 4}}}) {
    auto* t = graph->add_initializer();
    t->set_name(name);
    t->set_data_type(kInt64);
    if (values.empty()) {
      t->add_int64_data(name == "two" ? 2 : 0);  // 0-D
    } else {
      t->add_dims(static_cast<int64_t>(values.size()));
      for (int64_t v : values) t->add_int64_data(v);
    }
  }
  AddNode(graph, "Shape", {"x"}, {"shape"}, "shape");
  AddNode(graph, "Gather", {"shape", "zero"}, {"batch"}, "batch");
  AddNode(graph, "Equal", {"batch", "two"}, {"cond"}, "is_two");
  auto* n = AddNode(graph, "If", {"cond"}, {"y"}, "gate");
  auto* then_branch = AddBody(n, "then_branch");
  AddNode(then_branch, "Reshape", {"x", "rows"}, {"t"}, "flatten");
  SetValue(then_branch->add_output(), "t", kFloat, {}, false);
  auto* else_branch = AddBody(n, "else_branch");
  AddNode(else_branch, "Identity", {"x"}, {"e"}, "pass");
  SetValue(else_branch->add_output(), "e", kFloat, {}, false);
  AddIntAttr(AddNode(graph, "Softmax", {"y"}, {"z"}, "softmax"), "axis", 1);
  auto model = Model::FromBytes(g.Serialize(), "if_shape.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const NodeView& softmax = model->nodes().back();
  ASSERT_EQ(softmax.op_type, "Softmax");
  const std::vector<Dim>& y = softmax.inputs.at(0).dims;
  ASSERT_EQ(y.size(), 2u);
  EXPECT_TRUE(y[0].known() && y[0].value == 6 && y[1].known() && y[1].value == 4);
  // The If itself counts only the branch that runs.
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  int ifs = 0;
  for (const auto& n : estimate->nodes) {
    if (n.op_type != "If") continue;
    ++ifs;
    EXPECT_NE(n.estimate.reason.find("only the then_branch runs"), std::string::npos) << n.estimate.reason;
  }
  EXPECT_EQ(ifs, 1);
}

}  // namespace
}  // namespace wsest
