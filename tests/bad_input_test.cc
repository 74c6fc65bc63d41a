// The bad-input suite of issue 9: what a hostile or broken model does to the CLI (exit code and
// the exact message) and to the API (error code and message). Nothing here may crash, hang or
// print a wrong number; each case pins what the user sees.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <climits>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
using testing::RunWsest;
constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kFloat16 = onnx::TensorProto::FLOAT16;
constexpr int kBool = onnx::TensorProto::BOOL;
constexpr int kInt64 = onnx::TensorProto::INT64;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// A model with a bit of everything a parser walks: symbolic and fixed dims, an external weight,
// a small inline int64 initializer, attributes, two opset domains.
GraphBuilder MixedModel() {
  GraphBuilder g;
  g.Opset("com.microsoft", 1);
  g.Input("x", kFloat, {"batch", 64}).Output("y");
  g.Weight("w", kFloat, {64, 32});
  g.Int64Constant("shape", {-1, 32});
  g.Node("MatMul", {"x", "w"}, {"h"}, "fc");
  g.Node("Gelu", {"h"}, {"g"}, "act", "com.microsoft");
  g.Node("Reshape", {"g", "shape"}, {"r"}, "flat");
  g.Node("LayerNormalization", {"r", "w_ln"}, {"y"}, "ln").Attr("epsilon", 1e-5f);
  g.Weight("w_ln", kFloat, {32});
  return g;
}

std::string Err(const std::string& path, const std::string& message) {
  return "wsest: error: " + path + ": " + message + "\n";
}

const char* const kParseFailed = "not a valid ONNX model (protobuf parse failed: truncated or not a ModelProto)";

// --- Files that are not models --------------------------------------------------------------

