#include "ops/rules.h"
namespace wsest::ops {
std::vector<ONNX_NAMESPACE::OpSchema> ContribRules() { return {}; }
std::vector<ONNX_NAMESPACE::OpSchema> OnnxNewOpsetRules() { return {}; }
}  // namespace wsest::ops
