// wsest-make-cases OUT_DIR: writes the single-node calibration cases (one .onnx per model, weights as
// zero-filled inline initializers) and OUT_DIR/cases.tsv, the list wsest-measure runs: one line per
// (model, provider options, ORT_* variables, input shapes) that forces one estimator variant.
// Input and output shapes are declared in full, so wsest's view of each node is the one ORT ran.
//
// Signatures follow ONNX Runtime 1.29.0's schemas (onnxruntime/core/graph/contrib_ops/bert_defs.cc,
// quantization_defs.cc) and the ONNX spec at opset 17.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using onnx::TensorProto;

constexpr int kF32 = TensorProto::FLOAT, kF16 = TensorProto::FLOAT16, kI64 = TensorProto::INT64,
              kI32 = TensorProto::INT32, kU8 = TensorProto::UINT8, kBool = TensorProto::BOOL;

int ElemSize(int t) {
  switch (t) {
    case kF32: case kI32: return 4;
    case kI64: return 8;
    case kF16: return 2;
    default: return 1;
  }
}

// One single-node model under construction.
class Case {
 public:
  Case(std::string op, std::string domain = "") {
    model_.set_ir_version(8);
    auto* o = model_.add_opset_import();
    o->set_domain("");
    o->set_version(17);
    if (!domain.empty()) {
      auto* m = model_.add_opset_import();
      m->set_domain(domain);
      m->set_version(1);
    }
    graph_ = model_.mutable_graph();
    graph_->set_name(op);
    node_ = graph_->add_node();
    node_->set_op_type(op);
    node_->set_domain(domain);
    node_->set_name("node");
  }
  // A graph input with its full shape; `spec` is how wsest-measure fills it ("" = zeros).
  Case& In(const std::string& name, int type, std::vector<int64_t> dims, int64_t fill = 0) {
    node_->add_input(name);
    Value(graph_->add_input(), name, type, dims);
    std::string s = name + "=";
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
    if (fill) s += "@" + std::to_string(fill);
    inputs_ += (inputs_.empty() ? "" : ";") + s;
    return *this;
  }
  // A weight: a zero-filled initializer, or one holding `ints` (int64).
  Case& Weight(const std::string& name, int type, std::vector<int64_t> dims, std::vector<int64_t> ints = {}) {
    node_->add_input(name);
    TensorProto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    int64_t n = 1;
    for (int64_t d : dims) {
      t->add_dims(d);
      n *= d;
    }
    if (!ints.empty()) {
      for (int64_t v : ints) t->add_int64_data(v);
    } else {
      t->set_raw_data(std::string(static_cast<size_t>(n * ElemSize(type)), '\0'));
    }
    return *this;
  }
  Case& Skip() {  // an omitted optional input
    node_->add_input("");
    return *this;
  }
  Case& Out(const std::string& name, int type, std::vector<int64_t> dims) {
    node_->add_output(name);
    Value(graph_->add_output(), name, type, dims);
    return *this;
  }
  Case& Int(const std::string& name, int64_t v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  Case& Float(const std::string& name, float v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
    return *this;
  }
  Case& Str(const std::string& name, const std::string& v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
    return *this;
  }
  Case& Ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
    return *this;
  }
  const onnx::ModelProto& model() const { return model_; }
  const std::string& inputs() const { return inputs_; }

 private:
  // A negative dim is symbolic: a count the kernel computes on the device (NonZero's), which ORT then
  // accepts whatever it is.
  static void Value(onnx::ValueInfoProto* v, const std::string& name, int type, const std::vector<int64_t>& dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] < 0) {
        shape->add_dim()->set_dim_param(name + "_dim" + std::to_string(i));
      } else {
        shape->add_dim()->set_dim_value(dims[i]);
      }
    }
  }
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  onnx::NodeProto* node_;
  std::string inputs_;
};

