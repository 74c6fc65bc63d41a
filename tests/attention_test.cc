// Attention estimators (estimators/attention.cc, attention_common.cc) against ORT 1.29.0's CUDA EP:
// one case per dispatch branch per op, expected bytes worked by hand from the cited formulas.
//
// Notation: e = sizeof(T); B batch; S query length; L kv length; P past; T = P + L; N heads; H/Hv head sizes.
// Formulas (attention_impl.cu GetAttentionWorkspaceSize, flash_api.cc, packed_attention_impl.cu):
//   qkv      = e * B * N * ((S + L) * H + L * Hv)        (0 when NoQkvWorkspace holds)
//   scores   = 2 * align256(e * B * N * S * T)           (unfused)
//   offsets  = align256(4 * (2B + 1))                    (TRT self; x2 for TRT cross)
//   lse      = 4 * B * N * S                             (flash)
//   splits s > 1: lse_accum = 4 * s * B * S * N, out_accum = 4 * s * B * S * N * roundup(H, 32)
//   mea acc  = 4 * B * S * N * Hv when Hv > 128 and T is not fp32
// Devices: h100-sxm = SM 9.0, 132 SMs; a100-80gb = SM 8.0, 108 SMs; t4 = SM 7.5.
// cuDNN: the default target has cuDNN 9.19.0, where fp16/bf16 MultiHeadAttention and Attention on SM 9.0
// take cuDNN SDPA by default; H100Cudnn92() (cuDNN 9.2.1, cudnn_sdpa::is_stable() false) keeps the other
// branches reachable on SM 9.0. The shadow device's library answer is K = 1048577 B (calibrate/shadow).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/attention_common.h"
#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

namespace at = estimators::attention;

TensorInfo T(const std::string& name, DataType dtype, std::vector<Dim> dims) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  t.dims = std::move(dims);
  return t;
}

std::vector<Dim> D(std::initializer_list<int64_t> values) {
  std::vector<Dim> dims;
  for (int64_t v : values) dims.push_back(Dim::Known(v));
  return dims;
}

TensorInfo Absent() { return TensorInfo{}; }

Target H100() {
  Target t;
  t.device = FindDevice("h100-sxm").value();
  return t;
}

// h100-sxm with cuDNN 9.2.1: the 1.29.0 binary runs no cuDNN SDPA there (measured on the 1.29.0 binary
// via the shadow device, h100-sxm@9.2.1), so SM 9.0 keeps the flash / memory-efficient / unfused cascade.
Target H100Cudnn92() {
  Target t = H100();
  t.cudnn_version = 90201;
  return t;
}

Target A100() {
  Target t;
  auto d = FindDevice("a100-80gb");
  EXPECT_TRUE(d.ok());
  t.device = d.value();
  return t;
}

Target T4() {
  Target t;
  t.device = FindDevice("t4").value();
  return t;
}

// The shadow device's answer to every library size query (calibrate/shadow/run_corpus.sh).
constexpr uint64_t kShadowK = 1048577;

// `t` with a library that answers every cuDNN SDPA workspace query with K.
Target WithSdpaAnswer(Target t, const testing::FakeQueries& fake) {
  t.live = &fake;
  return t;
}

Target WithSdpa(Target t, int64_t bits) {
  EXPECT_TRUE(t.ep.SetProviderOption("sdpa_kernel", std::to_string(bits)).ok());
  return t;
}

Target WithEnv(Target t, const std::string& name, const std::string& value) {
  EXPECT_TRUE(t.ep.SetEnv(name, value).ok());
  return t;
}

Estimate Ok(const Result<Estimate>& r) {
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : Estimate{};
}

uint64_t Total(const Estimate& e) { return e.workspace_bytes().value_or(UINT64_MAX); }

const Candidate* FindCandidate(const Estimate& e, const std::string& variant) {
  for (const Candidate& c : e.candidates) {
    if (c.variant == variant) return &c;
  }
  return nullptr;
}

std::string Rejection(const Estimate& e, const std::string& variant) {
  const Candidate* c = FindCandidate(e, variant);
  return c == nullptr ? "<not tried>" : c->rejected_because;
}

// --- MultiHeadAttention builders -------------------------------------------------------------------

struct MhaSpec {
  DataType dtype = DataType::kFloat16;
  int64_t b = 1, s = 128, l = 128, n = 12, h = 64, hv = 64;
  bool bias = true;
  std::vector<int64_t> mask;  // key_padding_mask dims; empty: none
  int64_t past = -1;          // past_key/past_value (B, N, past, H) and present outputs; -1: none
  bool past_seq_len = false;  // past_sequence_length input (shared buffer)
  std::optional<int64_t> past_seq_len_value;
  bool cache_indirection = false;
  bool cross_bnsh = false;  // key/value as (B, N, L, H)
  bool packed_qkv = false;  // query (B, S, N, 3, H)
  bool attention_bias = false;
  bool unidirectional = false;
};

NodeView Mha(const MhaSpec& p) {
  NodeView node;
  node.name = "mha";
  node.op_type = "MultiHeadAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = p.n;
  if (p.unidirectional) node.attributes["unidirectional"] = int64_t{1};
  if (p.packed_qkv) {
    node.inputs.push_back(T("q", p.dtype, D({p.b, p.s, p.n, 3, p.h})));
    node.inputs.push_back(Absent());
    node.inputs.push_back(Absent());
  } else {
    node.inputs.push_back(T("q", p.dtype, D({p.b, p.s, p.n * p.h})));
    if (p.cross_bnsh) {
      node.inputs.push_back(T("k", p.dtype, D({p.b, p.n, p.l, p.h})));
      node.inputs.push_back(T("v", p.dtype, D({p.b, p.n, p.l, p.hv})));
    } else {
      node.inputs.push_back(T("k", p.dtype, D({p.b, p.l, p.n * p.h})));
      node.inputs.push_back(T("v", p.dtype, D({p.b, p.l, p.n * p.hv})));
    }
  }
  node.inputs.push_back(p.bias ? T("bias", p.dtype, D({p.n * (2 * p.h + p.hv)})) : Absent());
  if (p.mask.empty()) {
    node.inputs.push_back(Absent());
  } else {
    std::vector<Dim> md;
    for (int64_t v : p.mask) md.push_back(Dim::Known(v));
    node.inputs.push_back(T("mask", DataType::kInt32, md));
  }
  node.inputs.push_back(p.attention_bias ? T("attn_bias", p.dtype, D({1, p.n, p.s, p.l + std::max<int64_t>(p.past, 0)}))
                                         : Absent());
  node.inputs.push_back(p.past >= 0 ? T("past_k", p.dtype, D({p.b, p.n, p.past, p.h})) : Absent());
  node.inputs.push_back(p.past >= 0 ? T("past_v", p.dtype, D({p.b, p.n, p.past, p.hv})) : Absent());
  if (p.past_seq_len) {
    TensorInfo t = T("past_seq_len", DataType::kInt32, D({1}));
    if (p.past_seq_len_value) t.int_values = std::vector<int64_t>{*p.past_seq_len_value};
    node.inputs.push_back(t);
  } else {
    node.inputs.push_back(Absent());
  }
  node.inputs.push_back(
      p.cache_indirection ? T("cache_ind", DataType::kInt32, D({p.b, 1, std::max<int64_t>(p.past, 1)})) : Absent());
  node.outputs.push_back(T("out", p.dtype, {}));
  if (p.past >= 0) {
    node.outputs.push_back(T("present_k", p.dtype, {}));
    node.outputs.push_back(T("present_v", p.dtype, {}));
  }
  return node;
}

// --- MultiHeadAttention: one case per branch ------------------------------------------------------

TEST(AttentionMha, BertFlashWithBiasOnH100) {
  // B=1, S=L=128, N=12, H=64, fp16, bias, no mask, cuDNN 9.2.1: decoder_masked (no cache_indirection),
  // lean (not built), cuDNN SDPA (not stable), then flash::is_supported(SM 90, H 64) holds.
  Estimate e = Ok(EstimateNode(Mha({}), H100Cudnn92()));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // softmax_lse = 4 * B * N * S = 4 * 1 * 12 * 128 = 6144.
  // splits: m_blocks = ceil(128/64) = 2, B*N*m_blocks = 24 < 0.8 * 132; n_blocks = ceil(128/256) = 1 -> 1 split.
  // qkv: bias present, so NoQkvWorkspace_MHA_NoPast is false: 2 * 1 * 12 * ((128 + 128) * 64 + 128 * 64) = 589824.
  EXPECT_EQ(Total(e), 6144u + 589824u);
  ASSERT_GE(e.candidates.size(), 4u);
  EXPECT_EQ(e.candidates[0].variant, "decoder_masked");
  EXPECT_EQ(e.candidates[1].variant, "lean");
  EXPECT_NE(e.candidates[1].rejected_because.find("not compiled"), std::string::npos);
  EXPECT_EQ(e.candidates[2].variant, "cudnn_sdpa");
  EXPECT_NE(e.candidates[2].rejected_because.find("is_stable() false (cuDNN 9.2.1"), std::string::npos);
  EXPECT_EQ(e.candidates.back().variant, "flash");
  EXPECT_TRUE(e.candidates.back().rejected_because.empty());
}

