// Shape rules in ops/ against real ONNX Runtime 1.29.0 (CPU EP, via tests/ort/output_shapes.js).
// Each case is a single-node model with small dims chosen so a swapped axis fails (B=2, S=3,
// L=5, N=4, H=8, P=6). A case states its expected dims (worked from the spec), checks our inference
// against them, and, where ORT's CPU EP has a kernel, checks that ORT produces the same dims.
// Without ORT those cases skip (and fail under CI=true); CUDA-only ops are checked by hand only.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <onnx/shape_inference/implementation.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ops/schemas.h"
#include "tests/test_graph.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
using Dims = std::vector<int64_t>;
using Json = nlohmann::json;

constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kUint8 = onnx::TensorProto::UINT8;
constexpr int kInt8 = onnx::TensorProto::INT8;
constexpr int kInt32 = onnx::TensorProto::INT32;
constexpr int kInt64 = onnx::TensorProto::INT64;
constexpr int kFloat16 = onnx::TensorProto::FLOAT16;
constexpr const char* kMs = "com.microsoft";

std::string OrtDtype(int elem_type) {
  switch (elem_type) {
    case kFloat: return "float32";
    case kUint8: return "uint8";
    case kInt8: return "int8";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kFloat16: return "float16";
    case onnx::TensorProto::BOOL: return "bool";
    default: return "unsupported";
  }
}

// float32 -> IEEE half bits (normal range only; tests use small values).
uint16_t HalfBits(float v) {
  uint32_t x;
  std::memcpy(&x, &v, sizeof x);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const int exp = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
  if (v == 0.0f || exp <= 0) return static_cast<uint16_t>(sign);
  return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exp) << 10) | ((x >> 13) & 0x3ffu));
}

// A single-node model plus the inputs to feed ORT.
class Case {
 public:
  explicit Case(int opset = 17) : g_(opset) { g_.Opset(kMs, 1); }

  // A graph input fed to ORT with `values` repeated (zeros when empty).
  Case& In(const std::string& name, int elem_type, const Dims& dims, const std::vector<double>& values = {}) {
    std::vector<testing::DimSpec> spec(dims.begin(), dims.end());
    g_.Input(name, elem_type, spec);
    spec_["inputs"][name] = {{"dims", dims}, {"dtype", OrtDtype(elem_type)}, {"values", values}};
    return *this;
  }

  // An initializer with inline data: `values` repeated to fill it (zeros when empty).
  Case& Init(const std::string& name, int elem_type, const Dims& dims, const std::vector<double>& values = {}) {
    auto* t = g_.proto().mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(elem_type);
    int64_t n = 1;
    for (int64_t d : dims) {
      t->add_dims(d);
      n *= d;
    }
    auto v = [&](int64_t i) { return values.empty() ? 0.0 : values[static_cast<size_t>(i) % values.size()]; };
    std::string raw;
    for (int64_t i = 0; i < n; ++i) {
      switch (elem_type) {
        case kFloat: {
          const float f = static_cast<float>(v(i));
          raw.append(reinterpret_cast<const char*>(&f), sizeof f);
          break;
        }
        case kFloat16: {
          const uint16_t h = HalfBits(static_cast<float>(v(i)));
          raw.append(reinterpret_cast<const char*>(&h), sizeof h);
          break;
        }
        case kInt32: {
          const int32_t x = static_cast<int32_t>(v(i));
          raw.append(reinterpret_cast<const char*>(&x), sizeof x);
          break;
        }
        case kInt64: {
          const int64_t x = static_cast<int64_t>(v(i));
          raw.append(reinterpret_cast<const char*>(&x), sizeof x);
          break;
        }
        case kUint8:
        case kInt8: raw.push_back(static_cast<char>(static_cast<int>(v(i)))); break;
        default: ADD_FAILURE() << "unsupported initializer type " << elem_type;
      }
    }
    t->set_raw_data(raw);
    return *this;
  }

  Case& Int64Init(const std::string& name, const std::vector<int64_t>& values) {
    return Init(name, kInt64, {static_cast<int64_t>(values.size())}, std::vector<double>(values.begin(), values.end()));
  }
  Case& FloatInit(const std::string& name, const std::vector<float>& values) {
    return Init(name, kFloat, {static_cast<int64_t>(values.size())}, std::vector<double>(values.begin(), values.end()));
  }

  testing::NodeBuilder Node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs, const std::string& domain = "") {
    for (const auto& o : outputs)
      if (!o.empty()) g_.Output(o);
    return g_.Node(op, inputs, outputs, "n" + std::to_string(nodes_++), domain);
  }

  // Our inferred output dims (-1 for an unknown dim); nullopt when the output has no shape.
  std::map<std::string, std::optional<Dims>> Infer() const {
    onnx::ModelProto m = g_.proto();
    onnx::shape_inference::InferShapes(m, &ops::SchemaRegistry(), onnx::ShapeInferenceOptions(false, 1, true));
    std::map<std::string, std::optional<Dims>> out;
    for (const auto& o : m.graph().output()) {
      const auto& t = o.type().tensor_type();
      if (!t.has_shape()) {
        out[o.name()] = std::nullopt;
        continue;
      }
      Dims d;
      for (const auto& dim : t.shape().dim()) d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
      out[o.name()] = d;
    }
    return out;
  }

  int InferredElemType(const std::string& output) const {
    onnx::ModelProto m = g_.proto();
    onnx::shape_inference::InferShapes(m, &ops::SchemaRegistry(), onnx::ShapeInferenceOptions(false, 1, true));
    for (const auto& o : m.graph().output())
      if (o.name() == output) return o.type().tensor_type().elem_type();
    return 0;
  }

  const GraphBuilder& graph() const { return g_; }
  const Json& spec() const { return spec_; }

 private:
  mutable GraphBuilder g_;
  Json spec_ = {{"inputs", Json::object()}};
  int nodes_ = 0;
};

enum class OrtStatus { kOk, kUnavailable, kFailed };
struct OrtRun {
  OrtStatus status;
  std::map<std::string, Dims> shapes;
  std::string output;
};

