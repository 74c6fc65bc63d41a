// Single-node calibration cases: a small builder for one-node ONNX models and the writer of
// cases.tsv, the list wsest-measure runs (calibrate/measure.cc). Each family's cases live in a file
// of their own (attention_cases.cc, gemm_cases.cc, ...), registered in make_cases.cc.
//
// Shapes are declared in full on every input and output, so wsest's view of a node is the one ORT
// ran. Signatures follow ONNX Runtime 1.29.0's schemas (onnxruntime/core/graph/contrib_ops/*_defs.cc)
// and the ONNX spec at the case's opset.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace wsest::cases {

constexpr int kF32 = onnx::TensorProto::FLOAT, kF16 = onnx::TensorProto::FLOAT16, kBf16 = onnx::TensorProto::BFLOAT16,
              kF64 = onnx::TensorProto::DOUBLE, kI64 = onnx::TensorProto::INT64, kI32 = onnx::TensorProto::INT32,
              kI8 = onnx::TensorProto::INT8, kU8 = onnx::TensorProto::UINT8, kBool = onnx::TensorProto::BOOL;

// One single-node model under construction.
class Case {
 public:
  // `opset`: the ai.onnx import; a non-empty `domain` is imported at version 1.
  explicit Case(const std::string& op, const std::string& domain = "", int opset = 17);
  // A graph input with its full shape, filled by wsest-measure with the integer `fill` (0: zeros). A
  // negative dim is symbolic (a size the kernel computes on the device).
  Case& In(const std::string& name, int type, std::vector<int64_t> dims, int64_t fill = 0);
  // A weight: a zero-filled initializer, or one holding `values` (integer types).
  Case& Weight(const std::string& name, int type, std::vector<int64_t> dims, std::vector<int64_t> values = {});
  // A graph input that is no input of the node: a value its subgraphs read from the outer scope.
  Case& OuterIn(const std::string& name, int type, std::vector<int64_t> dims, int64_t fill = 0);
  Case& Skip();  // an omitted optional input
  Case& Out(const std::string& name, int type, std::vector<int64_t> dims);
  Case& Int(const std::string& name, int64_t v);
  Case& Float(const std::string& name, float v);
  Case& Str(const std::string& name, const std::string& v);
  Case& Ints(const std::string& name, const std::vector<int64_t>& v);
  Case& Floats(const std::string& name, const std::vector<float>& v);
  Case& Strings(const std::string& name, const std::vector<std::string>& v);
  // A graph attribute (If's branches, Loop's and Scan's bodies).
  Case& Graph(const std::string& name, const onnx::GraphProto& g);
  const onnx::ModelProto& model() const { return model_; }
  const std::string& inputs() const { return inputs_; }

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  onnx::NodeProto* node_;
  std::string inputs_;
};

// Declares a value's type and full shape (negative dims symbolic).
void DeclareValue(onnx::ValueInfoProto* v, const std::string& name, int type, const std::vector<int64_t>& dims);

// (provider options "k=v;...", ORT_* variables "K=V;..."), "-" for none.
using Variants = std::vector<std::pair<std::string, std::string>>;

struct Writer {
  std::filesystem::path dir;
  std::ofstream tsv;
  int models = 0, lines = 0;
  // Writes the model once and one cases.tsv line per (options, env) variant.
  void Add(const std::string& name, const Case& c, const Variants& variants);
  void Add(const std::string& name, const Case& c) { Add(name, c, {{"-", "-"}}); }
};

// The families, one file each.
void AttentionCases(Writer& w);
void GemmCases(Writer& w);
void ConvCases(Writer& w);
void ReduceCases(Writer& w);
void NormCases(Writer& w);
void TensorCases(Writer& w);
void RnnCases(Writer& w);
void CubCases(Writer& w);
void MiscCases(Writer& w);

}  // namespace wsest::cases