TEST(AttentionMha, FlashWithoutBiasSkipsQkv) {
  MhaSpec p;
  p.bias = false;
  // NoQkvWorkspace_MHA_NoPast: flash and no bias -> Q/K/V read in place; only softmax_lse 4*1*12*128 = 6144.
  EXPECT_EQ(Total(Ok(EstimateNode(Mha(p), A100()))), 6144u);
}

TEST(AttentionMha, DefaultOnH100IsCudnnSdpaWithCudnn919FlashWith921) {
  // The corpus case mha_b2_s128_f16: B=2, S=L=128, N=12, H=64, fp16, no bias. Measured on the 1.29.0
  // binary via the shadow device: h100-sxm cuDNN 9.19.0 runs cuDNN SDPA with allocations [K] (the graph
  // workspace; NoQkvWorkspace_MHA_NoPast holds for cuDNN without bias); cuDNN 9.2.1 runs flash [12288].
  MhaSpec p;
  p.b = 2;
  p.bias = false;
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  Estimate e = Ok(EstimateNode(Mha(p), WithSdpaAnswer(H100(), shadow)));
  EXPECT_EQ(e.variant, "cudnn_sdpa");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(Total(e), kShadowK);
  EXPECT_EQ(FindCandidate(e, "flash"), nullptr);  // cuDNN comes first: flash is never tried
  // The query as cudnn_sdpa::run builds its graph: BSNH Q/K/V read in place, no mask, not causal.
  ASSERT_TRUE(shadow.last_sdpa.has_value());
  EXPECT_EQ(CanonicalKey(*shadow.last_sdpa),
            "SDPA dtype=float16 b=2 h_q=12 h_kv=12 d_qk=64 d_v=64 s_q=128 s_kv=128 layout=Q_K_V_BSNH causal=0 bias=0 "
            "bias_bcast=00 padding=0 window=0");
  // Without a GPU or a record the workspace is unknown, and the reason names the query.
  Estimate u = Ok(EstimateNode(Mha(p), H100()));
  EXPECT_EQ(u.variant, "cudnn_sdpa");
  EXPECT_EQ(u.exactness, Exactness::kUnknown);
  EXPECT_NE(u.reason.find("SDPA dtype=float16 b=2"), std::string::npos) << u.reason;
  EXPECT_NE(u.reason.find("no live cuDNN and no record"), std::string::npos) << u.reason;
  // cuDNN 9.2.1: flash, softmax_lse 4 * B * N * S = 4 * 2 * 12 * 128 = 12288; one split, since
  // n_blocks = ceil(128 / 256) = 1 caps the split count.
  Estimate f = Ok(EstimateNode(Mha(p), H100Cudnn92()));
  EXPECT_EQ(f.variant, "flash");
  EXPECT_EQ(Total(f), 12288u);
  // A100 (SM 8.0): the auto-preference needs SM >= 90, so flash there too (measured: a100 [12288]).
  Estimate a = Ok(EstimateNode(Mha(p), A100()));
  EXPECT_EQ(a.variant, "flash");
  EXPECT_NE(Rejection(a, "cudnn_sdpa").find("auto-preference needs SM >= 90 (SM 80)"), std::string::npos);
}

TEST(AttentionMha, CudnnSdpaIgnoresFlashAndEfficientEnvButNotSdpaKernel) {
  // Measured on the 1.29.0 binary via the shadow device (mha_b2_s128_f16, h100-sxm, cuDNN 9.19.0):
  // ORT_DISABLE_FLASH_ATTENTION=1 and ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1 still run cuDNN [K];
  // sdpa_kernel=1 (explicit selection) runs flash [12288], sdpa_kernel=2 memory-efficient [], 16 unfused.
  MhaSpec p;
  p.b = 2;
  p.bias = false;
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  const Target h = WithSdpaAnswer(H100(), shadow);
  Estimate env = Ok(EstimateNode(
      Mha(p), WithEnv(WithEnv(h, "ORT_DISABLE_FLASH_ATTENTION", "1"), "ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION", "1")));
  EXPECT_EQ(env.variant, "cudnn_sdpa");
  EXPECT_EQ(Total(env), kShadowK);
  Estimate flash = Ok(EstimateNode(Mha(p), WithSdpa(h, at::kSdpaFlashAttention)));
  EXPECT_EQ(flash.variant, "flash");
  EXPECT_EQ(Total(flash), 12288u);
  EXPECT_NE(Rejection(flash, "cudnn_sdpa").find("sdpa_kernel does not select"), std::string::npos);
  EXPECT_EQ(Ok(EstimateNode(Mha(p), WithSdpa(h, at::kSdpaEfficientAttention))).variant, "memory_efficient");
  // unfused: qkv 2 * 2 * 12 * (256*64 + 128*64) = 1179648; scores 2 * align256(2 * 2 * 12 * 128 * 128) =
  // 1572864; total 2752512 as measured.
  Estimate math = Ok(EstimateNode(Mha(p), WithSdpa(h, at::kSdpaMath)));
  EXPECT_EQ(math.variant, "unfused");
  EXPECT_EQ(Total(math), 2752512u);
  // ORT_ENABLE_CUDNN_FLASH_ATTENTION=0 is the kill switch of the auto-preference: flash again.
  Estimate off = Ok(EstimateNode(Mha(p), WithEnv(h, "ORT_ENABLE_CUDNN_FLASH_ATTENTION", "0")));
  EXPECT_EQ(off.variant, "flash");
  EXPECT_NE(Rejection(off, "cudnn_sdpa").find("ORT_ENABLE_CUDNN_FLASH_ATTENTION=0"), std::string::npos);
}

TEST(AttentionMha, CudnnSdpaBuffersAroundTheGraph) {
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  const Target h = WithSdpaAnswer(H100(), shadow);
  // Measured on the 1.29.0 binary via the shadow device (h100-sxm, cuDNN 9.19.0), each on cuDNN SDPA:
  // mha_mask1d_b2_s128_f16: a 1-D key-length mask is passed as seq_len_kv and run() synthesises seq_len_q,
  // 4 * B = 8 bytes: [8, K].
  MhaSpec mask;
  mask.b = 2;
  mask.bias = false;
  mask.mask = {2};
  Estimate m = Ok(EstimateNode(Mha(mask), h));
  EXPECT_EQ(m.variant, "cudnn_sdpa");
  EXPECT_EQ(Total(m), 8u + kShadowK);
  EXPECT_TRUE(shadow.last_sdpa->padding_mask);
  // mha_past127_f16: S = L = 1, past 127, no bias: K/V go to the cache (BNSH), so the QKV workspace is
  // kept (NoQkvWorkspace_MHA_WithPast_NoBias needs no past): 2 * 1 * 12 * ((1 + 1) * 64 + 1 * 64) = 4608.
  MhaSpec past;
  past.s = past.l = 1;
  past.past = 127;
  past.bias = false;
  Estimate pe = Ok(EstimateNode(Mha(past), h));
  EXPECT_EQ(pe.variant, "cudnn_sdpa");
  EXPECT_EQ(Total(pe), 4608u + kShadowK);
  EXPECT_EQ(shadow.last_sdpa->layout, SdpaLayout::kQ_K_V_BSNH_BNSH_BNSH);
  EXPECT_EQ(shadow.last_sdpa->seq_len_kv, 128);
  // mha_shared_past256_f16: past_sequence_length = 100 over a 256-row shared cache: qkv 4608 and
  // seqlens_k_total 4 * B = 4: [4608, 4, K].
  MhaSpec shared = past;
  shared.past = 256;
  shared.past_seq_len = true;
  shared.past_seq_len_value = 100;
  Estimate se = Ok(EstimateNode(Mha(shared), h));
  EXPECT_EQ(se.variant, "cudnn_sdpa");
  EXPECT_EQ(Total(se), 4608u + 4u + kShadowK);
  // mha_causal_b2_s100_f16: unidirectional with S = T = 100 is top-left causal, which is_supported accepts
  // at any length: [K].
  MhaSpec causal;
  causal.b = 2;
  causal.s = causal.l = 100;
  causal.bias = false;
  causal.unidirectional = true;
  Estimate c = Ok(EstimateNode(Mha(causal), h));
  EXPECT_EQ(c.variant, "cudnn_sdpa");
  EXPECT_EQ(Total(c), kShadowK);
  EXPECT_TRUE(shadow.last_sdpa->is_causal);
  // With bias, Q/K/V get the workspace (NoQkvWorkspace_MHA_NoPast needs no bias):
  // 2 * 2 * 12 * (256*64 + 128*64) = 1179648 (measured [1179648, K] in an ad-hoc shadow run).
  MhaSpec bias;
  bias.b = 2;
  Estimate b = Ok(EstimateNode(Mha(bias), h));
  EXPECT_EQ(Total(b), 1179648u + kShadowK);
  // bf16 takes cuDNN as well (measured ad hoc: bf16 S = 512 on h100-sxm cuDNN 9.19.0 ran cuDNN SDPA [K]).
  MhaSpec bf;
  bf.dtype = DataType::kBfloat16;
  bf.b = 2;
  bf.s = bf.l = 512;
  bf.bias = false;
  Estimate bfe = Ok(EstimateNode(Mha(bf), h));
  EXPECT_EQ(bfe.variant, "cudnn_sdpa");
  EXPECT_EQ(shadow.last_sdpa->dtype, DataType::kBfloat16);
}

