// The remaining families: elementwise and activations, generators, quantization, dropout, matrix
// inverse, FFT, and If with a subgraph per branch.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {
namespace {

// A one-node branch of If: `op`(x) -> out, x taken from the outer scope.
onnx::GraphProto Branch(const std::string& op, const std::string& out, const std::vector<int64_t>& dims) {
  onnx::GraphProto g;
  g.set_name(op + "_branch");
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(op + "_in_branch");
  n->add_input("x");
  n->add_output(out);
  DeclareValue(g.add_output(), out, kF32, dims);
  return g;
}

}  // namespace

void MiscCases(Writer& w) {
  w.Add("add_f16", Case("Add").In("a", kF16, {8, 128, 768}).In("b", kF16, {768}).Out("y", kF16, {8, 128, 768}));
  w.Add("biasgelu_f16", Case("BiasGelu", "com.microsoft")
                            .In("x", kF16, {8, 128, 3072})
                            .Weight("b", kF16, {3072})
                            .Out("y", kF16, {8, 128, 3072}));
  w.Add("cast_f32_to_f16", Case("Cast").In("x", kF32, {64, 1024}).Out("y", kF16, {64, 1024}).Int("to", kF16));
  w.Add("dropout_inference_f32", Case("Dropout").In("x", kF32, {64, 768}).Out("y", kF32, {64, 768}));
  w.Add("inverse_f32", Case("Inverse", "com.microsoft").In("x", kF32, {8, 16, 16}).Out("y", kF32, {8, 16, 16}));
  w.Add("range_f32", Case("Range")
                         .Weight("start", kF32, {}, {0})
                         .Weight("limit", kF32, {}, {4096})
                         .Weight("delta", kF32, {}, {1})
                         .Out("y", kF32, {4096}));
  w.Add("constantofshape_f32",
        Case("ConstantOfShape").Weight("shape", kI64, {2}, {64, 1024}).Out("y", kF32, {64, 1024}));
  w.Add("randomnormal_f32", Case("RandomNormal").Out("y", kF32, {64, 1024}).Ints("shape", {64, 1024}));
  w.Add("quantizelinear_u8", Case("QuantizeLinear")
                                 .In("x", kF32, {64, 1024})
                                 .Weight("s", kF32, {}, {1})
                                 .Weight("z", kU8, {}, {0})
                                 .Out("y", kU8, {64, 1024}));
  w.Add("dequantizelinear_i8", Case("DequantizeLinear")
                                   .In("x", kI8, {64, 1024})
                                   .Weight("s", kF32, {}, {1})
                                   .Weight("z", kI8, {}, {0})
                                   .Out("y", kF32, {64, 1024}));
  w.Add("rfft_1024_f32", Case("Rfft", "com.microsoft")
                             .In("x", kF32, {8, 1024})
                             .Out("y", kF32, {8, 513, 2})
                             .Int("signal_ndim", 1)
                             .Int("onesided", 1)
                             .Int("normalized", 0));
  w.Add("if_relu_neg_f32", Case("If")
                               .In("cond", kBool, {}, 1)
                               .OuterIn("x", kF32, {64, 768})
                               .Out("y", kF32, {64, 768})
                               .Graph("then_branch", Branch("Relu", "then_y", {64, 768}))
                               .Graph("else_branch", Branch("Neg", "else_y", {64, 768})));
}

}  // namespace wsest::cases
