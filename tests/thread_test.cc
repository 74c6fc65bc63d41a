// Concurrency (issue 9): an EP may call GetCapability from several sessions at once, so the public
// API must be usable from many threads: loads racing on the first use of the schema registry, and
// one Model estimated, rebound and written from 8 threads together. Every thread must see the
// answer a single thread sees. Run under ThreadSanitizer by tools/robustness.sh (build-tsan).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <iterator>
#include <optional>
#include <thread>
#include <vector>

#include "src/block_threads.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/registry.h"
#include "wsest/verdict.h"

namespace wsest {
namespace {

constexpr int kThreads = 8;

std::string DemoModel(const std::string& name) {
  std::ifstream in(std::string(WSEST_SOURCE_DIR) + "/fuzz/corpus/model/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A small model over several estimator families, with one symbolic dim.
std::string MixedModel() {
  testing::GraphBuilder g;
  g.Input("x", onnx::TensorProto::FLOAT16, {"batch", 64, 8, 8});
  for (const char* p : {"scale", "bias", "mean", "var"}) g.Input(p, onnx::TensorProto::FLOAT16, {64});
  g.Input("a", onnx::TensorProto::FLOAT, {"batch", 32}).Input("b", onnx::TensorProto::FLOAT, {32, 16});
  g.Output("y").Output("z").Output("m");
  g.Node("BatchNormalization", {"x", "scale", "bias", "mean", "var"}, {"y"}, "bn");
  g.Node("InstanceNormalization", {"x", "scale", "bias"}, {"z"}, "in");
  g.Node("Gemm", {"a", "b"}, {"m"}, "gemm");
  return g.Serialize();
}

// What must not differ between threads: per node, the variant, bytes and exactness.
std::vector<std::string> Fingerprint(const ModelEstimate& e) {
  std::vector<std::string> out;
  for (const auto& n : e.nodes) {
    const auto bytes = n.estimate.workspace_bytes();
    out.push_back(n.name + " " + n.estimate.variant + " " + (bytes ? std::to_string(*bytes) : "unknown") + " " +
                  ExactnessName(n.estimate.exactness));
  }
  return out;
}

// Runs `body(thread_index)` on kThreads threads released together.
template <typename F>
void RunTogether(F body) {
  std::atomic<int> waiting{kThreads};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      body(t);
    });
  }
  for (auto& t : threads) t.join();
}

// First in the file: in a fresh process the threads race to build the layered schema registry.
TEST(Threads, LoadFrom8ThreadsAtOnce) {
  const std::vector<std::string> models = {MixedModel(), DemoModel("bert_2layer.onnx"), DemoModel("gpt2_2layer.onnx")};
  ModelOptions options;
  options.dims = {{"batch", 2}};
  std::vector<std::vector<std::string>> seen(kThreads);
  RunTogether([&](int t) {
    const std::string& bytes = models[t % models.size()];
    ModelOptions o = options;
    if (t % models.size() != 0) o.dims["sequence"] = 128;
    if (t % models.size() == 2) o = {{}, {}, true};  // gpt2_decode: leave its dims symbolic
    auto model = Model::FromBytes(bytes, "m.onnx", o);
    if (!model.ok()) {
      seen[t] = {"error: " + model.error().message};
      return;
    }
    auto estimate = EstimateModel(*model, DefaultTarget());
    seen[t] = estimate.ok() ? Fingerprint(*estimate) : std::vector<std::string>{"error: " + estimate.error().message};
  });
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_FALSE(seen[t].empty()) << "thread " << t;
    EXPECT_NE(seen[t][0].rfind("error: ", 0), 0u) << "thread " << t << ": " << seen[t][0];
    EXPECT_EQ(seen[t], seen[t % models.size()]) << "thread " << t;
  }
}