TEST(AttentionMha, CudnnSdpaStabilityAndCausalRuleFollowTheCudnnVersion) {
  // cudnn_sdpa::is_stable: >= 9.3.0 but not 9.10.0 or 9.10.1 (ad-hoc shadow runs of the 1.29.0 binary with
  // cuDNN 9.5.0 ran cuDNN SDPA, with 9.10.0 flash/memory-efficient/unfused as with 9.2.1).
  EXPECT_FALSE(at::CudnnSdpaIsStable(90201));
  EXPECT_TRUE(at::CudnnSdpaIsStable(90300));
  EXPECT_TRUE(at::CudnnSdpaIsStable(90500));
  EXPECT_FALSE(at::CudnnSdpaIsStable(91000));
  EXPECT_FALSE(at::CudnnSdpaIsStable(91001));
  EXPECT_TRUE(at::CudnnSdpaIsStable(91100));
  // is_supported, causal: S = 1 is never restricted; S > T never; S != T needs multiples of 64 below 9.6.
  EXPECT_TRUE(at::CudnnSdpaIsSupported(90, 90500, 32, 8, 128, 128, 1, 255, true));
  EXPECT_TRUE(at::CudnnSdpaIsSupported(90, 90500, 12, 12, 64, 64, 100, 100, true));
  EXPECT_FALSE(at::CudnnSdpaIsSupported(90, 91900, 12, 12, 64, 64, 128, 64, true));
  EXPECT_FALSE(at::CudnnSdpaIsSupported(90, 90500, 32, 8, 128, 128, 32, 128, true));
  EXPECT_TRUE(at::CudnnSdpaIsSupported(90, 90600, 32, 8, 128, 128, 32, 128, true));
  EXPECT_TRUE(at::CudnnSdpaIsSupported(90, 90500, 32, 8, 128, 128, 64, 128, true));
  EXPECT_FALSE(at::CudnnSdpaIsSupported(75, 91900, 12, 12, 64, 64, 128, 128, false));   // SM 7.5
  EXPECT_FALSE(at::CudnnSdpaIsSupported(90, 91900, 12, 12, 60, 60, 128, 128, false));   // H % 8 != 0
  EXPECT_FALSE(at::CudnnSdpaIsSupported(90, 91900, 12, 12, 264, 64, 128, 128, false));  // H > 256
  MhaSpec p;
  p.bias = false;
  Target v9100 = H100();
  v9100.cudnn_version = 91000;
  Estimate e = Ok(EstimateNode(Mha(p), v9100));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_NE(Rejection(e, "cudnn_sdpa").find("cuDNN 9.10.0"), std::string::npos);
}

TEST(AttentionMha, BertKeyPaddingMaskUnfusedOnH100TrtOnA100) {
  MhaSpec p;
  p.mask = {1};  // (B): MASK_1D_KEY_SEQ_LEN
  Estimate h = Ok(EstimateNode(Mha(p), H100Cudnn92()));
  EXPECT_EQ(h.variant, "unfused");
  EXPECT_EQ(Rejection(h, "flash"), "flash: rejected, key_padding_mask present");
  EXPECT_NE(Rejection(h, "trt_fused").find("IsSupported false (SM 90"), std::string::npos);
  EXPECT_NE(Rejection(h, "memory_efficient").find("key_padding_mask present"), std::string::npos);
  // qkv 589824 + scores 2 * align256(2 * 1 * 12 * 128 * 128 = 393216) = 786432.
  EXPECT_EQ(Total(h), 589824u + 786432u);
  Estimate a = Ok(EstimateNode(Mha(p), A100()));
  EXPECT_EQ(a.variant, "trt_fused");
  // qkv 589824 (bias) + offsets align256(4 * (2*1 + 1) = 12) = 256.
  EXPECT_EQ(Total(a), 589824u + 256u);
}

TEST(AttentionMha, Float32ShortSequenceUnfused) {
  MhaSpec p;
  p.dtype = DataType::kFloat;
  Estimate e = Ok(EstimateNode(Mha(p), H100()));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_NE(Rejection(e, "flash").find("fp16 only"), std::string::npos);
  EXPECT_NE(Rejection(e, "memory_efficient").find("below 256"), std::string::npos);
  // qkv 4 * 12 * (256*64 + 128*64) = 1179648; scores 2 * align256(4 * 12 * 128 * 128 = 786432) = 1572864.
  EXPECT_EQ(Total(e), 1179648u + 1572864u);
}

TEST(AttentionMha, Float32LongSequenceMemoryEfficientIsZero) {
  MhaSpec p;
  p.dtype = DataType::kFloat;
  p.s = p.l = 256;
  p.bias = false;
  Estimate e = Ok(EstimateNode(Mha(p), A100()));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // NoQkvWorkspace (MEA, no bias) and Hv = 64 <= 128: no accumulator. Zero is an exact answer.
  EXPECT_EQ(Total(e), 0u);
}

TEST(AttentionMha, MinSeqLenEfficientFp32Env) {
  MhaSpec p;
  p.dtype = DataType::kFloat;
  p.bias = false;
  // ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32=128 makes S = 128 long enough for MEA.
  Estimate e = Ok(EstimateNode(Mha(p), WithEnv(H100(), "ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32", "128")));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_EQ(Total(e), 0u);
}

TEST(AttentionMha, Bfloat16MemoryEfficientAccumulator) {
  // bf16 with cuDNN 9.2.1 (no cuDNN SDPA): MHA's constructor enables flash/TRT for float16 only (kIsFp16),
  // and the MEA length threshold is skipped only for float16, so bf16 needs S >= 256. H = Hv = 256 > 128:
  // fp32 accumulator.
  MhaSpec p;
  p.dtype = DataType::kBfloat16;
  p.s = p.l = 512;
  p.n = 4;
  p.h = p.hv = 256;
  p.bias = false;
  Estimate e = Ok(EstimateNode(Mha(p), H100Cudnn92()));
  EXPECT_EQ(e.variant, "memory_efficient");
  // accumulator 4 * B * S * N * Hv = 4 * 1 * 512 * 4 * 256 = 2097152; qkv skipped (MEA, no bias).
  EXPECT_EQ(Total(e), 2097152u);
  p.s = p.l = 128;
  Estimate shorter = Ok(EstimateNode(Mha(p), H100Cudnn92()));
  EXPECT_EQ(shorter.variant, "unfused");
  // qkv 2 * 4 * (256*256 + 128*256) = 786432; scores 2 * align256(2 * 4 * 128 * 128 = 131072) = 262144.
  EXPECT_EQ(Total(shorter), 786432u + 262144u);
}

TEST(AttentionMha, TrtFusedCrossOnA100WhenFlashDisabled) {
  MhaSpec p;
  p.b = 2;
  p.s = 64;
  p.l = 96;
  Target a = WithEnv(A100(), "ORT_DISABLE_FLASH_ATTENTION", "1");
  Estimate e = Ok(EstimateNode(Mha(p), a));
  EXPECT_EQ(e.variant, "trt_fused_cross");
  EXPECT_NE(Rejection(e, "flash").find("ORT_DISABLE_FLASH_ATTENTION"), std::string::npos);
  // qkv (bias): 2 * 2 * 12 * ((64 + 96) * 64 + 96 * 64) = 48 * 16384 = 786432;
  // offsets 2 * align256(4 * (2*2 + 1) = 20) = 512.
  EXPECT_EQ(Total(e), 786432u + 512u);
  // H100 with cuDNN 9.2.1: no cross kernel for SM 90, S != L rules out TRT self, MEA (fp16) takes it: qkv only.
  Estimate h = Ok(EstimateNode(Mha(p), WithEnv(H100Cudnn92(), "ORT_DISABLE_FLASH_ATTENTION", "1")));
  EXPECT_EQ(h.variant, "memory_efficient");
  EXPECT_EQ(Rejection(h, "trt_fused"),
            "trt_fused: rejected, sequence_length != kv_sequence_length (self attention only)");
  EXPECT_EQ(Total(h), 786432u);
}

TEST(AttentionMha, GptDecodeWithPastFlash) {
  // GPT-2 step: B=1, S=L=1, past 127 (T = 128), N=12, H=64, fp16, bias; past_key/value without
  // past_sequence_length, so flash is allowed (on H100 only below cuDNN 9.3: see CudnnSdpaBuffersAroundTheGraph).
  MhaSpec p;
  p.s = p.l = 1;
  p.past = 127;
  for (const Target& t : {H100Cudnn92(), A100()}) {
    Estimate e = Ok(EstimateNode(Mha(p), t));
    EXPECT_EQ(e.variant, "flash");
    // lse 4 * 12 * 1 = 48; n_blocks = ceil(128/256) = 1 -> 1 split; qkv with past and bias (never skipped):
    // 2 * 12 * ((1 + 1) * 64 + 1 * 64) = 4608.
    EXPECT_EQ(Total(e), 48u + 4608u);
  }
}

// Decoder-masked self attention in MHA: shared past/present, past_sequence_length, cache_indirection.
MhaSpec DmmhaSpec() {
  MhaSpec p;
  p.b = 2;
  p.s = p.l = 1;
  p.past = 256;  // M, the cache capacity
  p.bias = false;
  p.past_seq_len = true;
  p.past_seq_len_value = 100;
  p.cache_indirection = true;
  return p;
}

