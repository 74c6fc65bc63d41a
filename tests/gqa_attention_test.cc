// GroupQueryAttention estimator (estimators/group_query_attention.cc): one case per dispatch branch of
// ORT 1.29.0 group_query_attention.cc ComputeInternal, bytes worked by hand; Llama-style prefill and
// decode on h100-sxm (132 SMs, SM 9.0) and a100-80gb (108 SMs, SM 8.0). On h100-sxm with the default
// cuDNN 9.19.0 the cuDNN SDPA route comes before flash; H100Cudnn92() (cuDNN 9.2.1, where
// cudnn_sdpa::is_stable() is false) reaches the flash branches on SM 9.0.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "tests/node_builders.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::BufferBytes;
using testing::Dims;
using testing::ExpectOk;
using testing::On;
using testing::Tensor;

struct GqaSpec {
  DataType dtype = DataType::kFloat16;
  int64_t batch = 1;
  Dim seq = Dim::Known(1);
  int64_t num_heads = 32;
  int64_t kv_num_heads = 8;
  int64_t head_size = 128;
  int64_t past = -1;            // past_key dim 2; -1: no past
  int64_t total = -1;           // constant total_sequence_length; -1: a graph input (not constant)
  bool do_rotary = true;
};

// GroupQueryAttention with separate Q/K/V: query [B, S, N*H], key/value [B, S, Nk*H], optional past
// [B, Nk, P, H], seqlens_k [B], total_sequence_length scalar, cos/sin caches when rotary.
NodeView Gqa(const GqaSpec& s) {
  NodeView node;
  node.name = "layers.0.attn";
  node.op_type = "GroupQueryAttention";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.attributes["num_heads"] = s.num_heads;
  node.attributes["kv_num_heads"] = s.kv_num_heads;
  node.attributes["do_rotary"] = int64_t{s.do_rotary ? 1 : 0};
  node.inputs.push_back(Tensor("q", s.dtype, {Dim::Known(s.batch), s.seq, Dim::Known(s.num_heads * s.head_size)}));
  node.inputs.push_back(Tensor("k", s.dtype, {Dim::Known(s.batch), s.seq, Dim::Known(s.kv_num_heads * s.head_size)}));
  node.inputs.push_back(Tensor("v", s.dtype, {Dim::Known(s.batch), s.seq, Dim::Known(s.kv_num_heads * s.head_size)}));
  if (s.past >= 0) {
    node.inputs.push_back(Tensor("past_key", s.dtype, Dims({s.batch, s.kv_num_heads, s.past, s.head_size})));
    node.inputs.push_back(Tensor("past_value", s.dtype, Dims({s.batch, s.kv_num_heads, s.past, s.head_size})));
  } else {
    node.inputs.push_back(TensorInfo{});
    node.inputs.push_back(TensorInfo{});
  }
  node.inputs.push_back(Tensor("seqlens_k", DataType::kInt32, Dims({s.batch})));
  TensorInfo total = Tensor("total_seq_len", DataType::kInt32, {});
  if (s.total >= 0) {
    total.is_initializer = true;
    total.int_values = std::vector<int64_t>{s.total};
  }
  node.inputs.push_back(total);
  if (s.do_rotary) {
    node.inputs.push_back(Tensor("cos_cache", s.dtype, Dims({4096, s.head_size / 2})));
    node.inputs.push_back(Tensor("sin_cache", s.dtype, Dims({4096, s.head_size / 2})));
  }
  node.outputs.push_back(Tensor("out", s.dtype, {}));
  node.outputs.push_back(Tensor("present_key", s.dtype, {}));
  node.outputs.push_back(Tensor("present_value", s.dtype, {}));
  return node;
}

const Candidate* FindCandidate(const Estimate& e, const std::string& variant) {
  for (const Candidate& c : e.candidates) {
    if (c.variant == variant) return &c;
  }
  return nullptr;
}

// The feasible (non-rejected) candidate of that variant.
const Candidate* FindFeasible(const Estimate& e, const std::string& variant) {
  for (const Candidate& c : e.candidates) {
    if (c.variant == variant && c.rejected_because.empty()) return &c;
  }
  return nullptr;
}

Target H100Cudnn92() {
  Target t = On("h100-sxm");
  t.cudnn_version = 90201;
  return t;
}

// The shadow device's answer to every library size query (calibrate/shadow/run_corpus.sh).
constexpr uint64_t kShadowK = 1048577;

