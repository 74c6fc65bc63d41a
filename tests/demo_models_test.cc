// Runs tools/make_demo_models and checks the three models it writes against facts worked out by hand
// from the architectures: op counts, weight counts, bytes of external data, and the data file layout.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/test_graph.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kMsDomain = "com.microsoft";

// Exit status of `make_demo_models <args>`.
int RunTool(const std::string& args) {
  const std::string command = std::string("\"") + WSEST_DEMO_TOOL_PATH + "\" " + args + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

onnx::ModelProto LoadModel(const fs::path& path) {
  onnx::ModelProto model;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  EXPECT_TRUE(model.ParseFromIstream(&in)) << path;
  return model;
}

// Node count per op type; contrib ops are keyed "com.microsoft.Op".
std::map<std::string, int> CountOps(const onnx::ModelProto& model) {
  std::map<std::string, int> counts;
  for (const onnx::NodeProto& node : model.graph().node()) {
    ++counts[node.domain().empty() ? node.op_type() : node.domain() + "." + node.op_type()];
  }
  return counts;
}

std::string ExternalEntry(const onnx::TensorProto& tensor, const std::string& key) {
  for (const onnx::StringStringEntryProto& entry : tensor.external_data()) {
    if (entry.key() == key) return entry.value();
  }
  return "";
}

const onnx::NodeProto* FindNode(const onnx::ModelProto& model, const std::string& name) {
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

int64_t IntAttr(const onnx::NodeProto& node, const std::string& name) {
  for (const onnx::AttributeProto& attr : node.attribute()) {
    if (attr.name() == name) return attr.i();
  }
  return -1;
}

std::string DimsOf(const onnx::ValueInfoProto& info) {
  std::string dims;
  for (const auto& dim : info.type().tensor_type().shape().dim()) {
    if (!dims.empty()) dims += ",";
    dims += dim.has_dim_param() ? dim.dim_param() : std::to_string(dim.dim_value());
  }
  return dims;
}

// Checks what holds for every demo model: header, one unnamed elementwise node, unique names, every
// initializer external and float32, laid out back to back in "<model>.onnx.data", whose size is the
// sum of the lengths. Returns that sum.
int64_t CheckCommonFacts(const fs::path& dir, const std::string& model_name, const onnx::ModelProto& model) {
  SCOPED_TRACE(model_name);
  EXPECT_EQ(model.ir_version(), 8);
  std::map<std::string, int64_t> opsets;
  for (const auto& opset : model.opset_import()) opsets[opset.domain()] = opset.version();
  EXPECT_EQ(opsets, (std::map<std::string, int64_t>{{"", 17}, {kMsDomain, 1}}));

  int unnamed = 0;
  std::set<std::string> names;
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.name().empty()) {
      ++unnamed;
      EXPECT_TRUE(node.op_type() == "Add" || node.op_type() == "Cast") << node.op_type();
    } else {
      EXPECT_TRUE(names.insert(node.name()).second) << "duplicate node name " << node.name();
    }
  }
  EXPECT_EQ(unnamed, 1);

  const std::string data_file = model_name + ".onnx.data";
  int64_t next_offset = 0;
  for (const onnx::TensorProto& tensor : model.graph().initializer()) {
    SCOPED_TRACE(tensor.name());
    EXPECT_EQ(tensor.data_type(), onnx::TensorProto::FLOAT);
    EXPECT_EQ(tensor.data_location(), onnx::TensorProto::EXTERNAL);
    EXPECT_EQ(tensor.raw_data().size(), 0u);
    EXPECT_EQ(ExternalEntry(tensor, "location"), data_file);
    int64_t numel = 1;
    for (int64_t d : tensor.dims()) numel *= d;
    EXPECT_EQ(ExternalEntry(tensor, "offset"), std::to_string(next_offset));
    EXPECT_EQ(ExternalEntry(tensor, "length"), std::to_string(numel * 4));
    next_offset += numel * 4;
  }
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(dir / data_file)), next_offset);
  return next_offset;
}