TEST(AttentionMha, DecoderMaskedChosenAndSizedAsUnfused) {
  Estimate e = Ok(EstimateNode(Mha(DmmhaSpec()), H100()));
  EXPECT_EQ(e.variant, "decoder_masked");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // T = 100 + 1 = 101. GetAttentionWorkspaceSize has no decoder-masked branch, so MHA allocates:
  // qkv 2 * 2 * 12 * ((1 + 1) * 64 + 64) = 9216 (NoQkvWorkspace false: not flash/MEA/cuDNN);
  // scores 2 * align256(2 * 2 * 12 * 1 * 101 = 4848 -> 4864) = 9728; seqlens_k_total 4 * B = 8.
  EXPECT_EQ(Total(e), 9216u + 9728u + 8u);
  // sdpa_kernel without the DECODER_ATTENTION bit (512): falls through to unfused with the same bytes.
  Estimate off = Ok(EstimateNode(Mha(DmmhaSpec()), WithSdpa(H100(), at::kSdpaMath)));
  EXPECT_EQ(off.variant, "unfused");
  EXPECT_NE(Rejection(off, "decoder_masked").find("disabled"), std::string::npos);
  EXPECT_EQ(Total(off), 9216u + 9728u + 8u);
  Estimate on = Ok(EstimateNode(Mha(DmmhaSpec()), WithSdpa(H100(), at::kSdpaDecoderAttention)));
  EXPECT_EQ(on.variant, "decoder_masked");
  // Without the decoder kernel and with no sdpa_kernel, cuDNN 9.19.0 takes the step on SM 9.0 (cuDNN SDPA
  // has no past_sequence_length condition; measured for mha_shared_past256_f16); with 9.2.1 it is unfused.
  Estimate env_off = Ok(EstimateNode(Mha(DmmhaSpec()), WithEnv(H100(), "ORT_DISABLE_DECODER_ATTENTION", "1")));
  EXPECT_EQ(env_off.variant, "cudnn_sdpa");
  Estimate env_off_92 =
      Ok(EstimateNode(Mha(DmmhaSpec()), WithEnv(H100Cudnn92(), "ORT_DISABLE_DECODER_ATTENTION", "1")));
  EXPECT_EQ(env_off_92.variant, "unfused");
}

