// Shape rules onnx 1.12 lacks: com.microsoft contrib ops and ai.onnx opsets 18-24. They live in a
// registry of their own, layered over onnx's, instead of being added to onnx's global
// OpSchemaRegistry: onnx 1.12 caps ai.onnx at opset 17 (DomainToVersionRange has no way to raise
// it) and a process that links wsest (an EP inside ONNX Runtime) must not have its global onnx
// state changed under it.
#pragma once

#include <onnx/defs/schema.h>

#include <string>
#include <vector>

namespace wsest::ops {

// Answers with wsest's rules first, then onnx's built-in registry. Built once; immutable after.
const ONNX_NAMESPACE::ISchemaRegistry& SchemaRegistry();

// The highest opset wsest knows per domain ("" = ai.onnx: 24; "com.microsoft": 1).
int MaxKnownOpset(const std::string& domain);

// One rule added by ops/, for tests and listings.
struct RuleInfo {
  std::string domain;
  std::string op_type;
  int since_version;
};
std::vector<RuleInfo> Rules();

}  // namespace wsest::ops