// Each test runs the tool in both modes into directories of its own, so that tests run as separate
// processes (ctest -j) never share files. A run takes milliseconds.
class DemoModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    full_dir_ = wsest::testing::TempDir("demo_models_" + test_name + "_full");
    tiny_dir_ = wsest::testing::TempDir("demo_models_" + test_name + "_tiny");
    ASSERT_EQ(RunTool("\"" + full_dir_.string() + "\""), 0);
    ASSERT_EQ(RunTool("\"" + tiny_dir_.string() + "\" --tiny"), 0);
  }

  const fs::path& FullDir() const { return full_dir_; }
  const fs::path& TinyDir() const { return tiny_dir_; }
  fs::path Full(const std::string& file) const { return full_dir_ / file; }
  fs::path Tiny(const std::string& file) const { return tiny_dir_ / file; }

 private:
  fs::path full_dir_;
  fs::path tiny_dir_;
};

TEST_F(DemoModelsTest, BertBase) {
  const onnx::ModelProto model = LoadModel(Full("bert_base.onnx"));
  // Per layer: Attention layers (0-5) have Attention, 3 MatMul (dense, intermediate, output),
  // 2 SkipLayerNormalization and FastGelu = 7 nodes; MultiHeadAttention layers (6-11) add 3 MatMuls
  // (query, key, value) and use BiasGelu = 10 nodes. Plus 3 Casts and EmbedLayerNormalization.
  const std::map<std::string, int> expected = {
      {"Cast", 3},
      {"MatMul", /*attention layers=*/6 * 3 + /*mha layers=*/6 * 6},
      {"com.microsoft.Attention", 6},
      {"com.microsoft.BiasGelu", 6},
      {"com.microsoft.EmbedLayerNormalization", 1},
      {"com.microsoft.FastGelu", 6},
      {"com.microsoft.MultiHeadAttention", 6},
      {"com.microsoft.SkipLayerNormalization", 2 * 12},
  };
  EXPECT_EQ(CountOps(model), expected);
  EXPECT_EQ(model.graph().node_size(), 3 + 1 + 6 * 7 + 6 * 10);

  // Initializers: embeddings 5 (word, position, token type, gamma, beta); an Attention layer 12
  // (qkv weight, qkv bias, dense w/b, 2 x (gamma, beta), intermediate w/b, output w/b); a
  // MultiHeadAttention layer 14 (query, key and value weights instead of one qkv weight).
  EXPECT_EQ(model.graph().initializer_size(), 5 + 6 * 12 + 6 * 14);
  // Elements: embeddings 30522*768 + 512*768 + 2*768 + 2*768 = 23,837,184. A layer, either kind:
  // qkv 768*2304 + 2304, dense 768*768 + 768, intermediate 768*3072 + 3072, output 3072*768 + 768,
  // two norms 2*2*768 = 7,087,872. Total 23,837,184 + 12*7,087,872 = 108,891,648 (BERT-base without the
  // pooler), times 4 bytes.
  EXPECT_EQ(CheckCommonFacts(FullDir(), "bert_base", model), int64_t{108'891'648} * 4);

  ASSERT_EQ(model.graph().input_size(), 3);
  for (const onnx::ValueInfoProto& input : model.graph().input()) {
    EXPECT_EQ(input.type().tensor_type().elem_type(), onnx::TensorProto::INT64) << input.name();
    EXPECT_EQ(DimsOf(input), "batch,sequence") << input.name();
  }
  ASSERT_EQ(model.graph().output_size(), 1);
  EXPECT_EQ(DimsOf(model.graph().output(0)), "batch,sequence,768");

  const onnx::NodeProto* attention = FindNode(model, "layer0/attention");
  ASSERT_NE(attention, nullptr);
  EXPECT_EQ(attention->op_type(), "Attention");
  EXPECT_EQ(IntAttr(*attention, "num_heads"), 12);
  // input, weights, bias, mask_index (bert_defs.cc order).
  ASSERT_EQ(attention->input_size(), 4);
  EXPECT_EQ(attention->input(3), "mask_index");
  const onnx::NodeProto* mha = FindNode(model, "layer11/attention");
  ASSERT_NE(mha, nullptr);
  EXPECT_EQ(mha->op_type(), "MultiHeadAttention");
  ASSERT_EQ(mha->input_size(), 5);  // query, key, value, bias, key_padding_mask
  EXPECT_EQ(mha->input(2), "layer11/attention/value");
}

