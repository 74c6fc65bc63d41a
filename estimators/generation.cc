// BeamSearch, WhisperBeamSearch, GreedySearch and Sampling (com.microsoft) on the CUDA EP: what the
// generation kernel itself keeps on the GPU for one Compute. ORT 1.29.0's CUDA kernels
// (contrib_ops/cuda/transformers/{beam_search,greedy_search,sampling}.cc) run the CPU implementations
// (contrib_ops/cpu/transformers/*_impl_*.h) with CUDA device helpers; the state structs allocate every
// buffer once, before the first decoder run, from the kernel's temp-space allocator (generate_impl_base.h
// AllocateBuffer: MakeUniquePtr<void>(sizeof(T) * elements)), and hold them until Compute returns.
//
// The GPT decoder subgraph (the node's "decoder" graph attribute) decides three more buffers the kernel
// allocates (subgraph_base.cc, subgraph_gpt.cc): the DecoderMasked*Attention past-reorder staging buffer,
// and, with a shared past/present buffer, the past state of max_length and the cache indirection. A view
// without the decoder subgraph (an EP adapter that does not walk bodies) leaves them open: unknown.
//
// GPT's per-step feeds (generation_device_helper.cc UpdateGptFeeds, from the temp-space allocator): each step
// makes a new input_ids [BB, 1], attention_mask [BB, current_length], cache indirection (shared buffer with
// DecoderMasked*Attention) and, without a shared buffer and with more than one beam, a picked copy of every
// layer's present state (PickGptPastState); an OrtValue replaced in the feeds frees the old one after the new
// one is made. With one beam or a shared buffer the next past is the subgraph's own present output. The
// largest are made at the last UpdateGptFeeds (current_length max_length - 1); the estimate holds the buffers
// live at the peak phase of that step (or of the ProcessLogits after it), with the state. A run that ends
// early (every sequence at EOS) never makes them, so with any per-step feed the estimate is an upper bound.
//
// Not part of these estimates: the decoder and encoder subgraphs' own nodes and outputs; the reason says so.
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "estimators/cub_temp_storage.h"
#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kBeamStateSource =
    "onnxruntime 1.29.0 contrib_ops/cpu/transformers/beam_search_impl_base.h BeamSearchState::BeamSearchState";
constexpr const char* kBeamScorerSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/generation_device_helper.cc "
    "CudaBeamSearchScorer::CudaBeamSearchScorer";
constexpr const char* kBeamTopKSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/generation_device_helper.cc ProcessLogits (TopK)";
constexpr const char* kGreedyStateSource =
    "onnxruntime 1.29.0 contrib_ops/cpu/transformers/greedy_search_impl_base.h GreedySearchState::Init";
constexpr const char* kGreedyTopOneSource =
    "onnxruntime 1.29.0 contrib_ops/cpu/transformers/generate_impl_base.h AllocateTempBufferForGetGreedySearchTopOne";
constexpr const char* kGreedyLogitsSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/generation_device_helper.cc GreedySearchProcessLogits";
constexpr const char* kSamplingStateSource =
    "onnxruntime 1.29.0 contrib_ops/cpu/transformers/greedy_search_impl_base.h SamplingState::Init";
constexpr const char* kSamplingSortSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/sampling_cuda_helper.h Sample (GetTempStorageSize)";
constexpr const char* kFeedsSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/generation_device_helper.cc AddToFeeds";
constexpr const char* kSharedPastSource =
    "onnxruntime 1.29.0 contrib_ops/cpu/transformers/subgraph_gpt.cc GptSubgraph::CreateInitialFeeds";
constexpr const char* kCacheIndirSource =
    "onnxruntime 1.29.0 contrib_ops/cpu/transformers/subgraph_base.cc Subgraph::AppendBeamWidthAndCacheIndir";

constexpr const char* kUpdateFeedsSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/generation_device_helper.cc UpdateGptFeeds";
constexpr const char* kPickPastSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/transformers/generation_device_helper.cc PickGptPastState";

constexpr const char* kGptNotIncluded =
    "; not included: the decoder subgraph's nodes and outputs (with one beam or a shared past buffer the next "
    "step's past state is the previous step's present output, the subgraph's own)";
constexpr const char* kEncoderDecoderNotIncluded =
    "; not included: the decoder/encoder subgraphs' nodes and outputs, and the feeds the kernel rebuilds from them "
    "each step (decoder input ids, picked past state, cache indirection)";