TEST(BadInput, EmptyFile) {
  const auto dir = testing::TempDir("bad_empty");
  WriteFile(dir + "/empty.onnx", "");
  auto r = RunWsest({dir + "/empty.onnx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(dir + "/empty.onnx", "the file is empty, not an ONNX model"));
  EXPECT_EQ(r.out, "");
  auto api = Model::Load(dir + "/empty.onnx");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
}

TEST(BadInput, Directory) {
  const auto dir = testing::TempDir("bad_directory");
  auto r = RunWsest({dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(dir, "is a directory, not an ONNX model"));
  auto api = Model::Load(dir);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
}

TEST(BadInput, MissingFile) {
  const auto dir = testing::TempDir("bad_missing");
  auto r = RunWsest({dir + "/nope.onnx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(dir + "/nope.onnx", "no such file"));
  auto api = Model::Load(dir + "/nope.onnx");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kNotFound);
}

TEST(BadInput, TextIsNotAProtobuf) {
  const auto dir = testing::TempDir("bad_text");
  WriteFile(dir + "/m.onnx", "this is not a protobuf\n");
  auto r = RunWsest({dir + "/m.onnx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(dir + "/m.onnx", kParseFailed));
}

TEST(BadInput, AProtobufThatIsNotAModel) {
  // A TensorProto parses as a ModelProto (dims reads as ir_version, the rest lands in unknown
  // fields) but has no graph.
  onnx::TensorProto tensor;
  tensor.add_dims(3);
  tensor.set_data_type(kFloat);
  tensor.add_float_data(1.0f);
  const auto dir = testing::TempDir("bad_tensor");
  WriteFile(dir + "/tensor.onnx", tensor.SerializeAsString());
  auto r = RunWsest({dir + "/tensor.onnx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(dir + "/tensor.onnx", "not an ONNX model (no graph)"));
}

TEST(BadInput, ModelWithoutOpsetImport) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"});
  g.proto().clear_opset_import();
  auto api = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(api.error().message, "m.onnx: not an ONNX model (no opset_import)");
}

// --- Damaged models -----------------------------------------------------------------------

TEST(BadInput, TruncatedAtEveryEighth) {
  const auto dir = testing::TempDir("bad_truncated");
  const std::string bytes = MixedModel().Serialize();
  for (int eighth = 1; eighth < 8; ++eighth) {
    const std::string path = dir + "/cut" + std::to_string(eighth) + ".onnx";
    WriteFile(path, bytes.substr(0, bytes.size() * eighth / 8));
    auto r = RunWsest({path, "--dim", "batch=2"});
    EXPECT_EQ(r.exit_code, 2) << eighth << "/8";
    EXPECT_EQ(r.err, Err(path, kParseFailed)) << eighth << "/8";
    EXPECT_EQ(r.out, "");
  }
}

// Every single-bit flip of a small model, through the API: each either loads or fails with an
// error that names the model; none crashes, throws or is reported as a wsest bug (kInternal).
// A handful go through the CLI too: exit 0 or 2, one error line.
TEST(BadInput, EveryBitFlip) {
  const std::string bytes = MixedModel().Serialize();
  ASSERT_LT(bytes.size(), 1000u);
  ModelOptions options;
  options.dims["batch"] = 2;
  size_t loaded = 0, failed = 0;
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::string flipped = bytes;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    auto model = Model::FromBytes(flipped, "m.onnx", options);
    if (!model.ok()) {
      ++failed;
      EXPECT_NE(model.error().code, ErrorCode::kInternal) << "bit " << bit << ": " << model.error().message;
      const auto& m = model.error().message;
      EXPECT_TRUE(m.rfind("m.onnx", 0) == 0 || m.rfind("--dim", 0) == 0) << "bit " << bit << ": " << m;
      continue;
    }
    ++loaded;
    auto estimate = EstimateModel(*model, DefaultTarget());
    if (!estimate.ok()) {
      EXPECT_NE(estimate.error().code, ErrorCode::kInternal) << estimate.error().message;
    }
  }
  EXPECT_GT(loaded, 0u);
  EXPECT_GT(failed, 0u);

  const auto dir = testing::TempDir("bad_bitflip");
  for (size_t byte = 0; byte < bytes.size(); byte += bytes.size() / 7) {
    std::string flipped = bytes;
    flipped[byte] = static_cast<char>(flipped[byte] ^ 0x10);
    const std::string path = dir + "/flip" + std::to_string(byte) + ".onnx";
    WriteFile(path, flipped);
    auto r = RunWsest({path, "--dim", "batch=2"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << "byte " << byte << ": exit " << r.exit_code << " " << r.err;
    if (r.exit_code == 2) {
      EXPECT_EQ(r.err.rfind("wsest: error: ", 0), 0u) << r.err;
      EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    }
  }
}

// --- Versions and domains -----------------------------------------------------------------

TEST(BadInput, IrVersionNewerThanSupported) {
  GraphBuilder g(17, 12);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"});
  const auto path = g.SaveTo(testing::TempDir("bad_ir") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "IR version 12 is newer than the newest supported (11)"));
}

TEST(BadInput, OpsetNewerThanSupported) {
  GraphBuilder g(25);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"});
  const auto path = g.SaveTo(testing::TempDir("bad_opset") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "opset 25 of domain 'ai.onnx' is newer than the newest supported (24)"));

  GraphBuilder ms;
  ms.Opset("com.microsoft", 2);
  ms.Input("x", kFloat, {2}).Output("y");
  ms.Node("FastGelu", {"x"}, {"y"}, "g", "com.microsoft");
  auto api = Model::FromBytes(ms.Serialize(), "m.onnx");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(api.error().message, "m.onnx: opset 2 of domain 'com.microsoft' is newer than the newest supported (1)");
}

TEST(BadInput, NewerImportNoNodeUsesIsAccepted) {
  // ORT writes an ai.onnx.ml opset 5 import into every model it saves (optimized_model_filepath),
  // whether or not a node uses the domain.
  GraphBuilder g;
  g.Opset("ai.onnx.ml", 5);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"});
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->nodes().size(), 1u);
}

TEST(BadInput, UnknownDomainIsUnknownNotAnError) {
  GraphBuilder g;
  g.Opset("com.example", 3);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Mystery", {"x"}, {"y"}, "m", "com.example");
  const auto path = g.SaveTo(testing::TempDir("bad_domain") + "/m.onnx");
  auto r = RunWsest({path, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["nodes"][0]["exactness"], "unknown");
  EXPECT_TRUE(doc["nodes"][0]["workspace_bytes"].is_null());
  auto strict = RunWsest({path, "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_EQ(strict.err,
            "wsest: error: --strict: 1 node(s) have no estimate; first: Mystery 'm': no estimator for "
            "com.example.Mystery at opset 3\n");
}

TEST(BadInput, NodeDomainWithoutOpsetImport) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Mystery", {"x"}, {"y"}, "m", "com.example");
  const auto path = g.SaveTo(testing::TempDir("bad_domain_import") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "Mystery 'm': domain 'com.example' has no opset_import entry"));
}

// --- Dims ---------------------------------------------------------------------------------

TEST(BadInput, DimAbove2To62) {
  const int64_t huge = (int64_t{1} << 62) + 1;
  // Even a kernel with no scratch: its tensor, (2^62 + 1) * 3 * 4 bytes, does not fit in 64 bits, and a
  // size that counted 0 would let a budget verdict say "fits".
  GraphBuilder relu;
  relu.Input("x", kFloat, {huge, 3}).Output("y");
  relu.Node("Relu", {"x"}, {"y"}, "act");
  const auto dir = testing::TempDir("bad_huge_dim");
  const auto relu_path = relu.SaveTo(dir + "/relu.onnx");
  auto r = RunWsest({relu_path, "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "wsest: error: Relu 'act': the byte size of tensor 'x' ([4611686018427387905, 3] float) overflows 64 bits; "
            "check the input dims\n");

  // One whose scratch scales with it: fp16 BatchNormalization keeps fp32 copies of C channels.
  GraphBuilder bn;
  bn.Input("x", kFloat16, {1, huge, 1, 1});
  for (const char* p : {"scale", "bias", "mean", "var"}) bn.Input(p, kFloat16, {huge});
  bn.Output("y");
  bn.Node("BatchNormalization", {"x", "scale", "bias", "mean", "var"}, {"y"}, "bn");
  auto bn_r = RunWsest({bn.SaveTo(dir + "/bn.onnx")});
  EXPECT_EQ(bn_r.exit_code, 2);
  EXPECT_EQ(bn_r.err,
            "wsest: error: BatchNormalization 'bn': the byte count of buffer 'f_scale' of variant "
            "'cudnn_inference_fp32_params' overflows 64 bits; check the input dims\n");

  // Weights whose declared size overflows 64 bits.
  GraphBuilder w;
  w.Input("x", kFloat, {2}).Output("y");
  w.Weight("big", kFloat, {huge, 4});
  w.Node("Relu", {"x"}, {"y"});
  const auto w_path = w.SaveTo(dir + "/weights.onnx");
  auto w_r = RunWsest({w_path});
  EXPECT_EQ(w_r.exit_code, 2);
  EXPECT_EQ(w_r.err, Err(w_path, "the initializers' total size overflows 64 bits"));
  auto api = Model::Load(w_path);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kOutOfRange);

  // --dim at the int64 limit binds (and the tensor it sizes overflows, named); one past it is not an
  // integer.
  GraphBuilder sym;
  sym.Input("x", kFloat, {"batch", 3}).Output("y");
  sym.Node("Relu", {"x"}, {"y"}, "act");
  const auto sym_path = sym.SaveTo(dir + "/sym.onnx");
  auto limit = RunWsest({sym_path, "--dim", "batch=9223372036854775807"});
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_NE(limit.err.find("the byte size of tensor 'x' ([9223372036854775807, 3] float) overflows"), std::string::npos)
      << limit.err;
  auto past = RunWsest({sym_path, "--dim", "batch=9223372036854775808"});
  EXPECT_EQ(past.exit_code, 2);
  EXPECT_EQ(past.err, "wsest: error: --dim 'batch=9223372036854775808': expected name=integer or name=low..high\n");
}

TEST(BadInput, NegativeDim) {
  const auto dir = testing::TempDir("bad_negative_dim");
  GraphBuilder input;
  input.Input("x", kFloat, {2, -3}).Output("y");
  input.Node("Relu", {"x"}, {"y"}, "relu");
  const auto input_path = input.SaveTo(dir + "/input.onnx");
  auto r = RunWsest({input_path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(input_path, "graph input 'x' dim 1 is negative (-3)"));

  GraphBuilder weight;
  weight.Input("x", kFloat, {2, 3}).Output("y");
  weight.Weight("w", kFloat, {3, -4});
  weight.Node("MatMul", {"x", "w"}, {"y"}, "fc");
  const auto weight_path = weight.SaveTo(dir + "/weight.onnx");
  auto w = RunWsest({weight_path});
  EXPECT_EQ(w.exit_code, 2);
  EXPECT_EQ(w.err, Err(weight_path, "initializer 'w' dim 1 is negative (-4)"));

  GraphBuilder sym;
  sym.InputNoShape("x", kFloat).Output("y");
  sym.Node("Relu", {"x"}, {"y"}, "relu");
  const auto sym_path = sym.SaveTo(dir + "/noshape.onnx");
  auto flag = RunWsest({sym_path, "--input", "x=2,-1"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.err, "wsest: error: --input 'x=2,-1': '-1' is not a non-negative integer dim\n");
  auto dim = RunWsest({sym_path, "--dim", "batch=-1"});
  EXPECT_EQ(dim.exit_code, 2);
  EXPECT_EQ(dim.err, "wsest: error: --dim 'batch=-1': a dim cannot be negative\n");

  ModelOptions options;
  options.input_shapes["x"] = {2, -1};
  auto api = Model::FromBytes(sym.Serialize(), "m.onnx", options);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(api.error().message, "m.onnx: --input x: negative dim -1");
}

TEST(BadInput, RankTheOpForbids) {
  GraphBuilder g;
  g.Input("a", kFloat, {2, 3, 4}).Input("b", kFloat, {4, 5}).Output("y");
  g.Node("Gemm", {"a", "b"}, {"y"}, "fc");
  const auto path = g.SaveTo(testing::TempDir("bad_rank") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "shape inference failed: [ShapeInferenceError] Shape inference error(s): (op_type:Gemm, "
                             "node name: fc): [ShapeInferenceError] First input does not have rank 2"));
}

// --- Graph structure ----------------------------------------------------------------------

TEST(BadInput, Cycle) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("c");
  g.Node("Add", {"x", "b"}, {"a"}, "first");
  g.Node("Relu", {"a"}, {"b"}, "second");
  g.Node("Relu", {"a"}, {"c"}, "third");
  const auto path = g.SaveTo(testing::TempDir("bad_cycle") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "the graph has a cycle through Add 'first'"));
}

TEST(BadInput, DuplicateOutputNames) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "one");
  g.Node("Neg", {"x"}, {"y"}, "two");
  const auto path = g.SaveTo(testing::TempDir("bad_duplicate") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "Neg 'two': output 'y' is also produced by Relu 'one'"));
}

TEST(BadInput, NodeInputNothingProduces) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Add", {"x", "ghost"}, {"y"}, "add");
  const auto path = g.SaveTo(testing::TempDir("bad_ghost") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "Add 'add': input 'ghost' is not produced by any node, initializer or graph input"));
}