TEST_F(DemoModelsTest, Gpt2Decode) {
  const onnx::ModelProto model = LoadModel(Full("gpt2_decode.onnx"));
  // Per layer: 2 LayerNormalization, 6 MatMul (query, key, value, c_proj, c_fc, mlp c_proj),
  // MultiHeadAttention, FastGelu, 4 Add (2 biases, 2 residuals) = 14. Embeddings: 2 Gather + Add;
  // head: ln_f + lm_head MatMul.
  const std::map<std::string, int> expected = {
      {"Add", 12 * 4 + 1},
      {"Gather", 2},
      {"LayerNormalization", 12 * 2 + 1},
      {"MatMul", 12 * 6 + 1},
      {"com.microsoft.FastGelu", 12},
      {"com.microsoft.MultiHeadAttention", 12},
  };
  EXPECT_EQ(CountOps(model), expected);
  EXPECT_EQ(model.graph().node_size(), 3 + 12 * 14 + 2);

  // Initializers: wte, wpe; per layer 14 (ln_1 w/b, query/key/value weights, qkv bias, c_proj w/b,
  // ln_2 w/b, c_fc w/b, mlp c_proj w/b); ln_f w/b; lm_head.
  EXPECT_EQ(model.graph().initializer_size(), 2 + 12 * 14 + 3);
  // Elements: wte 50257*768 = 38,597,376; wpe 1024*768 = 786,432; a layer 7,087,872 (as BERT's: the
  // same matrices, norms and biases); ln_f 2*768 = 1,536; lm_head 768*50257 = 38,597,376.
  // 38,597,376 + 786,432 + 12*7,087,872 + 1,536 + 38,597,376 = 163,037,184, times 4 bytes.
  EXPECT_EQ(CheckCommonFacts(FullDir(), "gpt2_decode", model), int64_t{163'037'184} * 4);

  ASSERT_EQ(model.graph().input_size(), 2 + 2 * 12);
  EXPECT_EQ(model.graph().input(0).name(), "input_ids");
  EXPECT_EQ(DimsOf(model.graph().input(0)), "batch,1");
  EXPECT_EQ(model.graph().input(2).name(), "past_key_0");
  EXPECT_EQ(DimsOf(model.graph().input(2)), "batch,12,past_sequence,64");
  ASSERT_EQ(model.graph().output_size(), 1 + 2 * 12);
  EXPECT_EQ(DimsOf(model.graph().output(0)), "batch,1,50257");

  // MultiHeadAttention: past_key at input 6, past_value at 7; present_key, present_value at outputs
  // 1 and 2 (bert_defs.cc).
  const onnx::NodeProto* mha = FindNode(model, "layer5/attn");
  ASSERT_NE(mha, nullptr);
  EXPECT_EQ(mha->domain(), kMsDomain);
  ASSERT_EQ(mha->input_size(), 8);
  EXPECT_EQ(mha->input(4), "");
  EXPECT_EQ(mha->input(6), "past_key_5");
  EXPECT_EQ(mha->input(7), "past_value_5");
  ASSERT_EQ(mha->output_size(), 3);
  EXPECT_EQ(mha->output(1), "present_key_5");
  EXPECT_EQ(mha->output(2), "present_value_5");
  EXPECT_EQ(IntAttr(*mha, "num_heads"), 12);
}

TEST_F(DemoModelsTest, ResNetSmall) {
  const onnx::ModelProto model = LoadModel(Full("resnet_small.onnx"));
  // Convs: stem 1, stage1 2, stage2 2 + projection, stage3 3 = 9, each followed by BatchNormalization.
  // Relus: stem 1, stage1 2, stage2 2, stage3 3 = 8. Adds: one residual per stage.
  const std::map<std::string, int> expected = {
      {"Add", 3},
      {"BatchNormalization", 9},
      {"Conv", 9},
      {"Flatten", 1},
      {"Gemm", 1},
      {"GlobalAveragePool", 1},
      {"MaxPool", 1},
      {"Relu", 8},
  };
  EXPECT_EQ(CountOps(model), expected);

  // Initializers: a weight per Conv, 4 per BatchNormalization, Gemm weight and bias.
  EXPECT_EQ(model.graph().initializer_size(), 9 + 9 * 4 + 2);
  // Elements, conv weights [out, in, k, k] and 4 BN vectors of `out`:
  //   stem        64*3*7*7 = 9,408                      + 4*64 = 256
  //   stage1      2 * 64*64*3*3 = 73,728                + 2*4*64 = 512
  //   stage2      128*64*3*3 = 73,728, 128*128*3*3 = 147,456, projection 128*64*1*1 = 8,192
  //                                                     + 3*4*128 = 1,536
  //   stage3      32*128*1*1 = 4,096, 32*32*3*3 = 9,216, 128*32*1*1 = 4,096
  //                                                     + 4*32 + 4*32 + 4*128 = 768
  //   head        1000*128 = 128,000 + 1,000
  //   total       461,992 elements, times 4 bytes = 1,847,968.
  EXPECT_EQ(CheckCommonFacts(FullDir(), "resnet_small", model), 1'847'968);

  EXPECT_EQ(DimsOf(model.graph().input(0)), "batch,3,224,224");
  EXPECT_EQ(DimsOf(model.graph().output(0)), "batch,1000");

  // The one projection shortcut: a 1x1 Conv with stride 2.
  int projections = 0;
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.op_type() != "Conv") continue;
    std::vector<int64_t> kernel, strides;
    for (const onnx::AttributeProto& attr : node.attribute()) {
      if (attr.name() == "kernel_shape") kernel.assign(attr.ints().begin(), attr.ints().end());
      if (attr.name() == "strides") strides.assign(attr.ints().begin(), attr.ints().end());
    }
    if (kernel == std::vector<int64_t>{1, 1} && strides == std::vector<int64_t>{2, 2}) ++projections;
  }
  EXPECT_EQ(projections, 1);
}