// beam_search_parameters.cc: max_length defaults to and is enforced at most kMaxSequenceLength 4096, and
// num_beams at most kMaxNumBeams 128; greedy_search_parameters.cc (GreedySearch and Sampling): 16384.
constexpr int64_t kBeamMaxSequenceLength = 4096;
constexpr int64_t kBeamMaxNumBeams = 128;
constexpr int64_t kGreedyMaxSequenceLength = 16384;
// beam_search_impl_base.h BeamSearchState: max_parts_of_vocab = 128 for the fast top-k's first stage;
// generation_device_helper.cc ProcessLogits uses that path when num_beams <= 32 (use_fast_topk defaults on).
constexpr int64_t kMaxPartsOfVocab = 128;
constexpr int64_t kFastTopKMaxBeams = 32;
// generation_cuda_impl.h: sizeof(BeamScorerState) = 6 ints, a bool padded to 4, 2 ints = 36;
// sizeof(HypothesisScore) = pointer, int, float = 16; sizeof(BeamHypotheses) = pointer, 2 ints, float,
// bool, padded to 8 = 24.
constexpr int64_t kBeamScorerStateBytes = 36;
constexpr int64_t kHypothesisScoreBytes = 16;
constexpr int64_t kBeamHypothesesBytes = 24;

enum class ModelType { kGpt = 0, kT5 = 1, kWhisper = 2 };

// A scalar int input: absent (the kernel's default applies), a constant, or a value known only at run time.
struct ScalarInput {
  bool present = false;
  std::optional<int64_t> value;
};
ScalarInput ReadScalar(const NodeView& node, size_t index) {
  ScalarInput s;
  s.present = node.has_input(index);
  if (s.present && node.inputs[index].int_values && !node.inputs[index].int_values->empty()) {
    s.value = node.inputs[index].int_values->front();
  }
  return s;
}

struct GenerationDims {
  ModelType model_type = ModelType::kGpt;
  int64_t batch_size = 0;
  int64_t sequence_length = 0;
  int64_t max_length = 0;
  int64_t num_beams = 1;
  int64_t vocab_size = 0;
  DataType t = DataType::kFloat;
  std::string bounded;  // non-empty: the values taken at their enforced maximum, for the reason
};

std::string DimText(const Dim& d) { return d.symbol.empty() ? "?" : d.symbol; }

// T: the first of the given inputs / outputs that is present and typed (each is T in the schema), then the
// decoder subgraph's logits (subgraph_base.cc IsOutputFloat16). Float (the larger) when none says.
DataType FindT(const NodeView& node, std::initializer_list<size_t> t_inputs, std::initializer_list<size_t> t_outputs,
               const Subgraph* decoder, std::string& bounded) {
  for (size_t i : t_inputs) {
    if (node.has_input(i) && node.inputs[i].dtype != DataType::kUndefined) return node.inputs[i].dtype;
  }
  for (size_t i : t_outputs) {
    if (node.has_output(i) && node.outputs[i].dtype != DataType::kUndefined) return node.outputs[i].dtype;
  }
  if (decoder != nullptr && !decoder->outputs.empty() && decoder->outputs[0].dtype != DataType::kUndefined) {
    return decoder->outputs[0].dtype;
  }
  bounded += "T (no typed input, output or decoder logits; float, the larger, is assumed); ";
  return DataType::kFloat;
}

// vocab_size: the attribute when positive, else the decoder subgraph's logits dim 2
// (BeamSearchParameters::SetSubgraphParameters, subgraph_gpt.cc Validate), else a typed scores output.
std::optional<int64_t> FindVocabSize(const NodeView& node, const Subgraph* decoder,
                                     std::optional<size_t> scores_output) {
  const int64_t attribute = node.GetInt("vocab_size", -1);
  if (attribute > 0) return attribute;
  if (decoder != nullptr && !decoder->outputs.empty()) {
    const TensorInfo& logits = decoder->outputs[0];
    if (logits.rank() == 3 && logits.dims[2].known()) return logits.dims[2].value;
  }
  if (scores_output && node.has_output(*scores_output)) {
    const TensorInfo& scores = node.outputs[*scores_output];
    if (scores.rank() == 4 && scores.dims[3].known()) return scores.dims[3].value;
  }
  return std::nullopt;
}