TEST(Threads, EstimateOneModelFrom8ThreadsAtOnce) {
  for (const std::string& bytes : {MixedModel(), DemoModel("bert_2layer.onnx")}) {
    ASSERT_FALSE(bytes.empty());
    ModelOptions options;
    options.dims = {{"batch", 4}};
    if (bytes != MixedModel()) options.dims["sequence"] = 256;
    auto loaded = Model::FromBytes(bytes, "m.onnx", options);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    const Model& model = *loaded;
    const Target target = DefaultTarget();
    auto reference = EstimateModel(model, target);
    ASSERT_TRUE(reference.ok()) << reference.error().message;
    const auto expected = Fingerprint(*reference);

    std::vector<int> mismatches(kThreads, 0);
    RunTogether([&](int t) {
      for (int round = 0; round < 5; ++round) {
        // The shared Model and Target, estimated as they are...
        auto estimate = EstimateModel(model, target);
        if (!estimate.ok() || Fingerprint(*estimate) != expected) ++mismatches[t];
        // ...and rebound per thread: Rebind reads the shared parsed graph.
        ModelOptions mine = options;
        mine.dims["batch"] = 1 + t;
        auto rebound = model.Rebind(mine);
        if (!rebound.ok() || !EstimateModel(*rebound, target).ok()) ++mismatches[t];
      }
    });
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  }
}

// Models rebound from one parsed graph share its declared-dims model (Model::WithDeclaredDims,
// bound once); the arena replay of every thread asks for it at once.
TEST(Threads, CheckFitFrom8ThreadsAtOnceSharesOneDeclaredDimsModel) {
  const std::string bytes = DemoModel("bert_2layer.onnx");
  ASSERT_FALSE(bytes.empty());
  ModelOptions symbolic;
  symbolic.allow_symbolic = true;
  auto loaded = Model::FromBytes(bytes, "m.onnx", symbolic);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Target target = DefaultTarget();
  auto fit_at = [&](int64_t batch) -> std::optional<uint64_t> {
    ModelOptions o;
    o.dims = {{"batch", batch}, {"sequence", 128}};
    auto m = loaded->Rebind(o);
    if (!m.ok()) return std::nullopt;
    auto e = EstimateModel(*m, target);
    if (!e.ok()) return std::nullopt;
    auto p = PlanPeak(*m, *e, {});
    if (!p.ok()) return std::nullopt;
    auto fit = CheckFit(*m, *e, *p, target, uint64_t{64} << 30);
    if (!fit.ok()) return std::nullopt;
    return fit->needed_bytes();
  };
  std::vector<std::optional<uint64_t>> seen(kThreads);
  RunTogether([&](int t) { seen[t] = fit_at(1 + t % 2); });
  const auto one = fit_at(1), two = fit_at(2);
  ASSERT_TRUE(one && two);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(seen[t], t % 2 == 0 ? one : two) << "thread " << t;
}

// A chain of `length` nodes over several estimator families (Softmax and ReduceSum ask for scratch,
// Relu takes none), so that EstimateModel's blocks of 256 nodes differ. With `wide_at`, the node at
// that position adds a [1, 2^62] float tensor: its output, [batch, 2^62] float, is 2^67 bytes at
// batch 8 and overflows 64 bits, and so does every tensor after it (no ReduceSum follows).
std::string Chain(int length, std::optional<int> wide_at = std::nullopt) {
  testing::GraphBuilder g;
  g.Opset("", 17);
  g.Input("x", onnx::TensorProto::FLOAT, {"batch", 64});
  if (wide_at) g.Input("wide", onnx::TensorProto::FLOAT, {1, int64_t{1} << 62});
  g.Int64Constant("axes", {1});
  std::string last = "x";
  for (int i = 0; i < length; ++i) {
    const std::string out = "t" + std::to_string(i);
    if (wide_at && i == *wide_at)
      g.Node("Add", {last, "wide"}, {out}, "wide_add");
    else if (i % 3 == 0)
      g.Node("Softmax", {last}, {out}, "softmax" + std::to_string(i));
    else if (i % 3 == 1 && !(wide_at && i > *wide_at))  // no reduction narrows the wide tensor again
      g.Node("ReduceSum", {last, "axes"}, {out}, "sum" + std::to_string(i));
    else
      g.Node("Relu", {last}, {out}, "relu" + std::to_string(i));
    last = out;
  }
  g.Output(last);
  return g.Serialize();
}