OrtRun RunOrt(const Case& c, const std::string& test_name) {
  const std::string dir = testing::TempDir("ops_shape_" + test_name);
  const std::string model = c.graph().SaveTo(dir + "/model.onnx");
  const std::string spec = dir + "/spec.json";
  std::ofstream(spec) << c.spec().dump();
  const std::string cmd = std::string("node ") + WSEST_SOURCE_DIR + "/tests/ort/output_shapes.js " + model + " " + spec + " 2>&1";
  OrtRun run{OrtStatus::kFailed, {}, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {OrtStatus::kUnavailable, {}, "popen failed"};
  char buf[4096];
  while (fgets(buf, sizeof buf, p) != nullptr) run.output += buf;
  const int rc = pclose(p);
  const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  // 3: the harness could not load ONNX Runtime; 127: no node.
  if (code == 3 || code == 127) return {OrtStatus::kUnavailable, {}, run.output};
  if (code != 0) return run;
  const Json parsed = Json::parse(run.output, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return run;
  for (auto it = parsed.begin(); it != parsed.end(); ++it) run.shapes[it.key()] = it.value().get<Dims>();
  run.status = OrtStatus::kOk;
  return run;
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string CurrentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& ch : name)
    if (ch == '/') ch = '_';
  return name;
}

// Our inference must give exactly `expected` for every listed output.
void ExpectInferred(const Case& c, const std::map<std::string, Dims>& expected) {
  std::map<std::string, std::optional<Dims>> inferred;
  try {
    inferred = c.Infer();
  } catch (const std::exception& e) {
    FAIL() << "inference failed: " << e.what();
  }
  for (const auto& [name, dims] : expected) {
    ASSERT_TRUE(inferred.count(name)) << "no output " << name;
    ASSERT_TRUE(inferred[name].has_value()) << "output " << name << " has no inferred shape";
    EXPECT_EQ(*inferred[name], dims) << "output " << name;
  }
}

// Checks our inference against `expected`, then ORT's run against the same dims.
#define EXPECT_SHAPES_AND_ORT(c, ...)                                                                  \
  do {                                                                                                 \
    const std::map<std::string, Dims> expected_ = __VA_ARGS__;                                         \
    ExpectInferred(c, expected_);                                                                      \
    const OrtRun run_ = RunOrt(c, CurrentTestName());                                                  \
    if (run_.status == OrtStatus::kUnavailable) {                                                      \
      if (InCi()) {                                                                                    \
        ADD_FAILURE() << "ONNX Runtime unavailable under CI=true (run calibrate/fetch_ort.sh): " << run_.output; \
        return;                                                                                        \
      }                                                                                                \
      GTEST_SKIP() << "ONNX Runtime unavailable (run calibrate/fetch_ort.sh): " << run_.output;        \
    }                                                                                                  \
    ASSERT_EQ(run_.status, OrtStatus::kOk) << run_.output;                                             \
    for (const auto& [name_, dims_] : expected_) {                                                     \
      ASSERT_TRUE(run_.shapes.count(name_)) << "ORT gave no output " << name_ << ": " << run_.output;  \
      EXPECT_EQ(run_.shapes.at(name_), dims_) << "ORT output " << name_;                               \
    }                                                                                                  \
  } while (0)

// For ops ORT's CPU EP cannot run: checks our inference against the hand-worked `expected`, then
// that ORT still refuses the model with `ort_error` (a substring). If a later ORT runs it, the
// test fails so the case can move to EXPECT_SHAPES_AND_ORT.
void ExpectByHand(const Case& c, const std::map<std::string, Dims>& expected, const std::string& ort_error) {
  ExpectInferred(c, expected);
  const OrtRun run = RunOrt(c, CurrentTestName());
  if (run.status == OrtStatus::kUnavailable) return;  // the hand check above is the test
  ASSERT_EQ(run.status, OrtStatus::kFailed) << "ORT now runs this case; compare with it instead";
  EXPECT_NE(run.output.find(ort_error), std::string::npos) << run.output;
}

constexpr const char* kNoCpuKernel = "Could not find an implementation";

// ---------------------------------------------------------------------------------------------
// com.microsoft attention

TEST(OpsShapeContrib, MultiHeadAttentionSeparateQkvWithPast) {
  // q (B,S,N*H)=(2,3,32); k (B,L,32); v (B,L,N*Hv)=(2,5,32); past (B,N,P,H)=(2,4,6,8).
  Case c;
  c.In("q", kFloat, {2, 3, 32}).In("k", kFloat, {2, 5, 32}).In("v", kFloat, {2, 5, 32});
  c.In("pk", kFloat, {2, 4, 6, 8}).In("pv", kFloat, {2, 4, 6, 8});
  c.Node("MultiHeadAttention", {"q", "k", "v", "", "", "", "pk", "pv"}, {"out", "present_k", "present_v"}, kMs)
      .Attr("num_heads", 4);
  // present: (B, N, P+L, H) = (2, 4, 6+5, 8).
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}, {"present_k", {2, 4, 11, 8}}, {"present_v", {2, 4, 11, 8}}});
}

TEST(OpsShapeContrib, MultiHeadAttentionCrossBnsh) {
  // Cross attention with key/value already BNSH: k, v (B,N,L,H)=(2,4,5,8). output (B,S,N*H).
  Case c;
  c.In("q", kFloat, {2, 3, 32}).In("k", kFloat, {2, 4, 5, 8}).In("v", kFloat, {2, 4, 5, 8});
  c.Node("MultiHeadAttention", {"q", "k", "v"}, {"out"}, kMs).Attr("num_heads", 4);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}});
}

TEST(OpsShapeContrib, MultiHeadAttentionPackedQkvByHand) {
  // Packed QKV (B,S,N,3,H)=(2,3,4,3,8): output (B,S,N*H)=(2,3,32). The CPU kernel rejects packed
  // QKV ("not implemented for CPU"), so checked by hand.
  Case c;
  c.In("qkv", kFloat, {2, 3, 4, 3, 8});
  c.Node("MultiHeadAttention", {"qkv"}, {"out"}, kMs).Attr("num_heads", 4);
  ExpectByHand(c, {{"out", {2, 3, 32}}}, "Packed QKV of shape (B, L, N, 3, H) not implemented for CPU");
}

TEST(OpsShapeContrib, AttentionWithPast) {
  // input (B,S,Din)=(2,3,16); weights (16, 3*32); past (2,B,N,P,H)=(2,2,4,6,8).
  Case c;
  c.In("x", kFloat, {2, 3, 16}).Init("w", kFloat, {16, 96}, {0.01}).Init("b", kFloat, {96});
  c.In("past", kFloat, {2, 2, 4, 6, 8});
  c.Node("Attention", {"x", "w", "b", "", "past"}, {"out", "present"}, kMs).Attr("num_heads", 4);
  // output (B,S,D)=(2,3,32); present (2,B,N,P+S,H) = (2,2,4,9,8).
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}, {"present", {2, 2, 4, 9, 8}}});
}