// The dims every generation op needs; an Unknown estimate (in `unknown`) when one is not knowable.
Result<GenerationDims> ParseDims(const NodeView& node, bool beam, std::optional<Estimate>& unknown) {
  GenerationDims d;
  if (node.op_type == "WhisperBeamSearch") {
    d.model_type = ModelType::kWhisper;
  } else if (beam) {
    const int64_t model_type = node.GetInt("model_type", 0);
    if (model_type < 0 || model_type > 2) {
      return InvalidArgument(node.Label() + ": model_type " + std::to_string(model_type) + ", expected 0, 1 or 2");
    }
    d.model_type = static_cast<ModelType>(model_type);
  }
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  const TensorInfo& ids = node.inputs[0];
  const int64_t expected_rank = d.model_type == ModelType::kWhisper ? 3 : 2;
  if (!ids.has_shape) {
    unknown = Estimate::Unknown(node.Label() + ": input 0 has no shape; the batch size is needed");
    return d;
  }
  if (ids.rank() != expected_rank) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(ids.rank()) + ", expected " +
                           std::to_string(expected_rank));
  }
  if (!ids.dims[0].known()) {
    unknown = Estimate::Unknown(node.Label() + ": input 0 dim 0 '" + DimText(ids.dims[0]) +
                                "' (the batch size) is symbolic; every buffer scales with it");
    return d;
  }
  d.batch_size = ids.dims[0].value;
  // beam_search_parameters.cc ParseFromInputs: GPT's sequence is input_ids' dim 1, T5's starts at 1, and
  // Whisper's is decoder_input_ids' (input 10) dim 1 when given, else 1.
  if (d.model_type == ModelType::kGpt) {
    if (!ids.dims[1].known()) {
      unknown = Estimate::Unknown(node.Label() + ": input 0 dim 1 '" + DimText(ids.dims[1]) +
                                  "' (the prompt length) is symbolic; the feeds and the hypothesis buffer need it");
      return d;
    }
    d.sequence_length = ids.dims[1].value;
  } else if (d.model_type == ModelType::kWhisper && node.has_input(10)) {
    const TensorInfo& decoder_ids = node.inputs[10];
    if (decoder_ids.rank() != 2 || !decoder_ids.dims[1].known()) {
      unknown = Estimate::Unknown(node.Label() + ": input 10 (decoder_input_ids) dim 1 is not known");
      return d;
    }
    d.sequence_length = decoder_ids.dims[1].value;
  } else {
    d.sequence_length = 1;
  }

  const int64_t max_sequence_length = beam ? kBeamMaxSequenceLength : kGreedyMaxSequenceLength;
  const ScalarInput max_length = ReadScalar(node, 1);
  if (!max_length.present) {
    d.max_length = max_sequence_length;
  } else if (max_length.value) {
    d.max_length = *max_length.value;
  } else {
    d.max_length = max_sequence_length;
    d.bounded += "max_length (input 1) at its enforced maximum " + std::to_string(max_sequence_length) + "; ";
  }
  if (d.max_length <= d.sequence_length || d.max_length > max_sequence_length) {
    return InvalidArgument(node.Label() + ": max_length " + std::to_string(d.max_length) + " outside (" +
                           std::to_string(d.sequence_length) + ", " + std::to_string(max_sequence_length) + "]");
  }
  if (beam) {
    const ScalarInput num_beams = ReadScalar(node, 3);
    if (!num_beams.present) {
      d.num_beams = 1;
    } else if (num_beams.value) {
      d.num_beams = *num_beams.value;
    } else {
      d.num_beams = kBeamMaxNumBeams;
      d.bounded += "num_beams (input 3) at its enforced maximum 128; ";
    }
    if (d.num_beams < 1 || d.num_beams > kBeamMaxNumBeams) {
      return InvalidArgument(node.Label() + ": num_beams " + std::to_string(d.num_beams) + " outside [1, 128]");
    }
  }

  const Subgraph* decoder = node.subgraph("decoder");
  std::optional<int64_t> vocab = FindVocabSize(node, decoder, beam ? std::optional<size_t>(2) : std::nullopt);
  if (!vocab) {
    unknown = Estimate::Unknown(node.Label() + ": vocab_size is not an attribute and the decoder subgraph's logits " +
                                "dim 2 is not known here; every score buffer scales with it");
    return d;
  }
  d.vocab_size = *vocab;
  if (d.model_type == ModelType::kWhisper) {
    d.t = FindT(node, {0}, {1}, decoder, d.bounded);  // input_features is T
  } else if (beam) {
    d.t = FindT(node, {5, 6}, {1, 2}, decoder, d.bounded);  // length_penalty, repetition_penalty; scores
  } else {
    d.t = FindT(node, {3}, {}, decoder, d.bounded);  // repetition_penalty
  }
  if (d.t != DataType::kFloat && d.t != DataType::kFloat16) {
    return InvalidArgument(node.Label() + ": T is " + DataTypeName(d.t) + ", expected float or float16");
  }
  return d;
}

// "; upper bound: <the bounded values>" without the last separator, or "" when nothing is bounded.
std::string BoundedText(const GenerationDims& d) {
  if (d.bounded.empty()) return "";
  std::string text = d.bounded;
  if (text.size() >= 2 && text.compare(text.size() - 2, 2, "; ") == 0) text.resize(text.size() - 2);
  return "; upper bound: " + text;
}