// The CLI estimates on several threads (EstimateOptions::threads); the answer must be one thread's.
TEST(Threads, EstimateModelOnFourThreadsGivesTheOneThreadAnswer) {
  ModelOptions options;
  options.dims = {{"batch", 8}};
  auto model = Model::FromBytes(Chain(1500), "chain.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto one = EstimateModel(*model, DefaultTarget());
  auto four = EstimateModel(*model, DefaultTarget(), EstimateOptions{4});
  ASSERT_TRUE(one.ok() && four.ok());
  ASSERT_EQ(one->nodes.size(), 1500u);
  EXPECT_EQ(Fingerprint(*four), Fingerprint(*one));
  EXPECT_EQ(four->summary.workspace_sum_bytes, one->summary.workspace_sum_bytes);
  EXPECT_EQ(four->summary.estimated, one->summary.estimated);
  EXPECT_EQ(four->summary.largest_node, one->summary.largest_node);

  // Node 700 overflows, and every node after it (blocks 3-5 fail too): the error is node 700's,
  // the first in model order, whichever thread met which failure first.
  auto wide = Model::FromBytes(Chain(1500, 700), "wide.onnx", options);
  ASSERT_TRUE(wide.ok()) << wide.error().message;
  auto wide_one = EstimateModel(*wide, DefaultTarget());
  ASSERT_FALSE(wide_one.ok());
  EXPECT_NE(wide_one.error().message.find("Add 'wide_add'"), std::string::npos) << wide_one.error().message;
  for (int round = 0; round < 20; ++round) {
    auto wide_four = EstimateModel(*wide, DefaultTarget(), EstimateOptions{4});
    ASSERT_FALSE(wide_four.ok());
    EXPECT_EQ(wide_four.error().message, wide_one.error().message);
  }
}

// The first block in order that stops decides, whichever thread met its failure first: blocks
// 3 (throws) and 5 (stops) of 8, then 2 (stops) and 4 (throws). Blocks before it all run.
TEST(Threads, ForEachBlockAnswersForTheFirstBlockThatStops) {
  for (int round = 0; round < 20; ++round) {
    std::vector<std::atomic<int>> ran(8);
    auto stopping = [&](int throws, int stops) {
      return [&ran, throws, stops](size_t begin, size_t end) {
        const size_t b = begin / 10;
        EXPECT_EQ(end, begin + 10);
        ran[b]++;
        if (static_cast<int>(b) == throws) throw std::runtime_error("block " + std::to_string(b));
        return static_cast<int>(b) != stops;
      };
    };
    try {
      ForEachBlock(80, 10, 4, stopping(3, 5));
      ADD_FAILURE() << "block 3 threw";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "block 3");
    }
    EXPECT_EQ(ForEachBlock(80, 10, 4, stopping(4, 2)), 2u);
    for (int b = 0; b <= 2; ++b) EXPECT_EQ(ran[static_cast<size_t>(b)].load(), 2) << b;  // once per call
    EXPECT_EQ(ForEachBlock(80, 10, 4, stopping(-1, -1)), 8u);
  }
}

// Everything a view holds that the second pass of Bind copies, as text to compare.
std::string ViewText(const NodeView& v) {
  auto tensor = [](const TensorInfo& t) {
    std::string out = t.name + ":" + std::to_string(static_cast<int>(t.dtype)) + ":" + std::to_string(t.rank());
    for (const Dim& d : t.dims) out += "," + (d.known() ? std::to_string(d.value) : d.symbol);
    if (t.int_values) out += ":ints" + std::to_string(t.int_values->size());
    return out + ":" + (t.is_initializer ? "w" : "") + ":" + t.shape_lost_at;
  };
  std::string out = v.name + " " + v.op_type + " " + v.domain + " " + std::to_string(v.opset) + " in";
  for (const auto& t : v.inputs) out += " " + tensor(t);
  out += " out";
  for (const auto& t : v.outputs) out += " " + tensor(t);
  return out + " attrs " + std::to_string(v.attributes.size());
}