TEST(OpsShapeContrib, AttentionQkvHiddenSizes) {
  // qkv_hidden_sizes (32, 32, 48): weights (16, 112); output (B,S,Dv)=(2,3,48).
  Case c;
  c.In("x", kFloat, {2, 3, 16}).Init("w", kFloat, {16, 112}, {0.01}).Init("b", kFloat, {112});
  c.Node("Attention", {"x", "w", "b"}, {"out"}, kMs).Attr("num_heads", 4).Attr("qkv_hidden_sizes", Dims{32, 32, 48});
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 48}}});
}

TEST(OpsShapeContrib, GroupQueryAttentionDecodeWithPast) {
  // N=4, Nkv=2, H=8, one new token: q (B,1,32), k/v (B,1,16); past (B,Nkv,P,H)=(2,2,6,8); T = 7.
  // A second node shares a longer buffer (P=9 > T=7). present (B,Nkv,max(P,T),H): 7, then 9.
  Case c;
  c.In("q", kFloat, {2, 1, 32}).In("k", kFloat, {2, 1, 16}).In("v", kFloat, {2, 1, 16});
  c.In("pk", kFloat, {2, 2, 6, 8}).In("pv", kFloat, {2, 2, 6, 8});
  c.In("pk9", kFloat, {2, 2, 9, 8}).In("pv9", kFloat, {2, 2, 9, 8});
  c.In("seqlens_k", kInt32, {2}, {6}).Init("total", kInt32, {}, {7});
  c.Node("GroupQueryAttention", {"q", "k", "v", "pk", "pv", "seqlens_k", "total"}, {"out", "present_k", "present_v"},
         kMs)
      .Attr("num_heads", 4)
      .Attr("kv_num_heads", 2);
  c.Node("GroupQueryAttention", {"q", "k", "v", "pk9", "pv9", "seqlens_k", "total"}, {"out9", "present_k9", "present_v9"},
         kMs)
      .Attr("num_heads", 4)
      .Attr("kv_num_heads", 2);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 1, 32}},
                            {"present_k", {2, 2, 7, 8}},
                            {"present_v", {2, 2, 7, 8}},
                            {"out9", {2, 1, 32}},
                            {"present_k9", {2, 2, 9, 8}},
                            {"present_v9", {2, 2, 9, 8}}});
}

TEST(OpsShapeContrib, GroupQueryAttentionPackedPrompt) {
  // Packed QKV (B,S,(N+2Nkv)*H) = (2,3,(4+4)*8=64); no past: present (B,Nkv,T,H) with T = S = 3.
  Case c;
  c.In("qkv", kFloat, {2, 3, 64}).In("seqlens_k", kInt32, {2}, {2}).Init("total", kInt32, {}, {3});
  c.Node("GroupQueryAttention", {"qkv", "", "", "", "", "seqlens_k", "total"}, {"out", "present_k", "present_v"}, kMs)
      .Attr("num_heads", 4)
      .Attr("kv_num_heads", 2);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}, {"present_k", {2, 2, 3, 8}}, {"present_v", {2, 2, 3, 8}}});
}

TEST(OpsShapeContrib, DecoderMaskedMultiHeadAttentionSharedBuffer) {
  // One new token: q/k/v (B,1,D)=(2,1,32); past buffers (B,N,M,H)=(2,4,7,8) shared with present.
  Case c;
  c.In("q", kFloat, {2, 1, 32}).In("k", kFloat, {2, 1, 32}).In("v", kFloat, {2, 1, 32});
  c.In("pk", kFloat, {2, 4, 7, 8}).In("pv", kFloat, {2, 4, 7, 8}).In("past_len", kInt32, {1}, {4});
  c.Node("DecoderMaskedMultiHeadAttention", {"q", "k", "v", "", "", "pk", "pv", "past_len"},
         {"out", "present_k", "present_v"}, kMs)
      .Attr("num_heads", 4)
      .Attr("past_present_share_buffer", 1);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 1, 32}}, {"present_k", {2, 4, 7, 8}}, {"present_v", {2, 4, 7, 8}}});
}

TEST(OpsShapeContrib, DecoderMaskedSelfAttentionByHand) {
  // CUDA only. input (B,1,Din)=(2,1,16), weights (16, 96): output (B,1,32); present is past's
  // shared buffer (2,B,N,M,H)=(2,2,4,7,8).
  Case c;
  c.In("x", kFloat, {2, 1, 16}).Init("w", kFloat, {16, 96}).Init("b", kFloat, {96});
  c.In("past", kFloat, {2, 2, 4, 7, 8}).In("past_len", kInt32, {1});
  c.Node("DecoderMaskedSelfAttention", {"x", "w", "b", "", "past", "", "past_len"}, {"out", "present"}, kMs)
      .Attr("num_heads", 4)
      .Attr("past_present_share_buffer", 1);
  ExpectByHand(c, {{"out", {2, 1, 32}}, {"present", {2, 2, 4, 7, 8}}}, kNoCpuKernel);
}

TEST(OpsShapeContrib, PackedAttentionByHand) {
  // CUDA only. input (Tok,Din)=(7,16), bias 3*32: output (Tok, 96/3) = (7, 32).
  Case c;
  c.In("x", kFloat, {7, 16}).Init("w", kFloat, {16, 96}).Init("b", kFloat, {96});
  c.In("offset", kInt32, {2, 5}).In("cum", kInt32, {3});
  c.Node("PackedAttention", {"x", "w", "b", "offset", "cum"}, {"out"}, kMs).Attr("num_heads", 4);
  ExpectByHand(c, {{"out", {7, 32}}}, kNoCpuKernel);
}

TEST(OpsShapeContrib, PackedMultiHeadAttentionByHand) {
  // CUDA only. Separate: query (Tok,D)=(7,32), value (Tok,Dv)=(7,48): output (7,48).
  // Packed: (Tok,N,3,H)=(7,4,3,8): output (Tok, N*H) = (7, 32).
  Case c;
  c.In("q", kFloat, {7, 32}).In("k", kFloat, {7, 32}).In("v", kFloat, {7, 48});
  c.In("qkv", kFloat, {7, 4, 3, 8}).In("offset", kInt32, {2, 5}).In("cum", kInt32, {3});
  c.Node("PackedMultiHeadAttention", {"q", "k", "v", "", "offset", "cum"}, {"out"}, kMs).Attr("num_heads", 4);
  c.Node("PackedMultiHeadAttention", {"qkv", "", "", "", "offset", "cum"}, {"out_packed"}, kMs).Attr("num_heads", 4);
  ExpectByHand(c, {{"out", {7, 48}}, {"out_packed", {7, 32}}}, kNoCpuKernel);
}