std::string ParamsText(const GenerationDims& d) {
  return "batch " + std::to_string(d.batch_size) + ", beams " + std::to_string(d.num_beams) + ", vocab " +
         std::to_string(d.vocab_size) + ", prompt " + std::to_string(d.sequence_length) + ", max_length " +
         std::to_string(d.max_length);
}

// GPT's initial feeds: input_ids, position_ids and attention_mask, int32 [batch_beam, sequence] each
// (subgraph_gpt.cc CreateInitialFeeds), copied into one device buffer by AddToFeeds.
void AddGptFeeds(Estimate& e, const GenerationDims& d) {
  const Bytes batch_beam = Bytes::FromDim(d.batch_size) * d.num_beams;
  e.Add("initial_feeds", batch_beam * d.sequence_length * 3 * 4, kFeedsSource);
}

// What the GPT decoder subgraph decides (subgraph_base.cc Subgraph::Subgraph and Setup, subgraph_gpt.cc
// GptSubgraph::Validate): a DecoderMaskedSelfAttention / DecoderMaskedMultiHeadAttention node; an input
// named past_sequence_length (past_present_share_buffer_); num_heads and head_size from input 3, the past
// state (2, batch_beam, num_heads, past_length, head_size); num_layers = outputs - 1.
struct GptDecoder {
  bool has_decoder_masked_attention = false;
  bool past_present_share_buffer = false;
  int64_t num_heads = 0;
  int64_t head_size = 0;
  int64_t num_layers = 0;
};

// The decoder's facts, or the reason they are not known. `copies_past`: more than one beam, so without a shared
// buffer the kernel copies the past state each step (its size needs num_heads and head_size).
std::optional<std::string> ReadGptDecoder(const NodeView& node, bool copies_past, GptDecoder& out) {
  const Subgraph* decoder = node.subgraph("decoder");
  if (decoder == nullptr) {
    return "the decoder subgraph is not in this view (an adapter that does not walk graph attributes); whether it "
           "uses DecoderMasked*Attention or a shared past buffer, and so the staging, past-state and per-step "
           "past-copy buffers, is not known";
  }
  for (const NodeView& n : decoder->nodes) {
    if (n.op_type == "DecoderMaskedSelfAttention" || n.op_type == "DecoderMaskedMultiHeadAttention") {
      out.has_decoder_masked_attention = true;
    }
  }
  for (const TensorInfo& in : decoder->inputs) {
    if (in.name == "past_sequence_length") out.past_present_share_buffer = true;
  }
  out.num_layers = decoder->outputs.empty() ? 0 : static_cast<int64_t>(decoder->outputs.size()) - 1;
  if (!out.has_decoder_masked_attention && !out.past_present_share_buffer && !copies_past) return std::nullopt;
  const TensorInfo* past = decoder->inputs.size() > 3 ? &decoder->inputs[3] : nullptr;
  if (past == nullptr || past->rank() != 5 || !past->dims[2].known() || !past->dims[4].known()) {
    return "the decoder subgraph's input 3 (the past state, rank 5) has no known num_heads (dim 2) and head_size "
           "(dim 4)";
  }
  out.num_heads = past->dims[2].value;
  out.head_size = past->dims[4].value;
  return std::nullopt;
}

// The decoder-decided buffers, for batch * num_beams sequences (num_beams is 1 for greedy and sampling).
void AddGptDecoderBuffers(Estimate& e, const GptDecoder& g, const GenerationDims& d, bool beam) {
  const Bytes rows = Bytes::FromDim(d.batch_size) * d.num_beams;
  const Bytes per_row = Bytes::FromDim(g.num_heads) * d.max_length * g.head_size * ElementSize(d.t);
  // staging_for_past_state_reorder: a T tensor of [batch_beam, num_heads, max_length, head_size].
  if (g.has_decoder_masked_attention) {
    e.Add("staging_for_past_state_reorder", rows * per_row, beam ? kBeamStateSource : kGreedyStateSource,
          Allocator::kTempSpace);
  }
  if (!g.past_present_share_buffer) return;
  // Shared past/present: one (2, batch_beam, num_heads, max_length, head_size) tensor of the past type (T) per
  // layer from the provider's default allocator, reused as the present outputs.
  e.Add("shared_past_state", rows * per_row * 2 * g.num_layers, kSharedPastSource);
  // Beam search passes need_cache_indir = has_decoder_masked_attention_ (beam_search_impl_gpt.h): then a
  // cache_indirection (batch, beams, max_length) int32 from the default allocator. UpdateGptFeeds replaces it each
  // step with a same-shaped temp-space copy (step_cache_indirection_next), so one of this size is always a feed.
  if (beam && g.has_decoder_masked_attention) {
    e.Add("cache_indirection", rows * d.max_length * 4, kCacheIndirSource);
  }
}