// Bind copies values into the views on ModelOptions::threads threads; the model must be one thread's.
// The Reshape at node 700 (its shape a graph input) loses both dims, and every node after it, in
// blocks the other threads build, must name it as where the shape was lost.
TEST(Threads, LoadOnFourThreadsGivesTheOneThreadViews) {
  testing::GraphBuilder g;
  g.Opset("", 17);
  g.Input("x", onnx::TensorProto::FLOAT, {"batch", 64});
  g.Input("shape", onnx::TensorProto::INT64, {2});
  std::string last = "x";
  for (int i = 0; i < 1500; ++i) {
    const std::string out = "t" + std::to_string(i);
    if (i == 700)
      g.Node("Reshape", {last, "shape"}, {out}, "lose");
    else
      g.Node(i % 2 == 0 ? "Relu" : "Softmax", {last}, {out}, "n" + std::to_string(i));
    last = out;
  }
  g.Output(last);
  ModelOptions one_thread;
  one_thread.dims = {{"batch", 8}};
  ModelOptions four_threads = one_thread;
  four_threads.threads = 4;
  auto one = Model::FromBytes(g.Serialize(), "lose.onnx", one_thread);
  auto four = Model::FromBytes(g.Serialize(), "lose.onnx", four_threads);
  ASSERT_TRUE(one.ok() && four.ok());
  ASSERT_EQ(one->nodes().size(), 1500u);
  ASSERT_EQ(four->nodes().size(), 1500u);
  for (size_t i = 0; i < 1500; ++i) ASSERT_EQ(ViewText(four->nodes()[i]), ViewText(one->nodes()[i])) << i;
  EXPECT_EQ(four->tensor_ids().input_ids, one->tensor_ids().input_ids);
  EXPECT_EQ(four->tensor_ids().output_ids, one->tensor_ids().output_ids);
  EXPECT_EQ(four->nodes()[699].inputs[0].shape_lost_at, "");  // [8, 64] before the Reshape
  EXPECT_EQ(four->nodes()[1499].inputs[0].shape_lost_at, "Reshape 'lose'");
  EXPECT_EQ(four->nodes()[1499].outputs[0].shape_lost_at, "Reshape 'lose'");
  auto rebound = four->Rebind(four_threads);
  ASSERT_TRUE(rebound.ok()) << rebound.error().message;
  EXPECT_EQ(ViewText(rebound->nodes()[1200]), ViewText(one->nodes()[1200]));
}

// The edge check looks inputs up in blocks of 4096 nodes on ModelOptions::threads threads. Nodes
// 5000 and 9000 read names nothing provides; the error must name node 5000's, as one thread does,
// whichever block finished first. Every node after a Split that makes two outputs reads both.
TEST(Threads, LoadOnFourThreadsNamesTheFirstUnprovidedInput) {
  auto graph = [](bool broken) {
    testing::GraphBuilder g;
    g.Opset("", 17);
    g.Input("x", onnx::TensorProto::FLOAT, {8, 64});
    std::string last = "x";
    for (int i = 0; i < 10000; ++i) {
      const std::string out = "t" + std::to_string(i);
      if (broken && (i == 5000 || i == 9000))
        g.Node("Add", {last, "ghost" + std::to_string(i)}, {out}, "reads_ghost" + std::to_string(i));
      else
        g.Node(i % 2 == 0 ? "Relu" : "Sigmoid", {last}, {out}, "n" + std::to_string(i));
      last = out;
    }
    g.Output(last);
    return g.Serialize();
  };
  ModelOptions four;
  four.threads = 4;
  for (int round = 0; round < 5; ++round) {
    auto loaded = Model::FromBytes(graph(true), "ghosts.onnx", four);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().message,
              "ghosts.onnx: Add 'reads_ghost5000': input 'ghost5000' is not produced by any node, initializer or "
              "graph input");
  }
  auto one = Model::FromBytes(graph(false), "chain.onnx");
  auto threaded = Model::FromBytes(graph(false), "chain.onnx", four);
  ASSERT_TRUE(one.ok() && threaded.ok());
  ASSERT_EQ(threaded->nodes().size(), 10000u);
  for (size_t i = 0; i < 10000; i += 997) EXPECT_EQ(ViewText(threaded->nodes()[i]), ViewText(one->nodes()[i])) << i;
}