TEST(OpsShapeContrib, SparseAttentionPromptByHand) {
  // q (B,S,N*H)=(2,3,32), k/v (B,S,Nkv*H)=(2,3,16); caches (B,Nkv,M,H)=(2,2,16,8) shared with
  // present. One layout, block 16: M/16 = 1 block row -> row indices [0,1], col indices [0].
  // ORT's CPU EP has a kernel but it demands past and present be the same buffer (I/O binding),
  // which a plain run cannot give, so checked by hand: output (B,S,N*H), present = past.
  Case c;
  c.In("q", kFloat, {2, 3, 32}).In("k", kFloat, {2, 3, 16}).In("v", kFloat, {2, 3, 16});
  c.In("pk", kFloat, {2, 2, 16, 8}).In("pv", kFloat, {2, 2, 16, 8});
  c.Init("rows", kInt32, {1, 2}, {0, 1}).Init("cols", kInt32, {1, 1}, {0}).Init("total", kInt32, {1}, {3});
  c.In("lens", kInt32, {2}, {3});
  c.Node("SparseAttention", {"q", "k", "v", "pk", "pv", "rows", "cols", "total", "lens"}, {"out", "pk_out", "pv_out"},
         kMs)
      .Attr("num_heads", 4)
      .Attr("kv_num_heads", 2)
      .Attr("sparse_block_size", 16);
  ExpectByHand(c, {{"out", {2, 3, 32}}, {"pk_out", {2, 2, 16, 8}}, {"pv_out", {2, 2, 16, 8}}},
               "past_key->DataRaw() == present_key->DataRaw()");
}

TEST(OpsShapeContrib, LongformerAttentionByHand) {
  // CUDA only: output is input's (B,S,D) = (2,4,32).
  Case c;
  c.In("x", kFloat, {2, 4, 32}).Init("w", kFloat, {32, 96}).Init("b", kFloat, {96}).In("mask", kFloat, {2, 4});
  c.Init("gw", kFloat, {32, 96}).Init("gb", kFloat, {96}).In("global", kInt32, {2, 4});
  c.Node("LongformerAttention", {"x", "w", "b", "mask", "gw", "gb", "global"}, {"out"}, kMs)
      .Attr("num_heads", 4)
      .Attr("window", 2);
  ExpectByHand(c, {{"out", {2, 4, 32}}}, kNoCpuKernel);
}

TEST(OpsShapeContrib, RotaryEmbedding) {
  // input (B,S,N*H)=(2,3,32), num_heads 4 -> H=8; caches (max_seq, H/2)=(5,4).
  Case c;
  c.In("x", kFloat, {2, 3, 32}).In("pos", kInt64, {2, 3}, {0, 1, 2});
  c.Init("cos", kFloat, {5, 4}, {1}).Init("sin", kFloat, {5, 4});
  c.Node("RotaryEmbedding", {"x", "pos", "cos", "sin"}, {"out"}, kMs).Attr("num_heads", 4);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}});
}

// ---------------------------------------------------------------------------------------------
// com.microsoft and ORT-in-ai.onnx normalization

TEST(OpsShapeContrib, SkipLayerNormalization) {
  Case c;
  c.In("x", kFloat, {2, 3, 32}).In("skip", kFloat, {2, 3, 32});
  c.Init("gamma", kFloat, {32}, {1}).Init("beta", kFloat, {32}).Init("bias", kFloat, {32});
  c.Node("SkipLayerNormalization", {"x", "skip", "gamma", "beta", "bias"}, {"out", "", "", "sum"}, kMs);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}, {"sum", {2, 3, 32}}});
}

TEST(OpsShapeContrib, SkipLayerNormalizationStatsByHand) {
  // mean / inv_std_var: no kernel writes them (CPU and CUDA fill outputs 0 and 3 only); ORT's
  // schema gives input's shape with the last dim 1: (2,3,1).
  Case c;
  c.In("x", kFloat, {2, 3, 32}).In("skip", kFloat, {2, 3, 32}).Init("gamma", kFloat, {32}, {1});
  c.Node("SkipLayerNormalization", {"x", "skip", "gamma"}, {"out", "mean", "inv"}, kMs);
  ExpectInferred(c, {{"out", {2, 3, 32}}, {"mean", {2, 3, 1}}, {"inv", {2, 3, 1}}});
  EXPECT_EQ(c.InferredElemType("mean"), kFloat);
}

TEST(OpsShapeContrib, SkipSimplifiedLayerNormalization) {
  Case c;
  c.In("x", kFloat, {2, 3, 32}).In("skip", kFloat, {2, 3, 32}).Init("gamma", kFloat, {32}, {1});
  c.Node("SkipSimplifiedLayerNormalization", {"x", "skip", "gamma"}, {"out", "", "", "sum"}, kMs);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}, {"sum", {2, 3, 32}}});
}

TEST(OpsShapeContrib, SimplifiedLayerNormalizationInOnnxDomain) {
  // ORT declares it in ai.onnx; inv_std_var keeps dims before axis: (2,3,1).
  Case c;
  c.In("x", kFloat, {2, 3, 32}).Init("scale", kFloat, {32}, {1});
  c.Node("SimplifiedLayerNormalization", {"x", "scale"}, {"y", "inv"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 32}}, {"inv", {2, 3, 1}}});
}

TEST(OpsShapeContrib, LayerNormalizationOpset13Axis1) {
  // ORT's ai.onnx LayerNormalization-1 at opset 13; axis 1 normalizes (3,32): stats (2,1,1).
  Case c(13);
  c.In("x", kFloat, {2, 3, 32}).Init("scale", kFloat, {3, 32}, {1}).Init("b", kFloat, {3, 32});
  c.Node("LayerNormalization", {"x", "scale", "b"}, {"y", "mean", "inv"}).Attr("axis", 1);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 32}}, {"mean", {2, 1, 1}}, {"inv", {2, 1, 1}}});
}

TEST(OpsShapeContrib, EmbedLayerNormalization) {
  // ids (B,S)=(2,3); word embedding (vocab 10, D 32). output (B,S,D), mask_index (B).
  Case c;
  c.In("ids", kInt32, {2, 3}, {1, 2, 3}).In("seg", kInt32, {2, 3}, {0, 1});
  c.Init("word", kFloat, {10, 32}).Init("pos", kFloat, {8, 32}).Init("segemb", kFloat, {2, 32});
  c.Init("gamma", kFloat, {32}, {1}).Init("beta", kFloat, {32}).In("mask", kInt32, {2, 3}, {1});
  c.Node("EmbedLayerNormalization", {"ids", "seg", "word", "pos", "segemb", "gamma", "beta", "mask"},
         {"out", "mask_index", "emb_sum"}, kMs);
  EXPECT_SHAPES_AND_ORT(c, {{"out", {2, 3, 32}}, {"mask_index", {2}}, {"emb_sum", {2, 3, 32}}});
}

