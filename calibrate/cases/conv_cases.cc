// Convolution and pooling cases: Conv under every algorithm-search mode (cuDNN's engine choice is the
// library's; ORT's search workspace and buffers around it are the binary's), 1-D, grouped and 3-D
// convolutions, ConvTranspose, FusedConv, and the cuDNN pooling kernels.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void ConvCases(Writer& w) {
  const Variants conv_modes = {{"-", "-"},
                               {"cudnn_conv_algo_search=EXHAUSTIVE", "-"},
                               {"cudnn_conv_algo_search=HEURISTIC", "-"},
                               {"cudnn_conv_algo_search=DEFAULT", "-"},
                               {"cudnn_conv_use_max_workspace=0", "-"},
                               {"use_tf32=0", "-"}};
  for (int t : {kF32, kF16}) {
    const std::string sfx = t == kF32 ? "_f32" : "_f16";
    w.Add("conv3x3_n8_c64_56" + sfx,
          Case("Conv")
              .In("x", t, {8, 64, 56, 56})
              .Weight("w", t, {64, 64, 3, 3})
              .Out("y", t, {8, 64, 56, 56})
              .Ints("pads", {1, 1, 1, 1})
              .Ints("kernel_shape", {3, 3}),
          conv_modes);
    w.Add("conv7x7s2_n8_c3_224" + sfx,
          Case("Conv")
              .In("x", t, {8, 3, 224, 224})
              .Weight("w", t, {64, 3, 7, 7})
              .Out("y", t, {8, 64, 112, 112})
              .Ints("pads", {3, 3, 3, 3})
              .Ints("strides", {2, 2})
              .Ints("kernel_shape", {7, 7}),
          conv_modes);
  }
  // Bias, depthwise groups, 1-D (padded to 2-D by ORT), 3-D, transposed, fused activation.
  w.Add("conv_bias_depthwise_f32", Case("Conv")
                                       .In("x", kF32, {4, 32, 28, 28})
                                       .Weight("w", kF32, {32, 1, 3, 3})
                                       .Weight("b", kF32, {32})
                                       .Out("y", kF32, {4, 32, 28, 28})
                                       .Ints("pads", {1, 1, 1, 1})
                                       .Int("group", 32));
  w.Add("conv1d_f32",
        Case("Conv").In("x", kF32, {4, 64, 1000}).Weight("w", kF32, {128, 64, 5}).Out("y", kF32, {4, 128, 996}));
  w.Add("conv3d_f16", Case("Conv")
                          .In("x", kF16, {2, 16, 16, 32, 32})
                          .Weight("w", kF16, {32, 16, 3, 3, 3})
                          .Out("y", kF16, {2, 32, 14, 30, 30}));
  w.Add("convtranspose_s2_f32", Case("ConvTranspose")
                                    .In("x", kF32, {4, 64, 28, 28})
                                    .Weight("w", kF32, {64, 32, 2, 2})
                                    .Out("y", kF32, {4, 32, 56, 56})
                                    .Ints("strides", {2, 2}));
  // ConvTranspose forms GetCapability declines: asymmetric pads, SAME auto-padding, and under
  // prefer_nhwc a weight that is a graph input.
  w.Add("convtranspose_asym_pads_f32", Case("ConvTranspose")
                                           .In("x", kF32, {1, 8, 10, 10})
                                           .Weight("w", kF32, {8, 4, 3, 3})
                                           .Out("y", kF32, {1, 4, 11, 11})
                                           .Ints("pads", {0, 0, 1, 1}));
  w.Add("convtranspose_same_upper_f32", Case("ConvTranspose")
                                            .In("x", kF32, {1, 8, 10, 10})
                                            .Weight("w", kF32, {8, 4, 3, 3})
                                            .Out("y", kF32, {1, 4, 20, 20})
                                            .Ints("strides", {2, 2})
                                            .Str("auto_pad", "SAME_UPPER"));
  w.Add("convtranspose_w_input_f32",
        Case("ConvTranspose").In("x", kF32, {1, 8, 10, 10}).In("w", kF32, {8, 4, 3, 3}).Out("y", kF32, {1, 4, 12, 12}),
        {{"-", "-"}, {"prefer_nhwc=1", "-"}});
  w.Add("fusedconv_relu_f32", Case("FusedConv", "com.microsoft")
                                  .In("x", kF32, {4, 32, 28, 28})
                                  .Weight("w", kF32, {64, 32, 3, 3})
                                  .Weight("b", kF32, {64})
                                  .Out("y", kF32, {4, 64, 26, 26})
                                  .Str("activation", "Relu"));

  // Pooling (cuDNN, and MaxPool's own kernel when it returns indices).
  w.Add("maxpool3x3s2_f32", Case("MaxPool")
                                .In("x", kF32, {8, 64, 112, 112})
                                .Out("y", kF32, {8, 64, 56, 56})
                                .Ints("kernel_shape", {3, 3})
                                .Ints("strides", {2, 2})
                                .Ints("pads", {1, 1, 1, 1}));
  w.Add("maxpool_indices_f32", Case("MaxPool")
                                   .In("x", kF32, {2, 16, 32, 32})
                                   .Out("y", kF32, {2, 16, 16, 16})
                                   .Out("i", kI64, {2, 16, 16, 16})
                                   .Ints("kernel_shape", {2, 2})
                                   .Ints("strides", {2, 2}));
  w.Add("averagepool_f16", Case("AveragePool")
                               .In("x", kF16, {8, 64, 56, 56})
                               .Out("y", kF16, {8, 64, 28, 28})
                               .Ints("kernel_shape", {2, 2})
                               .Ints("strides", {2, 2}));
  w.Add("globalaveragepool_f32",
        Case("GlobalAveragePool").In("x", kF32, {8, 512, 7, 7}).Out("y", kF32, {8, 512, 1, 1}));
  w.Add("lrn_f32", Case("LRN").In("x", kF32, {4, 64, 28, 28}).Out("y", kF32, {4, 64, 28, 28}).Int("size", 5));
}

}  // namespace wsest::cases