// A model-local function that calls itself: onnx 1.12's inference would recurse until the stack
// runs out.
TEST(BadInput, RecursiveLocalFunction) {
  GraphBuilder g(17, 8);
  g.Opset("local", 1);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("F", {"x"}, {"y"}, "call", "local");
  auto* f = g.proto().add_functions();
  f->set_name("F");
  f->set_domain("local");
  f->add_input("a");
  f->add_output("b");
  auto* op = f->add_opset_import();
  op->set_domain("local");
  op->set_version(1);
  auto* self = f->add_node();
  self->set_op_type("F");
  self->set_domain("local");
  self->add_input("a");
  self->add_output("b");
  const auto path = g.SaveTo(testing::TempDir("bad_recursive_function") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, "function 'local.F' calls itself (local.F -> local.F)"));
}

// --- Weights and size limits --------------------------------------------------------------

TEST(BadInput, MissingExternalDataStillEstimates) {
  // weights.bin is referenced and never written: wsest never reads weights.
  const auto dir = testing::TempDir("bad_external_missing");
  const auto path = MixedModel().SaveTo(dir + "/m.onnx");
  ASSERT_FALSE(std::filesystem::exists(dir + "/weights.bin"));
  auto r = RunWsest({path, "--dim", "batch=4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["summary"]["nodes"], 4);
}

TEST(BadInput, ExternalDataOver2GiBEstimates) {
  // A small graph whose weights (16 GiB, float [2^30, 4]) live in a sparse external file.
  const auto dir = testing::TempDir("bad_external_big");
  GraphBuilder g;
  g.Input("x", kFloat, {2, 4}).Output("y");
  g.Weight("w", kFloat, {int64_t{1} << 30, 4});
  g.Node("Gather", {"w", "i"}, {"g"}, "embed");
  g.Input("i", kInt64, {2});
  g.Node("Relu", {"x"}, {"y"}, "act");
  const auto path = g.SaveTo(dir + "/m.onnx");
  { std::ofstream create(dir + "/weights.bin"); }
  ASSERT_EQ(truncate((dir + "/weights.bin").c_str(), int64_t{1} << 34), 0);
  auto r = RunWsest({path, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = Model::Load(path);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->initializer_bytes(), uint64_t{4} << 32);  // 2^30 * 4 elements * 4 bytes = 16 GiB
  std::filesystem::remove(dir + "/weights.bin");
}

TEST(BadInput, OnnxFileOver2GiBIsProtobufsLimit) {
  // A sparse 2 GiB + 1 file: no disk used, and wsest must not try to read it.
  const auto dir = testing::TempDir("bad_over_2gib");
  const std::string path = dir + "/huge.onnx";
  { std::ofstream create(path); }
  const off_t size = off_t{INT_MAX} + 2;  // 2^31 + 1
  ASSERT_EQ(truncate(path.c_str(), size), 0);
  const auto start = std::chrono::steady_clock::now();
  auto r = RunWsest({path});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path,
                       "2147483649 bytes is over protobuf's 2 GiB limit for one message; save the model with its "
                       "weights as external data (onnx.save_model(..., save_as_external_data=True)) and wsest reads "
                       "only the graph"));
  EXPECT_LT(seconds, 5.0);
  auto api = Model::Load(path);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  std::filesystem::remove(path);
}

// --- Deeply nested subgraphs --------------------------------------------------------------

// Builds `out` from `in` inside `graph`: at each level an If, a Loop or a Scan (in turn) whose body
// holds the next level; the innermost is a Relu. "cond" and "xs" are top-level inputs, visible in
// every body.
void Nest(onnx::GraphProto* graph, const std::string& in, const std::string& out, int level, int depth) {
  auto value = [](onnx::ValueInfoProto* v, const std::string& name, int type, std::vector<int64_t> dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
  };
  auto node = [](onnx::GraphProto* g, const std::string& op, std::vector<std::string> ins,
                 std::vector<std::string> outs) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(outs[0]);
    for (auto& i : ins) n->add_input(i);
    for (auto& o : outs) n->add_output(o);
    return n;
  };
  auto subgraph = [](onnx::NodeProto* n, const std::string& name) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::GRAPH);
    a->mutable_g()->set_name(name);
    return a->mutable_g();
  };
  if (level == depth) {
    node(graph, "Relu", {in}, {out});
    return;
  }
  switch (level % 3) {
    case 0: {  // If(cond): then nests, else passes `in` through
      auto* n = node(graph, "If", {"cond"}, {out});
      auto* then_branch = subgraph(n, "then_branch");
      Nest(then_branch, in, out + "t", level + 1, depth);
      value(then_branch->add_output(), out + "t", kFloat, {2});
      auto* else_branch = subgraph(n, "else_branch");
      node(else_branch, "Identity", {in}, {out + "e"});
      value(else_branch->add_output(), out + "e", kFloat, {2});
      break;
    }
    case 1: {  // Loop(no trip count, no condition, v = in)
      auto* n = node(graph, "Loop", {"", "", in}, {out});
      auto* body = subgraph(n, "body");
      value(body->add_input(), out + "i", kInt64, {});
      value(body->add_input(), out + "c", kBool, {});
      value(body->add_input(), out + "v", kFloat, {2});
      Nest(body, out + "v", out + "n", level + 1, depth);
      node(body, "Identity", {out + "c"}, {out + "co"});
      value(body->add_output(), out + "co", kBool, {});
      value(body->add_output(), out + "n", kFloat, {2});
      break;
    }
    default: {  // Scan(state = in, scan over xs)
      auto* n = node(graph, "Scan", {in, "xs"}, {out, out + "ys"});
      auto* a = n->add_attribute();
      a->set_name("num_scan_inputs");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(1);
      auto* body = subgraph(n, "body");
      value(body->add_input(), out + "s", kFloat, {2});
      value(body->add_input(), out + "x", kFloat, {2});
      Nest(body, out + "s", out + "n", level + 1, depth);
      node(body, "Identity", {out + "x"}, {out + "y"});
      value(body->add_output(), out + "n", kFloat, {2});
      value(body->add_output(), out + "y", kFloat, {2});
      break;
    }
  }
}

