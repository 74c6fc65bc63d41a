// The ORT stats file: names made as ONNX Runtime 1.29.0 makes them, checked against the CSV real ORT
// writes (tests/ort/node_stats.js, CPU, graph optimizations and memory pattern off) for the tiny demo
// models and a graph with an omitted optional input; the columns; reading ORT's CSV back.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "src/ort_stats.h"
#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/bytes.h"
#include "wsest/model.h"
#include "wsest/plan.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

Model Load(const std::string& bytes, const ModelOptions& options = {}) {
  auto model = Model::FromBytes(bytes, "m.onnx", options);
  EXPECT_TRUE(model.ok()) << model.error().message;
  return *model;
}

std::vector<OrtStatsRow> Rows(const Model& model) {
  auto estimate = EstimateModel(model, DefaultTarget());
  EXPECT_TRUE(estimate.ok()) << estimate.error().message;
  return OrtStatsRows(model, *estimate);
}

TEST(OrtStats, ColumnsOfAHandGraph) {
  // x [2,8] float = 64 B; w [8] float = 32 B (a weight); Mul(x, w) -> m [2,8] = 64 B;
  // Add(m, m) reads m twice but counts it once.
  GraphBuilder g;
  g.Input("x", kFloat, {2, 8}).Weight("w", kFloat, {8}).Output("y");
  g.Node("Mul", {"x", "w"}, {"m"}, "mul");
  g.Node("Add", {"m", "m"}, {"y"});
  const auto rows = Rows(Load(g.Serialize()));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].input_sizes, 64u);
  EXPECT_EQ(rows[0].initializers_sizes, 32u);
  EXPECT_EQ(rows[0].total_dynamic_sizes, 64u);
  EXPECT_EQ(rows[0].total_temp_allocations, 0u);  // Mul: exact 0
  EXPECT_TRUE(rows[0].workspace_known);
  EXPECT_EQ(rows[1].input_sizes, 64u);
  EXPECT_EQ(rows[1].name.rfind("Add_", 0), 0u) << rows[1].name;  // unnamed: op type
  EXPECT_EQ(rows[0].name.rfind("mul_", 0), 0u) << rows[0].name;
}

TEST(OrtStats, ConstantNodesAreInitializersInOrt) {
  GraphBuilder g;
  g.Input("x", kFloat, {4}).Output("y");
  auto c = g.Node("Constant", {}, {"k"}, "const");
  auto* t = c.proto()->add_attribute();
  t->set_name("value");
  t->set_type(onnx::AttributeProto::TENSOR);
  t->mutable_t()->set_data_type(kFloat);
  t->mutable_t()->add_dims(4);
  for (int i = 0; i < 4; ++i) t->mutable_t()->add_float_data(1.0f);
  g.Node("Add", {"x", "k"}, {"y"}, "add");
  const auto rows = Rows(Load(g.Serialize()));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].initializers_sizes, 16u);
  EXPECT_EQ(rows[0].input_sizes, 16u);
}

TEST(OrtStats, OmittedOptionalInputIsHashed) {
  // Clip(x, "", max) and Clip(x, max) name differently: the empty name is part of the chain.
  NodeView with_gap;
  with_gap.op_type = "Clip";
  with_gap.inputs.resize(3);
  with_gap.inputs[0].name = "x";
  with_gap.inputs[2].name = "max";
  with_gap.outputs.resize(1);
  with_gap.outputs[0].name = "y";
  NodeView without = with_gap;
  without.inputs.erase(without.inputs.begin() + 1);
  EXPECT_NE(OrtNodeName(with_gap), OrtNodeName(without));
  EXPECT_EQ(OrtNodeName(with_gap).rfind("Clip_", 0), 0u);
}