// A buffer live in one phase of a decoding step only.
struct Piece {
  std::string name;
  Bytes bytes;
  std::string source;
  Allocator allocator = Allocator::kTempSpace;
};
struct Phase {
  std::string label;
  std::vector<Piece> pieces;
};

Bytes PhaseTotal(const Phase& p) {
  Bytes total(0);
  for (const Piece& piece : p.pieces) total += piece.bytes;
  return total;
}

// The phases of the last decoding step, each with the per-step buffers live in it (the state, the initial feeds
// and the decoder-decided buffers are live throughout and not repeated). `logits_transient`: the buffers
// ProcessLogits / GreedySearchProcessLogits frees before it returns (TopK outputs, the sequences copy).
//
// The loop (beam_search_impl_gpt.h / greedy_search_impl_gpt.h Execute): run the decoder at current_length, pick the
// next tokens, ++current_length, and while current_length < max_length call UpdateGptFeeds(current_length). So the
// last call has c = max_length - 1, after the decoder produced a present of length c - 1; when c > prompt + 1 the
// feeds it replaces are the previous call's (input ids [BB, 1], mask [BB, c - 1], picked past of length c - 2),
// otherwise views of initial_feeds and the empty past (0 bytes). Within the call (UpdateGptFeeds):
//   mask phase:  new input_ids, the old and new attention mask, the old picked past (all layers);
//   cache phase: new input_ids, new mask, the new cache indirection beside the old (listed as cache_indirection);
//   pick phase (PickGptPastState, at its last layer): new input_ids, new mask, every layer's new copy of length
//                c - 1, and the last layer's old copy;
// then the last decoder run and ProcessLogits with the new feeds live.
std::vector<Phase> GptStepPhases(const GenerationDims& d, const GptDecoder& g, bool beam,
                                 const std::vector<Piece>& logits_transient) {
  const int64_t c = d.max_length - 1;
  if (c <= d.sequence_length) {
    return {{"ProcessLogits (no UpdateGptFeeds: max_length is prompt + 1)", logits_transient}};
  }
  const bool first = c == d.sequence_length + 1;
  const Bytes bb = Bytes::FromDim(d.batch_size) * d.num_beams;
  const bool picks_past = !g.past_present_share_buffer && d.num_beams > 1;
  const bool updates_cache = g.past_present_share_buffer && beam && g.has_decoder_masked_attention;
  // One layer's picked past: (2, BB, num_heads, length, head_size) of T, shaped as the present output.
  const auto past = [&](int64_t length) { return bb * 2 * g.num_heads * length * g.head_size * ElementSize(d.t); };
  const Piece ids{"step_input_ids", bb * 4, kUpdateFeedsSource};
  const Piece mask{"step_attention_mask", bb * c * 4, kUpdateFeedsSource};
  const Piece new_past{"step_past_state_copies", past(c - 1) * g.num_layers, kPickPastSource};

  std::vector<Phase> phases;
  Phase logits{"ProcessLogits of the last step", {ids, mask}};
  if (picks_past) logits.pieces.push_back(new_past);
  logits.pieces.insert(logits.pieces.end(), logits_transient.begin(), logits_transient.end());
  phases.push_back(std::move(logits));

  Phase mask_phase{"UpdateGptFeeds' new attention mask", {ids, mask}};
  if (!first) mask_phase.pieces.push_back({"step_attention_mask_previous", bb * (c - 1) * 4, kUpdateFeedsSource});
  if (picks_past && !first) {
    mask_phase.pieces.push_back({"step_past_state_copies_previous", past(c - 2) * g.num_layers, kPickPastSource});
  }
  phases.push_back(std::move(mask_phase));

  if (updates_cache) {
    phases.push_back({"UpdateGptFeeds' new cache indirection",
                      {ids, mask, {"step_cache_indirection_next", bb * d.max_length * 4, kUpdateFeedsSource}}});
  }
  if (picks_past) {
    Phase pick{"PickGptPastState's last layer", {ids, mask, new_past}};
    if (!first) pick.pieces.push_back({"step_past_state_copy_previous_last_layer", past(c - 2), kPickPastSource});
    phases.push_back(std::move(pick));
  }
  return phases;
}