// ---------------------------------------------------------------------------------------------
// com.microsoft activations, matmul, conv

TEST(OpsShapeContrib, GeluFamily) {
  Case c;
  c.In("x", kFloat, {2, 3, 32}).Init("bias", kFloat, {32});
  c.Node("Gelu", {"x"}, {"gelu"}, kMs);
  c.Node("BiasGelu", {"x", "bias"}, {"bias_gelu"}, kMs);
  c.Node("FastGelu", {"x", "bias"}, {"fast_gelu"}, kMs);
  c.Node("QuickGelu", {"x"}, {"quick_gelu"}, kMs).Attr("alpha", 1.5f);
  EXPECT_SHAPES_AND_ORT(c, {{"gelu", {2, 3, 32}}, {"bias_gelu", {2, 3, 32}}, {"fast_gelu", {2, 3, 32}},
                            {"quick_gelu", {2, 3, 32}}});
}

TEST(OpsShapeContrib, DiffusionOpsByHand) {
  // CUDA only. BiasAdd: X (N,S,C)=(2,9,32). BiasSplitGelu: bias D=64 -> (N,S,D/2)=(2,9,32).
  // GemmFastGelu: (2,3,16) x (16,24) -> (2,3,24).
  Case c;
  c.In("x", kFloat, {2, 9, 32}).Init("bias", kFloat, {32}).In("skip", kFloat, {2, 9, 32});
  c.In("x2", kFloat, {2, 9, 64}).Init("bias2", kFloat, {64});
  c.In("a", kFloat, {2, 3, 16}).Init("w", kFloat, {16, 24});
  c.Node("BiasAdd", {"x", "bias", "skip"}, {"bias_add"}, kMs);
  c.Node("BiasSplitGelu", {"x2", "bias2"}, {"split_gelu"}, kMs);
  c.Node("GemmFastGelu", {"a", "w"}, {"gemm_gelu"}, kMs);
  ExpectByHand(c, {{"bias_add", {2, 9, 32}}, {"split_gelu", {2, 9, 32}}, {"gemm_gelu", {2, 3, 24}}}, kNoCpuKernel);
}

TEST(OpsShapeContrib, FusedMatMulTransposes) {
  // transA: A (2,5,3) read as (2,3,5); transB: B (2,7,5) read as (2,5,7): Y (2,3,7).
  // transBatchA: A (3,2,5) read as (2,3,5); B (2,5,7): Y (2,3,7). (transBatch needs equal ranks >= 3.)
  Case c;
  c.In("a", kFloat, {2, 5, 3}).In("b", kFloat, {2, 7, 5}).In("a2", kFloat, {3, 2, 5}).In("b2", kFloat, {2, 5, 7});
  c.Node("FusedMatMul", {"a", "b"}, {"y"}, kMs).Attr("transA", 1).Attr("transB", 1);
  c.Node("FusedMatMul", {"a2", "b2"}, {"y2"}, kMs).Attr("transBatchA", 1);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 7}}, {"y2", {2, 3, 7}}});
}

TEST(OpsShapeContrib, FusedMatMulTransBatchRankMismatchFails) {
  // ORT's matmul_helper.h rejects transBatch with unequal ranks or rank < 3.
  Case c;
  c.In("a", kFloat, {3, 2, 5}).In("b", kFloat, {5, 7});
  c.Node("FusedMatMul", {"a", "b"}, {"y"}, kMs).Attr("transBatchA", 1);
  EXPECT_THROW(c.Infer(), std::exception);
}

TEST(OpsShapeContrib, FusedConv) {
  // X (2,3,9,11), W (4,3,3,3), pads 1, strides (2,1): H = (9+2-3)/2+1 = 5, W = (11+2-3)/1+1 = 11.
  Case c;
  c.In("x", kFloat, {2, 3, 9, 11}).Init("w", kFloat, {4, 3, 3, 3}).Init("b", kFloat, {4});
  c.Node("FusedConv", {"x", "w", "b"}, {"y"}, kMs)
      .Attr("activation", "Relu")
      .Attr("pads", Dims{1, 1, 1, 1})
      .Attr("strides", Dims{2, 1})
      .Attr("kernel_shape", Dims{3, 3});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 4, 5, 11}}});
}

TEST(OpsShapeContrib, MatMulNBits) {
  // K=32, N=24, 4 bits, block 16: B (N, K/16, 16*4/8) = (24,2,8); scales (N, 2). Y (2,3,N).
  Case c;
  c.In("a", kFloat, {2, 3, 32}).Init("b", kUint8, {24, 2, 8}, {0x88}).Init("scales", kFloat, {24, 2}, {1});
  c.Node("MatMulNBits", {"a", "b", "scales"}, {"y"}, kMs)
      .Attr("K", 32)
      .Attr("N", 24)
      .Attr("bits", 4)
      .Attr("block_size", 16);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 24}}});
}

TEST(OpsShapeContrib, MatMulNBitsContradictionFails) {
  Case c;
  c.In("a", kFloat, {2, 3, 30}).Init("b", kUint8, {24, 2, 8}).Init("scales", kFloat, {24, 2});
  c.Node("MatMulNBits", {"a", "b", "scales"}, {"y"}, kMs).Attr("K", 32).Attr("N", 24).Attr("block_size", 16);
  EXPECT_THROW(c.Infer(), std::exception);
}

TEST(OpsShapeContrib, MoEAndQMoEKeepTheInputShape) {
  // input (B,S,hidden)=(2,3,8), router (B*S, experts)=(6,4); fc1 (experts, inter, hidden)=(4,16,8), fc2 (4,8,16).
  // QMoE with 8-bit weights: the same uint8 shapes, scales (experts, inter) and (experts, hidden).
  Case c;
  c.In("x", kFloat, {2, 3, 8}, {0.5}).In("router", kFloat, {6, 4}, {1, 0, 0, 0});
  c.Init("fc1", kFloat, {4, 16, 8}, {0.1}).Init("fc2", kFloat, {4, 8, 16}, {0.1});
  c.Init("q1", kUint8, {4, 16, 8}, {130}).Init("s1", kFloat, {4, 16}, {0.01});
  c.Init("q2", kUint8, {4, 8, 16}, {130}).Init("s2", kFloat, {4, 8}, {0.01});
  c.Node("MoE", {"x", "router", "fc1", "", "fc2"}, {"moe"}, kMs).Attr("k", 1).Attr("activation_type", "relu");
  c.Node("QMoE", {"x", "router", "q1", "s1", "", "q2", "s2"}, {"qmoe"}, kMs)
      .Attr("k", 1)
      .Attr("activation_type", "relu")
      .Attr("expert_weight_bits", 8);
  EXPECT_SHAPES_AND_ORT(c, {{"moe", {2, 3, 8}}, {"qmoe", {2, 3, 8}}});
}

