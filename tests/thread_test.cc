// Concurrency (issue 9): an EP may call GetCapability from several sessions at once, so the public
// API must be usable from many threads: loads racing on the first use of the schema registry, and
// one Model estimated, rebound and written from 8 threads together. Every thread must see the
// answer a single thread sees. Run under ThreadSanitizer by tools/robustness.sh (build-tsan).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace wsest