// Adds the largest phase's buffers (an overflowed one wins, so EstimateNode reports it) and returns its label.
std::string AddPeakPhase(Estimate& e, const std::vector<Phase>& phases) {
  const Phase* peak = nullptr;
  Bytes peak_total(0);
  for (const Phase& p : phases) {
    const Bytes total = PhaseTotal(p);
    if (peak == nullptr || total.overflow() || (!peak_total.overflow() && total.value() > peak_total.value())) {
      peak = &p;
      peak_total = total;
    }
  }
  if (peak == nullptr) return "";
  for (const Piece& piece : peak->pieces) e.Add(piece.name, piece.bytes, piece.source, piece.allocator);
  return peak->label;
}

// GPT: the decoder-decided buffers and the peak of the last step, or Unknown with the reason. `reason` arrives as
// the parameters text and leaves as the estimate's reason; `bounded` gains the per-step feeds' note.
void FinishGpt(Estimate& e, const NodeView& node, GenerationDims& d, bool beam,
               const std::vector<Piece>& logits_transient) {
  GptDecoder decoder;
  std::optional<std::string> why = ReadGptDecoder(node, beam && d.num_beams > 1, decoder);
  std::string peak_label;
  if (!why) {
    AddGptDecoderBuffers(e, decoder, d, beam);
    peak_label = AddPeakPhase(e, GptStepPhases(d, decoder, beam, logits_transient));
    if (d.max_length - 1 > d.sequence_length) {
      d.bounded += "the per-step feeds taken at the last step (current_length " + std::to_string(d.max_length - 1) +
                   "), which a run reaches unless every sequence meets EOS earlier; ";
      if (e.exactness == Exactness::kExact) e.exactness = Exactness::kUpperBound;
    }
  } else {
    for (const Piece& piece : logits_transient) e.Add(piece.name, piece.bytes, piece.source, piece.allocator);
  }
  std::string reason = ParamsText(d) + BoundedText(d);
  if (why) {
    e.exactness = Exactness::kUnknown;
    reason = node.Label() + ": " + *why + "; the listed buffers are the rest, the per-step feeds not among them (" +
             reason + ")";
  } else {
    reason += "; peak in " + peak_label;
  }
  e.reason = reason + kGptNotIncluded;
}

}  // namespace