TEST(OpsShapeContrib, MatMulBnb4AndTransposeMatMul) {
  // MatMulBnb4: K=32, N=24, block 16; A (2,3,K) -> Y (2,3,N). B holds N*K/2 = 384 bytes, absmax N*K/16 = 48.
  // TransposeMatMul transA: A (2,5,3) read as (2,3,5), B (5,7): Y (2,3,7).
  Case c;
  c.In("a", kFloat, {2, 3, 32}).Init("b", kUint8, {384}, {0x77}).Init("absmax", kFloat, {48}, {1});
  c.In("t", kFloat, {2, 5, 3}).Init("w", kFloat, {5, 7});
  c.Node("MatMulBnb4", {"a", "b", "absmax"}, {"y"}, kMs)
      .Attr("K", 32)
      .Attr("N", 24)
      .Attr("block_size", 16)
      .Attr("quant_type", 1);
  c.Node("TransposeMatMul", {"t", "w"}, {"tmm"}, kMs).Attr("transA", 1);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 24}}, {"tmm", {2, 3, 7}}});
}

TEST(OpsShapeContrib, MatMulBnb4ContradictionFails) {
  Case c;
  c.In("a", kFloat, {2, 3, 30}).Init("b", kUint8, {384}).Init("absmax", kFloat, {48});
  c.Node("MatMulBnb4", {"a", "b", "absmax"}, {"y"}, kMs)
      .Attr("K", 32)
      .Attr("N", 24)
      .Attr("block_size", 16)
      .Attr("quant_type", 1);
  EXPECT_THROW(c.Infer(), std::exception);
}

// ---------------------------------------------------------------------------------------------
// ai.onnx opsets 18-24

class OpsShapeReduce18 : public ::testing::TestWithParam<const char*> {};

TEST_P(OpsShapeReduce18, ConstAxesKeepdims0) {
  // X (2,3,5), axes [2, 0], keepdims 0 -> (3).
  Case c(18);
  c.In("x", kFloat, {2, 3, 5}, {1}).Int64Init("axes", {2, 0});
  c.Node(GetParam(), {"x", "axes"}, {"y"}).Attr("keepdims", 0);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {3}}});
}

TEST_P(OpsShapeReduce18, NoAxesReducesAll) {
  Case c(18);
  c.In("x", kFloat, {2, 3, 5}, {1});
  c.Node(GetParam(), {"x"}, {"y"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {1, 1, 1}}});
}

INSTANTIATE_TEST_SUITE_P(All, OpsShapeReduce18,
                         ::testing::Values("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                                           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"));

TEST(OpsShapeOnnx, ReduceMeanNoopWithEmptyAxes) {
  Case c(18);
  c.In("x", kFloat, {2, 3, 5});
  c.Node("ReduceMean", {"x"}, {"y"}).Attr("noop_with_empty_axes", 1);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 5}}});
}

TEST(OpsShapeOnnx, ReduceMeanRuntimeAxesKeepsRankOnly) {
  // axes a graph input: keepdims=1 gives rank 3 with unknown dims.
  Case c(18);
  c.In("x", kFloat, {2, 3, 5}).In("axes", kInt64, {1}, {1});
  c.Node("ReduceMean", {"x", "axes"}, {"y"});
  ExpectInferred(c, {{"y", {-1, -1, -1}}});
}

TEST(OpsShapeOnnx, ReduceMeanOpset13StillUsesOnnx) {
  // Below 18, axes is an attribute and onnx 1.12's ReduceMean-13 answers.
  Case c(13);
  c.In("x", kFloat, {2, 3, 5});
  c.Node("ReduceMean", {"x"}, {"y"}).Attr("axes", Dims{1}).Attr("keepdims", 0);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 5}}});
}

TEST(OpsShapeOnnx, Split18NumOutputsUneven) {
  // dim 7 in 3 chunks of ceil(7/3)=3: 3, 3, 1.
  Case c(18);
  c.In("x", kFloat, {2, 7});
  c.Node("Split", {"x"}, {"a", "b", "d"}).Attr("axis", 1).Attr("num_outputs", 3);
  EXPECT_SHAPES_AND_ORT(c, {{"a", {2, 3}}, {"b", {2, 3}}, {"d", {2, 1}}});
}

TEST(OpsShapeOnnx, Split18SplitInput) {
  Case c(18);
  c.In("x", kFloat, {2, 7}).Int64Init("split", {2, 5});
  c.Node("Split", {"x", "split"}, {"a", "b"}).Attr("axis", -1);
  EXPECT_SHAPES_AND_ORT(c, {{"a", {2, 2}}, {"b", {2, 5}}});
}

TEST(OpsShapeOnnx, Pad18Axes) {
  // axes [1, -1]; pads [1, 0, 2, 3]: dim1 3+1+2 = 6, dim2 5+0+3 = 8.
  Case c(18);
  c.In("x", kFloat, {2, 3, 5}).Int64Init("pads", {1, 0, 2, 3}).Int64Init("axes", {1, -1});
  c.Node("Pad", {"x", "pads", "", "axes"}, {"y"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 6, 8}}});
}

TEST(OpsShapeOnnx, Pad21NoAxesUsesPad18Rule) {
  // Opset 21 resolves to our Pad-18: pads over all axes [0,1,0, 1,0,2] -> (3, 3, 7).
  Case c(21);
  c.In("x", kFloat, {2, 3, 5}).Int64Init("pads", {0, 1, 0, 1, 0, 2});
  c.Node("Pad", {"x", "pads"}, {"y"}).Attr("mode", "edge");
  EXPECT_SHAPES_AND_ORT(c, {{"y", {3, 4, 7}}});
}

TEST(OpsShapeOnnx, Resize18SizesStretch) {
  Case c(18);
  c.In("x", kFloat, {1, 2, 4, 6}).Int64Init("sizes", {1, 2, 7, 9});
  c.Node("Resize", {"x", "", "", "sizes"}, {"y"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {1, 2, 7, 9}}});
}