GraphBuilder Nested(int depth) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Input("cond", kBool, {}).Input("xs", kFloat, {3, 2}).Output("y");
  Nest(g.proto().mutable_graph(), "x", "y", 0, depth);
  return g;
}

TEST(BadInput, NestedSubgraphsWithinTheLimitEstimate) {
  // Each level is three protobuf messages deep (graph, node, attribute): 80 levels stay under
  // the parser's recursion limit of 256, and onnx's inference walks them all.
  const auto path = Nested(80).SaveTo(testing::TempDir("bad_nested_ok") + "/m.onnx");
  const auto start = std::chrono::steady_clock::now();
  auto r = RunWsest({path, "--json"});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["nodes"][0]["op_type"], "If");
  EXPECT_LT(seconds, 10.0);
}

TEST(BadInput, NestedSubgraphs1000DeepFailCleanly) {
  const auto path = Nested(1000).SaveTo(testing::TempDir("bad_nested_deep") + "/m.onnx");
  auto r = RunWsest({path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, Err(path, kParseFailed));
  auto api = Model::Load(path);
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
}

// --- Limits: inputs near 10 MB stay fast -------------------------------------------------

// CPU seconds, not wall time: CI machines are shared.
double CpuSeconds(const std::function<void()>& f) {
  const std::clock_t start = std::clock();
  f();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

TEST(BadInput, ManySymbolicDimsStayLinear) {
  // One input with 500,000 distinct symbolic dims (about 8 MB).
  GraphBuilder g;
  g.Input("x", kFloat, {}).Output("y");
  auto* shape = g.proto().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  for (int i = 0; i < 500000; ++i) shape->add_dim()->set_dim_param("d" + std::to_string(i));
  g.Node("Relu", {"x"}, {"y"}, "act");
  const std::string bytes = g.Serialize();
  ASSERT_LT(bytes.size(), 10u << 20);
  const double seconds = CpuSeconds([&] {
    auto model = Model::FromBytes(bytes, "m.onnx");
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.error().code, ErrorCode::kFailedPrecondition);
  });
  RecordProperty("seconds", std::to_string(seconds));
  // About 0.5 s in an optimized build (the list of names used to be searched once per name:
  // quadratic, minutes); the bound leaves room for sanitizers.
  EXPECT_LT(seconds, 5.0);
}

// fuzz/model_fuzzer.cc found this (reproducer: fuzz/corpus/model/crash_mha_present_overflow.onnx).
// present_key's length is past + new; bound near int64's top, the sum overflowed in ops/common.cc
// AddDims (UBSan: signed integer overflow; a wrapped negative dim otherwise).
TEST(BadInput, PresentLengthPastInt64IsAnError) {
  GraphBuilder g;
  g.Opset("com.microsoft", 1);
  g.Input("q", kFloat16, {1, 1, 64}).Input("k", kFloat16, {1, "new", 64}).Input("v", kFloat16, {1, "new", 64});
  g.Input("past_key", kFloat16, {1, 4, "past", 16}).Input("past_value", kFloat16, {1, 4, "past", 16});
  g.Output("y").Output("present_key").Output("present_value");
  g.Node("MultiHeadAttention", {"q", "k", "v", "", "", "", "past_key", "past_value"},
         {"y", "present_key", "present_value"}, "mha", "com.microsoft")
      .Attr("num_heads", 4);
  ModelOptions options;
  options.dims = {{"past", int64_t{1} << 62}, {"new", int64_t{1} << 62}};
  auto model = Model::FromBytes(g.Serialize(), "m.onnx", options);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(model.error().message.find("dim 4611686018427387904 + 4611686018427387904 overflows int64"),
            std::string::npos)
      << model.error().message;
  EXPECT_NE(model.error().message.find("mha"), std::string::npos) << model.error().message;
}

// The same wrap in ops/'s Split-18 and Pad-18 rules, whose sizes come from the model's constants.
TEST(BadInput, SplitAndPadSizesPastInt64AreErrors) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  {
    GraphBuilder g(18);
    g.Input("x", kFloat, {4, 8}).Output("a").Output("b");
    g.Int64Constant("split", {kMax, 1});
    g.Node("Split", {"x", "split"}, {"a", "b"}, "split_node");
    auto model = Model::FromBytes(g.Serialize(), "m.onnx");
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(model.error().message.find("dim 9223372036854775807 + 1 overflows int64"), std::string::npos)
        << model.error().message;
  }
  {
    GraphBuilder g(18);
    g.Input("x", kFloat, {2, 3}).Output("y");
    g.Int64Constant("pads", {kMax, 0, 0, 0});  // x's dim 0 (2) + kMax
    g.Node("Pad", {"x", "pads"}, {"y"}, "pad_node");
    auto model = Model::FromBytes(g.Serialize(), "m.onnx");
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(model.error().message.find("dim 2 + 9223372036854775807 overflows int64"), std::string::npos)
        << model.error().message;
  }
}