GqaSpec LlamaPrefill() {
  GqaSpec s;
  s.seq = Dim::Known(2048);
  s.total = 2048;
  return s;
}

GqaSpec LlamaDecode() {
  GqaSpec s;
  s.seq = Dim::Known(1);
  s.past = 2047;
  s.total = 2048;
  return s;
}

// --- Llama-style prefill: B=1, S=2048, N=32, Nk=8, H=128, fp16, rotary ---------------------------

TEST(GqaLlama, PrefillA100IsFlashWithoutSplits) {
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaPrefill()), On("a100-80gb")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // B*N*ceil(S/64) = 32*32 = 1024 >= 0.8*108: one split, so no accumulators.
  EXPECT_EQ(BufferBytes(e, "softmax_lse"), 262144u);             // 4*B*N*S = 4*32*2048
  EXPECT_EQ(BufferBytes(e, "seq_lens"), 12u);                    // 3*B int32
  EXPECT_EQ(BufferBytes(e, "unpacked_qkv_buffer"), 16777216u);   // rotated Q: 2*B*S*N*H = 2*2048*32*128
  EXPECT_EQ(e.workspace_bytes(), 17039372u);                     // 262144 + 12 + 16777216
  ASSERT_NE(FindCandidate(e, "xqa"), nullptr);
  EXPECT_NE(FindCandidate(e, "xqa")->rejected_because.find("first prompt"), std::string::npos);
  ASSERT_NE(FindCandidate(e, "cudnn_sdpa"), nullptr);
  EXPECT_NE(FindCandidate(e, "cudnn_sdpa")->rejected_because.find("SM >= 90"), std::string::npos);
}

TEST(GqaLlama, PrefillH100IsCudnnSdpaTopLeftCausal) {
  // S = T = 2048: causal with S == T is top-left aligned, which is_supported accepts at any length
  // (measured on the 1.29.0 binary via the shadow device: gqa_prompt_s128_f16 and gqa_prompt_s100_f16 on
  // h100-sxm cuDNN 9.19.0 ran cuDNN SDPA [12, K]; gqa_prompt_rotary_s128_f16 [12, 1048576, K]).
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  Target t = On("h100-sxm");
  t.live = &shadow;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaPrefill()), t));
  EXPECT_EQ(e.variant, "cudnn_sdpa");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // seq_lens 3*B*4 = 12; rotated Q as flash's rule, 2*B*S*N*H = 2*2048*32*128 = 16777216; the first prompt
  // passes total_seq_lens as seq_len_q, so run() synthesises nothing; then the graph workspace.
  EXPECT_EQ(BufferBytes(e, "seq_lens"), 12u);
  EXPECT_EQ(BufferBytes(e, "unpacked_qkv_buffer"), 16777216u);
  EXPECT_EQ(BufferBytes(e, "cudnn_sdpa_workspace"), kShadowK);
  EXPECT_EQ(e.workspace_bytes(), 12u + 16777216u + kShadowK);
  EXPECT_EQ(CanonicalKey(*shadow.last_sdpa),
            "SDPA dtype=float16 b=1 h_q=32 h_kv=8 d_qk=128 d_v=128 s_q=2048 s_kv=2048 layout=Q_K_V_BSNH_BNSH_BNSH "
            "causal=1 bias=0 bias_bcast=00 padding=1 window=0");
  // No GPU and no record: unknown, and the reason names the query.
  Estimate u = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaPrefill()), On("h100-sxm")));
  EXPECT_EQ(u.variant, "cudnn_sdpa");
  EXPECT_EQ(u.exactness, Exactness::kUnknown);
  EXPECT_NE(u.reason.find("SDPA dtype=float16 b=1 h_q=32 h_kv=8"), std::string::npos) << u.reason;
  // cuDNN 9.2.1: flash, as on A100 (1024 >= 0.8*132 keeps one split).
  Estimate f = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaPrefill()), H100Cudnn92()));
  EXPECT_EQ(f.variant, "flash");
  EXPECT_EQ(f.workspace_bytes(), 17039372u);
  const Candidate* cudnn = FindCandidate(f, "cudnn_sdpa");
  ASSERT_NE(cudnn, nullptr);
  EXPECT_NE(cudnn->rejected_because.find("is_stable() false (cuDNN 9.2.1"), std::string::npos)
      << cudnn->rejected_because;
}