TEST(OpsShapeOnnx, Resize18KeepAspectRatio) {
  // axes (2,3), sizes (5,5) over in (4,6): not_larger scale min(5/4, 5/6) = 0.8333 -> round(3.33)=3,
  // round(5.0)=5; not_smaller scale max = 1.25 -> 5, round(7.5)=8.
  Case c(18);
  c.In("x", kFloat, {1, 2, 4, 6}).Int64Init("sizes", {5, 5});
  c.Node("Resize", {"x", "", "", "sizes"}, {"small"}).Attr("axes", Dims{2, 3}).Attr("keep_aspect_ratio_policy", "not_larger");
  c.Node("Resize", {"x", "", "", "sizes"}, {"large"}).Attr("axes", Dims{2, 3}).Attr("keep_aspect_ratio_policy", "not_smaller");
  EXPECT_SHAPES_AND_ORT(c, {{"small", {1, 2, 3, 5}}, {"large", {1, 2, 5, 8}}});
}

TEST(OpsShapeOnnx, Resize19Scales) {
  // floor(4 * 1.5) = 6, floor(6 * 0.5) = 3.
  Case c(19);
  c.In("x", kFloat, {1, 2, 4, 6});
  c.FloatInit("scales", {1, 1, 1.5f, 0.5f});
  c.Node("Resize", {"x", "", "scales"}, {"y"}).Attr("mode", "linear");
  EXPECT_SHAPES_AND_ORT(c, {{"y", {1, 2, 6, 3}}});
}

TEST(OpsShapeOnnx, GroupNormalization18) {
  // X (N,C,H,W)=(2,6,3,5), 3 groups; opset 18 takes scale/bias per group (3).
  Case c(18);
  c.In("x", kFloat, {2, 6, 3, 5}).Init("scale", kFloat, {3}, {1}).Init("bias", kFloat, {3});
  c.Node("GroupNormalization", {"x", "scale", "bias"}, {"y"}).Attr("num_groups", 3);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 6, 3, 5}}});
}

TEST(OpsShapeOnnx, GroupNormalization21) {
  // Opset 21 takes scale/bias per channel (6).
  Case c(21);
  c.In("x", kFloat, {2, 6, 3, 5}).Init("scale", kFloat, {6}, {1}).Init("bias", kFloat, {6});
  c.Node("GroupNormalization", {"x", "scale", "bias"}, {"y"}).Attr("num_groups", 3);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 6, 3, 5}}});
}

TEST(OpsShapeOnnx, Attention23ThreeDWithPast) {
  // N=4, Nkv=2: Q (B,S,N*H)=(2,3,32) -> H=8; K (B,L,Nkv*H)=(2,5,16); V (B,L,Nkv*Hv)=(2,5,24) ->
  // Hv=12; past (B,Nkv,P,H|Hv) with P=6. Y (B,S,N*Hv)=(2,3,48); present (2,2,6+5,8|12).
  Case c(23);
  c.In("q", kFloat, {2, 3, 32}).In("k", kFloat, {2, 5, 16}).In("v", kFloat, {2, 5, 24});
  c.In("pk", kFloat, {2, 2, 6, 8}).In("pv", kFloat, {2, 2, 6, 12});
  c.Node("Attention", {"q", "k", "v", "", "pk", "pv"}, {"y", "present_k", "present_v"})
      .Attr("q_num_heads", 4)
      .Attr("kv_num_heads", 2);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 48}}, {"present_k", {2, 2, 11, 8}}, {"present_v", {2, 2, 11, 12}}});
}

TEST(OpsShapeOnnx, Attention24FourD) {
  // Q (B,N,S,H)=(2,4,3,8); K (B,Nkv,L,H)=(2,2,5,8); V (2,2,5,12). Y (B,N,S,Hv)=(2,4,3,12);
  // qk_matmul_output (B,N,S,L)=(2,4,3,5).
  Case c(24);
  c.In("q", kFloat, {2, 4, 3, 8}).In("k", kFloat, {2, 2, 5, 8}).In("v", kFloat, {2, 2, 5, 12});
  c.Node("Attention", {"q", "k", "v"}, {"y", "", "", "qk"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 4, 3, 12}}, {"qk", {2, 4, 3, 5}}});
}

TEST(OpsShapeOnnx, RMSNormalization23) {
  Case c(23);
  c.In("x", kFloat, {2, 3, 32}).Init("scale", kFloat, {32}, {1});
  c.Node("RMSNormalization", {"x", "scale"}, {"y"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 32}}});
}

TEST(OpsShapeOnnx, RotaryEmbedding23) {
  // X (B,S,N*H)=(2,3,32), num_heads 4; caches (max_seq 5, H/2 4) indexed by position_ids (2,3).
  Case c(23);
  c.In("x", kFloat, {2, 3, 32}).Init("cos", kFloat, {5, 4}, {1}).Init("sin", kFloat, {5, 4}).In("pos", kInt64, {2, 3}, {0, 1, 2});
  c.Node("RotaryEmbedding", {"x", "cos", "sin", "pos"}, {"y"}).Attr("num_heads", 4);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3, 32}}});
}

TEST(OpsShapeOnnx, CenterCropPad18) {
  // axes (0,1) become shape (4, 9): (5,7,3) -> (4,9,3).
  Case c(18);
  c.In("x", kFloat, {5, 7, 3}).Int64Init("shape", {4, 9});
  c.Node("CenterCropPad", {"x", "shape"}, {"y"}).Attr("axes", Dims{0, 1});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {4, 9, 3}}});
}

TEST(OpsShapeOnnx, Col2Im18) {
  // image (4,5), block (2,3): L = (4-2+1)*(5-3+1) = 9; input (1, C*2*3=12, 9) -> (1, 2, 4, 5).
  Case c(18);
  c.In("x", kFloat, {1, 12, 9}).Int64Init("image", {4, 5}).Int64Init("block", {2, 3});
  c.Node("Col2Im", {"x", "image", "block"}, {"y"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {1, 2, 4, 5}}});
}

TEST(OpsShapeOnnx, AveragePool19Dilations) {
  // kernel 3, dilation 2 -> effective 5: H = 9-5+1 = 5, W = 10-5+1 = 6.
  Case c(19);
  c.In("x", kFloat, {1, 2, 9, 10});
  c.Node("AveragePool", {"x"}, {"y"}).Attr("kernel_shape", Dims{3, 3}).Attr("dilations", Dims{2, 2});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {1, 2, 5, 6}}});
}

