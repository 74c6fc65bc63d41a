// Recurrent cases: LSTM, GRU and RNN through cuDNN (its temp space is the library's; the weights ORT
// reorganizes at load and its buffers around cudnnRNNForward are the binary's), and the attribute
// values the CUDA EP's GetCapability turns down.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void RnnCases(Writer& w) {
  // LSTM: W [dirs, 4H, I], R [dirs, 4H, H], B [dirs, 8H].
  w.Add("lstm_s32_b16_i128_h256", Case("LSTM")
                                      .In("x", kF32, {32, 16, 128})
                                      .Weight("w", kF32, {1, 1024, 128})
                                      .Weight("r", kF32, {1, 1024, 256})
                                      .Weight("b", kF32, {1, 2048})
                                      .Out("y", kF32, {32, 1, 16, 256})
                                      .Int("hidden_size", 256));
  w.Add("lstm_bidir_f16", Case("LSTM")
                              .In("x", kF16, {16, 8, 64})
                              .Weight("w", kF16, {2, 512, 64})
                              .Weight("r", kF16, {2, 512, 128})
                              .Weight("b", kF16, {2, 1024})
                              .Out("y", kF16, {16, 2, 8, 128})
                              .Int("hidden_size", 128)
                              .Str("direction", "bidirectional"));
  // GRU: W [dirs, 3H, I]; the default linear_before_reset = 0 and 1.
  for (int64_t lbr : {0, 1}) {
    w.Add("gru_bidir_s32_b16_i128_h256_lbr" + std::to_string(lbr), Case("GRU")
                                                                       .In("x", kF32, {32, 16, 128})
                                                                       .Weight("w", kF32, {2, 768, 128})
                                                                       .Weight("r", kF32, {2, 768, 256})
                                                                       .Weight("b", kF32, {2, 1536})
                                                                       .Out("y", kF32, {32, 2, 16, 256})
                                                                       .Int("hidden_size", 256)
                                                                       .Str("direction", "bidirectional")
                                                                       .Int("linear_before_reset", lbr));
  }
  // GRU without the attribute: GetCapability reads only attributes present on the node.
  w.Add("gru_s8_b4_i32_h64_no_lbr", Case("GRU")
                                        .In("x", kF32, {8, 4, 32})
                                        .Weight("w", kF32, {1, 192, 32})
                                        .Weight("r", kF32, {1, 192, 64})
                                        .Out("y", kF32, {8, 1, 4, 64})
                                        .Int("hidden_size", 64));
  // RNN (tanh): W [dirs, H, I]; with Relu, which cuDNN's RNN supports but GetCapability declines.
  auto rnn = [](const char* activation) {
    return Case("RNN")
        .In("x", kF32, {20, 4, 32})
        .Weight("w", kF32, {1, 64, 32})
        .Weight("r", kF32, {1, 64, 64})
        .Weight("b", kF32, {1, 128})
        .Out("y", kF32, {20, 1, 4, 64})
        .Int("hidden_size", 64)
        .Strings("activations", {activation});
  };
  w.Add("rnn_tanh_f32", rnn("Tanh"));
  w.Add("rnn_relu_f32", rnn("Relu"));
  // LSTM with the attributes GetCapability declines.
  auto small_lstm = [] {
    return Case("LSTM")
        .In("x", kF32, {8, 4, 32})
        .Weight("w", kF32, {1, 256, 32})
        .Weight("r", kF32, {1, 256, 64})
        .Out("y", kF32, {8, 1, 4, 64})
        .Int("hidden_size", 64);
  };
  w.Add("lstm_input_forget_f32", small_lstm().Int("input_forget", 1));
  w.Add("lstm_clip_f32", small_lstm().Float("clip", 5.0f));
}

}  // namespace wsest::cases