struct Writer {
  fs::path dir;
  std::ofstream tsv;
  int models = 0, lines = 0;
  // Writes the model once and one cases.tsv line per (options, env) variant.
  void Add(const std::string& name, const Case& c, const std::vector<std::pair<std::string, std::string>>& variants) {
    const std::string file = "models/" + name + ".onnx";
    fs::create_directories((dir / file).parent_path());
    std::ofstream out(dir / file, std::ios::binary);
    c.model().SerializeToOstream(&out);
    ++models;
    for (const auto& [options, env] : variants) {
      std::string label = name;
      if (options != "-") label += "/" + options;
      if (env != "-") label += "/" + env;
      tsv << label << "\t" << file << "\t" << options << "\t" << env << "\t" << c.inputs() << "\n";
      ++lines;
    }
  }
  void Add(const std::string& name, const Case& c) { Add(name, c, {{"-", "-"}}); }
};

const std::vector<std::pair<std::string, std::string>> kAttentionVariants = {
    {"-", "-"},                                     // the EP's own choice
    {"sdpa_kernel=1", "-"},                         // FLASH
    {"sdpa_kernel=2", "-"},                         // EFFICIENT
    {"sdpa_kernel=8", "-"},                         // CUDNN
    {"sdpa_kernel=16", "-"},                        // MATH (unfused)
    {"-", "ORT_DISABLE_FLASH_ATTENTION=1"},
    {"-", "ORT_DISABLE_FLASH_ATTENTION=1;ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1"},
};

