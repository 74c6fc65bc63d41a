// Attention cases: MultiHeadAttention, Attention and GroupQueryAttention under every sdpa_kernel bit
// and ORT_* switch that moves the EP's choice (attention_kernel_options.cc).
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {
namespace {

const Variants kAttentionVariants = {
    {"-", "-"},               // the EP's own choice
    {"sdpa_kernel=1", "-"},   // FLASH
    {"sdpa_kernel=2", "-"},   // EFFICIENT
    {"sdpa_kernel=8", "-"},   // CUDNN
    {"sdpa_kernel=16", "-"},  // MATH (unfused)
    {"-", "ORT_DISABLE_FLASH_ATTENTION=1"},
    {"-", "ORT_DISABLE_FLASH_ATTENTION=1;ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1"},
};

}  // namespace

void AttentionCases(Writer& w) {
  // MultiHeadAttention, separate Q/K/V [B, S, N*H], fp16, B=2, S=L=128, N=12, H=64; then S=L=1024.
  for (int64_t s : {128, 1024}) {
    const std::string n = "mha_b2_s" + std::to_string(s) + "_f16";
    w.Add(n,
          Case("MultiHeadAttention", "com.microsoft")
              .In("q", kF16, {2, s, 768})
              .In("k", kF16, {2, s, 768})
              .In("v", kF16, {2, s, 768})
              .Out("o", kF16, {2, s, 768})
              .Int("num_heads", 12),
          kAttentionVariants);
  }
  // MultiHeadAttention fp32 (memory-efficient needs S >= 256 in fp32).
  w.Add("mha_b2_s512_f32",
        Case("MultiHeadAttention", "com.microsoft")
            .In("q", kF32, {2, 512, 768})
            .In("k", kF32, {2, 512, 768})
            .In("v", kF32, {2, 512, 768})
            .Out("o", kF32, {2, 512, 768})
            .Int("num_heads", 12),
        kAttentionVariants);

  // Attention (BERT-style, packed weights [hidden, 3*hidden]).
  w.Add("attention_b4_s128_f16",
        Case("Attention", "com.microsoft")
            .In("x", kF16, {4, 128, 768})
            .Weight("w", kF16, {768, 2304})
            .Weight("b", kF16, {2304})
            .Out("o", kF16, {4, 128, 768})
            .Int("num_heads", 12),
        kAttentionVariants);

  // GroupQueryAttention decoding step: N=32, Nk=8, H=128, past 255 -> total 256; seqlens_k = total - 1.
  for (int64_t past : {255, 4095}) {
    const int64_t total = past + 1;
    w.Add("gqa_decode_past" + std::to_string(past) + "_f16",
          Case("GroupQueryAttention", "com.microsoft")
              .In("query", kF16, {1, 1, 4096})
              .In("key", kF16, {1, 1, 1024})
              .In("value", kF16, {1, 1, 1024})
              .In("past_key", kF16, {1, 8, past, 128})
              .In("past_value", kF16, {1, 8, past, 128})
              .In("seqlens_k", kI32, {1}, past)
              .In("total_sequence_length", kI32, {}, total)
              .Out("output", kF16, {1, 1, 4096})
              .Out("present_key", kF16, {1, 8, total, 128})
              .Out("present_value", kF16, {1, 8, total, 128})
              .Int("num_heads", 32)
              .Int("kv_num_heads", 8),
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
}

}  // namespace wsest::cases
