// The BFC arena replay (src/bfc_arena.h) and the session replay over it (include/wsest/session_memory.h),
// worked by hand from onnxruntime 1.29.0 core/framework/bfc_arena.cc: requests rounded to 256 B; a
// region of 1 MiB first that doubles after each extend (kNextPowerOfTwo), or doubles until a larger
// request fits and then stays; a chunk split only when it is at least twice the request or would waste
// 128 MiB; best fit by size. tests/shadow_arena_test.py checks the same replay against the binary.
#include <gtest/gtest.h>

#include "src/bfc_arena.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/session_memory.h"

namespace wsest {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST(BfcArena, RegionsDoubleFromOneMebibyte) {
  BfcArena arena{ArenaSettings{}};
  ASSERT_TRUE(arena.Allocate(300));  // 512 B out of a first 1 MiB region, the rest split off
  EXPECT_EQ(arena.held_bytes(), 1 * kMiB);
  EXPECT_EQ(arena.in_use_bytes(), 512u);
  // 1 MiB does not fit the 1 MiB - 512 B left: a second region of 2 MiB.
  ASSERT_TRUE(arena.Allocate(1 * kMiB));
  EXPECT_EQ(arena.held_bytes(), 3 * kMiB);
  EXPECT_EQ(arena.regions(), (std::vector<uint64_t>{1 * kMiB, 2 * kMiB}));
}

TEST(BfcArena, LargeRequestDoublesUntilItFitsAndDoesNotSplitSmallWaste) {
  BfcArena arena{ArenaSettings{}};
  // 5 MiB: 1 -> 2 -> 4 -> 8 MiB. 8 MiB < 2 x 5 MiB and the 3 MiB rest < 128 MiB: no split.
  ASSERT_TRUE(arena.Allocate(5 * kMiB));
  EXPECT_EQ(arena.held_bytes(), 8 * kMiB);
  EXPECT_EQ(arena.in_use_bytes(), 8 * kMiB);
  // The next region is the 8 MiB reached (no doubling after a grow-to-fit), then 16 MiB.
  ASSERT_TRUE(arena.Allocate(1 * kMiB));
  EXPECT_EQ(arena.held_bytes(), 16 * kMiB);
  // 5 MiB again: the second region's 7 MiB rest serves it whole (7 < 2 x 5, 2 MiB waste).
  ASSERT_TRUE(arena.Allocate(5 * kMiB));
  EXPECT_EQ(arena.held_bytes(), 16 * kMiB);
  EXPECT_EQ(arena.in_use_bytes(), 16 * kMiB);
}

// The peak of requests in use counts each request rounded, not the chunk that serves it: 5 MiB
// takes a whole 8 MiB chunk (unsplit) but counts 5 MiB; with 1 MiB beside it the peak is 6 MiB,
// and freeing then taking 512 B (300 rounded) does not raise it.
TEST(BfcArena, PeakOfRequestsInUseCountsRequestsNotChunks) {
  BfcArena arena{ArenaSettings{}};
  auto big = arena.Allocate(5 * kMiB);
  ASSERT_TRUE(big);
  EXPECT_EQ(arena.in_use_bytes(), 8 * kMiB);
  EXPECT_EQ(arena.peak_requested_in_use_bytes(), 5 * kMiB);
  ASSERT_TRUE(arena.Allocate(1 * kMiB));
  EXPECT_EQ(arena.peak_requested_in_use_bytes(), 6 * kMiB);
  arena.Free(*big);
  ASSERT_TRUE(arena.Allocate(300));
  EXPECT_EQ(arena.peak_requested_in_use_bytes(), 6 * kMiB);
}

TEST(BfcArena, SameAsRequestedTakesExactRegions) {
  ArenaSettings s;
  s.extend = ArenaSettings::Extend::kSameAsRequested;
  BfcArena arena(s);
  ASSERT_TRUE(arena.Allocate(300));  // rounded to 512
  ASSERT_TRUE(arena.Allocate(700));  // rounded to 768
  EXPECT_EQ(arena.held_bytes(), 512u + 768u);
}

TEST(BfcArena, FreedNeighboursMergeAndServeALargerRequest) {
  BfcArena arena{ArenaSettings{}};
  auto a = arena.Allocate(512), b = arena.Allocate(512);
  ASSERT_TRUE(a && b);
  arena.Free(*a);
  arena.Free(*b);
  // The region is one free 1 MiB chunk again: a 1 MiB request needs no second region.
  ASSERT_TRUE(arena.Allocate(1 * kMiB));
  EXPECT_EQ(arena.held_bytes(), 1 * kMiB);
}

TEST(BfcArena, AStreamsFreedChunkStaysItsOwnUntilReleased) {
  for (const bool release : {false, true}) {
    BfcArena arena{ArenaSettings{}};
    auto a = arena.Allocate(512, /*stream=*/1);
    ASSERT_TRUE(a);
    arena.Free(*a);  // free, but tagged 1: it does not merge with the untagged rest
    if (release) arena.ReleaseStream(1);
    ASSERT_TRUE(arena.Allocate(1 * kMiB, /*stream=*/2));
    // Without the release neither free chunk holds 1 MiB: a 2 MiB region. With it, the merged 1 MiB.
    EXPECT_EQ(arena.held_bytes(), release ? 1 * kMiB : 3 * kMiB) << "release " << release;
  }
}

TEST(BfcArena, MemoryLimitClampsTheRegionThenRefuses) {
  ArenaSettings s;
  s.memory_limit = 3 * kMiB / 2;
  BfcArena arena(s);
  ASSERT_TRUE(arena.Allocate(1 * kMiB));
  // The next region would be 2 MiB; 512 KiB is left under the limit, so it is 512 KiB.
  ASSERT_TRUE(arena.Allocate(256 * 1024));
  EXPECT_EQ(arena.held_bytes(), 3 * kMiB / 2);
  // 256 KiB of that region is free; 300 KiB is not, and nothing is left to extend by.
  EXPECT_FALSE(arena.Allocate(300 * 1024));
}

TEST(BfcArena, AFailedCudaMallocIsRetriedAtNinetyPercent) {
  ArenaSettings s;
  s.device_bytes = 3 * kMiB / 2;
  BfcArena arena(s);
  ASSERT_TRUE(arena.Allocate(1 * kMiB));
  // 300000 B -> 300032. The 2 MiB region does not fit the 512 KiB the device has left; retried at
  // RoundedBytes(float(bytes) * 0.9f): 2097152, 1887488, 1698816, 1529088, 1376256, 1238784, 1115136,
  // 1003776, 903424, 813312, 732160, 658944, 593152, 534016, 480768 (the first <= 524288, >= 300032).
  ASSERT_TRUE(arena.Allocate(300000));
  EXPECT_EQ(arena.regions(), (std::vector<uint64_t>{1 * kMiB, 480768}));
}

TEST(BfcArena, ReservationsAreExactAndGoBack) {
  BfcArena arena{ArenaSettings{}};
  const auto r = arena.Reserve(516);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(arena.held_bytes(), 516u);  // not rounded, outside the regions
  arena.Free(*r);
  EXPECT_EQ(arena.held_bytes(), 0u);
}

// A reservation is a plain cudaMalloc: past the device's memory it fails (nothing retried), and
// gpu_mem_limit does not apply to it (BFCArena::Reserve checks no limit).
TEST(BfcArena, ReservationsFailPastTheDeviceNotTheLimit) {
  ArenaSettings settings;
  settings.device_bytes = 1000;
  settings.memory_limit = 100;
  BfcArena arena{settings};
  ASSERT_TRUE(arena.Reserve(600).has_value());  // over memory_limit, under the device: taken
  EXPECT_FALSE(arena.Reserve(401).has_value());  // 600 + 401 > 1000
  EXPECT_TRUE(arena.Reserve(400).has_value());   // exactly the rest
  EXPECT_EQ(arena.held_bytes(), 1000u);
}

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

// x [262144] f32 (1 MiB) + W (1 MiB weight) -> a; Relu(a) -> b in place (MayInplace, a's last reader);
// Relu(b) -> y, a graph output.
//  Session: W -> region 1 MiB (next 2 MiB)                                         held 1 MiB
//  Run 1:   x -> region 2 MiB (split, next 4 MiB); a -> its 1 MiB rest;
//           y -> region 4 MiB (split)                                              held 7 MiB
//  Run 2:   pattern block = a's 1 MiB. After run 1 the stream's chunks merge: 2 MiB and 4 MiB free.
//           x -> the 2 MiB (best fit, split); block -> its 1 MiB rest; y -> the 4 MiB    held 7 MiB
Model AddReluRelu() {
  GraphBuilder g;
  g.Input("x", kFloat, {262144}).Weight("w", kFloat, {262144}).Output("y");
  g.Node("Add", {"x", "w"}, {"a"}, "add");
  g.Node("Relu", {"a"}, {"b"}, "relu_1");
  g.Node("Relu", {"b"}, {"y"}, "relu_2");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  EXPECT_TRUE(model.ok()) << model.error().message;
  return std::move(*model);
}

TEST(SessionMemory, HeldBytesOfASmallChainByHand) {
  const Model model = AddReluRelu();
  auto estimate = EstimateModel(model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  auto memory = SimulateSessionMemory(model, *estimate, DefaultTarget());
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_EQ(memory->initializer_bytes, 1 * kMiB);
  EXPECT_EQ(memory->session.median, 1 * kMiB);
  EXPECT_EQ(memory->first_run.median, 7 * kMiB);
  EXPECT_TRUE(memory->memory_pattern_used);
  EXPECT_EQ(memory->pattern_block_bytes, 1 * kMiB);  // a and b share one buffer
  EXPECT_EQ(memory->steady.median, 7 * kMiB);
  EXPECT_EQ(memory->steady.min, memory->steady.max);  // one initializer: one order
  EXPECT_FALSE(memory->lower_bound());
}

// Two weights, 1 MiB and 3 MiB, each read by its own Add. Their order decides the regions:
//  1 MiB first: region 1 MiB (next 2); 3 MiB: 2 -> 4 MiB region, unsplit (4 < 6, 1 MiB waste)  = 5 MiB
//  3 MiB first: 1 -> 2 -> 4 MiB region (next stays 4); 1 MiB: a 4 MiB region                  = 8 MiB
TEST(SessionMemory, InitializerOrderDecidesTheRegions) {
  GraphBuilder g;
  g.Input("x1", kFloat, {262144}).Input("x2", kFloat, {786432});
  g.Weight("w1", kFloat, {262144}).Weight("w2", kFloat, {786432}).Output("y1").Output("y2");
  g.Node("Add", {"x1", "w1"}, {"y1"}, "add_1");
  g.Node("Add", {"x2", "w2"}, {"y2"}, "add_2");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  auto sampled = SimulateSessionMemory(*model, *estimate, DefaultTarget());
  ASSERT_TRUE(sampled.ok()) << sampled.error().message;
  EXPECT_EQ(sampled->session.min, 5 * kMiB);
  EXPECT_EQ(sampled->session.max, 8 * kMiB);
  for (const auto& [order, held] : std::vector<std::pair<std::vector<uint64_t>, uint64_t>>{
           {{1 * kMiB, 3 * kMiB}, 5 * kMiB}, {{3 * kMiB, 1 * kMiB}, 8 * kMiB}}) {
    SessionMemoryOptions options;
    options.initializer_order = order;
    auto exact = SimulateSessionMemory(*model, *estimate, DefaultTarget(), options);
    ASSERT_TRUE(exact.ok()) << exact.error().message;
    EXPECT_EQ(exact->session.median, held);
    EXPECT_EQ(exact->session.min, exact->session.max);
  }
  // An order that is not the plan's initializers is refused, not replayed.
  SessionMemoryOptions wrong;
  wrong.initializer_order = {1 * kMiB};
  EXPECT_FALSE(SimulateSessionMemory(*model, *estimate, DefaultTarget(), wrong).ok());
}

TEST(SessionMemory, SameAsRequestedHoldsWhatIsAsked) {
  const Model model = AddReluRelu();
  Target target = DefaultTarget();
  ASSERT_TRUE(target.ep.SetProviderOption("arena_extend_strategy", "kSameAsRequested").ok());
  auto estimate = EstimateModel(model, target);
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  auto memory = SimulateSessionMemory(model, *estimate, target);
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  // Session W 1 MiB; run 1: x, a, y one region each (1 + 3 MiB); run 2 reuses them.
  EXPECT_EQ(memory->session.median, 1 * kMiB);
  EXPECT_EQ(memory->first_run.median, 4 * kMiB);
  EXPECT_EQ(memory->steady.median, 4 * kMiB);
}

TEST(SessionMemory, ArenaOptionsORTRefusesAreErrors) {
  Target target = DefaultTarget();
  ASSERT_TRUE(target.ep.SetProviderOption("arena_extend_strategy", "kDoubling").ok());
  EXPECT_FALSE(ArenaSettingsFor(target).ok());
  target = DefaultTarget();
  ASSERT_TRUE(target.ep.SetProviderOption("gpu_mem_limit", "-5").ok());
  EXPECT_FALSE(ArenaSettingsFor(target).ok());
  ASSERT_TRUE(target.ep.SetProviderOption("gpu_mem_limit", "2147483648").ok());
  auto s = ArenaSettingsFor(target);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->memory_limit, uint64_t{2147483648});
}

// Where ORT places the weights bodies read (checked against the binary in tests/shadow_arena_test.py on
// Silero VAD, whose decoder LSTM weights are Constants of one branch read in a nested If):
//   w_main  float [1024]      a main-graph weight only then_branch's Add reads      4096 B on the device
//   big     float [256, 256]  then_branch's, read by a MatMul in a nested If      262144 B on the device
//   idx     int64 []          then_branch's, Gather's indices into Shape(x): ORT's CPU fallback moves
//                             the Gather to the CPU (its inputs are a host tensor and a small weight)
//                                                                                      0 B on the device
// 4096 + 262144 = 266240 B.
TEST(SessionMemory, BodiesWeightsGoWhereTheirReadersAreNestedBodiesIncluded) {
  GraphBuilder g(/*opset=*/13);
  g.Input("x", kFloat, {4, 1024}).Input("y", kFloat, {4, 256}).Weight("w_main", kFloat, {1024});
  g.Input("cond", onnx::TensorProto::BOOL, {}).Input("cond2", onnx::TensorProto::BOOL, {});
  g.Output("a").Output("n");
  auto node = [](onnx::GraphProto* graph, const char* op, std::vector<std::string> in, std::string out) {
    onnx::NodeProto* n = graph->add_node();
    n->set_op_type(op);
    n->set_name(out + "_node");
    for (auto& i : in) n->add_input(i);
    n->add_output(out);
    return n;
  };
  auto branch = [](onnx::NodeProto* n, const char* name) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::GRAPH);
    a->mutable_g()->set_name(name);
    return a->mutable_g();
  };
  onnx::NodeProto* outer = g.Node("If", {"cond"}, {"a", "n"}, "outer").proto();
  onnx::GraphProto* then_branch = branch(outer, "then_branch");
  onnx::TensorProto* big = then_branch->add_initializer();
  big->set_name("big");
  big->set_data_type(kFloat);
  big->add_dims(256);
  big->add_dims(256);
  big->set_data_location(onnx::TensorProto::EXTERNAL);
  onnx::StringStringEntryProto* where = big->add_external_data();
  where->set_key("location");
  where->set_value("weights.bin");
  onnx::TensorProto* idx = then_branch->add_initializer();
  idx->set_name("idx");
  idx->set_data_type(onnx::TensorProto::INT64);
  idx->add_int64_data(0);
  node(then_branch, "Shape", {"x"}, "s");
  node(then_branch, "Gather", {"s", "idx"}, "d");
  node(then_branch, "Add", {"x", "w_main"}, "ta");
  onnx::NodeProto* inner = node(then_branch, "If", {"cond2"}, "tn");
  node(branch(inner, "then_branch"), "MatMul", {"y", "big"}, "m");
  inner->mutable_attribute(0)->mutable_g()->add_output()->set_name("m");
  node(branch(inner, "else_branch"), "Identity", {"y"}, "i");
  inner->mutable_attribute(1)->mutable_g()->add_output()->set_name("i");
  then_branch->add_output()->set_name("ta");
  then_branch->add_output()->set_name("tn");
  onnx::GraphProto* else_branch = branch(outer, "else_branch");
  node(else_branch, "Relu", {"x"}, "ea");
  node(else_branch, "Identity", {"y"}, "en");
  else_branch->add_output()->set_name("ea");
  else_branch->add_output()->set_name("en");

  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  auto memory = SimulateSessionMemory(*model, *estimate, DefaultTarget());
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_EQ(memory->initializer_bytes, 266240u);
}

}  // namespace
}  // namespace wsest
