// LSTM, GRU and RNN on the CUDA EP: core/providers/cuda/rnn/cudnn_rnn_base.cc CudnnRnnBase<T>::ComputeInternal,
// ORT 1.29.0 (registered for float, double, float16; 1 layer). cuDNN's workspace and reserve space
// come from cudnnGetRNNTempSpaceSizes (live or a record); the kernel's own buffers around it are
// exact from shapes: repacked weights when W/R are not constant initializers, the reversed X of a
// "reverse" node, an internal Y when the Y output is unused, the reorganised Y, and the
// sequence-length copy.
#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "estimators/estimators.h"
#include "wsest/live.h"

namespace wsest::estimators {
namespace {

constexpr const char* kRnnSource = "onnxruntime 1.29.0 core/providers/cuda/rnn/cudnn_rnn_base.cc CudnnRnnBase<T>::ComputeInternal";
constexpr const char* kReorganizeSource =
    "onnxruntime 1.29.0 core/providers/cuda/rnn/cudnn_rnn_base.cc CudnnRnnBase<T>::ReorganizeWeights";
constexpr const char* kCacheSource =
    "onnxruntime 1.29.0 core/providers/cuda/rnn/cudnn_rnn_base.cc CudnnRnnBase<T>::CacheCudnnRnnWeights";
constexpr const char* kStatesSource =
    "onnxruntime 1.29.0 core/providers/cuda/rnn/cudnn_rnn_base.h CudnnRnnBase constructor";
constexpr const char* kAsyncBufferSource = "onnxruntime 1.29.0 core/providers/cuda/cuda_kernel.h CudaAsyncBuffer::CopyToGpu";

bool IsRegistered(DataType t) { return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16; }

}  // namespace

Result<Estimate> EstimateRnn(const NodeView& node, const Target& target) {
  for (size_t i = 0; i < 3; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected X, W and R");
    }
  }
  const TensorInfo& x = node.inputs[0];
  if (!IsRegistered(x.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                             DataTypeName(x.dtype));
  }
  if (!x.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape");
  if (x.rank() != 3) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(x.rank()) +
                           ", expected 3 [seq_length, batch_size, input_size]");
  }
  for (size_t i = 0; i < 3; ++i) {
    if (!x.dims[i].known()) {
      return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(i) + " '" +
                               (x.dims[i].symbol.empty() ? "?" : x.dims[i].symbol) +
                               "' is symbolic; every RNN buffer scales with it");
    }
  }
  const int64_t seq_length = x.dims[0].value, batch = x.dims[1].value, input_size = x.dims[2].value;
  const int64_t hidden = node.GetInt("hidden_size", -1);
  if (hidden <= 0) return InvalidArgument(node.Label() + ": attribute hidden_size is missing or not positive");
  const std::string direction = node.GetString("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    return InvalidArgument(node.Label() + ": direction '" + direction + "', expected forward, reverse or bidirectional");
  }
  const bool reverse = direction == "reverse";
  const int64_t num_directions = direction == "bidirectional" ? 2 : 1;
  const int64_t elem = ElementSize(x.dtype);

  // W_lin_layer_id_ sizes (lstm.h, gru.h, rnn.h): 4 gates, 3 gates, 1.
  std::string mode;
  int64_t gates = 1;
  if (node.op_type == "LSTM") {
    mode = "lstm";
    gates = 4;
  } else if (node.op_type == "GRU") {
    mode = "gru";
    gates = 3;
  } else {
    // rnn.h: activations[0] "Relu" -> CUDNN_RNN_RELU, "Tanh" (the default) -> CUDNN_RNN_TANH.
    const std::vector<std::string> acts = [&] {
      auto it = node.attributes.find("activations");
      if (it == node.attributes.end()) return std::vector<std::string>{};
      const auto* v = std::get_if<std::vector<std::string>>(&it->second);
      return v ? *v : std::vector<std::string>{};
    }();
    mode = (!acts.empty() && acts[0] == "Relu") ? "rnn_relu" : "rnn_tanh";
  }

  Estimate e{std::string("cudnn_") + mode, Exactness::kExact};
  // sequence_lens_buffer: CudaAsyncBuffer<int32_t>(batch_size), always copied to the GPU.
  e.Add("sequence_lens_gpu", Bytes::FromDim(batch) * 4, kAsyncBufferSource);
  // x_reversed_data: GetScratchBuffer<T>(seq_length * batch_size * input_size) when direction is "reverse".
  if (reverse) e.Add("x_reversed_data", Bytes::FromDim(seq_length) * batch * input_size * elem, kRnnSource);
  const Bytes output_size = Bytes::FromDim(seq_length) * num_directions * batch * hidden;
  // y_alloc_data: GetScratchBuffer<T>(output_size) when output Y is not requested.
  if (!node.has_output(0)) e.Add("y_alloc_data", output_size * elem, kRnnSource);
  // w_data: ReorganizeWeights -> GetScratchBuffer<void>(w_size * sizeof(T)) per run unless the
  // constructor cached them (CacheCudnnRnnWeights: W and R constant initializers).
  // w_size = num_directions * (gates * hidden * (input_size + hidden + 2)).
  const Bytes w_bytes =
      Bytes::FromDim(num_directions) * gates * hidden * (Bytes::FromDim(input_size) + hidden + 2) * elem;
  const bool weight_cached = node.inputs[1].is_initializer && node.inputs[2].is_initializer;
  if (!weight_cached) {
    e.Add("reorganized_w_data", w_bytes, kReorganizeSource);
  } else {
    e.candidates.push_back({"weights_repacked_per_run", "W and R are initializers: repacked once at load (kernel state)",
                            std::nullopt});
    // w_data_cache_: the constructor's CacheCudnnRnnWeights -> ReorganizeWeights takes the same bytes
    // with GetScratchBuffer (the arena) and the kernel holds them for the session.
    if (w_bytes.overflow()) return OutOfRange(node.Label() + ": the cached weights' byte size overflows 64 bits");
    e.session_buffers.push_back({"w_data_cache", w_bytes.value(), kCacheSource, Allocator::kScratch});
  }
  // y_reorganized_data: GetScratchBuffer<T>(output_size) for reverse or bidirectional output.
  if (reverse || num_directions == 2) e.Add("y_reorganized_data", output_size * elem, kRnnSource);
  // zero_seq_index_cache: a CudaAsyncBuffer<int32_t> of the zero-length sequences (x directions), data.
  const bool has_sequence_lens = node.has_input(4);
  if (has_sequence_lens) {
    const TensorInfo& lens = node.inputs[4];
    const bool all_known_nonzero = lens.int_values && std::all_of(lens.int_values->begin(), lens.int_values->end(),
                                                                  [](int64_t v) { return v != 0; });
    if (!all_known_nonzero) {
      e.Add("zero_seq_index_cache", Bytes::FromDim(batch) * num_directions * 4, kAsyncBufferSource);
      e.exactness = Exactness::kUpperBound;
      e.reason = "sequence_lens values are data: the zero-length-sequence index copy is taken at its maximum";
    }
  }

  RnnQuery q;
  q.mode = mode;
  q.dtype = x.dtype;
  q.seq_length = seq_length;
  q.batch = batch;
  q.input_size = input_size;
  q.hidden_size = hidden;
  q.bidirectional = num_directions == 2;
  q.has_bias = node.has_input(3);
  q.use_tf32 = target.ep.ProviderOptionInt("use_tf32", 1) != 0;
  std::string why_not = "no live or recorded cuDNN answer";
  if (target.live != nullptr) {
    Result<RnnAnswer> a = target.live->RnnTempSpace(q);
    if (a.ok()) {
      const std::string src = std::string(kRnnSource) + "; " + a->source;
      // workspace_cuda, reservespace_cuda: GetScratchBuffer<void>(bytes) from cudnnGetRNNTempSpaceSizes
      // (CUDNN_FWD_MODE_INFERENCE; the reserve size is typically 0 in inference mode but is allocated as returned).
      e.Add("cudnn_workspace", Bytes(a->workspace_bytes), src);
      e.Add("cudnn_reserve_space", Bytes(a->reserve_bytes), src);
      // state_buffer_: the constructor takes cudnnDropoutGetStatesSize's bytes with GetScratchBuffer
      // (the arena) for the dropout descriptor and holds them for the session.
      if (!a->dropout_states_bytes) {
        e.exactness = Exactness::kUnknown;
        e.reason = node.Label() + ": the answer for " + CanonicalKey(q) +
                   " has no dropout states size (cudnnDropoutGetStatesSize; a record made before it was recorded: "
                   "record it again with calibrate/record_library)";
        return e;
      }
      e.session_buffers.push_back({"dropout_states", *a->dropout_states_bytes,
                                   std::string(kStatesSource) + "; " + a->source, Allocator::kScratch});
      return e;
    }
    why_not = a.error().message;
  }
  e.exactness = Exactness::kUnknown;
  e.reason = node.Label() + ": cudnnGetRNNTempSpaceSizes for " + CanonicalKey(q) + " needs cuDNN (a GPU) or a record (" +
             why_not + "); the listed buffers are the kernel's own";
  return e;
}

}  // namespace wsest::estimators