TEST(GqaLlama, ChunkedPrefillNeedsCudnn96ForBottomRightOffMultiplesOf64) {
  // S = 32 new tokens over past 96 (T = 128): bottom-right causal with S % 64 != 0. Measured on the 1.29.0
  // binary via the shadow device (gqa_chunk_s32_past96_f16): cuDNN 9.19.0 runs cuDNN SDPA [12, 4, K]; an
  // ad-hoc run with cuDNN 9.5.0 ran flash.
  GqaSpec s;
  s.seq = Dim::Known(32);
  s.past = 96;
  s.total = 128;
  s.do_rotary = false;
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  Target t = On("h100-sxm");
  t.live = &shadow;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), t));
  EXPECT_EQ(e.variant, "cudnn_sdpa");
  // seq_lens 12; not the first prompt, so seq_len_q is synthesised: 4*B = 4.
  EXPECT_EQ(e.workspace_bytes(), 12u + 4u + kShadowK);
  t.cudnn_version = 90500;
  Estimate old = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), t));
  EXPECT_EQ(old.variant, "flash");
  EXPECT_NE(FindCandidate(old, "cudnn_sdpa")->rejected_because.find("multiples of 64"), std::string::npos);
}

// --- Llama-style decode: S=1, past 2047 (separate past/present), T=2048 --------------------------

TEST(GqaLlama, DecodeA100IsSplitFlash) {
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaDecode()), On("a100-80gb")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // Split heuristic: w = B*N*ceil(1/64) = 32 < 86.4; n_blocks = ceil(2048/128) = 16. Efficiencies
  // (w*s/108 over its ceiling) for eligible s: 1 .296, 2 .593, 3 .889, 4 .593, 6 .889, 8 .790,
  // 16 .948; best .948, threshold .806: s = 3.
  EXPECT_EQ(BufferBytes(e, "softmax_lse"), 128u);          // 4*1*32*1
  EXPECT_EQ(BufferBytes(e, "softmax_lse_accum"), 384u);    // 4*3*1*32*1
  EXPECT_EQ(BufferBytes(e, "out_accum"), 49152u);          // 4*3*1*32*1*128
  EXPECT_EQ(BufferBytes(e, "unpacked_qkv_buffer"), 8192u); // 2*1*1*32*128
  EXPECT_EQ(e.workspace_bytes(), 57868u);                  // 128 + 384 + 49152 + 12 + 8192
  const Candidate* xqa = FindCandidate(e, "xqa");
  ASSERT_NE(xqa, nullptr);
  EXPECT_NE(xqa->rejected_because.find("past_present_share_buffer"), std::string::npos);
}

TEST(GqaLlama, DecodeH100IsSplitFlashWithFourSplits) {
  // cuDNN 9.2.1 (measured on the 1.29.0 binary via the shadow device: gqa_decode_past4095_f16, no rotary,
  // on h100-sxm cuDNN 9.2.1 ran flash [128, 512, 65536, 12], the four splits below).
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaDecode()), H100Cudnn92()));
  EXPECT_EQ(e.variant, "flash");
  // w = 32 < 105.6; eligible s: 1 .242, 2 .485, 3 .727, 4 .970, 6 .727, 8 .970, 16 .970; best .970,
  // threshold .824: s = 4.
  EXPECT_EQ(BufferBytes(e, "softmax_lse_accum"), 512u);  // 4*4*32
  EXPECT_EQ(BufferBytes(e, "out_accum"), 65536u);        // 4*4*32*128
  EXPECT_EQ(e.workspace_bytes(), 74380u);                // 128 + 512 + 65536 + 12 + 8192
  ASSERT_NE(FindCandidate(e, "cudnn_sdpa"), nullptr);
}

