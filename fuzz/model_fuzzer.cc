// libFuzzer target: serialized bytes -> Model::FromBytes (parse, structural checks, dim binding,
// onnx shape inference with ops/'s rules) -> EstimateModel -> every writer. The seeds in
// fuzz/corpus/model are real .onnx files, so the input is the file itself. Symbolic dims are first
// left symbolic, then bound through Rebind to 1, a small value or a huge one (picked by a hash of
// the input, so the fuzzer can steer it).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wsest;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  ModelOptions options;
  options.allow_symbolic = true;
  auto model = Model::FromBytes(bytes, "fuzz.onnx", options);
  if (!model.ok()) {
    fuzz::CheckError(model.error());
    return 0;
  }
  const Target target = DefaultTarget();
  fuzz::EstimateAndWrite(*model, target);
  if (model->symbolic_dims().empty()) return 0;

  // A dim value from the input, so the fuzzer can steer it: small, or near the top of int64.
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size && i < 64; ++i) h = (h ^ data[i]) * 1099511628211ull;
  const int64_t values[] = {1, static_cast<int64_t>(h % 4096), static_cast<int64_t>(h >> 1)};
  ModelOptions bound;
  for (const auto& name : model->symbolic_dims()) bound.dims[name] = values[(h >> 8) % 3];
  auto rebound = model->Rebind(bound);
  if (!rebound.ok()) {
    fuzz::CheckError(rebound.error());
    return 0;
  }
  fuzz::EstimateAndWrite(*rebound, target);
  return 0;
}