TEST(OrtStats, MergeKeepsEachColumnsMaximum) {
  OrtStatsRow a{"n_1", 10, 0, 5, 7};
  OrtStatsRow b{"n_1", 3, 0, 9, 2};
  OrtStatsRow c{"m_2", 1, 1, 1, 1};
  const auto merged = MergeOrtStatsMax({{a}, {b, c}});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].name, "n_1");
  EXPECT_EQ(merged[0].input_sizes, 10u);
  EXPECT_EQ(merged[0].total_dynamic_sizes, 9u);
  EXPECT_EQ(merged[0].total_temp_allocations, 7u);
  EXPECT_EQ(merged[1].name, "m_2");
}

TEST(OrtStats, WritesAndReadsOrtsFormat) {
  std::ostringstream out;
  WriteOrtStats({OrtStatsRow{"a_1", 1, 2, 3, 4}}, out);
  EXPECT_EQ(out.str(), "#name,input_sizes,initializers_sizes,total_dynamic_sizes,total_temp_allocations\na_1,1,2,3,4\n");
  auto rows = ParseOrtStats(out.str() + "\n,0,0,0,0\n", "f.csv");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].cost(), 10u);
  auto bad = ParseOrtStats("a_1,1,2,3\n", "f.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "f.csv:1: expected 5 comma-separated fields, got 4: 'a_1,1,2,3'");
  auto negative = ParseOrtStats("a_1,1,2,-3,4\n", "f.csv");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().message, "f.csv:1: field 4 ('-3') is not a byte count");
}

TEST(OrtStats, CliWritesTheFileAndWarnsAboutUnknownWorkspace) {
  const auto dir = testing::TempDir("ort_stats_cli");
  GraphBuilder g;
  g.Opset("com.example", 1);
  g.Input("x", kFloat, {2, 8}).Output("z");
  g.Node("Relu", {"x"}, {"y"}, "act");
  g.Node("Mystery", {"y"}, {"z"}, "custom", "com.example");
  const auto model = g.SaveTo(dir + "/m.onnx");
  const auto csv = dir + "/stats.csv";
  auto r = testing::RunWsest({model, "--ort-stats", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 node(s) have no workspace estimate; their total_temp_allocations is written as 0"),
            std::string::npos) << r.err;
  std::ifstream in(csv);
  std::stringstream text;
  text << in.rdbuf();
  auto rows = ParseOrtStats(text.str(), csv);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].total_temp_allocations, 0u);
  // --strict refuses (exit 2) and writes nothing.
  std::remove(csv.c_str());
  auto strict = testing::RunWsest({model, "--ort-stats", csv, "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_FALSE(std::ifstream(csv).good());
}

// ---------------------------------------------------------------------------------------------
// Against real ONNX Runtime 1.29.0

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string RunCommand(const std::string& cmd, int* code) {
  std::string output;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *code = 127;
    return "popen failed";
  }
  char buf[4096];
  while (fgets(buf, sizeof buf, p) != nullptr) output += buf;
  const int rc = pclose(p);
  *code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return output;
}

const char* NodeDtype(DataType t) {
  switch (t) {
    case DataType::kFloat: return "float32";
    case DataType::kInt64: return "int64";
    case DataType::kInt32: return "int32";
    case DataType::kFloat16: return "float16";
    default: return "unsupported";
  }
}

struct OrtCsv {
  enum { kOk, kUnavailable, kFailed } status = kFailed;
  std::vector<OrtStatsRow> rows;
  std::string output;
};

