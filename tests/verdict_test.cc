// "Will it fit?": the three-valued verdict (include/wsest/verdict.h) on hand-made replays, and the
// CLI's --budget / --arena on a graph whose arena is worked out by hand.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "estimators/estimators.h"
#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/verdict.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
using testing::RunWsest;
constexpr int kFloat = onnx::TensorProto::FLOAT;

SessionMemory Replayed(size_t orders, size_t out_of_memory) {
  SessionMemory m;
  m.orders = orders;
  m.orders_out_of_memory = out_of_memory;
  m.session = {100, 90, 110};
  m.first_run = {300, 280, 320};
  m.steady = {300, 280, 320};
  if (out_of_memory > 0) {
    m.out_of_memory = true;
    m.out_of_memory_at = "run 1, Conv 'c1'";
  }
  return m;
}

PeakPlan WithCublas(uint64_t bytes) {
  PeakPlan plan;
  plan.cublas_bytes = bytes;
  return plan;
}

ModelEstimate OneUnknownConv() {
  ModelEstimate e;
  e.device = "h100-sxm";
  NodeEstimate n;
  n.name = "c1";
  n.op_type = "Conv";
  n.estimate.exactness = Exactness::kUnknown;
  n.estimate.reason = "cuDNN decides";
  e.nodes.push_back(n);
  return e;
}

TEST(Verdict, NoOrderRunsOutAndNothingUnknownFits) {
  const FitAnswer a = JudgeFit(Replayed(9, 0), WithCublas(32), ModelEstimate{}, 1000);
  EXPECT_EQ(a.verdict, Verdict::kFits);
  EXPECT_TRUE(a.reasons.empty());
  // held_max: the largest of the three points, per statistic: first_run's 320 at most.
  EXPECT_EQ(a.held.max, 320u);
  EXPECT_EQ(a.needed_bytes(), 352u);  // 320 + cuBLAS 32
  EXPECT_EQ(a.arena_budget, 968u);    // 1000 - 32
}

TEST(Verdict, EveryOrderOutOfMemoryDoesNotFitEvenWithUnknowns) {
  SessionMemory m = Replayed(9, 9);
  m.unknown_workspace_nodes = 1;  // counted 0: knowing it would only need more
  const FitAnswer a = JudgeFit(m, WithCublas(32), OneUnknownConv(), 1000);
  EXPECT_EQ(a.verdict, Verdict::kDoesNotFit);
  EXPECT_EQ(a.out_of_memory_at, "run 1, Conv 'c1'");
}

TEST(Verdict, SomeOrdersOutOfMemoryCannotTell) {
  const FitAnswer a = JudgeFit(Replayed(9, 3), WithCublas(32), ModelEstimate{}, 1000);
  EXPECT_EQ(a.verdict, Verdict::kCannotTell);
  ASSERT_EQ(a.reasons.size(), 1u);
  EXPECT_NE(a.reasons[0].find("3 of 9 sampled orders"), std::string::npos) << a.reasons[0];
}

TEST(Verdict, UnknownNodeCannotTellAndNamesIt) {
  SessionMemory m = Replayed(9, 0);
  m.unknown_workspace_nodes = 1;
  m.unsized_tensors = 2;
  const FitAnswer a = JudgeFit(m, WithCublas(32), OneUnknownConv(), 1000);
  EXPECT_EQ(a.verdict, Verdict::kCannotTell);
  ASSERT_EQ(a.reasons.size(), 2u);
  EXPECT_NE(a.reasons[0].find("(Conv 'c1'); the first: cuDNN decides;"), std::string::npos) << a.reasons[0];
  EXPECT_NE(a.reasons[0].find("a GPU record for h100-sxm"), std::string::npos) << a.reasons[0];
  EXPECT_NE(a.reasons[1].find("2 tensor(s) have no known size"), std::string::npos) << a.reasons[1];
}

