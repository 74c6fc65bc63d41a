#include "calibrate/observed_variant.h"

#include <algorithm>

namespace wsest::calibrate {
namespace {

bool IsAttention(const std::string& op) {
  static const char* const kOps[] = {"MultiHeadAttention",
                                     "Attention",
                                     "GroupQueryAttention",
                                     "PackedAttention",
                                     "PackedMultiHeadAttention",
                                     "DecoderMaskedMultiHeadAttention",
                                     "DecoderMaskedSelfAttention",
                                     "SparseAttention",
                                     "PagedAttention",
                                     "LongformerAttention"};
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

constexpr const char* kCudaEp = "CUDAExecutionProvider";

}  // namespace

std::optional<std::string> ObservedVariant(const NodeRecord& record) {
  if (!record.placement.empty() && record.placement != kCudaEp) return std::string("cpu_ep");
  if (!record.key.shadow() || !IsAttention(record.node.op_type)) return std::nullopt;
  const std::vector<std::string>& trace = record.trace;
  // Kernel names as the provider registers them (mangled): the attention kernel of each route, in
  // an order where a route's own kernel outranks helpers that several routes share (a transpose, a
  // GEMM for the QKV projection). The unfused route is its softmax.
  static const std::pair<const char*, const char*> kRules[] = {
      {"cudnnBackendExecute", "cudnn_sdpa"},
      {"lean_", "lean"},
      {"flash_fwd", "flash"},
      {"xqa", "xqa"},
      {"AttentionKernel", "memory_efficient"},
      {"attention_kernel_batched_impl", "memory_efficient"},
      {"masked_multihead_attention", "decoder_masked"},
      {"fmha", "trt_fused"},
      {"fused_multihead_attention", "trt_fused"},
      {"attention_softmax_cuda", "unfused"},
  };
  for (const auto& [part, variant] : kRules) {
    for (const std::string& event : trace) {
      if (Contains(event, part)) return std::string(variant);
    }
  }
  return std::nullopt;
}

std::string ComparableVariant(const std::string& variant) {
  if (variant.rfind("trt_fused", 0) == 0) return "trt_fused";
  return variant;
}

bool EstimateAllows(const Estimate& estimate, const std::optional<std::string>& observed_variant,
                    const NodeRecord& record) {
  if (!observed_variant) return !(record.placement == kCudaEp && estimate.variant == "cpu_ep");
  const std::string& observed = *observed_variant;
  if (ComparableVariant(estimate.variant) == observed) return true;
  if (estimate.exactness != Exactness::kUpperBound) return false;
  return std::any_of(estimate.candidates.begin(), estimate.candidates.end(), [&](const Candidate& c) {
    return c.rejected_because.empty() && ComparableVariant(c.variant) == observed;
  });
}

}  // namespace wsest::calibrate