TEST_F(DemoModelsTest, FullSizeDataFilesAreSparse) {
  // The full-size data files add up to ~1 GiB of length but must use next to no disk.
  for (const char* file : {"bert_base.onnx.data", "gpt2_decode.onnx.data", "resnet_small.onnx.data"}) {
    struct stat info {};
    ASSERT_EQ(stat(Full(file).c_str(), &info), 0) << file;
    EXPECT_LT(static_cast<int64_t>(info.st_blocks) * 512, 1 << 20) << file;
  }
}

TEST_F(DemoModelsTest, TinyModelsKeepTheArchitectures) {
  // Same structure with 2 layers (one Attention layer, one MultiHeadAttention layer) and real bytes.
  const onnx::ModelProto bert = LoadModel(Tiny("bert_base.onnx"));
  const std::map<std::string, int> bert_ops = CountOps(bert);
  EXPECT_EQ(bert_ops.at("com.microsoft.Attention"), 1);
  EXPECT_EQ(bert_ops.at("com.microsoft.MultiHeadAttention"), 1);
  EXPECT_EQ(bert_ops.at("com.microsoft.SkipLayerNormalization"), 4);
  CheckCommonFacts(TinyDir(), "bert_base", bert);

  const onnx::ModelProto gpt2 = LoadModel(Tiny("gpt2_decode.onnx"));
  EXPECT_EQ(CountOps(gpt2).at("com.microsoft.MultiHeadAttention"), 2);
  CheckCommonFacts(TinyDir(), "gpt2_decode", gpt2);

  const onnx::ModelProto resnet = LoadModel(Tiny("resnet_small.onnx"));
  EXPECT_EQ(CountOps(resnet).at("Conv"), 9);
  // Tiny ResNet (8 stem channels, 16 after stage2, bottleneck mid 4, 10 classes), elements:
  //   stem 8*3*7*7 + 4*8 = 1,208; stage1 2*8*8*3*3 + 2*4*8 = 1,216;
  //   stage2 16*8*3*3 + 16*16*3*3 + 16*8 + 3*4*16 = 3,776; stage3 4*16 + 4*4*3*3 + 16*4 + 4*(4+4+16) = 368;
  //   head 10*16 + 10 = 170; total 6,738, times 4 bytes = 26,952.
  EXPECT_EQ(CheckCommonFacts(TinyDir(), "resnet_small", resnet), 26'952);

  // Real values, not a hole: some byte of the weights is non-zero.
  std::ifstream data(Tiny("resnet_small.onnx.data"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(data)), std::istreambuf_iterator<char>());
  EXPECT_NE(bytes.find_first_not_of('\0'), std::string::npos);
}

TEST(DemoModelsToolTest, BadArgumentsExitWithUsage) {
  const std::string dir = wsest::testing::TempDir("demo_models_bad_args");
  EXPECT_EQ(RunTool(""), 2);
  EXPECT_EQ(RunTool("\"" + dir + "\" --huge"), 2);
  EXPECT_EQ(RunTool("\"" + dir + "\" --tiny extra"), 2);
  EXPECT_FALSE(fs::exists(fs::path(dir) / "bert_base.onnx"));
}

}  // namespace