TEST(GqaLlama, DecodeH100IsCudnnSdpa) {
  // cuDNN 9.19.0: a single query token passes is_supported's causal rule (run() drops the mask). Measured on
  // the 1.29.0 binary via the shadow device (h100-sxm cuDNN 9.19.0): gqa_decode_past255_f16 [12, 4, K] by
  // default, with ORT_DISABLE_FLASH_ATTENTION=1 and with sdpa_kernel=8; with rotary,
  // gqa_decode_rotary_past255_f16 [12, 8192, 4, K].
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  Target t = On("h100-sxm");
  t.live = &shadow;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaDecode()), t));
  EXPECT_EQ(e.variant, "cudnn_sdpa");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // seq_lens 12; rotated Q 2*1*1*32*128 = 8192; seq_len_q synthesised 4*B = 4; the graph workspace.
  EXPECT_EQ(BufferBytes(e, "cudnn_seq_len_q"), 4u);
  EXPECT_EQ(e.workspace_bytes(), 12u + 8192u + 4u + kShadowK);
  EXPECT_FALSE(shadow.last_sdpa->is_causal);  // dropped for s_q == 1
  EXPECT_EQ(shadow.last_sdpa->seq_len_kv, 2048);
  GqaSpec plain = LlamaDecode();
  plain.do_rotary = false;
  EXPECT_EQ(ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(plain), t)).workspace_bytes(), 12u + 4u + kShadowK);
  // sdpa_kernel=8 reaches it on SM 8.0 too (measured on a100 and l4); sdpa_kernel=1 stays on flash.
  Target a = On("a100-80gb");
  a.live = &shadow;
  ASSERT_TRUE(a.ep.SetProviderOption("sdpa_kernel", "8").ok());
  EXPECT_EQ(ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(plain), a)).variant, "cudnn_sdpa");
  Target f = t;
  ASSERT_TRUE(f.ep.SetProviderOption("sdpa_kernel", "1").ok());
  EXPECT_EQ(ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(plain), f)).variant, "flash");
}

TEST(GqaLlama, L4DecodeSplitsFollowItsSmCount) {
  // The corpus cases gqa_decode_past255_f16 / gqa_decode_past4095_f16 (no rotary, separate past/present),
  // with total_sequence_length known. Measured on the 1.29.0 binary via the shadow device, l4 (58 SMs):
  // [128, 12] and [128, 640, 81920, 12]; a100 (108 SMs): [128, 256, 32768, 12] and [128, 384, 49152, 12].
  // num_splits_heuristic, w = B*N*ceil(1/64) = 32 < 0.8 * 58 = 46.4, block_n 128 (H = 128):
  //   T = 256: n_blocks 2; eff(1) = (32/58)/1 = .552, eff(2) = (64/58)/2 = .552: s = 1, no accumulators.
  //   T = 4096: n_blocks 32; eligible s 1 .552, 2 .552, 3 .828, 4 .736, 5 .920, 6 .828, 7 .966, 8 .883,
  //   11 .867, 16 .981, 32 .981; threshold .85 * .981 = .834: s = 5 -> lse_accum 4*5*32 = 640,
  //   out_accum 4*5*32*128 = 81920.
  for (int64_t past : {255, 4095}) {
    GqaSpec s = LlamaDecode();
    s.past = past;
    s.total = past + 1;
    s.do_rotary = false;
    Estimate l4 = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("l4")));
    EXPECT_EQ(l4.variant, "flash");
    EXPECT_EQ(l4.exactness, Exactness::kExact);
    EXPECT_EQ(l4.workspace_bytes(), past == 255 ? 128u + 12u : 128u + 640u + 81920u + 12u);
    Estimate a100 = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("a100-80gb")));
    // A100, w = 32 < 86.4: T = 256, eff(1) = .296, eff(2) = .593 -> s = 2 (256, 32768). T = 4096: eligible
    // 1 .296, 2 .593, 3 .889, 4 .593, 5 .741, 6 .889, 7 .691, 8 .790, 11 .815, 16 .948, 32 .948; threshold
    // .85 * .948 = .806 -> s = 3 (384, 49152).
    EXPECT_EQ(a100.workspace_bytes(), past == 255 ? 128u + 256u + 32768u + 12u : 128u + 384u + 49152u + 12u);
  }
}

// --- Shared past/present (capacity 4096 >= T): XQA or flash, decided by the run's buffers ----------