// Mirrors ORT 1.29.0 contrib_ops/cuda/transformers/beam_search.cc BeamSearch::ComputeInternal through
// beam_search_impl_{gpt,t5,whisper}.h: BeamSearchState, the CudaBeamSearchScorer, ProcessLogits' top-k.
Result<Estimate> EstimateBeamSearch(const NodeView& node, const Target& target) {
  std::optional<Estimate> unknown;
  WSEST_ASSIGN_OR_RETURN(GenerationDims d, ParseDims(node, /*beam=*/true, unknown));
  if (unknown) return *unknown;
  const int64_t t_bytes = ElementSize(d.t);
  const Bytes batch_beam = Bytes::FromDim(d.batch_size) * d.num_beams;
  const Bytes scores = batch_beam * d.vocab_size;
  // use_fast_topk: ORT_BEAM_SEARCH_USE_FAST_TOPK (generation_shared.h kBeamSearchUseFastTopK), default true;
  // parse_string.h reads "0", "False" and "false" as false, and ORT refuses any value but those and the trues.
  const std::optional<std::string> fast_topk_env = target.ep.Env("ORT_BEAM_SEARCH_USE_FAST_TOPK");
  if (fast_topk_env && *fast_topk_env != "0" && *fast_topk_env != "False" && *fast_topk_env != "false" &&
      *fast_topk_env != "1" && *fast_topk_env != "True" && *fast_topk_env != "true") {
    return InvalidArgument(node.Label() + ": ORT_BEAM_SEARCH_USE_FAST_TOPK '" + *fast_topk_env +
                           "' is not a boolean ORT parses (0, 1, false, true, False, True)");
  }
  const bool use_fast_topk =
      !fast_topk_env || *fast_topk_env == "1" || *fast_topk_env == "True" || *fast_topk_env == "true";
  const bool fast_topk = use_fast_topk && d.num_beams <= kFastTopKMaxBeams;
  Estimate e{fast_topk ? "beam_fast_topk" : "beam_topk",
             d.bounded.empty() ? Exactness::kExact : Exactness::kUpperBound};
  // BeamSearchState, from the temp-space allocator: the logits copy (T) and log-softmax scores (float) of
  // [batch_beam, vocab]; next_tokens / next_indices / next_scores of 2 * batch_beam.
  e.Add("next_token_logits", scores * t_bytes, kBeamStateSource, Allocator::kTempSpace);
  e.Add("next_token_scores", scores * 4, kBeamStateSource, Allocator::kTempSpace);
  e.Add("next_tokens", batch_beam * 2 * 4, kBeamStateSource, Allocator::kTempSpace);
  e.Add("next_indices", batch_beam * 2 * 4, kBeamStateSource, Allocator::kTempSpace);
  e.Add("next_scores", batch_beam * 2 * 4, kBeamStateSource, Allocator::kTempSpace);
  // topk_buffer: batch_beam * (max_parts_of_vocab + 1) * num_beams * 2 * 2 floats, taken whatever the path.
  e.Add("topk_buffer", batch_beam * (kMaxPartsOfVocab + 1) * d.num_beams * 4 * 4, kBeamStateSource,
        Allocator::kTempSpace);
  // sequences_device (the allocator is a GPU one): 2 * batch_beam * max_length int32.
  e.Add("sequences_device", batch_beam * 2 * d.max_length * 4, kBeamStateSource, Allocator::kTempSpace);
  // next_positions: only GPT passes use_position = true (beam_search_impl_gpt.h).
  if (d.model_type == ModelType::kGpt) {
    e.Add("next_positions", batch_beam * 4, kBeamStateSource, Allocator::kTempSpace);
  }
  e.Add("beam_scores", batch_beam * 4, kBeamStateSource, Allocator::kTempSpace);
  // scores: with output_scores (output 2 requested), (max_length - sequence_length) * batch * beams * vocab floats.
  if (node.has_output(2)) {
    e.Add("scores", Bytes::FromDim(d.max_length - d.sequence_length) * scores * 4, kBeamStateSource,
          Allocator::kTempSpace);
  }
  // CudaBeamSearchScorer, from the same allocator: the device copy of BeamScorerState, one HypothesisScore
  // per beam, one BeamHypotheses per batch entry, next beam scores / tokens / indices, and the hypothesis
  // buffer of (max_length * (max_length + 1) - (sequence_length - 1) * sequence_length) / 2 ints per beam.
  e.Add("scorer_state_gpu", Bytes(kBeamScorerStateBytes), kBeamScorerSource, Allocator::kTempSpace);
  e.Add("hypothesis_scores", batch_beam * kHypothesisScoreBytes, kBeamScorerSource, Allocator::kTempSpace);
  e.Add("beam_hyps", Bytes::FromDim(d.batch_size) * kBeamHypothesesBytes, kBeamScorerSource, Allocator::kTempSpace);
  e.Add("next_beam_scores", batch_beam * 4, kBeamScorerSource, Allocator::kTempSpace);
  e.Add("next_beam_tokens", batch_beam * 4, kBeamScorerSource, Allocator::kTempSpace);
  e.Add("next_beam_indices", batch_beam * 4, kBeamScorerSource, Allocator::kTempSpace);
  const Bytes per_beam_twice = Bytes::FromDim(d.max_length) * (d.max_length + 1);
  const Bytes prompt_twice =
      d.sequence_length == 0 ? Bytes(0) : Bytes::FromDim(d.sequence_length - 1) * d.sequence_length;
  const Bytes per_beam = per_beam_twice.overflow() || prompt_twice.overflow()
                             ? Bytes::Overflowed()
                             : Bytes((per_beam_twice.value() - prompt_twice.value()) / 2);
  e.Add("hypothesis_buffer", batch_beam * per_beam * 4, kBeamScorerSource, Allocator::kTempSpace);
  // More than 32 beams, or the fast top-k off: TopK over [batch, beams * vocab] with k = 2 * beams allocates its value
  // (float) and index (int64) outputs from the temp-space allocator; k <= 256 keeps TopKImpl on its radix select, which
  // takes no scratch (core/providers/cuda/math/topk_impl.cuh).
  // They are locals of ProcessLogits, freed before UpdateGptFeeds runs: a phase of the step, not the whole run.
  std::vector<Piece> logits_transient;
  if (!fast_topk) {
    const Bytes topk = Bytes::FromDim(d.batch_size) * 2 * d.num_beams;
    logits_transient.push_back({"topk_scores", topk * 4, kBeamTopKSource});
    logits_transient.push_back({"topk_indices", topk * 8, kBeamTopKSource});
  }
  e.candidates.push_back({"beam_fast_topk",
                          fast_topk ? "" : (use_fast_topk ? "num_beams > 32" : "ORT_BEAM_SEARCH_USE_FAST_TOPK is off"),
                          std::nullopt});
  e.candidates.push_back({"beam_topk", fast_topk ? "num_beams <= 32 takes BeamSearchTopK" : "", std::nullopt});
  if (d.model_type == ModelType::kGpt) {
    AddGptFeeds(e, d);
    FinishGpt(e, node, d, /*beam=*/true, logits_transient);
    return e;
  }
  // T5 and Whisper build the encoder feeds and expand the encoder's outputs per beam (ExpandBuffer), both
  // shaped by the encoder subgraph.
  for (const Piece& piece : logits_transient) e.Add(piece.name, piece.bytes, piece.source, piece.allocator);
  e.exactness = Exactness::kUnknown;
  e.reason = node.Label() + ": the encoder feeds and the per-beam expanded encoder outputs of a " +
             (d.model_type == ModelType::kT5 ? "T5" : "Whisper") +
             " model are shaped by the encoder subgraph and not modelled; the listed buffers are the beam state (" +
             ParamsText(d) + BoundedText(d) + ")" + kEncoderDecoderNotIncluded;
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/transformers/greedy_search.cc and sampling.cc through
// greedy_search_impl_gpt.h (GPT decoders only): GreedySearchState, SamplingState and the sampling sort.
Result<Estimate> EstimateGreedySearch(const NodeView& node, const Target&) {
  std::optional<Estimate> unknown;
  WSEST_ASSIGN_OR_RETURN(GenerationDims d, ParseDims(node, /*beam=*/false, unknown));
  if (unknown) return *unknown;
  const bool sampling = node.op_type == "Sampling";
  const int64_t t_bytes = ElementSize(d.t);
  const Bytes batch = Bytes::FromDim(d.batch_size);
  const Bytes scores = batch * d.vocab_size;
  Estimate e{sampling ? "sampling" : "greedy", d.bounded.empty() ? Exactness::kExact : Exactness::kUpperBound};
  // GreedySearchState (sequences, lengths, eos flags and next tokens are on the CPU allocator):
  // next_token_scores [batch, vocab] of T and next_positions [batch] from the temp-space allocator.
  e.Add("next_token_scores", scores * t_bytes, kGreedyStateSource, Allocator::kTempSpace);
  e.Add("next_positions", batch * 4, kGreedyStateSource, Allocator::kTempSpace);
  // The top-one buffer: (kMaxPartsPerVocab 128 * batch + batch) * (sizeof(float) + sizeof(int32)).
  e.Add("temp_topk_buffer", (batch * kMaxPartsOfVocab + batch) * 8, kGreedyTopOneSource, Allocator::kTempSpace);
  if (sampling) {
    // SamplingState (is_cuda): int index in / out, float softmaxed and sorted-softmaxed scores and the
    // presence mask of [batch, vocab]; sorted scores of T; offsets of batch + 1; sampled values and indices.
    e.Add("d_index_in", scores * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_index_out", scores * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_offset", (batch + 1) * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_sorted_score", scores * t_bytes, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_sorted_softmaxed_score", scores * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_softmaxed_score", scores * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_sampled", batch * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_indices", batch * 4, kSamplingStateSource, Allocator::kTempSpace);
    e.Add("d_presence_mask", scores * 4, kSamplingStateSource, Allocator::kTempSpace);
    // storage_buffer: at step 1, cub::DeviceSegmentedRadixSort::SortPairs[Descending] over batch * vocab
    // keys of T with int values in batch segments (generation_cuda_impl.cu GetTempStorageSize), kept to the end.
    if (scores.overflow()) {
      e.Add("cub_segmented_sort_temp_storage", Bytes::Overflowed(), kSamplingSortSource, Allocator::kTempSpace);
    } else {
      e.Add("cub_segmented_sort_temp_storage",
            Bytes(cub_storage::SegmentedRadixSortPairsTempBytes(scores.value(), static_cast<uint64_t>(d.batch_size),
                                                                static_cast<int>(t_bytes), 4)),
            std::string(kSamplingSortSource) + "; " +
                cub_storage::CubSource("dispatch_radix_sort.cuh DispatchSegmentedRadixSort::InvokePasses"),
            Allocator::kTempSpace);
    }
  }
  // A repetition penalty other than 1 copies the sequences to the device each step: batch * max_length
  // int32, a local of GreedySearchProcessLogits freed before UpdateGptFeeds. Input 3's value is not read here (a
  // float), so a present input counts it as the bound.
  std::vector<Piece> logits_transient;
  if (node.has_input(3)) {
    logits_transient.push_back({"sequences_buffer", batch * d.max_length * 4, kGreedyLogitsSource});
    e.exactness = Exactness::kUpperBound;
    d.bounded += "repetition_penalty (input 3) taken as != 1 (its sequences copy counted); ";
  }
  AddGptFeeds(e, d);
  FinishGpt(e, node, d, /*beam=*/false, logits_transient);
  return e;
}

}  // namespace wsest::estimators