TEST(OpsShapeOnnx, LpPool18Dilations) {
  Case c(18);
  c.In("x", kFloat, {1, 2, 9, 10});
  c.Node("LpPool", {"x"}, {"y"}).Attr("kernel_shape", Dims{3, 3}).Attr("dilations", Dims{2, 2});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {1, 2, 5, 6}}});
}

TEST(OpsShapeOnnx, DequantizeLinear19Float16Scale) {
  // y takes x_scale's type (float16) at opset 19; onnx 1.12's version would say float.
  Case c(19);
  c.In("x", kInt8, {2, 3}, {1}).Init("scale", kFloat16, {}, {0.5});
  c.Node("DequantizeLinear", {"x", "scale"}, {"y"});
  EXPECT_EQ(c.InferredElemType("y"), kFloat16);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3}}});
}

TEST(OpsShapeOnnx, QuantizeLinear21OutputDtype) {
  // No zero point: output_dtype picks int8.
  Case c(21);
  c.In("x", kFloat, {2, 3}).Init("scale", kFloat, {}, {0.5});
  c.Node("QuantizeLinear", {"x", "scale"}, {"y"}).Attr("output_dtype", kInt8);
  EXPECT_EQ(c.InferredElemType("y"), kInt8);
  EXPECT_SHAPES_AND_ORT(c, {{"y", {2, 3}}});
}

TEST(OpsShapeOnnx, NewElementwise) {
  Case c(20);
  c.In("x", kFloat, {2, 3, 5}).In("a", kInt32, {2, 3, 1}).In("b", kInt32, {5});
  c.Node("Gelu", {"x"}, {"gelu"}).Attr("approximate", "tanh");
  c.Node("Mish", {"x"}, {"mish"});
  c.Node("BitwiseAnd", {"a", "b"}, {"and"});
  c.Node("BitwiseOr", {"b", "a"}, {"or"});
  c.Node("BitwiseXor", {"a", "a"}, {"xor"});
  c.Node("BitwiseNot", {"a"}, {"not"});
  EXPECT_SHAPES_AND_ORT(c, {{"gelu", {2, 3, 5}}, {"mish", {2, 3, 5}}, {"and", {2, 3, 5}}, {"or", {2, 3, 5}},
                            {"xor", {2, 3, 1}}, {"not", {2, 3, 1}}});
}

TEST(OpsShapeOnnx, Opset24SwishAndTensorScatter) {
  // Swish-24: X's shape. TensorScatter-24: present_cache is past_cache's (B,N,max_seq,H)=(2,4,7,8).
  Case c(24);
  c.In("x", kFloat, {2, 3, 5}).In("past", kFloat, {2, 4, 7, 8}).In("update", kFloat, {2, 4, 1, 8});
  c.In("idx", kInt64, {2}, {3});
  c.Node("Swish", {"x"}, {"swish"}).Attr("alpha", 0.5f);
  c.Node("TensorScatter", {"past", "update", "idx"}, {"present"});
  EXPECT_SHAPES_AND_ORT(c, {{"swish", {2, 3, 5}}, {"present", {2, 4, 7, 8}}});
}

TEST(OpsShapeOnnx, Opset24ReshapeFallsBackToOnnx) {
  // No rule of ours: opset 24 resolves to onnx 1.12's Reshape-14.
  Case c(24);
  c.In("x", kFloat, {2, 3, 5}).Int64Init("shape", {3, -1});
  c.Node("Reshape", {"x", "shape"}, {"y"});
  EXPECT_SHAPES_AND_ORT(c, {{"y", {3, 10}}});
}

TEST(OpsShapeRegistry, EveryRuleHasACase) {
  // Rules added without a case here should fail this list, so new rules get tested.
  const std::set<std::string> covered = {
      "com.microsoft:MultiHeadAttention", "com.microsoft:Attention", "com.microsoft:PackedAttention",
      "com.microsoft:PackedMultiHeadAttention", "com.microsoft:DecoderMaskedSelfAttention",
      "com.microsoft:DecoderMaskedMultiHeadAttention", "com.microsoft:GroupQueryAttention",
      "com.microsoft:SparseAttention", "com.microsoft:LongformerAttention", "com.microsoft:RotaryEmbedding",
      "com.microsoft:SkipLayerNormalization", "com.microsoft:SkipSimplifiedLayerNormalization",
      ":SimplifiedLayerNormalization", ":LayerNormalization", "com.microsoft:EmbedLayerNormalization",
      "com.microsoft:Gelu", "com.microsoft:BiasGelu", "com.microsoft:FastGelu", "com.microsoft:QuickGelu",
      "com.microsoft:BiasAdd", "com.microsoft:BiasSplitGelu", "com.microsoft:GemmFastGelu",
      "com.microsoft:FusedMatMul", "com.microsoft:FusedConv", "com.microsoft:MatMulNBits", "com.microsoft:MoE",
      "com.microsoft:QMoE", "com.microsoft:MatMulBnb4", "com.microsoft:TransposeMatMul", ":ReduceMean",
      ":ReduceMax", ":ReduceMin", ":ReduceProd", ":ReduceL1", ":ReduceL2", ":ReduceLogSum", ":ReduceLogSumExp",
      ":ReduceSumSquare", ":Split", ":Pad", ":Resize", ":GroupNormalization", ":Attention", ":RMSNormalization",
      ":RotaryEmbedding", ":CenterCropPad", ":Col2Im", ":AveragePool", ":LpPool", ":DequantizeLinear",
      ":QuantizeLinear", ":Mish", ":Gelu", ":BitwiseAnd", ":BitwiseNot", ":BitwiseOr", ":BitwiseXor", ":Swish",
      ":TensorScatter",
      // Whole-model cases in tests/quantized_attention_test.cc (all CUDA-only in ORT but QAttention).
      "com.microsoft:QAttention", "com.microsoft:DecoderAttention", "com.microsoft:QOrderedAttention",
      "com.microsoft:QOrderedLongformerAttention", "com.microsoft:QOrderedMatMul", "com.microsoft:QuantizeWithOrder",
      "com.microsoft:DequantizeWithOrder", "com.microsoft:QOrderedLayerNormalization", "com.microsoft:QOrderedGelu",
      "com.microsoft:GatedRelativePositionBias"};
  for (const auto& rule : ops::Rules())
    EXPECT_TRUE(covered.count(rule.domain + ":" + rule.op_type)) << rule.domain << ":" << rule.op_type;
}

}  // namespace
}  // namespace wsest