// Runs `model_path` in real ORT with inputs shaped as `model` binds them (ones for integer inputs,
// zeros for floats) and reads back ORT's CSV.
OrtCsv RunOrtStats(const Model& model, const std::string& model_path, const std::string& dir) {
  nlohmann::json spec = {{"inputs", nlohmann::json::object()}};
  for (const auto& in : model.inputs()) {
    std::vector<int64_t> dims;
    for (const auto& d : in.dims) dims.push_back(d.value);
    nlohmann::json s = {{"dims", dims}, {"dtype", NodeDtype(in.dtype)}};
    if (in.dtype == DataType::kInt64 || in.dtype == DataType::kInt32) s["values"] = {1};
    spec["inputs"][in.name] = s;
  }
  const std::string spec_path = dir + "/spec.json";
  std::ofstream(spec_path) << spec.dump();
  const std::string csv = dir + "/ort_stats.csv";
  int code = 0;
  OrtCsv out;
  out.output = RunCommand(std::string("node ") + WSEST_SOURCE_DIR + "/tests/ort/node_stats.js " + model_path + " " +
                              spec_path + " " + csv + " 2>&1",
                          &code);
  if (code == 3 || code == 127) {
    out.status = OrtCsv::kUnavailable;
    return out;
  }
  if (code != 0) return out;
  std::ifstream in(csv);
  std::stringstream text;
  text << in.rdbuf();
  auto rows = ParseOrtStats(text.str(), csv);
  if (!rows.ok()) {
    out.output += rows.error().message;
    return out;
  }
  out.rows = std::move(*rows);
  out.status = OrtCsv::kOk;
  return out;
}

#define SKIP_OR_FAIL_WITHOUT_ORT(run)                                                                        \
  if ((run).status == OrtCsv::kUnavailable) {                                                                \
    if (InCi()) FAIL() << "ONNX Runtime unavailable under CI=true (run calibrate/fetch_ort.sh): " << (run).output; \
    GTEST_SKIP() << "ONNX Runtime unavailable (run calibrate/fetch_ort.sh): " << (run).output;                \
  }                                                                                                          \
  ASSERT_EQ((run).status, OrtCsv::kOk) << (run).output

// ORT's ops whose CPU kernels pre-pack a constant input (the packed copy replaces the initializer,
// which then no longer counts in ORT's input_sizes).
bool MayPrepack(const NodeView& node) {
  static const std::set<std::string> kOps = {"MatMul", "Gemm", "Attention", "FusedMatMul", "MatMulNBits"};
  return kOps.count(node.op_type) != 0;
}

// Names must match exactly, node for node. Columns, where ORT's mean the same as ours:
// - input_sizes: ORT counts a tensor only at the first node of the run that reads it (graph inputs
//   and initializers included), skipping constant inputs a kernel pre-packed; so its value never
//   exceeds our input_sizes + initializers_sizes, and equals it for a node that reads only graph
//   inputs and initializers no earlier node read (and pre-packs nothing).
// - total_dynamic_sizes: ORT adds an output only when it allocated it fresh (not reusing a planned
//   buffer), rounded up to kAllocAlignment = 256 (ExecutionFrame::AllocateMLValueTensorSelfOwnBufferHelper,
//   IAllocator::CalcMemSizeForArrayWithAlignment); for a single-output node with a non-zero value it
//   equals our output bytes rounded up to 256.
void CompareWithOrt(const Model& model, const std::vector<OrtStatsRow>& ours, const std::vector<OrtStatsRow>& theirs) {
  std::map<std::string, const OrtStatsRow*> by_name;
  for (const auto& r : theirs) by_name[r.name] = &r;
  std::set<std::string> our_names;
  size_t equal_inputs = 0;
  size_t equal_outputs = 0;
  std::set<std::string> read_before;
  for (const auto& row : ours) {
    our_names.insert(row.name);
    const NodeView& node = model.nodes()[row.node];
    auto it = by_name.find(row.name);
    ASSERT_NE(it, by_name.end()) << "ORT has no row named " << row.name << " (node " << node.Label() << ")";
    const OrtStatsRow& ort = *it->second;
    EXPECT_LE(ort.input_sizes, row.input_sizes + row.initializers_sizes) << row.name;
    bool fresh_sources = !MayPrepack(node);
    for (const auto& in : node.inputs) {
      if (!in.present()) continue;
      const bool source = in.is_initializer || std::any_of(model.inputs().begin(), model.inputs().end(),
                                                           [&](const TensorInfo& g) { return g.name == in.name; });
      if (!source || read_before.count(in.name)) fresh_sources = false;
    }
    for (const auto& in : node.inputs)
      if (in.present()) read_before.insert(in.name);
    if (fresh_sources) {
      EXPECT_EQ(ort.input_sizes, row.input_sizes + row.initializers_sizes) << row.name;
      ++equal_inputs;
    }
    size_t outputs = 0;
    for (const auto& o : node.outputs) outputs += o.present() ? 1 : 0;
    if (outputs == 1 && ort.total_dynamic_sizes > 0) {
      EXPECT_EQ(ort.total_dynamic_sizes, AlignUp(Bytes(row.total_dynamic_sizes), 256).value()) << row.name;
      ++equal_outputs;
    }
  }
  for (const auto& r : theirs) EXPECT_TRUE(our_names.count(r.name)) << "wsest has no row named " << r.name;
  EXPECT_EQ(ours.size(), theirs.size());
  EXPECT_GT(equal_inputs, 0u) << "no node had comparable input_sizes";
  EXPECT_GT(equal_outputs, 0u) << "no node had comparable total_dynamic_sizes";
}