TEST(GqaDispatch, SharedCacheDecodeIsUpperBoundOverXqaAndFlash) {
  GqaSpec s = LlamaDecode();
  s.past = 4096;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), H100Cudnn92()));
  EXPECT_EQ(e.variant, "xqa");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  // XQA (GetXQAScratchSize): sequences = B*Nk = 8; subsequences per sequence = min(max(1, 132/8 = 16),
  // ceil(4096/256) = 16) = 16, so 128 in all; m tile 8 (group 4).
  EXPECT_EQ(BufferBytes(e, "xqa_semaphores"), 128u);           // align128(4*8)
  EXPECT_EQ(BufferBytes(e, "xqa_row_max_row_sum"), 32768u);    // 128*128 twice; align(32768, 128*8*2) = 32768
  EXPECT_EQ(BufferBytes(e, "xqa_output_accumulator"), 262144u);  // (128*8*2) * 128
  EXPECT_EQ(BufferBytes(e, "xqa_rotary_q"), 8192u);            // align256(1*32*128*2)
  EXPECT_EQ(BufferBytes(e, "xqa_rotary_k"), 2048u);            // align256(1*8*128*2)
  // + seq_lens 12 + GQABufferRequirements rotated Q 8192.
  EXPECT_EQ(e.workspace_bytes(), 128u + 32768u + 262144u + 8192u + 2048u + 12u + 8192u);  // 313484
  ASSERT_NE(FindFeasible(e, "flash"), nullptr);
  EXPECT_EQ(FindFeasible(e, "flash")->bytes, 74380u);  // the separate-buffer route, as DecodeH100
  // cuDNN 9.19.0: separate buffers take cuDNN SDPA instead (12 + 8192 + 4 + K = 1056785), the larger.
  testing::FakeQueries shadow;
  shadow.sdpa = kShadowK;
  Target t = On("h100-sxm");
  t.live = &shadow;
  Estimate c = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), t));
  EXPECT_EQ(c.variant, "cudnn_sdpa");
  EXPECT_EQ(c.exactness, Exactness::kUpperBound);
  EXPECT_EQ(c.workspace_bytes(), 1056785u);
  EXPECT_EQ(FindFeasible(c, "xqa")->bytes, 313484u);
  // Without an answer the cuDNN route's bytes are unknown, and so is the maximum.
  EXPECT_EQ(ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("h100-sxm"))).exactness, Exactness::kUnknown);
}

TEST(GqaDispatch, ForcedVariantPicksFlash) {
  GqaSpec s = LlamaDecode();
  s.past = 4096;
  Target t = H100Cudnn92();
  t.forced_variant = "flash";
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), t));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.workspace_bytes(), 74380u);
}

TEST(GqaDispatch, XqaDisabledGivesFlashDecoding) {
  GqaSpec s = LlamaDecode();
  s.past = 4096;
  Target t = H100Cudnn92();
  ASSERT_TRUE(t.ep.SetEnv("ORT_ENABLE_XQA", "0").ok());
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), t));
  EXPECT_EQ(e.variant, "flash_decoding");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  // Fast decode splits over kv_num_heads: w = 8 < 105.6, n_blocks 16; eligible s: 1 .061, 2 .121,
  // 3 .182, 4 .242, 6 .364, 8 .485, 16 .970: s = 16. Accumulators use all 32 heads, H rounded to 128.
  EXPECT_EQ(BufferBytes(e, "softmax_lse"), 128u);
  EXPECT_EQ(BufferBytes(e, "softmax_lse_accum"), 2048u);  // 4*16*32
  EXPECT_EQ(BufferBytes(e, "out_accum"), 262144u);        // 4*16*32*128
  EXPECT_EQ(e.workspace_bytes(), 264320u);  // no seq_lens (fast decode, S = 1), no QKV buffer
}

TEST(GqaDispatch, LocalWindowCapsFastDecodeSplitLength) {
  GqaSpec s = LlamaDecode();
  s.past = 4096;
  NodeView node = Gqa(s);
  node.attributes["local_window_size"] = int64_t{512};
  Target t = On("h100-sxm");
  ASSERT_TRUE(t.ep.SetEnv("ORT_ENABLE_XQA", "0").ok());
  t.forced_variant = "flash_decoding";
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(node, t));
  EXPECT_EQ(e.variant, "flash_decoding");
  // Split length min(2048, 512) = 512: n_blocks 4, w = 8; eligible s: 1 .061, 2 .121, 4 .242 -> s = 4.
  EXPECT_EQ(BufferBytes(e, "softmax_lse_accum"), 512u);  // 4*4*32
  EXPECT_EQ(BufferBytes(e, "out_accum"), 65536u);        // 4*4*32*128
  EXPECT_EQ(e.workspace_bytes(), 66176u);                // + softmax_lse 128
  const Candidate* cudnn = FindCandidate(e, "cudnn_sdpa");
  ASSERT_NE(cudnn, nullptr);
  EXPECT_NE(cudnn->rejected_because.find("local_window_size"), std::string::npos);
}