// fuzz/model_fuzzer.cc found this (reproducer: fuzz/corpus/model/crash_conv_zero_stride.onnx): onnx
// 1.12's convPoolShapeInference divides by each stride, so a zero stride was SIGFPE. The pools share
// it, and AveragePool-19 reaches it through ops/'s own rule (opset 19).
TEST(BadInput, ZeroOrNegativeStrideIsAnError) {
  struct Case {
    const char* op;
    int opset;
    std::vector<int64_t> strides;
  };
  for (const Case& c : {Case{"Conv", 17, {2, 0}}, Case{"ConvTranspose", 17, {0, 1}}, Case{"MaxPool", 17, {1, -1}},
                        Case{"AveragePool", 19, {0, 0}}, Case{"LpPool", 17, {0, 2}}}) {
    SCOPED_TRACE(c.op);
    GraphBuilder g(c.opset);
    g.Input("x", kFloat, {1, 3, 8, 8}).Output("y");
    const bool conv = std::string(c.op).rfind("Conv", 0) == 0;
    std::vector<std::string> inputs = {"x"};
    if (conv) {
      g.Weight("w", kFloat, {3, 3, 3, 3});
      inputs.push_back("w");
    }
    auto node = g.Node(c.op, inputs, {"y"}, "strided");  // a NodeBuilder by value: keep it, not a reference
    node.Attr("strides", c.strides);
    if (!conv) node.Attr("kernel_shape", std::vector<int64_t>{2, 2});
    auto model = Model::FromBytes(g.Serialize(), "m.onnx");
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
    const int64_t bad = c.strides[0] <= 0 ? c.strides[0] : c.strides[1];
    EXPECT_NE(model.error().message.find("attribute strides has " + std::to_string(bad) +
                                         "; every stride must be positive"),
              std::string::npos)
        << model.error().message;
    EXPECT_NE(model.error().message.find("strided"), std::string::npos) << model.error().message;
  }
}

