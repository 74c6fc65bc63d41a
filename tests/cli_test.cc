// The wsest binary as users run it: exit codes, exact error messages, the JSON schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_graph.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
using testing::RunWsest;
constexpr int kFloat = onnx::TensorProto::FLOAT;

std::string SmallModel(const std::string& dir) {
  GraphBuilder g;
  g.Opset("com.example", 1);
  g.Input("x", kFloat, {"batch", 8}).Output("z");
  g.Node("Relu", {"x"}, {"y"}, "act");
  g.Node("Mystery", {"y"}, {"z"}, "custom", "com.example");
  return g.SaveTo(dir + "/small.onnx");
}

TEST(Cli, JsonFollowsTheDocumentedSchema) {
  const auto model = SmallModel(testing::TempDir("cli_json"));
  auto r = RunWsest({model, "--dim", "batch=2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["model"], model);
  EXPECT_EQ(doc["device"], "h100-sxm");
  EXPECT_EQ(doc["ep"], "onnxruntime-cuda 1.29.0");
  ASSERT_EQ(doc["nodes"].size(), 2u);
  const auto& relu = doc["nodes"][0];
  EXPECT_EQ(relu["index"], 0);
  EXPECT_EQ(relu["name"], "act");
  EXPECT_EQ(relu["op_type"], "Relu");
  EXPECT_EQ(relu["domain"], "");
  EXPECT_EQ(relu["variant"], "no_scratch");
  EXPECT_EQ(relu["workspace_bytes"], 0);
  EXPECT_EQ(relu["exactness"], "exact");
  EXPECT_TRUE(relu["buffers"].is_array());
  const auto& custom = doc["nodes"][1];
  EXPECT_TRUE(custom["variant"].is_null());
  EXPECT_TRUE(custom["workspace_bytes"].is_null());
  EXPECT_EQ(custom["exactness"], "unknown");
  EXPECT_EQ(doc["summary"]["nodes"], 2);
  EXPECT_EQ(doc["summary"]["estimated"], 1);
  EXPECT_EQ(doc["summary"]["unknown"], 1);
  EXPECT_EQ(doc["summary"]["workspace_max_bytes"], 0);
  EXPECT_EQ(doc["summary"]["workspace_sum_bytes"], 0);
}

TEST(Cli, UnknownOpIsFineUnlessStrict) {
  const auto model = SmallModel(testing::TempDir("cli_strict"));
  EXPECT_EQ(RunWsest({model, "--dim", "batch=2"}).exit_code, 0);
  auto strict = RunWsest({model, "--dim", "batch=2", "--strict"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_EQ(strict.err,
            "wsest: error: --strict: 1 node(s) have no estimate; first: Mystery 'custom': no estimator for "
            "com.example.Mystery at opset 1\n");
}

TEST(Cli, UnboundDimExitsTwoAndSaysHowToBindIt) {
  const auto model = SmallModel(testing::TempDir("cli_unbound"));
  auto r = RunWsest({model});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "wsest: error: " + model +
                       ": Relu 'act': input 'x' dim 0 is the symbolic dim 'batch', which has no value; bind it with "
                       "--dim batch=VALUE (or give the shape: --input x=VALUE,8)\n");
  EXPECT_EQ(r.out, "");
}

TEST(Cli, FileErrorsExitTwo) {
  const auto dir = testing::TempDir("cli_files");
  auto missing = RunWsest({dir + "/nope.onnx"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "wsest: error: " + dir + "/nope.onnx: no such file\n");

  auto directory = RunWsest({dir});
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_EQ(directory.err, "wsest: error: " + dir + ": is a directory, not an ONNX model\n");

  { std::ofstream(dir + "/empty.onnx"); }
  auto empty = RunWsest({dir + "/empty.onnx"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "wsest: error: " + dir + "/empty.onnx: the file is empty, not an ONNX model\n");

  const auto model = SmallModel(dir);
  std::string bytes;
  {
    std::ifstream in(model, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    std::ofstream out(dir + "/truncated.onnx", std::ios::binary);
    out << bytes.substr(0, bytes.size() / 2);
  }
  auto truncated = RunWsest({dir + "/truncated.onnx", "--dim", "batch=2"});
  EXPECT_EQ(truncated.exit_code, 2);
  EXPECT_EQ(truncated.err, "wsest: error: " + dir +
                               "/truncated.onnx: not a valid ONNX model (protobuf parse failed: truncated or not a "
                               "ModelProto)\n");
}

TEST(Cli, BadFlagsExitTwoWithSuggestions) {
  const auto model = SmallModel(testing::TempDir("cli_flags"));
  auto device = RunWsest({model, "--dim", "batch=2", "--device", "h100-smx"});
  EXPECT_EQ(device.exit_code, 2);
  EXPECT_NE(device.err.find("unknown device 'h100-smx'; did you mean 'h100-sxm'?"), std::string::npos) << device.err;

  auto option = RunWsest({model, "--dim", "batch=2", "--ep-option", "sdpa_kernal=1"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err, "wsest: error: unknown CUDA EP provider option 'sdpa_kernal'; did you mean 'sdpa_kernel'?\n");

  auto dim = RunWsest({model, "--dim", "batch"});
  EXPECT_EQ(dim.exit_code, 2);
  EXPECT_EQ(dim.err, "wsest: error: --dim 'batch': expected name=integer\n");

  auto unknown_flag = RunWsest({model, "--frobnicate"});
  EXPECT_EQ(unknown_flag.exit_code, 2);
}

TEST(Cli, NodeBreakdownAndRegistryListing) {
  const auto model = SmallModel(testing::TempDir("cli_node"));
  auto node = RunWsest({model, "--dim", "batch=3", "--node", "act"});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  EXPECT_NE(node.out.find("input 0:   x float [3, 8]"), std::string::npos) << node.out;
  EXPECT_NE(node.out.find("exactness: exact"), std::string::npos);
  EXPECT_NE(node.out.find("activations.cc"), std::string::npos);

  auto missing = RunWsest({model, "--dim", "batch=3", "--node", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "wsest: error: " + model + ": no node named 'nope'\n");

  auto list = RunWsest({"--list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("mirroring onnxruntime-cuda 1.29.0"), std::string::npos);
  EXPECT_NE(list.out.find("BatchNormalization"), std::string::npos);
}

}  // namespace
}  // namespace wsest

namespace wsest {
namespace {

TEST(Cli, ByteCountOverflowExitsTwoNamingNodeAndBuffer) {
  // fp16 BatchNormalization keeps four fp32 copies of its per-channel inputs (batch_norm.cc):
  // 4 bytes * C = 4 * 2^62 = 2^64 overflows 64 bits in the first buffer.
  const int64_t channels = int64_t{1} << 62;
  GraphBuilder g;
  g.Input("x", onnx::TensorProto::FLOAT16, {1, channels, 1, 1});
  for (const char* p : {"scale", "bias", "mean", "var"}) g.Input(p, onnx::TensorProto::FLOAT16, {channels});
  g.Output("y");
  g.Node("BatchNormalization", {"x", "scale", "bias", "mean", "var"}, {"y"}, "bn");
  const auto model = g.SaveTo(testing::TempDir("cli_overflow") + "/overflow.onnx");
  auto r = RunWsest({model});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "wsest: error: BatchNormalization 'bn': the byte count of buffer 'f_scale' of variant "
            "'cudnn_inference_fp32_params' overflows 64 bits; check the input dims\n");
}

TEST(Cli, TensorSizeOverflowIsAnErrorNotAFit) {
  // MultiHeadAttention with query [2^26, 2^26, 4096] float: 2^26 * 2^26 * 2^12 * 4 = 2^66 bytes. Counted
  // as "no known size" it made the peak 32 MiB and --budget 1GiB answered "fits" (issue 16).
  const int64_t big = int64_t{1} << 26;
  GraphBuilder g;
  g.Opset("com.microsoft", 1);
  for (const char* name : {"q", "k", "v"}) g.Input(name, onnx::TensorProto::FLOAT, {big, big, 4096});
  g.Output("o");
  g.Node("MultiHeadAttention", {"q", "k", "v"}, {"o"}, "mha", "com.microsoft").Attr("num_heads", int64_t{32});
  const auto model = g.SaveTo(testing::TempDir("cli_tensor_overflow") + "/mha.onnx");
  auto r = RunWsest({model, "--budget", "1GiB"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "wsest: error: MultiHeadAttention 'mha': the byte size of tensor 'q' ([67108864, 67108864, 4096] float) "
            "overflows 64 bits; check the input dims\n");
}

}  // namespace
}  // namespace wsest
