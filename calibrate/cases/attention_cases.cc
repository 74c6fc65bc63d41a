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
}

}  // namespace wsest::cases