// --max-dim's second thread (FindMaxDim's threads) works probes out ahead; the search must record
// what one thread records, whatever the verdicts. The judge is asked from both threads at once.
TEST(Threads, MaxDimWithAProbeWorkedOutAheadRecordsWhatOneThreadRecords) {
  ModelOptions symbolic;
  symbolic.allow_symbolic = true;
  auto model = Model::FromBytes(Chain(24), "chain.onnx", symbolic);
  ASSERT_TRUE(model.ok()) << model.error().message;
  // The budget is the live peak at batch 17: phase 1 ends on 17 and phase 2 judges below it.
  ModelOptions at17;
  at17.dims = {{"batch", 17}};
  auto bound = model->Rebind(at17);
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  auto estimate = EstimateModel(*bound, DefaultTarget());
  ASSERT_TRUE(estimate.ok());
  auto plan = PlanPeak(*bound, *estimate, {});
  ASSERT_TRUE(plan.ok());
  const uint64_t budget = plan->peak_bytes;

  using Pattern = std::function<Verdict(int64_t)>;
  const std::vector<std::pair<std::string, Pattern>> patterns = {
      // ORT's arena on the demo BERT: 9 and 10 run out, 11 to 13 run.
      {"bert", [](int64_t b) { return b <= 8 || (b >= 11 && b <= 13) ? Verdict::kFits : Verdict::kDoesNotFit; }},
      {"up to 5", [](int64_t b) { return b <= 5 ? Verdict::kFits : Verdict::kDoesNotFit; }},
      {"up to 2", [](int64_t b) { return b <= 2 ? Verdict::kFits : Verdict::kDoesNotFit; }},
      {"up to 6, then cannot tell", [](int64_t b) { return b <= 6 ? Verdict::kFits : Verdict::kCannotTell; }},
      {"cannot tell", [](int64_t) { return Verdict::kCannotTell; }},
  };
  for (const auto& [name, verdict_at] : patterns) {
    const ProbeJudge judge = [&verdict_at](const Model& m, const ModelEstimate&,
                                           const PeakPlan&) -> Result<ProbeVerdict> {
      return ProbeVerdict{verdict_at(m.inputs()[0].dims[0].value), std::nullopt};
    };
    auto one = FindMaxDim(*model, {}, "batch", budget, DefaultTarget(), {}, int64_t{1} << 20, judge, 1);
    auto two = FindMaxDim(*model, {}, "batch", budget, DefaultTarget(), {}, int64_t{1} << 20, judge, 2);
    ASSERT_TRUE(one.ok() && two.ok()) << name;
    EXPECT_EQ(one->largest_by_live_peak, std::optional<int64_t>(17)) << name;
    EXPECT_EQ(two->largest, one->largest) << name;
    auto probes = [](const MaxDimResult& r) {
      std::vector<std::string> out;
      for (const auto& p : r.probes)
        out.push_back(std::to_string(p.value) + " " + VerdictName(p.verdict) + (p.judged ? " judged" : "") +
                      (p.live_only ? " live" : "") + " " + std::to_string(p.peak));
      return out;
    };
    EXPECT_EQ(probes(*two), probes(*one)) << name;
    ASSERT_EQ(two->model_at_largest.has_value(), one->model_at_largest.has_value()) << name;
  }
}

}  // namespace
}  // namespace wsest
