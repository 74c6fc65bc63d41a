// Internal to ops/: each rules file contributes its schemas through one function.
#pragma once

#include <onnx/defs/schema.h>

#include <vector>

namespace wsest::ops {

// com.microsoft contrib ops (ops/contrib_*.cc), as ORT 1.29.0 defines them.
std::vector<ONNX_NAMESPACE::OpSchema> ContribRules();
// ai.onnx opsets 18-24 for ops whose signature changed or that are new (ops/onnx_18_24.cc).
std::vector<ONNX_NAMESPACE::OpSchema> OnnxNewOpsetRules();

inline std::vector<ONNX_NAMESPACE::OpSchema> AllRules() {
  auto rules = ContribRules();
  for (auto& s : OnnxNewOpsetRules()) rules.push_back(std::move(s));
  return rules;
}

}  // namespace wsest::ops
