// Query keys and the layered source (include/wsest/live.h). Nothing here needs CUDA.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "wsest/live.h"

namespace wsest {
namespace {

std::string Join(const std::vector<int64_t>& v) { return fmt::format("{}", fmt::join(v, "x")); }

// Runs `ask` on each source in order; the first success wins, otherwise the errors are joined.
template <typename Answer, typename Ask>
Result<Answer> AskInOrder(const std::vector<const LibraryQueries*>& sources, Ask ask) {
  std::string reasons;
  for (const LibraryQueries* s : sources) {
    if (s == nullptr) continue;
    Result<Answer> r = ask(*s);
    if (r.ok()) return r;
    reasons += (reasons.empty() ? "" : "; ") + s->Kind() + ": " + r.error().message;
  }
  return NotFound(reasons.empty() ? "no library query source" : reasons);
}

}  // namespace

const char* HeurModeName(HeurMode mode) {
  switch (mode) {
    case HeurMode::kA: return "A";
    case HeurMode::kB: return "B";
    case HeurMode::kFallback: return "FALLBACK";
  }
  return "A";
}

const char* CubAlgorithmName(CubAlgorithm algorithm) {
  switch (algorithm) {
    case CubAlgorithm::kInclusiveSumInt32: return "DeviceScan::InclusiveSum<int>";
    case CubAlgorithm::kInclusiveSumInt8AsInt32: return "DeviceScan::InclusiveSum<int8->int32>";
    case CubAlgorithm::kRadixSortPairs: return "DeviceRadixSort::SortPairs";
    case CubAlgorithm::kSelectFlagged: return "DeviceSelect::Flagged<int,char>";
  }
  return "?";
}

const char* SdpaLayoutName(SdpaLayout layout) {
  switch (layout) {
    case SdpaLayout::kQ_K_V_BSNH:
      return "Q_K_V_BSNH";
    case SdpaLayout::kQ_K_V_BSNH_BNSH_BNSH:
      return "Q_K_V_BSNH_BNSH_BNSH";
    case SdpaLayout::kQ_K_V_BNSH:
      return "Q_K_V_BNSH";
  }
  return "?";
}

std::string CanonicalKey(const ConvQuery& q) {
  return fmt::format("{} dtype={} x={} w={} y={} pads={} strides={} dilations={} layout={} fuse_bias={} "
                     "fuse_act={} act={} heur={} tf32={}",
                     q.transpose ? "ConvTranspose" : "Conv", DataTypeName(q.dtype), Join(q.x_dims), Join(q.w_dims),
                     Join(q.y_dims), Join(q.pads), Join(q.strides), Join(q.dilations),
                     q.channels_last ? "nhwc" : "nchw", q.fuse_bias ? 1 : 0, q.fuse_act ? 1 : 0,
                     q.activation.empty() ? "-" : q.activation, HeurModeName(q.heur_mode), q.use_tf32 ? 1 : 0);
}

std::string CanonicalKey(const ReductionQuery& q) {
  return fmt::format("Reduce op={} tensor={} compute={} indices={} in={} out={}", q.reduce_op,
                     DataTypeName(q.tensor_dtype), DataTypeName(q.compute_dtype),
                     q.flattened_indices ? "flattened" : "none", Join(q.input_dims), Join(q.output_dims));
}

std::string CanonicalKey(const RnnQuery& q) {
  return fmt::format("RNN mode={} dtype={} seq={} batch={} input={} hidden={} dirs={} bias={} tf32={}", q.mode,
                     DataTypeName(q.dtype), q.seq_length, q.batch, q.input_size, q.hidden_size,
                     q.bidirectional ? 2 : 1, q.has_bias ? 1 : 0, q.use_tf32 ? 1 : 0);
}

std::string CanonicalKey(const CubQuery& q) {
  return fmt::format("CUB {} items={} key={} value={} offset={} bits={}-{}", CubAlgorithmName(q.algorithm),
                     q.num_items, DataTypeName(q.key_dtype), DataTypeName(q.value_dtype), q.offset_bytes,
                     q.begin_bit, q.end_bit);
}

std::string CanonicalKey(const SdpaQuery& q) {
  return fmt::format(
      "SDPA dtype={} b={} h_q={} h_kv={} d_qk={} d_v={} s_q={} s_kv={} layout={} causal={} bias={} "
      "bias_bcast={}{} padding={} window={}",
      DataTypeName(q.dtype), q.batch, q.num_heads_q, q.num_heads_kv, q.head_size_qk, q.head_size_v, q.seq_len_q,
      q.seq_len_kv, SdpaLayoutName(q.layout), q.is_causal ? 1 : 0, q.has_bias ? 1 : 0, q.broadcast_bias_dim_0 ? 1 : 0,
      q.broadcast_bias_dim_1 ? 1 : 0, q.padding_mask ? 1 : 0, q.sliding_window);
}

std::string LayeredQueries::Kind() const {
  std::string kinds;
  for (const LibraryQueries* s : sources_) {
    if (s != nullptr) kinds += (kinds.empty() ? "" : "+") + s->Kind();
  }
  return kinds.empty() ? "none" : kinds;
}

Result<ConvAnswer> LayeredQueries::ConvWorkspace(const ConvQuery& q) const {
  return AskInOrder<ConvAnswer>(sources_, [&](const LibraryQueries& s) { return s.ConvWorkspace(q); });
}
Result<ReductionAnswer> LayeredQueries::ReductionWorkspace(const ReductionQuery& q) const {
  return AskInOrder<ReductionAnswer>(sources_, [&](const LibraryQueries& s) { return s.ReductionWorkspace(q); });
}
Result<RnnAnswer> LayeredQueries::RnnTempSpace(const RnnQuery& q) const {
  return AskInOrder<RnnAnswer>(sources_, [&](const LibraryQueries& s) { return s.RnnTempSpace(q); });
}
Result<CubAnswer> LayeredQueries::CubTempStorage(const CubQuery& q) const {
  return AskInOrder<CubAnswer>(sources_, [&](const LibraryQueries& s) { return s.CubTempStorage(q); });
}
Result<SdpaAnswer> LayeredQueries::SdpaWorkspace(const SdpaQuery& q) const {
  return AskInOrder<SdpaAnswer>(sources_, [&](const LibraryQueries& s) { return s.SdpaWorkspace(q); });
}

}  // namespace wsest
