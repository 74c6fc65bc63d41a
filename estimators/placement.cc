// Where ORT 1.29.0's CUDA EP leaves a node to the CPU EP although it registers a CUDA kernel for it:
// the per-op checks of CUDAExecutionProvider::GetCapability (core/providers/cuda/
// cuda_execution_provider.cc: RNNNeedFallbackToCPU, ConvTransposeNeedFallbackToCPU,
// NhwcConvNeedFallbackToCPU, CastNeedFallbackToCPU, ArgMaxOrArgMinNeedFallbackToCPU), which log
// "CUDA kernel not supported. Fallback to CPU execution provider". Read in the newest stored tree
// (2026-02, VERSION 1.25.0; the same checks since 1.22.0) and confirmed on the 1.29.0 binary through
// the shadow device (calibrate/shadow), where each declined case runs on CPUExecutionProvider and its
// counterpart on CUDAExecutionProvider. ORT has filled schema defaults into the node by then.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "wsest/registry.h"

namespace wsest {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// RNNNeedFallbackToCPU: cuDNN's cells take no clip or activation parameters, and only their own
// activations.
std::optional<std::string> RnnDeclines(const NodeView& node) {
  const std::string& op = node.op_type;
  for (const char* attr : {"activation_alpha", "activation_beta", "clip"}) {
    if (node.has_attribute(attr)) return "declines " + op + " with the '" + attr + "' attribute";
  }
  static const std::vector<std::string> kLstm = {"sigmoid", "tanh", "tanh", "sigmoid", "tanh", "tanh"};
  static const std::vector<std::string> kRnn = {"tanh", "tanh"};
  static const std::vector<std::string> kGru = {"sigmoid", "tanh", "sigmoid", "tanh"};
  const std::vector<std::string>& supported = op == "LSTM" ? kLstm : op == "RNN" ? kRnn : kGru;
  const std::vector<std::string> activations = node.GetStrings("activations");
  for (size_t i = 0; i < activations.size(); ++i) {
    if (i >= supported.size() || Lower(activations[i]) != supported[i]) {
      return "declines " + op + " with activation '" + activations[i] + "' (cuDNN runs " + op + "'s defaults only)";
    }
  }
  if (op == "LSTM" && node.GetInt("input_forget", 0) != 0) return "declines LSTM with input_forget != 0";
  if (op == "LSTM" && node.inputs.size() == 8 && node.has_input(7)) return "declines LSTM with a peephole input P";
  // "cudnn GRU only support linear_before_reset = 1". ORT fills in schema defaults before
  // GetCapability, so an absent attribute reads as its default 0 (the binary declines such a GRU).
  if (op == "GRU" && node.GetInt("linear_before_reset", 0) != 1) {
    return "declines GRU with linear_before_reset != 1 (cuDNN's GRU is linear-before-reset)";
  }
  return std::nullopt;
}

// ConvTransposeNeedFallbackToCPU: asymmetric padding or SAME auto-padding; with prefer_nhwc (the
// release build has the NHWC kernels), a weight that is not a constant initializer.
std::optional<std::string> ConvTransposeDeclines(const NodeView& node, const Target& target) {
  const std::vector<int64_t> pads = node.GetInts("pads");
  const size_t rank = pads.size() / 2;
  for (size_t i = 0; i < rank; ++i) {
    if (pads[i] != pads[i + rank]) return "declines ConvTranspose with asymmetric pads";
  }
  const std::string auto_pad = node.GetString("auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return "declines ConvTranspose with auto_pad " + auto_pad;
  const bool prefer_nhwc = target.ep.ProviderOptionInt("prefer_nhwc", 0) != 0;
  if (prefer_nhwc && !(node.has_input(1) && node.inputs[1].is_initializer)) {
    return "declines ConvTranspose under prefer_nhwc when W is not a constant initializer";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CudaEpDeclines(const NodeView& node, const Target& target) {
  const std::string& op = node.op_type;
  if (node.domain == "com.microsoft") {
    // NhwcConvNeedFallbackToCPU.
    if (op == "NhwcConv" && !(node.has_input(1) && node.inputs[1].is_initializer)) {
      return "GetCapability declines NhwcConv when W is not a constant initializer";
    }
    return std::nullopt;
  }
  if (!IsOnnxDomain(node.domain)) return std::nullopt;
  std::optional<std::string> why;
  if (op == "LSTM" || op == "GRU" || op == "RNN") why = RnnDeclines(node);
  if (op == "ConvTranspose") why = ConvTransposeDeclines(node, target);
  // CastNeedFallbackToCPU: TensorProto STRING is 8.
  if (op == "Cast" && node.GetInt("to", 0) == 8) why = "declines Cast to string";
  // ArgMaxOrArgMinNeedFallbackToCPU: the CUDA kernels return the first index of a tie only.
  if ((op == "ArgMax" || op == "ArgMin") && node.opset >= 12 && node.GetInt("select_last_index", 0) != 0) {
    why = "declines " + op + " with select_last_index = 1";
  }
  if (why) return "GetCapability " + *why;
  return std::nullopt;
}

}  // namespace wsest