// --- Flags ----------------------------------------------------------------------------------

// fuzz/args_fuzzer.cc found these (reproducer: fuzz/corpus/args/crash_budget_dot). A budget of
// digits and dots with no digit made std::stold throw through main(): abort, exit 134.
TEST(BadInput, BudgetWithoutDigitsIsAnError) {
  const auto dir = testing::TempDir("bad_budget");
  const std::string path = dir + "/m.onnx";
  WriteFile(path, MixedModel().Serialize());
  for (const std::string budget : {".", ".GiB"}) {
    auto result = RunWsest({path, "--dim", "batch=1", "--budget", budget});
    EXPECT_EQ(result.exit_code, 2) << budget;
    EXPECT_EQ(result.err, "wsest: error: --budget: '" + budget +
                              "' is not a byte size; write e.g. 8GiB, 512MiB, 16GB or 1000000\n");
  }
  // 5000 digits: out of long double's range, which std::stold also threw on.
  EXPECT_FALSE(ParseByteSize(std::string(5000, '9')).ok());
}

// Sizes between 2^63 and 2^64 went through llround's long long and all came out as 2^63.
TEST(BadInput, BudgetPastInt64IsExact) {
  EXPECT_EQ(ParseByteSize("12000000000000000000").value(), 12000000000000000000ull);
  // 10^7 TiB = 10^7 * 2^40.
  EXPECT_EQ(ParseByteSize("10000000TiB").value(), 10000000ull << 40);
  EXPECT_EQ(ParseByteSize("18446744073709551614").value(), 18446744073709551614ull);
  EXPECT_FALSE(ParseByteSize("18446744073709551615").ok());  // the bound: 2^64 - 1 is refused
  EXPECT_EQ(ParseByteSize("0.5KiB").value(), 512u);
}

}  // namespace
}  // namespace wsest