TEST(GqaDispatch, Int8CacheIsXqaOrFlashWithDequantisedCache) {
  GqaSpec s = LlamaDecode();
  s.past = 4096;
  NodeView node = Gqa(s);
  node.inputs[3].dtype = DataType::kInt8;
  node.inputs[4].dtype = DataType::kInt8;
  node.attributes["k_quant_type"] = std::string("PER_TENSOR");
  node.attributes["v_quant_type"] = std::string("PER_TENSOR");
  node.attributes["kv_cache_bit_width"] = int64_t{8};
  while (node.inputs.size() < 12) node.inputs.push_back(TensorInfo{});
  node.inputs.push_back(Tensor("kv_scale", DataType::kFloat, Dims({1})));  // 12: k_scale
  node.inputs.push_back(Tensor("kv_scale", DataType::kFloat, Dims({1})));  // 13: v_scale, the same tensor
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(node, On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  ASSERT_NE(FindFeasible(e, "xqa"), nullptr);
  EXPECT_EQ(FindFeasible(e, "xqa")->bytes, 313484u);  // as SharedCacheDecode: the XQA layout ignores the cache type
  // Separate buffers: flash without fast decode dequantises the whole cache into the QKV buffer:
  // 2*(B*S*N*H + 2*B*C*Nk*H) + 256 = 2*(4096 + 2*4194304) + 256 = 16785664.
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(BufferBytes(e, "unpacked_qkv_buffer"), 16785664u);
  EXPECT_EQ(e.workspace_bytes(), 128u + 512u + 65536u + 12u + 16785664u);  // 16851852
}

TEST(GqaDispatch, PackedQkvPrefillUnpacksQ) {
  GqaSpec s = LlamaPrefill();
  s.do_rotary = false;
  NodeView node = Gqa(s);
  node.inputs[0].dims[2] = Dim::Known((32 + 2 * 8) * 128);  // packed [B, S, (N + 2Nk) H]
  node.inputs[1] = TensorInfo{};
  node.inputs[2] = TensorInfo{};
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(node, On("a100-80gb")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(BufferBytes(e, "unpacked_qkv_buffer"), 16777216u);  // Q only: 2*2048*32*128
  EXPECT_EQ(e.workspace_bytes(), 17039372u);
}

TEST(GqaDispatch, SdpaKernelMathOnlyGivesUnfused) {
  Target t = On("h100-sxm");
  ASSERT_TRUE(t.ep.SetProviderOption("sdpa_kernel", "16").ok());  // MATH only: flash, efficient, cuDNN off
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaPrefill()), t));
  EXPECT_EQ(e.variant, "unfused");
  // align256(2*1*32*2048*128) twice (Q, Y BNSH) + 2 * align256(4*1*32*2048*2048) + seq_lens 12.
  EXPECT_EQ(BufferBytes(e, "unfused_qk_fp32"), 536870912u);
  EXPECT_EQ(e.workspace_bytes(), 2u * 16777216u + 2u * 536870912u + 12u);  // 1107296268
  EXPECT_NE(FindCandidate(e, "cudnn_sdpa")->rejected_because.find("sdpa_kernel"), std::string::npos);
  EXPECT_NE(FindCandidate(e, "memory_efficient")->rejected_because.find("disabled"), std::string::npos);
}

// --- Memory-efficient (SM 7.5: no flash) and unfused (bf16 below SM 8.0) --------------------------

TEST(GqaDispatch, T4Fp16PrefillIsMemoryEfficientWithHeadExpansion) {
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(LlamaPrefill()), On("t4")));
  EXPECT_EQ(e.variant, "memory_efficient");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(BufferBytes(e, "k_expanded"), 16777216u);  // 2*B*N*T*H = 2*32*2048*128
  EXPECT_EQ(BufferBytes(e, "v_expanded"), 16777216u);
  // Rotary: Q and K rotated, 2*(2048*32*128 + 2048*8*128) = 20971520; H = 128 needs no fp32 accumulator.
  EXPECT_EQ(BufferBytes(e, "unpacked_qkv_buffer"), 20971520u);
  EXPECT_EQ(e.workspace_bytes(), 54525964u);  // 2*16777216 + 20971520 + 12
  ASSERT_NE(FindCandidate(e, "flash"), nullptr);
}