TEST(AttentionMha, DecoderMaskedRuntimePastLengthIsUpperBound) {
  MhaSpec p = DmmhaSpec();
  p.past_seq_len_value.reset();  // a graph input: its value is known only at run time
  Estimate e = Ok(EstimateNode(Mha(p), A100()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  // Both outcomes (decoder_masked if past_sequence_length > 0, unfused otherwise) are sized at T <= M = 256:
  // qkv 9216 + scores 2 * align256(2 * 2 * 12 * 256 = 12288) = 24576 + seqlens 8 = 33800.
  EXPECT_EQ(Total(e), 9216u + 24576u + 8u);
  ASSERT_NE(FindCandidate(e, "decoder_masked"), nullptr);
  ASSERT_NE(FindCandidate(e, "unfused"), nullptr);
  EXPECT_EQ(FindCandidate(e, "unfused")->bytes, std::optional<uint64_t>(33800u));
}

TEST(AttentionMha, LeanForcedModelsALeanBuild) {
  // Release builds lack lean (USE_LEAN_ATTENTION off): rejected unless --variant lean models such a build.
  MhaSpec p;
  p.s = p.l = 1;
  p.past = 4095;  // T = 4096
  p.bias = false;
  Estimate plain = Ok(EstimateNode(Mha(p), A100()));
  EXPECT_EQ(plain.variant, "flash");
  Target forced = A100();
  forced.forced_variant = "lean";
  Estimate e = Ok(EstimateNode(Mha(p), forced));
  EXPECT_EQ(e.variant, "lean");
  // lean::get_num_splits_and_buffer_sizes, B=1, S=1, T=4096, N=Nk=12, H=64, 108 SMs:
  // block_n 256 -> n_blocks 16, m_blocks 1, tiles 16 * 12 = 192 <= 4 * 108 -> grid = min(96, 384) = 96,
  // max_tiles = 2, 192 % 96 == 0 -> splits = 1 + (16 + 0) / 2 = 9.
  // lse 4*12 = 48; lse_accum 4*9*12 = 432; out_accum 4*9*12*64 = 27648; sync 4*12 = 48;
  // qkv (lean is not a NoQkvWorkspace kernel): 2 * 12 * (2*64 + 64) = 4608.
  EXPECT_EQ(Total(e), 48u + 432u + 27648u + 48u + 4608u);
}

TEST(AttentionMha, PackedQkvFlashIgnoresThreshold) {
  // The census lists S >= 513 for packed QKV, but multihead_attention.cc compares qkv_format with
  // QKV_BS3NH, which CheckInputs rejects for MHA (5-D packing is QKV_BSN3H): the code wins, flash at S=128.
  MhaSpec p;
  p.packed_qkv = true;
  p.bias = false;
  Estimate e = Ok(EstimateNode(Mha(p), H100Cudnn92()));
  EXPECT_EQ(e.variant, "flash");
  // NoQkvWorkspace_MHA_PackedQKV needs the TRT runner, so flash still unpacks: qkv 589824 + lse 6144.
  EXPECT_EQ(Total(e), 589824u + 6144u);
  // A100 with flash disabled: TRT fused reads the packed input in place (no bias): offsets only, 256.
  Estimate a = Ok(EstimateNode(Mha(p), WithEnv(A100(), "ORT_DISABLE_FLASH_ATTENTION", "1")));
  EXPECT_EQ(a.variant, "trt_fused");
  EXPECT_EQ(Total(a), 256u);
}

TEST(AttentionMha, AttentionBiasAlignmentForMemoryEfficient) {
  MhaSpec p;
  p.attention_bias = true;
  p.s = p.l = 100;  // 100 % (4 * 2) != 0
  Estimate e = Ok(EstimateNode(Mha(p), H100Cudnn92()));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_EQ(Rejection(e, "flash"), "flash: rejected, attention_bias present");
  EXPECT_NE(Rejection(e, "memory_efficient").find("not a multiple of 8"), std::string::npos);
  p.s = p.l = 96;
  EXPECT_EQ(Ok(EstimateNode(Mha(p), H100Cudnn92())).variant, "memory_efficient");
  // cuDNN SDPA takes an attention bias (measured: mha_attn_bias_b2_s128_f16 ran cuDNN on cuDNN 9.19.0 [K]);
  // a (1, N, S, T) bias broadcasts over the batch.
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  Estimate c = Ok(EstimateNode(Mha(p), WithSdpaAnswer(H100(), shadow)));
  EXPECT_EQ(c.variant, "cudnn_sdpa");
  EXPECT_TRUE(shadow.last_sdpa->has_bias);
  EXPECT_TRUE(shadow.last_sdpa->broadcast_bias_dim_0);
  EXPECT_FALSE(shadow.last_sdpa->broadcast_bias_dim_1);
}

// --- sdpa_kernel bits --------------------------------------------------------------------------------

TEST(AttentionSdpaKernel, EachBitOnBertMha) {
  MhaSpec p;  // fp16, bias, S = L = 128
  // FLASH (1): flash, 6144 + 589824.
  EXPECT_EQ(Ok(EstimateNode(Mha(p), WithSdpa(H100(), at::kSdpaFlashAttention))).variant, "flash");
  // EFFICIENT (2): flash, TRT and cross off -> MEA, qkv only (bias) 589824.
  Estimate mea = Ok(EstimateNode(Mha(p), WithSdpa(H100(), at::kSdpaEfficientAttention)));
  EXPECT_EQ(mea.variant, "memory_efficient");
  EXPECT_EQ(Total(mea), 589824u);
  // TRT_FUSED (4) on A100: 589824 + 256.
  Estimate trt = Ok(EstimateNode(Mha(p), WithSdpa(A100(), at::kSdpaTrtFusedAttention)));
  EXPECT_EQ(trt.variant, "trt_fused");
  EXPECT_EQ(Total(trt), 589824u + 256u);
  // MATH (16): only unfused; qkv 589824 + scores 786432.
  Estimate math = Ok(EstimateNode(Mha(p), WithSdpa(H100(), at::kSdpaMath)));
  EXPECT_EQ(math.variant, "unfused");
  EXPECT_EQ(Total(math), 589824u + 786432u);
  // LEAN (256): rejected, not in the release build -> unfused.
  Estimate lean = Ok(EstimateNode(Mha(p), WithSdpa(H100(), at::kSdpaLeanAttention)));
  EXPECT_EQ(lean.variant, "unfused");
  EXPECT_NE(Rejection(lean, "lean").find("not compiled"), std::string::npos);
  // sdpa_kernel > 0 overrides the ORT_* variables: FLASH with ORT_DISABLE_FLASH_ATTENTION=1 is still flash.
  Target both = WithEnv(WithSdpa(H100(), at::kSdpaFlashAttention), "ORT_DISABLE_FLASH_ATTENTION", "1");
  EXPECT_EQ(Ok(EstimateNode(Mha(p), both)).variant, "flash");
}

TEST(AttentionSdpaKernel, TrtFlashBitNeededAboveS384) {
  MhaSpec p;
  p.s = p.l = 512;
  // TRT_FUSED | TRT_FLASH (4 | 32) on A100: S >= 385 uses the TRT flash kernels (has_flash_attention_kernel(80, 64)).
  Estimate with = Ok(EstimateNode(Mha(p), WithSdpa(A100(), at::kSdpaTrtFusedAttention | at::kSdpaTrtFlashAttention)));
  EXPECT_EQ(with.variant, "trt_fused");
  // qkv 2 * 12 * (1024*64 + 512*64) = 2359296 + offsets 256.
  EXPECT_EQ(Total(with), 2359296u + 256u);
  // TRT_FUSED alone: the non-flash fused kernels stop at 384 -> unfused: 2359296 + 2 * 2*12*512*512 = 12582912.
  Estimate without = Ok(EstimateNode(Mha(p), WithSdpa(A100(), at::kSdpaTrtFusedAttention)));
  EXPECT_EQ(without.variant, "unfused");
  EXPECT_EQ(Total(without), 2359296u + 12582912u);
}

TEST(AttentionSdpaKernel, TrtCrossBit) {
  MhaSpec p;
  p.b = 2;
  p.s = 64;
  p.l = 96;
  Estimate e = Ok(EstimateNode(Mha(p), WithSdpa(A100(), at::kSdpaTrtCrossAttention)));
  EXPECT_EQ(e.variant, "trt_fused_cross");
  EXPECT_EQ(Total(e), 786432u + 512u);  // as in TrtFusedCrossOnA100WhenFlashDisabled
}

TEST(AttentionSdpaKernel, CudnnBitFollowsSmAndCudnnVersion) {
  // sdpa_kernel=8 (CUDNN_FLASH_ATTENTION only) on the corpus case mha_b2_s128_f16 (B=2, no bias). Measured
  // on the 1.29.0 binary via the shadow device: cuDNN SDPA [K] on a100 (SM 8.0), l4 (SM 8.9) and h100
  // (SM 9.0) with cuDNN 9.19.0; unfused [2752512] on t4 (SM 7.5) and on h100 with cuDNN 9.2.1.
  MhaSpec p;
  p.b = 2;
  p.bias = false;
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  for (const char* device : {"a100-80gb", "l4", "h100-sxm"}) {
    SCOPED_TRACE(device);
    Target t = WithSdpaAnswer(WithSdpa(H100(), at::kSdpaCudnnFlashAttention), shadow);
    t.device = FindDevice(device).value();
    Estimate e = Ok(EstimateNode(Mha(p), t));
    EXPECT_EQ(e.variant, "cudnn_sdpa");
    EXPECT_EQ(e.exactness, Exactness::kExact);
    EXPECT_EQ(Total(e), kShadowK);
  }
  // unfused: qkv 2 * 2 * 12 * (256*64 + 128*64) = 1179648 + scores 2 * align256(2*2*12*128*128) = 1572864.
  Estimate t4 = Ok(EstimateNode(Mha(p), WithSdpa(T4(), at::kSdpaCudnnFlashAttention)));
  EXPECT_EQ(t4.variant, "unfused");
  EXPECT_EQ(t4.exactness, Exactness::kExact);
  EXPECT_EQ(Total(t4), 2752512u);
  EXPECT_NE(Rejection(t4, "cudnn_sdpa").find("is_supported false (SM 75"), std::string::npos);
  Estimate old = Ok(EstimateNode(Mha(p), WithSdpa(H100Cudnn92(), at::kSdpaCudnnFlashAttention)));
  EXPECT_EQ(old.variant, "unfused");
  EXPECT_EQ(Total(old), 2752512u);
  // No library answer: the cuDNN route is still the EP's proven choice, its bytes unknown.
  Estimate u = Ok(EstimateNode(Mha(p), WithSdpa(H100(), at::kSdpaCudnnFlashAttention)));
  EXPECT_EQ(u.variant, "cudnn_sdpa");
  EXPECT_EQ(u.exactness, Exactness::kUnknown);
  EXPECT_NE(u.reason.find("cuDNN SDPA graph's workspace"), std::string::npos) << u.reason;
  // ORT_ENABLE_CUDNN_FLASH_ATTENTION=1 enables cuDNN on SM 8.0 too, where the auto-preference does not.
  Estimate env =
      Ok(EstimateNode(Mha(p), WithSdpaAnswer(WithEnv(A100(), "ORT_ENABLE_CUDNN_FLASH_ATTENTION", "1"), shadow)));
  EXPECT_EQ(env.variant, "cudnn_sdpa");
  // float never takes cuDNN (16-bit only in the constructor).
  MhaSpec f = p;
  f.dtype = DataType::kFloat;
  Estimate fe = Ok(EstimateNode(Mha(f), WithSdpa(H100(), at::kSdpaCudnnFlashAttention)));
  EXPECT_EQ(fe.exactness, Exactness::kExact);
  EXPECT_NE(Rejection(fe, "cudnn_sdpa").find("16-bit only"), std::string::npos);
}

TEST(AttentionSdpaKernel, ParseKernelOptions) {
  EpConfig ep;
  auto o = at::ParseKernelOptions(ep);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->use_flash_attention);
  EXPECT_TRUE(o->use_efficient_attention);
  EXPECT_TRUE(o->use_trt_fused_attention);
  EXPECT_FALSE(o->use_cudnn_flash_attention);
  EXPECT_TRUE(o->allow_cudnn_flash_attention_auto);  // no sdpa_kernel, no ORT_ENABLE_CUDNN_FLASH_ATTENTION=0
  EXPECT_FALSE(o->use_trt_causal_attention);
  EXPECT_FALSE(o->use_lean_attention);
  EXPECT_TRUE(o->use_decoder_attention);
  EXPECT_EQ(o->min_seq_len_for_flash_attention_packed_qkv, 513);
  EXPECT_EQ(o->min_seq_len_for_efficient_attention_fp32, 256);
  // sdpa_kernel > 0: bits decide, thresholds default to 0.
  ASSERT_TRUE(ep.SetProviderOption("sdpa_kernel", "130").ok());  // 2 | 128
  o = at::ParseKernelOptions(ep);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->use_flash_attention);
  EXPECT_TRUE(o->use_efficient_attention);
  EXPECT_TRUE(o->use_trt_causal_attention);
  EXPECT_FALSE(o->allow_cudnn_flash_attention_auto);  // has_explicit_kernel_selection_
  EXPECT_FALSE(o->use_unfused);
  EXPECT_FALSE(o->use_decoder_attention);
  EXPECT_EQ(o->min_seq_len_for_flash_attention_packed_qkv, 0);
  EXPECT_EQ(o->min_seq_len_for_efficient_attention_fp32, 0);
  // ORT parses the flags with istream >> bool: "true" fails (ORT throws), so does a non-integer threshold.
  EpConfig bad;
  ASSERT_TRUE(bad.SetEnv("ORT_DISABLE_FLASH_ATTENTION", "true").ok());
  auto r = at::ParseKernelOptions(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("ORT_DISABLE_FLASH_ATTENTION='true'"), std::string::npos);
  EpConfig bad2;
  ASSERT_TRUE(bad2.SetEnv("ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32", "x").ok());
  EXPECT_FALSE(at::ParseKernelOptions(bad2).ok());
  // ORT_ENABLE_CUDNN_FLASH_ATTENTION: 1 enables cuDNN outright, 0 also turns the auto-preference off.
  EpConfig on;
  ASSERT_TRUE(on.SetEnv("ORT_ENABLE_CUDNN_FLASH_ATTENTION", "1").ok());
  EXPECT_TRUE(at::ParseKernelOptions(on)->use_cudnn_flash_attention);
  EXPECT_TRUE(at::ParseKernelOptions(on)->allow_cudnn_flash_attention_auto);
  EpConfig off;
  ASSERT_TRUE(off.SetEnv("ORT_ENABLE_CUDNN_FLASH_ATTENTION", "0").ok());
  EXPECT_FALSE(at::ParseKernelOptions(off)->use_cudnn_flash_attention);
  EXPECT_FALSE(at::ParseKernelOptions(off)->allow_cudnn_flash_attention_auto);
}

