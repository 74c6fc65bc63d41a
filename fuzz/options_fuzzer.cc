// libFuzzer target: what users pass on the command line, as the library receives it. The input
// picks one of a few small built-in models (fuzz/models.cc), then ModelOptions (--dim, --input,
// --value, --allow-symbolic) and a Target (--device, --ep-option, --ep-env, --variant) with names
// drawn from the real ones or made up, and values anywhere in int64 or arbitrary strings. Runs the
// load (Rebind of the parsed seed), EstimateModel, a second Rebind and every writer.
//
// The tool's own flag parsing (name=value splitting, integer parsing, tools/cli_options.cc) is
// args_fuzzer.cc's target; this one starts from the options it produces.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/common.h"
#include "fuzz/models.h"

namespace {

std::string PickOrMake(FuzzedDataProvider& in, const std::vector<std::string>& known) {
  if (!known.empty() && in.ConsumeBool()) return known[in.ConsumeIntegralInRange<size_t>(0, known.size() - 1)];
  return in.ConsumeRandomLengthString(24);
}

int64_t FuzzDim(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return in.ConsumeIntegralInRange<int64_t>(0, 64);
    case 1: return in.ConsumeIntegralInRange<int64_t>(0, 1 << 20);
    case 2: return int64_t{1} << in.ConsumeIntegralInRange<int>(0, 63);
    default: return in.ConsumeIntegral<int64_t>();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wsest;
  FuzzedDataProvider in(data, size);
  const auto& models = fuzz::SeedModels();
  const fuzz::SeedModel& seed = models[in.ConsumeIntegralInRange<size_t>(0, models.size() - 1)];

  ModelOptions options;
  options.allow_symbolic = in.ConsumeBool();
  for (int n = in.ConsumeIntegralInRange<int>(0, 4); n > 0; --n) options.dims[PickOrMake(in, seed.dims)] = FuzzDim(in);
  for (int n = in.ConsumeIntegralInRange<int>(0, 2); n > 0; --n) {
    std::vector<int64_t> shape(in.ConsumeIntegralInRange<size_t>(0, 6));
    for (auto& d : shape) d = FuzzDim(in);
    options.input_shapes[PickOrMake(in, seed.inputs)] = shape;
  }
  for (int n = in.ConsumeIntegralInRange<int>(0, 2); n > 0; --n) {
    std::vector<int64_t> values(in.ConsumeIntegralInRange<size_t>(0, 4));
    for (auto& v : values) v = in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(-2, 16) : FuzzDim(in);
    options.input_values[PickOrMake(in, seed.inputs)] = values;
  }

  Target target = DefaultTarget();
  std::vector<std::string> device_ids;
  for (const auto& d : DeviceProfiles()) device_ids.push_back(d.id);
  auto device = FindDevice(PickOrMake(in, device_ids));
  if (device.ok()) {
    target.device = *device;
  } else {
    fuzz::CheckError(device.error());
  }
  for (int n = in.ConsumeIntegralInRange<int>(0, 3); n > 0; --n) {
    const std::string key = PickOrMake(in, EpConfig::KnownProviderOptions());
    const std::string value = in.ConsumeBool() ? std::to_string(FuzzDim(in)) : in.ConsumeRandomLengthString(12);
    auto set = target.ep.SetProviderOption(key, value);
    if (!set.ok()) fuzz::CheckError(set.error());
  }
  // The ORT_* variables the estimators read (grep -o '"ORT_[A-Z_]*"' estimators/).
  static const std::vector<std::string> kEnv = {
      "ORT_DISABLE_DECODER_ATTENTION", "ORT_DISABLE_FLASH_ATTENTION", "ORT_DISABLE_FLASH_DECODE",
      "ORT_DISABLE_FUSED_ATTENTION", "ORT_DISABLE_FUSED_CROSS_ATTENTION", "ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION",
      "ORT_DISABLE_TRT_FLASH_ATTENTION", "ORT_ENABLE_CUDNN_FLASH_ATTENTION", "ORT_ENABLE_FUSED_CAUSAL_ATTENTION",
      "ORT_ENABLE_LEAN_ATTENTION", "ORT_ENABLE_XQA", "ORT_FPA_INTB_GEMM", "ORT_MATMULNBITS_CHUNK_SIZE",
      "ORT_MATMULNBITS_FORCE_CHUNKED", "ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV"};
  for (int n = in.ConsumeIntegralInRange<int>(0, 3); n > 0; --n) {
    const std::string name = PickOrMake(in, kEnv);
    const std::string value = in.ConsumeBool() ? std::to_string(FuzzDim(in)) : in.ConsumeRandomLengthString(12);
    auto set = target.ep.SetEnv(name, value);
    if (!set.ok()) fuzz::CheckError(set.error());
  }
  static const std::vector<std::string> kVariants = {"flash", "memory_efficient", "lean", "unfused", "cudnn_sdpa",
                                                     "xqa", "cublas_gemm", "cublaslt_matmul", "cudnn_inference"};
  if (in.ConsumeBool()) target.forced_variant = PickOrMake(in, kVariants);

  // Rebind runs everything FromBytes does after parsing (binding, checks, inference); the seed was
  // parsed once. no_shape.onnx goes through FromBytes itself, so parsing with options is covered too.
  auto model = seed.name == "no_shape.onnx" ? Model::FromBytes(seed.bytes, seed.name, options)
                                            : seed.model->Rebind(options);
  if (!model.ok()) {
    fuzz::CheckError(model.error());
    return 0;
  }
  fuzz::EstimateAndWrite(*model, target);
  ModelOptions rebind = options;
  rebind.allow_symbolic = true;
  for (const auto& name : model->symbolic_dims()) rebind.dims.emplace(name, FuzzDim(in));
  auto rebound = model->Rebind(rebind);
  if (!rebound.ok()) {
    fuzz::CheckError(rebound.error());
    return 0;
  }
  fuzz::EstimateAndWrite(*rebound, target);
  return 0;
}