TEST(GqaDispatch, T4Bf16IsUnfused) {
  GqaSpec s;
  s.dtype = DataType::kBfloat16;
  s.seq = Dim::Known(64);
  s.total = 64;
  s.num_heads = 4;
  s.kv_num_heads = 2;
  s.head_size = 64;
  s.do_rotary = false;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("t4")));
  EXPECT_EQ(e.variant, "unfused");
  EXPECT_EQ(BufferBytes(e, "unfused_q_bnsh"), 32768u);   // align256(2*1*4*64*64)
  EXPECT_EQ(BufferBytes(e, "unfused_qk_fp32"), 65536u);  // align256(4*1*4*64*64)
  EXPECT_EQ(e.workspace_bytes(), 196620u);               // 2*32768 + 2*65536 + 12
  const Candidate* mea = FindCandidate(e, "memory_efficient");
  ASSERT_NE(mea, nullptr);
  EXPECT_NE(mea->rejected_because.find("has_memory_efficient_attention"), std::string::npos);
}

TEST(GqaDispatch, Bf16A100PrefillIsFlash) {
  GqaSpec s = LlamaPrefill();
  s.dtype = DataType::kBfloat16;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("a100-80gb")));
  EXPECT_EQ(e.variant, "flash");
  EXPECT_EQ(e.workspace_bytes(), 17039372u);  // bf16 is 2 bytes, as fp16
}

TEST(GqaDispatch, Fp32IsNotRegistered) {
  GqaSpec s = LlamaPrefill();
  s.dtype = DataType::kFloat;
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("a100-80gb")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("not registered"), std::string::npos) << e.reason;
}

// --- total_sequence_length not constant --------------------------------------------------------
// Docs vs code: ORT's docs/annotated_partitioning/attention_workspace_estimation.md says its own AOT adapter
// reports non-windowed GQA as unavailable, since the scalar can exceed the past capacity. The kernel code
// (CheckInputs: present = max(total, past dim 2)) lets a known present_key dim bound it; without one, wsest
// assumes total <= past dim 2 + S and says so in the reason. The same document describes MEA head expansion
// at a staged capacity C + S for windowed caches; the ComputeInternal mirrored here sizes it at
// seqlen_present_kv_cache (no staging), and the code wins.

TEST(GqaTotalSequence, RuntimeScalarIsBoundedByPastPlusNew) {
  GqaSpec s = LlamaDecode();
  s.total = -1;  // a graph input: T <= past 2047 + S 1 = 2048
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("a100-80gb")));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_NE(e.reason.find("2047 + 1 = 2048"), std::string::npos) << e.reason;
  // Separate buffers: flash with the split envelope min(128, 108, ceil(2048/128) = 16) = 16:
  // 128 + 4*16*32 + 4*16*32*128 + 12 + 8192 = 128 + 2048 + 262144 + 12 + 8192.
  const Candidate* flash = FindFeasible(e, "flash");
  ASSERT_NE(flash, nullptr);
  EXPECT_EQ(flash->bytes, 272524u);
}

// --- Unknown, malformed, overflow ---------------------------------------------------------------

TEST(GqaErrors, SymbolicSequenceIsUnknown) {
  GqaSpec s = LlamaPrefill();
  s.seq = Dim::Symbolic("sequence_length");
  Estimate e = ExpectOk(estimators::EstimateGroupQueryAttention(Gqa(s), On("h100-sxm")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_NE(e.reason.find("'sequence_length'"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("layers.0.attn"), std::string::npos) << e.reason;
}

TEST(GqaErrors, HeadsNotAMultipleIsInvalid) {
  GqaSpec s = LlamaPrefill();
  s.kv_num_heads = 5;  // 32 % 5 != 0
  NodeView node = Gqa(s);
  Result<Estimate> r = estimators::EstimateGroupQueryAttention(node, On("h100-sxm"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("num_heads 32 is not a multiple of kv_num_heads 5"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("layers.0.attn"), std::string::npos);
}

TEST(GqaErrors, HugeDimsOverflow) {
  GqaSpec s = LlamaPrefill();
  s.batch = int64_t{1} << 40;
  s.seq = Dim::Known(int64_t{1} << 30);
  s.total = int64_t{1} << 30;
  Result<Estimate> r = EstimateNode(Gqa(s), On("h100-sxm"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("overflows"), std::string::npos) << r.error().message;
}

TEST(GqaRegistry, RowIsFound) {
  const EstimatorEntry* entry = FindEstimator("com.microsoft", "GroupQueryAttention", 1);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->estimate, &estimators::EstimateGroupQueryAttention);
}

}  // namespace
}  // namespace wsest