TEST(AttentionSdpaKernel, BadEnvValueNamesTheNode) {
  auto r = EstimateNode(Mha({}), WithEnv(H100(), "ORT_DISABLE_FUSED_ATTENTION", "yes"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("MultiHeadAttention 'mha': ORT_DISABLE_FUSED_ATTENTION='yes'"), std::string::npos);
}

TEST(AttentionEnv, DisableFusedAndMemoryEfficient) {
  MhaSpec p;
  p.mask = {1};
  // A100 with 1-D mask takes TRT fused; ORT_DISABLE_FUSED_ATTENTION=1 leaves unfused (MEA rejects the mask).
  Estimate e = Ok(EstimateNode(Mha(p), WithEnv(A100(), "ORT_DISABLE_FUSED_ATTENTION", "1")));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_EQ(Total(e), 589824u + 786432u);
  MhaSpec q;
  q.bias = false;
  // cuDNN 9.2.1 (the flags do not reach cuDNN SDPA, which cuDNN 9.19.0 would run: see
  // CudnnSdpaIgnoresFlashAndEfficientEnvButNotSdpaKernel).
  Target t = WithEnv(WithEnv(H100Cudnn92(), "ORT_DISABLE_FLASH_ATTENTION", "1"),
                     "ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION", "1");
  Estimate u = Ok(EstimateNode(Mha(q), t));
  EXPECT_EQ(u.variant, "unfused");
  // No bias, but unfused always materialises Q/K/V: 589824 + 786432.
  EXPECT_EQ(Total(u), 589824u + 786432u);
}

// --- Flash split heuristic: non-monotonic in KV length ---------------------------------------------

// B=1, S=1, N=2, H=64 (block_n = 256), so work = B*N*m_blocks = 2, far below 0.8 * SMs; n_blocks = ceil(T/256).
// efficiency(s) = (2s/SMs) / ceil(2s/SMs); s is eligible only where ceil(n_blocks/s) differs from s - 1's.
struct SplitRow {
  int64_t sms;
  int64_t total;
  int64_t splits;
  const char* why;
};

const SplitRow kSplitRows[] = {
    {108, 256, 1, "n_blocks 1: at most 1 split"},
    {108, 6912, 27, "n_blocks 27: only s=27 eligible near the top, eff 0.5 = best"},
    {108, 13824, 54, "n_blocks 54: s=54 fills 108 SMs exactly (eff 1.0); 46..53 ineligible (ceil 2 like 45)"},
    {108, 13825, 28, "n_blocks 55: s=55 gives 1.02 waves (eff 0.51); best eligible is s=28 (eff 0.52) -> 28"},
    {108, 27648, 54, "n_blocks 108: s=54 eligible with eff 1.0, nothing eligible in 46..53"},
    {108, 27649, 37, "n_blocks 109: best eligible s=37 (eff 0.685); threshold 0.58 needs s >= 32, 32..36 ineligible"},
    {132, 13824, 54, "n_blocks 54: s=54 eff 108/132 = 0.82 is the best"},
    {132, 13825, 55, "n_blocks 55: s=55 eff 110/132 = 0.83 (one wave on 132 SMs); A100 drops to 28 here"},
    {132, 16896, 66, "n_blocks 66: s=66 fills 132 SMs (eff 1.0)"},
    {132, 16897, 34, "n_blocks 67: s=67 spills (eff 0.51); best eligible s=34 (eff 0.52) -> 34"},
    {132, 27648, 54, "n_blocks 108: eligible 54 (eff 0.82) and 108 (1.64 waves, 0.82): smallest is 54"},
};

TEST(AttentionFlashSplits, TableOnA100AndH100) {
  for (const SplitRow& row : kSplitRows) {
    SCOPED_TRACE(std::to_string(row.sms) + " SMs, T=" + std::to_string(row.total) + ": " + row.why);
    EXPECT_EQ(at::FlashNumSplitsHeuristic(1, 1, row.total, 2, 64, row.sms, 128), row.splits);
    // Through the MHA estimator: past = T - 1, no bias; bytes = lse 8 + qkv 768 + (splits > 1 ? 520 * s : 0),
    // where lse = 4*1*2*1, qkv = 2 * 1 * 2 * (2*64 + 64) (past present: never skipped), and per split
    // lse_accum 4*1*1*2 = 8 plus out_accum 4*1*1*2*64 = 512.
    MhaSpec p;
    p.s = p.l = 1;
    p.n = 2;
    p.bias = false;
    p.past = row.total - 1;
    Target t = row.sms == 108 ? A100() : H100Cudnn92();
    Estimate e = Ok(EstimateNode(Mha(p), t));
    EXPECT_EQ(e.variant, "flash");
    const uint64_t split_bytes = row.splits > 1 ? 520u * static_cast<uint64_t>(row.splits) : 0u;
    EXPECT_EQ(Total(e), 776u + split_bytes);
  }
}

TEST(AttentionFlashSplits, MoreKvCanMeanLessWorkspace) {
  // A100: T = 13824 -> 54 splits (776 + 520*54 = 28856); T = 13825 -> 28 splits (776 + 520*28 = 15336).
  MhaSpec p;
  p.s = p.l = 1;
  p.n = 2;
  p.bias = false;
  p.past = 13823;
  const uint64_t shorter = Total(Ok(EstimateNode(Mha(p), A100())));
  p.past = 13824;
  const uint64_t longer = Total(Ok(EstimateNode(Mha(p), A100())));
  EXPECT_EQ(shorter, 28856u);
  EXPECT_EQ(longer, 15336u);
}

TEST(AttentionFlashSplits, WideBatchUsesOneSplit) {
  // B*N*m_blocks = 8*16*1 = 128 >= 0.8 * 132 = 105.6: 1 split, no accumulators.
  {
    const at::FlashSplitBuffers s = at::FlashSplitBufferSizes(8, 1, 100000, 16, 128, 132);
    EXPECT_EQ(s.num_splits, 0);
    EXPECT_EQ(s.out_accum.value(), 0u);
  }
  // H = 80 rounds to 96 for out_accum; block_n 128. B=1, N=1, S=1, T=128*10: n_blocks 10, work 1:
  // eligible s: 1,2,3,4,5,10 (ceil 10,5,4,3,2,1); eff = s/132 grows, best s=10 -> 10 splits.
  const at::FlashSplitBuffers s = at::FlashSplitBufferSizes(1, 1, 1280, 1, 80, 132);
  EXPECT_EQ(s.num_splits, 10);
  EXPECT_EQ(s.out_accum.value(), 4u * 10 * 1 * 1 * 1 * 96);  // 3840
  EXPECT_EQ(s.softmax_lse_accum.value(), 4u * 10);
}

// --- Attention (fused QKV projection) --------------------------------------------------------------

struct AttnSpec {
  DataType dtype = DataType::kFloat16;
  int64_t b = 1, s = 128, n = 12, h = 64;
  std::vector<int64_t> mask;
  bool unidirectional = false;
  int64_t past = -1;          // past (2, B, N, P, H) and present output
  bool past_seq_len = false;  // input 6, for past_present_share_buffer
};

NodeView Attn(const AttnSpec& p, const std::string& op = "Attention") {
  NodeView node;
  node.name = "attn";
  node.op_type = op;
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = p.n;
  if (p.unidirectional) node.attributes["unidirectional"] = int64_t{1};
  const int64_t hidden = p.n * p.h;
  node.inputs.push_back(T("x", p.dtype, D({p.b, p.s, hidden})));
  node.inputs.push_back(T("w", p.dtype, D({hidden, 3 * hidden})));
  node.inputs.push_back(T("bias", p.dtype, D({3 * hidden})));
  if (p.mask.empty()) {
    node.inputs.push_back(Absent());
  } else {
    std::vector<Dim> md;
    for (int64_t v : p.mask) md.push_back(Dim::Known(v));
    node.inputs.push_back(T("mask", DataType::kInt32, md));
  }
  node.inputs.push_back(p.past >= 0 ? T("past", p.dtype, D({2, p.b, p.n, p.past, p.h})) : Absent());
  if (p.past_seq_len) {
    node.inputs.push_back(Absent());  // attention_bias
    node.inputs.push_back(T("past_seq_len", DataType::kInt32, D({1})));
  }
  node.outputs.push_back(T("y", p.dtype, {}));
  if (p.past >= 0) node.outputs.push_back(T("present", p.dtype, {}));
  return node;
}

TEST(AttentionFused, BertNoMask) {
  // gemm_buffer B*S*3*hidden*e = 128 * 2304 * 2 = 589824 (temp space); workspace qkv (never skipped) 589824.
  Estimate h = Ok(EstimateNode(Attn({}), H100Cudnn92()));
  EXPECT_EQ(h.variant, "memory_efficient");  // cuDNN: not stable; flash: S = 128 < 513; TRT: no SM 90 kernels
  EXPECT_NE(Rejection(h, "flash").find("128 < 513"), std::string::npos);
  EXPECT_EQ(Total(h), 589824u + 589824u);
  ASSERT_FALSE(h.buffers.empty());
  EXPECT_EQ(h.buffers[0].name, "gemm_buffer");
  EXPECT_EQ(h.buffers[0].allocator, Allocator::kTempSpace);
  Estimate a = Ok(EstimateNode(Attn({}), A100()));
  EXPECT_EQ(a.variant, "trt_fused");
  EXPECT_EQ(Total(a), 589824u + 589824u + 256u);  // + offsets align256(12)
}

TEST(AttentionFused, BertOneDimMask) {
  AttnSpec p;
  p.mask = {1};
  // H100, cuDNN 9.2.1: cuDNN (not stable), flash (mask), TRT (SM 90), MEA (1-D lengths) rejected -> unfused:
  // 589824 + 589824 + 786432.
  Estimate h = Ok(EstimateNode(Attn(p), H100Cudnn92()));
  EXPECT_EQ(h.variant, "unfused");
  EXPECT_EQ(Total(h), 589824u + 589824u + 786432u);
  EXPECT_EQ(Ok(EstimateNode(Attn(p), A100())).variant, "trt_fused");
  // A 2-D dummy mask (B, 1) counts as MASK_NONE but is still a mask_index: TRT rejects it.
  p.mask = {1, 1};
  Estimate dummy = Ok(EstimateNode(Attn(p), A100()));
  EXPECT_EQ(dummy.variant, "unfused");
}

TEST(AttentionFused, FlashWithPackedThresholdEnvAndSdpa) {
  // ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV=128: flash at S = 128: gemm 589824 + lse 6144 + qkv 589824.
  Estimate e = Ok(EstimateNode(Attn({}), WithEnv(H100Cudnn92(), "ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV", "128")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(Total(e), 589824u + 6144u + 589824u);
  // sdpa_kernel = FLASH: the threshold defaults to 0, and the explicit selection turns cuDNN's auto-preference
  // off even with cuDNN 9.19.0.
  EXPECT_EQ(Total(Ok(EstimateNode(Attn({}), WithSdpa(H100(), at::kSdpaFlashAttention)))), 589824u + 6144u + 589824u);
}

TEST(AttentionFused, CudnnSdpaFirst) {
  // The corpus case attention_b4_s128_f16: B=4, S=128, N=12, H=64, fp16, bias. Measured on the 1.29.0 binary
  // via the shadow device: h100-sxm cuDNN 9.19.0 runs cuDNN SDPA by default, with ORT_DISABLE_FLASH_ATTENTION
  // and ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION, and with sdpa_kernel=8 (also on a100 and l4), allocating
  // [2359296, 2359296, K]: gemm_buffer B*S*3*hidden*e = 4 * 128 * 2304 * 2 = 2359296, the workspace with Q/K/V
  // (GetAttentionWorkspaceSize returns qkv_bytes for cuDNN) 2 * 4 * 12 * ((128 + 128) * 64 + 128 * 64) = 2359296,
  // then the graph workspace.
  AttnSpec p;
  p.b = 4;
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  const Target h = WithSdpaAnswer(H100(), shadow);
  for (const Target& t :
       {h, WithEnv(WithEnv(h, "ORT_DISABLE_FLASH_ATTENTION", "1"), "ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION", "1"),
        WithSdpa(h, at::kSdpaCudnnFlashAttention),
        WithSdpaAnswer(WithSdpa(A100(), at::kSdpaCudnnFlashAttention), shadow)}) {
    Estimate e = Ok(EstimateNode(Attn(p), t));
    EXPECT_EQ(e.variant, "cudnn_sdpa");
    EXPECT_EQ(e.exactness, Exactness::kExact);
    EXPECT_EQ(Total(e), 2359296u + 2359296u + kShadowK);
    EXPECT_EQ(e.candidates.size(), 1u);  // cudnn_sdpa_supported is decided before any other kernel
  }
  // PrepareQkv_Attention leaves Q/K/V in BNSH for a kernel other than TRT, flash or memory-efficient.
  EXPECT_EQ(CanonicalKey(*shadow.last_sdpa),
            "SDPA dtype=float16 b=4 h_q=12 h_kv=12 d_qk=64 d_v=64 s_q=128 s_kv=128 layout=Q_K_V_BNSH causal=0 bias=0 "
            "bias_bcast=00 padding=0 window=0");
  // Default on A100: TRT fused [2359296, 2359552] (gemm + qkv 2359296 + offsets align256(4 * (2*4 + 1)) = 256).
  Estimate a = Ok(EstimateNode(Attn(p), A100()));
  EXPECT_EQ(a.variant, "trt_fused");
  EXPECT_EQ(Total(a), 2359296u + 2359552u);
  // sdpa_kernel=8 on t4 (SM 7.5): unfused [2359296, 5505024]: scores 2 * align256(2*4*12*128*128) = 3145728.
  Estimate t4 = Ok(EstimateNode(Attn(p), WithSdpa(T4(), at::kSdpaCudnnFlashAttention)));
  EXPECT_EQ(t4.variant, "unfused");
  EXPECT_EQ(Total(t4), 2359296u + 2359296u + 3145728u);
  // attention_mask1d_b4_s128_f16: the 1-D key lengths go to cuDNN as seq_len_kv, run() synthesises
  // seq_len_q (4 * B = 16): [2359296, 2359296, 16, K].
  AttnSpec m = p;
  m.mask = {4};
  EXPECT_EQ(Total(Ok(EstimateNode(Attn(m), h))), 2359296u + 2359296u + 16u + kShadowK);
  // attention_causal_b4_s128_f16: unidirectional, S = T = 128 top-left: cuDNN [2359296, 2359296, K].
  AttnSpec c = p;
  c.unidirectional = true;
  Estimate ce = Ok(EstimateNode(Attn(c), h));
  EXPECT_EQ(ce.variant, "cudnn_sdpa");
  EXPECT_EQ(Total(ce), 2359296u + 2359296u + kShadowK);
  // A past KV cache rules cuDNN out (GptWithPastUnfused).
}

TEST(AttentionFused, Bfloat16LongFlashAndFloat32Unfused) {
  AttnSpec p;
  p.dtype = DataType::kBfloat16;
  p.s = 1024;
  Estimate e = Ok(EstimateNode(Attn(p), A100()));
  EXPECT_EQ(e.variant, "flash");
  // gemm 1024 * 2304 * 2 = 4718592; lse 4 * 12 * 1024 = 49152 (B*N*m_blocks = 192 >= 86.4: 1 split);
  // qkv 2 * 12 * (2048*64 + 1024*64) = 4718592.
  EXPECT_EQ(Total(e), 4718592u + 49152u + 4718592u);
  AttnSpec f;
  f.dtype = DataType::kFloat;
  Estimate u = Ok(EstimateNode(Attn(f), H100()));
  EXPECT_EQ(u.variant, "unfused");
  // gemm 4 * 128 * 2304 = 1179648; qkv 4 * 12 * 24576 = 1179648; scores 2 * 786432 = 1572864.
  EXPECT_EQ(Total(u), 1179648u + 1179648u + 1572864u);
}

TEST(AttentionFused, NoTrtCausalRunner) {
  // Unidirectional fp16 Attention, B=4, S=128 (the corpus case attention_causal_b4_s128_f16). Measured on
  // the 1.29.0 binary via the shadow device, a100: sdpa_kernel=128 (TRT_CAUSAL alone) ran unfused
  // [2359296, 5505024], ORT_ENABLE_FUSED_CAUSAL_ATTENTION=1 ran memory-efficient [2359296, 2359296]: no
  // causal TRT runner, although FusedMHARunnerFP16v2 would support SM 8.0, H 64.
  AttnSpec p;
  p.b = 4;
  p.unidirectional = true;
  // gemm 4*128*2304*2 = 2359296; qkv 2*4*12*(256*64 + 128*64) = 2359296; scores 2*align256(2*4*12*128*128).
  Estimate bit = Ok(EstimateNode(Attn(p), WithSdpa(A100(), at::kSdpaTrtCausalAttention)));
  EXPECT_EQ(bit.variant, "unfused");
  EXPECT_EQ(Total(bit), 2359296u + 2359296u + 3145728u);
  EXPECT_NE(Rejection(bit, "trt_fused_causal").find("no TRT causal runner"), std::string::npos);
  Estimate env = Ok(EstimateNode(Attn(p), WithEnv(A100(), "ORT_ENABLE_FUSED_CAUSAL_ATTENTION", "1")));
  EXPECT_EQ(env.variant, "memory_efficient");
  EXPECT_EQ(Total(env), 2359296u + 2359296u);
  EXPECT_NE(Rejection(env, "trt_fused").find("unidirectional"), std::string::npos);
}

TEST(AttentionFused, GptWithPastUnfused) {
  AttnSpec p;
  p.s = 1;
  p.unidirectional = true;
  p.past = 127;
  Estimate e = Ok(EstimateNode(Attn(p), H100()));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_EQ(Rejection(e, "cudnn_sdpa"), "cudnn_sdpa: rejected, past present");
  // gemm 2304 * 2 = 4608; qkv 2 * 12 * (2*64 + 64) = 4608; scores 2 * align256(2 * 12 * 1 * 128 = 3072) = 6144.
  EXPECT_EQ(Total(e), 4608u + 4608u + 6144u);
}

// --- PackedAttention / PackedMultiHeadAttention ------------------------------------------------------

NodeView Packed(DataType dtype, int64_t tokens, int64_t b, int64_t s, int64_t n, int64_t h) {
  NodeView node;
  node.name = "pa";
  node.op_type = "PackedAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = n;
  const int64_t hidden = n * h;
  node.inputs = {T("x", dtype, D({tokens, hidden})), T("w", dtype, D({hidden, 3 * hidden})),
                 T("bias", dtype, D({3 * hidden})), T("token_offset", DataType::kInt32, D({b, s})),
                 T("cu_seqlens", DataType::kInt32, D({b + 1}))};
  node.outputs.push_back(T("y", dtype, {}));
  return node;
}

TEST(AttentionPacked, TrtOnA100MemoryEfficientOnH100UnfusedFp32) {
  // tokens 200, B=2, S=128, N=12, H=64: gemm 200 * 2304 * 2 = 921600 (GetScratchBuffer);
  // packed qkv e*B*N*S*(2H + Hv) = 2 * 2 * 12 * 128 * 192 = 1179648.
  Estimate a = Ok(EstimateNode(Packed(DataType::kFloat16, 200, 2, 128, 12, 64), A100()));
  EXPECT_EQ(a.variant, "trt_fused");
  EXPECT_EQ(Total(a), 921600u + 1179648u);
  Estimate h = Ok(EstimateNode(Packed(DataType::kFloat16, 200, 2, 128, 12, 64), H100()));
  EXPECT_EQ(h.variant, "memory_efficient");
  EXPECT_EQ(Total(h), 921600u + 1179648u);
  // PackedAttention has no memory-efficient disable check: the env variable does not change it.
  EXPECT_EQ(Ok(EstimateNode(Packed(DataType::kFloat16, 200, 2, 128, 12, 64),
                            WithEnv(H100(), "ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION", "1")))
                .variant,
            "memory_efficient");
  Estimate f = Ok(EstimateNode(Packed(DataType::kFloat, 200, 2, 128, 12, 64), H100()));
  EXPECT_EQ(f.variant, "unfused");
  // gemm 200*2304*4 = 1843200; qkv 4*2*12*128*192 = 2359296; scores 2 * align256(4*2*12*128*128) = 3145728.
  EXPECT_EQ(Total(f), 1843200u + 2359296u + 3145728u);
}

NodeView PackedMha(DataType dtype, bool packed, int64_t tokens, int64_t b, int64_t s, int64_t n, int64_t h) {
  NodeView node;
  node.name = "pmha";
  node.op_type = "PackedMultiHeadAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = n;
  if (packed) {
    node.inputs = {T("qkv", dtype, D({tokens, n, 3, h})), Absent(), Absent()};
  } else {
    node.inputs = {T("q", dtype, D({tokens, n * h})), T("k", dtype, D({tokens, n * h})),
                   T("v", dtype, D({tokens, n * h}))};
  }
  node.inputs.push_back(Absent());  // bias
  node.inputs.push_back(T("token_offset", DataType::kInt32, D({b, s})));
  node.inputs.push_back(T("cu_seqlens", DataType::kInt32, D({b + 1})));
  node.outputs.push_back(T("y", dtype, {}));
  return node;
}

TEST(AttentionPackedMha, Branches) {
  // Separate Q/K/V, no bias, fp16, H100: flash reads them in place; softmax lse 4 * B * S * N = 4*2*128*12 = 12288.
  Estimate f = Ok(EstimateNode(PackedMha(DataType::kFloat16, false, 200, 2, 128, 12, 64), H100()));
  EXPECT_EQ(f.variant, "flash");
  EXPECT_EQ(Total(f), 12288u);
  // Packed QKV at S = 128 < 513: no flash; A100 TRT reads TN3H in place: 0 bytes.
  Estimate t = Ok(EstimateNode(PackedMha(DataType::kFloat16, true, 200, 2, 128, 12, 64), A100()));
  EXPECT_EQ(t.variant, "trt_fused");
  EXPECT_EQ(Total(t), 0u);
  // H100: MEA, which needs value != null to skip Q/K/V: 2*2*12*128*192 = 1179648.
  Estimate m = Ok(EstimateNode(PackedMha(DataType::kFloat16, true, 200, 2, 128, 12, 64), H100()));
  EXPECT_EQ(m.variant, "memory_efficient");
  EXPECT_EQ(Total(m), 1179648u);
  // fp32, S = 128 < 256: unfused: qkv 4*2*12*128*192 = 2359296 + scores 3145728.
  Estimate u = Ok(EstimateNode(PackedMha(DataType::kFloat, false, 200, 2, 128, 12, 64), H100()));
  EXPECT_EQ(u.variant, "unfused");
  EXPECT_EQ(Total(u), 2359296u + 3145728u);
}

// --- Decoder-masked ops -----------------------------------------------------------------------------

TEST(AttentionDecoderMasked, MhaHasNoScratchSelfAttentionHasGemm) {
  NodeView dm;
  dm.name = "dmmha";
  dm.op_type = "DecoderMaskedMultiHeadAttention";
  dm.domain = "com.microsoft";
  dm.opset = 1;
  dm.attributes["num_heads"] = int64_t{12};
  dm.inputs = {T("q", DataType::kFloat16, D({2, 1, 768})), T("k", DataType::kFloat16, D({2, 1, 768})),
               T("v", DataType::kFloat16, D({2, 1, 768}))};
  dm.outputs = {T("y", DataType::kFloat16, {})};
  Estimate e = Ok(EstimateNode(dm, H100()));
  EXPECT_EQ(e.variant, "decoder_masked");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(Total(e), 0u);
  // head_size 768/8 = 96 is not a DMMHA head size: ORT fails at run time.
  dm.attributes["num_heads"] = int64_t{8};
  EXPECT_EQ(Ok(EstimateNode(dm, H100())).exactness, Exactness::kUnknown);

  AttnSpec p;
  p.b = 2;
  p.s = 1;
  p.past = 256;
  p.past_seq_len = true;
  NodeView ds = Attn(p, "DecoderMaskedSelfAttention");
  ds.attributes["past_present_share_buffer"] = int64_t{1};
  Estimate s = Ok(EstimateNode(ds, A100()));
  EXPECT_EQ(s.variant, "decoder_masked");
  // gemm_buffer B * S * 3 * hidden * e = 2 * 1 * 2304 * 2 = 9216.
  EXPECT_EQ(Total(s), 9216u);
}

// --- Unknown, malformed, overflow --------------------------------------------------------------------

TEST(AttentionErrors, SymbolicDimIsUnknownNamingIt) {
  NodeView node = Mha({});
  node.inputs[0].dims[1] = Dim::Symbolic("seq");
  Estimate e = Ok(EstimateNode(node, H100()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("needs sequence_length (query dim 1) 'seq'"), std::string::npos) << e.reason;
  NodeView attn = Attn({});
  attn.inputs[0].dims[0] = Dim::Symbolic("batch");
  Estimate a = Ok(EstimateNode(attn, H100()));
  EXPECT_EQ(a.exactness, Exactness::kUnknown);
  EXPECT_NE(a.reason.find("'batch'"), std::string::npos);
}

TEST(AttentionErrors, MalformedNodes) {
  NodeView node = Mha({});
  node.inputs[0].dims = D({1, 128, 12, 64});
  auto r = EstimateNode(node, H100());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "MultiHeadAttention 'mha': input 0 (query) rank 4, expected 3 or 5");
  MhaSpec p;
  p.mask = {7};  // neither B nor 3B + 2
  auto m = EstimateNode(Mha(p), H100());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("key_padding_mask) shape is not expected"), std::string::npos);
  NodeView attn = Attn({});
  attn.inputs[1].dims = D({768, 2000});
  auto w = EstimateNode(attn, H100());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(w.error().message.find("Attention 'attn': bias dim 0 is 2304, expected weights dim 1 2000"),
            std::string::npos);
  NodeView no_heads = Mha({});
  no_heads.attributes.erase("num_heads");
  EXPECT_FALSE(EstimateNode(no_heads, H100()).ok());
}

TEST(AttentionErrors, HugeDimsOverflow) {
  // Unfused scores e*B*N*S*T = 2 * 2^20 * 16 * 2^20 * 2^20 = 2^65: overflows 64 bits.
  MhaSpec p;
  p.b = int64_t{1} << 20;
  p.s = p.l = int64_t{1} << 20;
  p.n = 16;
  p.mask = {p.b};
  auto r = EstimateNode(Mha(p), H100Cudnn92());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("MultiHeadAttention 'mha'"), std::string::npos);
}

TEST(AttentionErrors, UnregisteredTypeIsUnknown) {
  Estimate e = Ok(EstimateNode(Packed(DataType::kBfloat16, 200, 2, 128, 12, 64), H100()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("not registered for bfloat16"), std::string::npos) << e.reason;
}

TEST(AttentionRegistry, RowsPresent) {
  for (const char* op : {"MultiHeadAttention", "Attention", "PackedAttention", "PackedMultiHeadAttention",
                         "DecoderMaskedMultiHeadAttention", "DecoderMaskedSelfAttention"}) {
    const EstimatorEntry* e = FindEstimator("com.microsoft", op, 1);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_STREQ(e->family, "attention");
  }
}

// --- Demo nodes for the report ----------------------------------------------------------------------

TEST(AttentionDemo, BertAndGpt2OnBothDevices) {
  MhaSpec bert;
  MhaSpec bert_mask;
  bert_mask.mask = {1};
  MhaSpec gpt;
  gpt.s = gpt.l = 1;
  gpt.past = 127;
  struct Row {
    const char* what;
    NodeView node;
    Target target;
    const char* variant;
    uint64_t bytes;
  };
  const Row rows[] = {
      {"MHA bert h100 cuDNN 9.2", Mha(bert), H100Cudnn92(), "flash", 595968},
      {"MHA bert a100", Mha(bert), A100(), "flash", 595968},
      {"MHA bert+mask h100 cuDNN 9.2", Mha(bert_mask), H100Cudnn92(), "unfused", 1376256},
      {"MHA bert+mask a100", Mha(bert_mask), A100(), "trt_fused", 590080},
      {"Attention bert h100 cuDNN 9.2", Attn({}), H100Cudnn92(), "memory_efficient", 1179648},
      {"Attention bert a100", Attn({}), A100(), "trt_fused", 1179904},
      {"MHA gpt2 h100 cuDNN 9.2", Mha(gpt), H100Cudnn92(), "flash", 4656},
      {"MHA gpt2 a100", Mha(gpt), A100(), "flash", 4656},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    Estimate e = Ok(EstimateNode(row.node, row.target));
    EXPECT_EQ(e.variant, row.variant);
    EXPECT_EQ(Total(e), row.bytes);
  }
  AttnSpec masked;
  masked.mask = {1};
  EXPECT_EQ(Total(Ok(EstimateNode(Attn(masked), H100Cudnn92()))), 1966080u);  // 589824 * 2 + 786432
  // cuDNN 9.19.0 on H100: every one of these takes cuDNN SDPA; without a GPU its workspace is unknown.
  for (const NodeView& node : {Mha(bert), Mha(bert_mask), Attn({}), Mha(gpt), Attn(masked)}) {
    Estimate e = Ok(EstimateNode(node, H100()));
    EXPECT_EQ(e.variant, "cudnn_sdpa");
    EXPECT_EQ(e.exactness, Exactness::kUnknown);
  }
  EXPECT_EQ(Total(Ok(EstimateNode(Attn(masked), A100()))), 1179904u);
}

}  // namespace
}  // namespace wsest