TEST(Verdict, BudgetBelowCublasDoesNotFit) {
  const FitAnswer a = JudgeFit(Replayed(9, 0), WithCublas(32), ModelEstimate{}, 31);
  EXPECT_EQ(a.verdict, Verdict::kDoesNotFit);
}

TEST(Verdict, Names) {
  EXPECT_STREQ(VerdictName(Verdict::kFits), "fits");
  EXPECT_STREQ(VerdictName(Verdict::kDoesNotFit), "does_not_fit");
  EXPECT_STREQ(VerdictName(Verdict::kCannotTell), "cannot_tell");
}

// x [1,256] float = 1024 B; w [256] float = 1024 B (weight); Relu, Mul, Relu, Add, every tensor 1024 B.
GraphBuilder Diamond() { return testing::DiamondGraph(); }

uint64_t Cublas() { return estimators::CublasHandleWorkspaceBytes(*FindDevice("h100-sxm")); }

TEST(Verdict, CliOnAGraphWorkedByHand) {
  const auto model = Diamond().SaveTo(testing::TempDir("verdict_cli") + "/d.onnx");
  constexpr uint64_t kMiB = 1 << 20;
  // The arena's first region is DEFAULT_INITIAL_CHUNK_SIZE_BYTES, 1 MiB (core/framework/bfc_arena.h);
  // the 1024 B weight, the feed's copy and the 1024 B activations (at most 4 KiB at once) all fit
  // in it, so the arena holds 1 MiB after session creation, in run 1 and after; the smallest
  // gpu_mem_limit in 1 MiB steps is that one region.
  auto fits = RunWsest({model, "--budget", "8GiB", "--json"});
  ASSERT_EQ(fits.exit_code, 0) << fits.err;
  const auto doc = nlohmann::json::parse(fits.out);
  EXPECT_EQ(doc["budget"]["verdict"], "fits");
  EXPECT_EQ(doc["budget"]["fits"], true);
  EXPECT_EQ(doc["memory"]["arena"]["session_bytes"], kMiB);
  EXPECT_EQ(doc["memory"]["arena"]["first_run_peak_bytes"], kMiB);
  EXPECT_EQ(doc["memory"]["arena"]["steady_bytes"], kMiB);
  EXPECT_EQ(doc["memory"]["arena"]["gpu_mem_limit_needed_bytes"], kMiB);
  EXPECT_EQ(doc["memory"]["arena"]["library_handle_workspaces"]["cublas_bytes"], Cublas());
  EXPECT_EQ(doc["budget"]["needed_bytes"], kMiB + Cublas());
  EXPECT_EQ(doc["budget"]["margin_bytes"], static_cast<int64_t>((8ull << 30) - kMiB - Cublas()));

  // 512 B for the arena: its first region backs off by 10% from 1 MiB until below the 1024 B
  // request (BFCArena::Extend) and the session cannot even place its weight.
  auto over = RunWsest({model, "--budget", std::to_string(Cublas() + 512)});
  EXPECT_EQ(over.exit_code, 1) << over.err;
  EXPECT_NE(over.out.find("does NOT fit: ORT runs out of memory in every sampled order (session creation"),
            std::string::npos)
      << over.out;

  auto text = RunWsest({model, "--arena"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("  session:      1.0 MiB\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  gpu_mem_limit: at least 1.0 MiB (1048576 B)"), std::string::npos) << text.out;
}

// A Conv with no GPU and no record has no workspace estimate (estimators/conv.cc): a budget that the
// rest fits in easily still cannot be answered, exit 3.
TEST(Verdict, CliUnknownNodeCannotTell) {
  GraphBuilder g;
  g.Input("x", kFloat, {1, 3, 32, 32}).Weight("w", kFloat, {8, 3, 3, 3}).Output("y");
  g.Node("Conv", {"x", "w"}, {"y"}, "conv1");
  const auto model = g.SaveTo(testing::TempDir("verdict_unknown") + "/c.onnx");
  auto r = RunWsest({model, "--budget", "8GiB", "--records", testing::TempDir("verdict_no_records")});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("cannot tell"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Conv 'conv1'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace wsest