class DemoModelsVsOrt : public ::testing::TestWithParam<const char*> {};

TEST_P(DemoModelsVsOrt, NamesAndSizesMatchOrtsCsv) {
  const std::string dir = testing::TempDir(std::string("ort_stats_demo_") + GetParam());
  auto made = testing::RunProgram(WSEST_DEMO_TOOL_PATH, {dir, "--tiny"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string path = dir + "/" + GetParam() + ".onnx";
  ModelOptions options;
  options.allow_symbolic = true;
  auto loaded = Model::Load(path, options);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const std::map<std::string, int64_t> values = {{"batch", 2}, {"sequence", 8}, {"past_sequence", 3},
                                                 {"total_sequence", 4}};
  ModelOptions bind;
  for (const auto& d : loaded->symbolic_dims()) {
    ASSERT_TRUE(values.count(d)) << "no test value for dim " << d;
    bind.dims[d] = values.at(d);
  }
  auto model = loaded->Rebind(bind);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto ours = Rows(*model);
  // The demo models keep one node unnamed on purpose: its row is named after its op type.
  EXPECT_TRUE(std::any_of(ours.begin(), ours.end(), [&](const OrtStatsRow& r) {
    return model->nodes()[r.node].name.empty() && r.name.rfind(model->nodes()[r.node].op_type + "_", 0) == 0;
  }));
  const OrtCsv ort = RunOrtStats(*model, path, dir);
  SKIP_OR_FAIL_WITHOUT_ORT(ort);
  CompareWithOrt(*model, ours, ort.rows);
}

INSTANTIATE_TEST_SUITE_P(Tiny, DemoModelsVsOrt, ::testing::Values("bert_base", "gpt2_decode", "resnet_small"));

TEST(OrtStatsVsOrt, OmittedOptionalInputAndUnnamedNode) {
  // Clip(x, "", cmax): the omitted min is an empty name in ORT's InputDefs and is hashed; the
  // unnamed Clip is named "Clip_<hash>". Weights are inline so ORT can run the graph.
  const std::string dir = testing::TempDir("ort_stats_optional");
  GraphBuilder g(/*opset=*/13);
  g.Input("x", kFloat, {2, 3}).Output("y");
  auto* cmax = g.proto().mutable_graph()->add_initializer();
  cmax->set_name("cmax");
  cmax->set_data_type(kFloat);
  cmax->add_float_data(0.5f);
  g.Node("Relu", {"x"}, {"r"}, "relu");
  g.Node("Clip", {"r", "", "cmax"}, {"y"});
  const std::string path = g.SaveTo(dir + "/optional.onnx");
  const Model model = Load(g.Serialize());
  const auto ours = Rows(model);
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(ours[1].name.rfind("Clip_", 0), 0u);
  const OrtCsv ort = RunOrtStats(model, path, dir);
  SKIP_OR_FAIL_WITHOUT_ORT(ort);
  CompareWithOrt(model, ours, ort.rows);
}

}  // namespace
}  // namespace wsest
