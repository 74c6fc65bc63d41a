#include "wsest/node_view.h"

#include <fmt/format.h>

namespace wsest {

int64_t ElementSize(DataType type) {
  switch (type) {
    case DataType::kFloat: case DataType::kInt32: case DataType::kUint32: return 4;
    case DataType::kUint8: case DataType::kInt8: case DataType::kBool:
    case DataType::kFloat8E4M3FN: case DataType::kFloat8E4M3FNUZ:
    case DataType::kFloat8E5M2: case DataType::kFloat8E5M2FNUZ: return 1;
    case DataType::kUint16: case DataType::kInt16: case DataType::kFloat16: case DataType::kBfloat16: return 2;
    case DataType::kInt64: case DataType::kDouble: case DataType::kUint64: case DataType::kComplex64: return 8;
    case DataType::kComplex128: return 16;
    default: return 0;
  }
}

const char* DataTypeName(DataType type) {
  switch (type) {
    case DataType::kFloat: return "float";
    case DataType::kUint8: return "uint8";
    case DataType::kInt8: return "int8";
    case DataType::kUint16: return "uint16";
    case DataType::kInt16: return "int16";
    case DataType::kInt32: return "int32";
    case DataType::kInt64: return "int64";
    case DataType::kString: return "string";
    case DataType::kBool: return "bool";
    case DataType::kFloat16: return "float16";
    case DataType::kDouble: return "double";
    case DataType::kUint32: return "uint32";
    case DataType::kUint64: return "uint64";
    case DataType::kComplex64: return "complex64";
    case DataType::kComplex128: return "complex128";
    case DataType::kBfloat16: return "bfloat16";
    case DataType::kFloat8E4M3FN: return "float8e4m3fn";
    case DataType::kFloat8E4M3FNUZ: return "float8e4m3fnuz";
    case DataType::kFloat8E5M2: return "float8e5m2";
    case DataType::kFloat8E5M2FNUZ: return "float8e5m2fnuz";
    case DataType::kUint4: return "uint4";
    case DataType::kInt4: return "int4";
    case DataType::kFloat4E2M1: return "float4e2m1";
    default: return "undefined";
  }
}

bool TensorInfo::fully_known() const {
  if (!has_shape) return false;
  for (const auto& d : dims)
    if (!d.known()) return false;
  return true;
}

std::optional<int64_t> TensorInfo::element_count() const {
  if (!fully_known()) return std::nullopt;
  int64_t n = 1;
  for (const auto& d : dims)
    if (__builtin_mul_overflow(n, d.value, &n)) return std::nullopt;
  return n;
}

std::string TensorInfo::first_unknown_dim() const {
  if (!has_shape) return fmt::format("the shape of '{}'", name);
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i].known()) continue;
    if (!dims[i].symbol.empty()) return fmt::format("'{}' (dim {} of '{}')", dims[i].symbol, i, name);
    return fmt::format("dim {} of '{}'", i, name);
  }
  return {};
}

std::string NodeView::Label() const {
  return name.empty() ? fmt::format("{} (unnamed)", op_type) : fmt::format("{} '{}'", op_type, name);
}

int64_t NodeView::GetInt(const std::string& key, int64_t default_value) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return default_value;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return *v;
  return default_value;
}

float NodeView::GetFloat(const std::string& key, float default_value) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return default_value;
  if (const auto* v = std::get_if<float>(&it->second)) return *v;
  return default_value;
}

std::string NodeView::GetString(const std::string& key, const std::string& default_value) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return default_value;
  if (const auto* v = std::get_if<std::string>(&it->second)) return *v;
  return default_value;
}

std::vector<int64_t> NodeView::GetInts(const std::string& key) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return {};
  if (const auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  return {};
}

std::vector<std::string> NodeView::GetStrings(const std::string& key) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return {};
  if (const auto* v = std::get_if<std::vector<std::string>>(&it->second)) return *v;
  return {};
}

}  // namespace wsest