void Cases(Writer& w) {
  // Softmax-13: the axis is not the innermost dim -> two input-sized temp-space tensors; innermost -> none.
  w.Add("softmax_axis1_f32", Case("Softmax").In("x", kF32, {8, 128, 64}).Out("y", kF32, {8, 128, 64}).Int("axis", 1));
  w.Add("softmax_last_f16", Case("Softmax").In("x", kF16, {8, 128, 64}).Out("y", kF16, {8, 128, 64}).Int("axis", -1));

  // MultiHeadAttention, separate Q/K/V [B, S, N*H], fp16, B=2, S=L=128, N=12, H=64; then S=L=1024.
  for (int64_t s : {128, 1024}) {
    const std::string n = "mha_b2_s" + std::to_string(s) + "_f16";
    w.Add(n,
          Case("MultiHeadAttention", "com.microsoft")
              .In("q", kF16, {2, s, 768}).In("k", kF16, {2, s, 768}).In("v", kF16, {2, s, 768})
              .Out("o", kF16, {2, s, 768}).Int("num_heads", 12),
          kAttentionVariants);
  }
  // MultiHeadAttention fp32 (memory-efficient needs S >= 256 in fp32).
  w.Add("mha_b2_s512_f32",
        Case("MultiHeadAttention", "com.microsoft")
            .In("q", kF32, {2, 512, 768}).In("k", kF32, {2, 512, 768}).In("v", kF32, {2, 512, 768})
            .Out("o", kF32, {2, 512, 768}).Int("num_heads", 12),
        kAttentionVariants);

  // Attention (BERT-style, packed weights [hidden, 3*hidden]).
  w.Add("attention_b4_s128_f16",
        Case("Attention", "com.microsoft")
            .In("x", kF16, {4, 128, 768}).Weight("w", kF16, {768, 2304}).Weight("b", kF16, {2304})
            .Out("o", kF16, {4, 128, 768}).Int("num_heads", 12),
        kAttentionVariants);

  // GroupQueryAttention decoding step: N=32, Nk=8, H=128, past 255 -> total 256; seqlens_k = total - 1.
  for (int64_t past : {255, 4095}) {
    const int64_t total = past + 1;
    w.Add("gqa_decode_past" + std::to_string(past) + "_f16",
          Case("GroupQueryAttention", "com.microsoft")
              .In("query", kF16, {1, 1, 4096}).In("key", kF16, {1, 1, 1024}).In("value", kF16, {1, 1, 1024})
              .In("past_key", kF16, {1, 8, past, 128}).In("past_value", kF16, {1, 8, past, 128})
              .In("seqlens_k", kI32, {1}, past).In("total_sequence_length", kI32, {}, total)
              .Out("output", kF16, {1, 1, 4096}).Out("present_key", kF16, {1, 8, total, 128})
              .Out("present_value", kF16, {1, 8, total, 128})
              .Int("num_heads", 32).Int("kv_num_heads", 8),
          kAttentionVariants);
  }

  // cuDNN SDPA's neighbours, on the EP's own choice: a 1-D key-length mask (cudnn_sdpa::run synthesises
  // the query lengths), a KV cache, causal masks (top-left with S == T at S = 100, bottom-right with
  // S = 32 over T = 128, which cuDNN < 9.6 refuses) and GQA prompts (query lengths given, none made).
  w.Add("mha_mask1d_b2_s128_f16", Case("MultiHeadAttention", "com.microsoft")
                                      .In("q", kF16, {2, 128, 768})
                                      .In("k", kF16, {2, 128, 768})
                                      .In("v", kF16, {2, 128, 768})
                                      .Skip()
                                      .In("mask", kI32, {2}, 128)
                                      .Out("o", kF16, {2, 128, 768})
                                      .Int("num_heads", 12));
  w.Add("mha_past127_f16", Case("MultiHeadAttention", "com.microsoft")
                               .In("q", kF16, {1, 1, 768})
                               .In("k", kF16, {1, 1, 768})
                               .In("v", kF16, {1, 1, 768})
                               .Skip()
                               .Skip()
                               .Skip()
                               .In("past_key", kF16, {1, 12, 127, 64})
                               .In("past_value", kF16, {1, 12, 127, 64})
                               .Out("o", kF16, {1, 1, 768})
                               .Out("present_key", kF16, {1, 12, 128, 64})
                               .Out("present_value", kF16, {1, 12, 128, 64})
                               .Int("num_heads", 12));
  w.Add("mha_causal_b2_s100_f16", Case("MultiHeadAttention", "com.microsoft")
                                      .In("q", kF16, {2, 100, 768})
                                      .In("k", kF16, {2, 100, 768})
                                      .In("v", kF16, {2, 100, 768})
                                      .Out("o", kF16, {2, 100, 768})
                                      .Int("num_heads", 12)
                                      .Int("unidirectional", 1));
  // Unidirectional Attention also under TRT_CAUSAL and ORT_ENABLE_FUSED_CAUSAL_ATTENTION, which the
  // 1.29.0 kernel no longer has a runner for.
  w.Add("attention_causal_b4_s128_f16",
        Case("Attention", "com.microsoft")
            .In("x", kF16, {4, 128, 768})
            .Weight("w", kF16, {768, 2304})
            .Weight("b", kF16, {2304})
            .Out("o", kF16, {4, 128, 768})
            .Int("num_heads", 12)
            .Int("unidirectional", 1),
        {{"-", "-"}, {"sdpa_kernel=128", "-"}, {"-", "ORT_ENABLE_FUSED_CAUSAL_ATTENTION=1"}});
  w.Add("attention_mask1d_b4_s128_f16", Case("Attention", "com.microsoft")
                                            .In("x", kF16, {4, 128, 768})
                                            .Weight("w", kF16, {768, 2304})
                                            .Weight("b", kF16, {2304})
                                            .In("mask", kI32, {4}, 128)
                                            .Out("o", kF16, {4, 128, 768})
                                            .Int("num_heads", 12));
  for (int64_t s : {128, 100}) {
    w.Add("gqa_prompt_s" + std::to_string(s) + "_f16", Case("GroupQueryAttention", "com.microsoft")
                                                           .In("query", kF16, {1, s, 4096})
                                                           .In("key", kF16, {1, s, 1024})
                                                           .In("value", kF16, {1, s, 1024})
                                                           .Skip()
                                                           .Skip()
                                                           .In("seqlens_k", kI32, {1}, s - 1)
                                                           .In("total_sequence_length", kI32, {}, s)
                                                           .Out("output", kF16, {1, s, 4096})
                                                           .Out("present_key", kF16, {1, 8, s, 128})
                                                           .Out("present_value", kF16, {1, 8, s, 128})
                                                           .Int("num_heads", 32)
                                                           .Int("kv_num_heads", 8));
  }
  w.Add("gqa_chunk_s32_past96_f16", Case("GroupQueryAttention", "com.microsoft")
                                        .In("query", kF16, {1, 32, 4096})
                                        .In("key", kF16, {1, 32, 1024})
                                        .In("value", kF16, {1, 32, 1024})
                                        .In("past_key", kF16, {1, 8, 96, 128})
                                        .In("past_value", kF16, {1, 8, 96, 128})
                                        .In("seqlens_k", kI32, {1}, 127)
                                        .In("total_sequence_length", kI32, {}, 128)
                                        .Out("output", kF16, {1, 32, 4096})
                                        .Out("present_key", kF16, {1, 8, 128, 128})
                                        .Out("present_value", kF16, {1, 8, 128, 128})
                                        .Int("num_heads", 32)
                                        .Int("kv_num_heads", 8));

  // GQA on the cuDNN route with rotary embedding (the Q-sized QKV buffer), and MHA with a shared KV cache
  // (past_sequence_length) and with an attention bias.
  w.Add("gqa_decode_rotary_past255_f16", Case("GroupQueryAttention", "com.microsoft")
                                             .In("query", kF16, {1, 1, 4096})
                                             .In("key", kF16, {1, 1, 1024})
                                             .In("value", kF16, {1, 1, 1024})
                                             .In("past_key", kF16, {1, 8, 255, 128})
                                             .In("past_value", kF16, {1, 8, 255, 128})
                                             .In("seqlens_k", kI32, {1}, 255)
                                             .In("total_sequence_length", kI32, {}, 256)
                                             .In("cos_cache", kF16, {4096, 64})
                                             .In("sin_cache", kF16, {4096, 64})
                                             .Out("output", kF16, {1, 1, 4096})
                                             .Out("present_key", kF16, {1, 8, 256, 128})
                                             .Out("present_value", kF16, {1, 8, 256, 128})
                                             .Int("num_heads", 32)
                                             .Int("kv_num_heads", 8)
                                             .Int("do_rotary", 1));
  w.Add("gqa_prompt_rotary_s128_f16", Case("GroupQueryAttention", "com.microsoft")
                                          .In("query", kF16, {1, 128, 4096})
                                          .In("key", kF16, {1, 128, 1024})
                                          .In("value", kF16, {1, 128, 1024})
                                          .Skip()
                                          .Skip()
                                          .In("seqlens_k", kI32, {1}, 127)
                                          .In("total_sequence_length", kI32, {}, 128)
                                          .In("cos_cache", kF16, {4096, 64})
                                          .In("sin_cache", kF16, {4096, 64})
                                          .Out("output", kF16, {1, 128, 4096})
                                          .Out("present_key", kF16, {1, 8, 128, 128})
                                          .Out("present_value", kF16, {1, 8, 128, 128})
                                          .Int("num_heads", 32)
                                          .Int("kv_num_heads", 8)
                                          .Int("do_rotary", 1));
  w.Add("mha_shared_past256_f16", Case("MultiHeadAttention", "com.microsoft")
                                      .In("q", kF16, {1, 1, 768})
                                      .In("k", kF16, {1, 1, 768})
                                      .In("v", kF16, {1, 1, 768})
                                      .Skip()
                                      .Skip()
                                      .Skip()
                                      .In("past_key", kF16, {1, 12, 256, 64})
                                      .In("past_value", kF16, {1, 12, 256, 64})
                                      .In("past_sequence_length", kI32, {1}, 100)
                                      .Out("o", kF16, {1, 1, 768})
                                      .Out("present_key", kF16, {1, 12, 256, 64})
                                      .Out("present_value", kF16, {1, 12, 256, 64})
                                      .Int("num_heads", 12));
  w.Add("mha_attn_bias_b2_s128_f16", Case("MultiHeadAttention", "com.microsoft")
                                         .In("q", kF16, {2, 128, 768})
                                         .In("k", kF16, {2, 128, 768})
                                         .In("v", kF16, {2, 128, 768})
                                         .Skip()
                                         .Skip()
                                         .In("attention_bias", kF16, {1, 12, 128, 128})
                                         .Out("o", kF16, {2, 128, 768})
                                         .Int("num_heads", 12));

  // Conv: every algorithm-search mode, fp32 and fp16.
  const std::vector<std::pair<std::string, std::string>> conv_modes = {
      {"-", "-"}, {"cudnn_conv_algo_search=EXHAUSTIVE", "-"}, {"cudnn_conv_algo_search=HEURISTIC", "-"},
      {"cudnn_conv_algo_search=DEFAULT", "-"}, {"cudnn_conv_use_max_workspace=0", "-"}, {"use_tf32=0", "-"}};
  for (int t : {kF32, kF16}) {
    const std::string sfx = t == kF32 ? "_f32" : "_f16";
    w.Add("conv3x3_n8_c64_56" + sfx,
          Case("Conv").In("x", t, {8, 64, 56, 56}).Weight("w", t, {64, 64, 3, 3}).Out("y", t, {8, 64, 56, 56})
              .Ints("pads", {1, 1, 1, 1}).Ints("kernel_shape", {3, 3}),
          conv_modes);
    w.Add("conv7x7s2_n8_c3_224" + sfx,
          Case("Conv").In("x", t, {8, 3, 224, 224}).Weight("w", t, {64, 3, 7, 7}).Out("y", t, {8, 64, 112, 112})
              .Ints("pads", {3, 3, 3, 3}).Ints("strides", {2, 2}).Ints("kernel_shape", {7, 7}),
          conv_modes);
  }

  // MatMulNBits 4-bit, K = N = 4096, block 32: GEMV (M = 1) and a prefill (M = 128).
  for (int64_t m : {1, 128}) {
    w.Add("matmulnbits_m" + std::to_string(m) + "_k4096_n4096",
          Case("MatMulNBits", "com.microsoft")
              .In("a", kF16, {1, m, 4096}).Weight("b", kU8, {4096, 128, 16}).Weight("scales", kF16, {4096 * 128})
              .Out("y", kF16, {1, m, 4096})
              .Int("K", 4096).Int("N", 4096).Int("bits", 4).Int("block_size", 32));
  }

  // MatMul with a broadcast batch: pointer arrays when neither one GEMM nor strided-batched applies.
  w.Add("matmul_bcast_f16", Case("MatMul").In("a", kF16, {4, 1, 128, 64}).In("b", kF16, {1, 8, 64, 128})
                                .Out("y", kF16, {4, 8, 128, 128}));
  w.Add("gemm_f32", Case("Gemm").In("a", kF32, {256, 1024}).Weight("b", kF32, {1024, 1024})
                        .Weight("c", kF32, {1024}).Out("y", kF32, {256, 1024}));

  // Reductions (cuDNN reduce workspace; fp32 copy for fp16).
  w.Add("reducesum_axis1_f32", Case("ReduceSum").In("x", kF32, {64, 1024, 256}).Weight("axes", kI64, {1}, {1})
                                   .Out("y", kF32, {64, 1, 256}));
  w.Add("reducemean_last_f16", Case("ReduceMean").In("x", kF16, {64, 1024, 256}).Out("y", kF16, {64, 1024, 1})
                                   .Ints("axes", {2}));
  w.Add("argmax_f32", Case("ArgMax").In("x", kF32, {64, 32000}).Out("y", kI64, {64, 1}).Int("axis", 1));

  // TopK: large dim and K (CUB radix sort path) and small K.
  w.Add("topk_dim8192_k5000", Case("TopK").In("x", kF32, {1, 8192}).Weight("k", kI64, {1}, {5000})
                                  .Out("values", kF32, {1, 5000}).Out("indices", kI64, {1, 5000}));
  w.Add("topk_dim32000_k50", Case("TopK").In("x", kF32, {8, 32000}).Weight("k", kI64, {1}, {50})
                                 .Out("values", kF32, {8, 50}).Out("indices", kI64, {8, 50}));

  // RNNs (cuDNN temp space and reserve).
  w.Add("lstm_s32_b16_i128_h256",
        Case("LSTM").In("x", kF32, {32, 16, 128}).Weight("w", kF32, {1, 1024, 128}).Weight("r", kF32, {1, 1024, 256})
            .Weight("b", kF32, {1, 2048}).Out("y", kF32, {32, 1, 16, 256}).Int("hidden_size", 256));
  w.Add("gru_bidir_s32_b16_i128_h256",
        Case("GRU").In("x", kF32, {32, 16, 128}).Weight("w", kF32, {2, 768, 128}).Weight("r", kF32, {2, 768, 256})
            .Weight("b", kF32, {2, 1536}).Out("y", kF32, {32, 2, 16, 256}).Int("hidden_size", 256)
            .Str("direction", "bidirectional"));

  // Resize: linear and nearest.
  for (const char* mode : {"linear", "nearest"}) {
    w.Add(std::string("resize_") + mode + "_x2",
          Case("Resize").In("x", kF32, {1, 64, 56, 56}).Skip().Skip().Weight("sizes", kI64, {4}, {1, 64, 112, 112})
              .Out("y", kF32, {1, 64, 112, 112}).Str("mode", mode));
  }

  // Concat of 40 inputs of different sizes (pointer and size arrays).
  {
    Case c("Concat");
    int64_t total = 0;
    for (int i = 0; i < 40; ++i) {
      c.In("x" + std::to_string(i), kF32, {16, 8 + i, 64});
      total += 8 + i;
    }
    c.Out("y", kF32, {16, total, 64}).Int("axis", 1);
    w.Add("concat_40_inputs", c);
  }

  // Norms: InstanceNorm fp16 N>1 (fp32 stats), BatchNorm fp16, LayerNorm (none).
  w.Add("instancenorm_n4_c64_f16", Case("InstanceNormalization").In("x", kF16, {4, 64, 56, 56})
                                       .Weight("s", kF16, {64}).Weight("b", kF16, {64}).Out("y", kF16, {4, 64, 56, 56}));
  w.Add("batchnorm_f16", Case("BatchNormalization").In("x", kF16, {8, 64, 56, 56}).Weight("s", kF16, {64})
                             .Weight("b", kF16, {64}).Weight("m", kF16, {64}).Weight("v", kF16, {64})
                             .Out("y", kF16, {8, 64, 56, 56}));
  w.Add("layernorm_f16", Case("LayerNormalization").In("x", kF16, {8, 128, 768}).Weight("s", kF16, {768})
                             .Weight("b", kF16, {768}).Out("y", kF16, {8, 128, 768}).Int("axis", -1));

  // Data-dependent counts: NonZero over all-true input (CUB scan), Where-free elementwise (none).
  // The count is computed on the device: the output's second dim is left symbolic (the shadow device,
  // where no kernel runs, reads back 0; CUB's temp storage is sized by the input all the same).
  w.Add("nonzero_1m", Case("NonZero").In("x", kBool, {1024, 1024}, 1).Out("y", kI64, {2, -1}));
  w.Add("add_f16", Case("Add").In("a", kF16, {8, 128, 768}).In("b", kF16, {768}).Out("y", kF16, {8, 128, 768}));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: wsest-make-cases OUT_DIR\n";
    return 2;
  }
  Writer w;
  w.dir = argv[1];
  fs::create_directories(w.dir);
  w.tsv.open(w.dir / "cases.tsv");
  w.tsv << "# name\tmodel\tprovider options\tORT_* variables\tinputs (name=dims[@fill])\n";
  Cases(w);
  std::cout << w.models << " models, " << w.lines << " cases in " << (w.dir / "cases.tsv").string() << "\n";
  return w.tsv ? 0 : 1;
}
