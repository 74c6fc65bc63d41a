// OrtGraph -> wsest::NodeView. Every call goes through ONNX Runtime's C API (onnxruntime_c_api.h,
// ORT_API_VERSION 29); nothing here sees a ModelProto.
#include "ort_graph_view.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <utility>

namespace wsest_ep {
namespace {

// Initializers with at most this many int32/int64 elements carry their values, as the CLI does
// (src/model.cc kMaxInlineIntValues); values stored in an external data file are never read.
constexpr size_t kMaxInlineIntValues = 1024;

// Turns OrtStatus results into one error message: the first failure wins, later calls are skipped
// by the callers checking ok().
class Calls {
 public:
  explicit Calls(const OrtApi& api) : api_(api) {}

  bool Check(OrtStatus* status, const std::string& what) {
    if (status == nullptr) return true;
    if (error_.empty()) error_ = what + ": " + api_.GetErrorMessage(status);
    api_.ReleaseStatus(status);
    return false;
  }
  // For calls whose failure only means "not available": the status is dropped.
  void Ignore(OrtStatus* status) {
    if (status != nullptr) api_.ReleaseStatus(status);
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const OrtApi& api() const { return api_; }

 private:
  const OrtApi& api_;
  std::string error_;
};

// ReadOpAttr reports the bytes it needs when the buffer is too small (custom_ops.cc ReadOpAttr), so
// array and string attributes are read in two calls: size, then data.
bool ReadAttributeBytes(Calls& calls, const OrtOpAttr* attr, OrtOpAttrType type, std::vector<char>* bytes,
                        const std::string& what) {
  size_t needed = 0;
  OrtStatus* probe = calls.api().ReadOpAttr(attr, type, nullptr, 0, &needed);
  if (probe == nullptr) {  // an empty list fits in zero bytes
    bytes->clear();
    return true;
  }
  calls.Ignore(probe);
  bytes->assign(needed, '\0');
  return calls.Check(calls.api().ReadOpAttr(attr, type, bytes->data(), bytes->size(), &needed), what);
}

void ReadAttributes(Calls& calls, const OrtNode* node, const std::string& label, wsest::NodeView* view) {
  const OrtApi& api = calls.api();
  size_t count = 0;
  if (!calls.Check(api.Node_GetNumAttributes(node, &count), label + " Node_GetNumAttributes")) return;
  std::vector<const OrtOpAttr*> attrs(count);
  if (count != 0 && !calls.Check(api.Node_GetAttributes(node, attrs.data(), count), label + " Node_GetAttributes"))
    return;
  for (const OrtOpAttr* attr : attrs) {
    const char* name = nullptr;
    OrtOpAttrType type = ORT_OP_ATTR_UNDEFINED;
    if (!calls.Check(api.OpAttr_GetName(attr, &name), label + " OpAttr_GetName")) return;
    const std::string what = label + " attribute '" + name + "'";
    if (!calls.Check(api.OpAttr_GetType(attr, &type), what + " OpAttr_GetType")) return;
    std::vector<char> bytes;
    switch (type) {
      case ORT_OP_ATTR_INT: {
        int64_t v = 0;
        size_t written = 0;
        if (!calls.Check(api.ReadOpAttr(attr, type, &v, sizeof(v), &written), what)) return;
        view->attributes[name] = v;
        break;
      }
      case ORT_OP_ATTR_FLOAT: {
        float v = 0;
        size_t written = 0;
        if (!calls.Check(api.ReadOpAttr(attr, type, &v, sizeof(v), &written), what)) return;
        view->attributes[name] = v;
        break;
      }
      case ORT_OP_ATTR_INTS: {
        if (!ReadAttributeBytes(calls, attr, type, &bytes, what)) return;
        std::vector<int64_t> v(bytes.size() / sizeof(int64_t));
        if (!v.empty()) std::memcpy(v.data(), bytes.data(), v.size() * sizeof(int64_t));
        view->attributes[name] = std::move(v);
        break;
      }
      case ORT_OP_ATTR_FLOATS: {
        if (!ReadAttributeBytes(calls, attr, type, &bytes, what)) return;
        std::vector<float> v(bytes.size() / sizeof(float));
        if (!v.empty()) std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
        view->attributes[name] = std::move(v);
        break;
      }
      case ORT_OP_ATTR_STRING: {
        if (!ReadAttributeBytes(calls, attr, type, &bytes, what)) return;
        view->attributes[name] = std::string(bytes.data(), strnlen(bytes.data(), bytes.size()));
        break;
      }
      case ORT_OP_ATTR_STRINGS: {  // each string NUL-terminated, back to back
        if (!ReadAttributeBytes(calls, attr, type, &bytes, what)) return;
        std::vector<std::string> v;
        for (size_t at = 0; at < bytes.size();) {
          const size_t len = strnlen(bytes.data() + at, bytes.size() - at);
          v.emplace_back(bytes.data() + at, len);
          at += len + 1;
        }
        view->attributes[name] = std::move(v);
        break;
      }
      default:  // TENSOR attributes: no slot, as in the CLI. GRAPH: this adapter leaves NodeView::subgraphs
        break;  // empty, so If, Loop and Scan are unknown here, their reason saying no bodies were given
    }
  }
}

// The values of a small int32/int64 initializer whose data is in memory (not an external file).
void ReadIntValues(Calls& calls, const OrtValueInfo* value, wsest::TensorInfo* info) {
  const OrtApi& api = calls.api();
  if (info->dtype != wsest::DataType::kInt64 && info->dtype != wsest::DataType::kInt32) return;
  const auto count = info->element_count();
  if (!count || static_cast<size_t>(*count) > kMaxInlineIntValues) return;
  OrtExternalInitializerInfo* external = nullptr;
  OrtStatus* status = api.ValueInfo_GetExternalInitializerInfo(value, &external);
  if (status != nullptr) {
    calls.Ignore(status);
    return;
  }
  if (external != nullptr) {  // the CLI never reads external data; neither does the EP
    api.ReleaseExternalInitializerInfo(external);
    return;
  }
  const OrtValue* tensor = nullptr;
  const void* data = nullptr;
  status = api.ValueInfo_GetInitializerValue(value, &tensor);
  if (status != nullptr || tensor == nullptr) return calls.Ignore(status);
  status = api.GetTensorData(tensor, &data);
  if (status != nullptr || data == nullptr) return calls.Ignore(status);
  std::vector<int64_t> ints(static_cast<size_t>(*count));
  for (size_t i = 0; i < ints.size(); ++i) {
    if (info->dtype == wsest::DataType::kInt64) {
      std::memcpy(&ints[i], static_cast<const char*>(data) + i * 8, 8);
    } else {
      int32_t v;
      std::memcpy(&v, static_cast<const char*>(data) + i * 4, 4);
      ints[i] = v;
    }
  }
  info->int_values = std::move(ints);
}

// One input or output. A null OrtValueInfo is an omitted optional value (ep_api_types.cc
// ConvertNodeArgsToValueInfos): an empty name, as NodeView expects.
wsest::TensorInfo ReadValue(Calls& calls, const OrtValueInfo* value, const std::string& what, size_t* unshaped) {
  const OrtApi& api = calls.api();
  wsest::TensorInfo info;
  if (value == nullptr) return info;
  const char* name = nullptr;
  if (!calls.Check(api.GetValueInfoName(value, &name), what + " GetValueInfoName")) return info;
  info.name = name;
  if (info.name.empty()) return info;

  const OrtTypeInfo* type = nullptr;
  OrtStatus* status = api.GetValueInfoTypeInfo(value, &type);
  const OrtTensorTypeAndShapeInfo* tensor = nullptr;
  if (status == nullptr && type != nullptr) {
    if (!calls.Check(api.CastTypeInfoToTensorInfo(type, &tensor), what + " CastTypeInfoToTensorInfo")) return info;
  } else {
    calls.Ignore(status);  // no type: ORT had nothing for this value
  }
  if (tensor != nullptr) {
    ONNXTensorElementDataType elem = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
    if (!calls.Check(api.GetTensorElementType(tensor, &elem), what + " GetTensorElementType")) return info;
    info.dtype = static_cast<wsest::DataType>(elem);  // both follow onnx.proto's TensorProto.DataType
    info.has_shape = api.TensorTypeAndShape_HasShape(tensor);
    if (info.has_shape) {
      size_t rank = 0;
      if (!calls.Check(api.GetDimensionsCount(tensor, &rank), what + " GetDimensionsCount")) return info;
      std::vector<int64_t> values(rank);
      std::vector<const char*> symbols(rank, nullptr);
      if (rank != 0) {
        if (!calls.Check(api.GetDimensions(tensor, values.data(), rank), what + " GetDimensions")) return info;
        if (!calls.Check(api.GetSymbolicDimensions(tensor, symbols.data(), rank), what + " GetSymbolicDimensions"))
          return info;
      }
      for (size_t d = 0; d < rank; ++d) {
        if (values[d] >= 0)
          info.dims.push_back(wsest::Dim::Known(values[d]));
        else if (symbols[d] != nullptr && symbols[d][0] != '\0')
          info.dims.push_back(wsest::Dim::Symbolic(symbols[d]));
        else
          info.dims.push_back(wsest::Dim{});  // unknown, unnamed
      }
    }
  }
  if (info.dtype == wsest::DataType::kUndefined || !info.fully_known()) ++*unshaped;

  // A constant initializer, or one that is also an optional graph input: both are weights. ORT has
  // already turned Constant nodes into initializers (Graph's constructor), so their outputs count too.
  // Flags only: no initializer data is touched unless it is a small int tensor.
  bool constant = false, optional_input = false;
  if (!calls.Check(api.ValueInfo_IsConstantInitializer(value, &constant), what + " ValueInfo_IsConstantInitializer") ||
      !calls.Check(api.ValueInfo_IsOptionalGraphInput(value, &optional_input),
                   what + " ValueInfo_IsOptionalGraphInput"))
    return info;
  info.is_initializer = constant || optional_input;
  if (info.is_initializer) ReadIntValues(calls, value, &info);
  return info;
}

std::vector<wsest::TensorInfo> ReadValues(Calls& calls, const OrtNode* node, bool inputs, const std::string& label,
                                          size_t* unshaped) {
  const OrtApi& api = calls.api();
  const char* kind = inputs ? "input" : "output";
  size_t count = 0;
  auto count_call = inputs ? api.Node_GetNumInputs : api.Node_GetNumOutputs;
  auto get_call = inputs ? api.Node_GetInputs : api.Node_GetOutputs;
  std::vector<wsest::TensorInfo> out;
  if (!calls.Check(count_call(node, &count), label + " Node_GetNum" + kind + "s")) return out;
  std::vector<const OrtValueInfo*> values(count, nullptr);
  if (count != 0 && !calls.Check(get_call(node, values.data(), count), label + " Node_Get" + kind + "s")) return out;
  for (size_t i = 0; i < count && calls.ok(); ++i)
    out.push_back(ReadValue(calls, values[i], label + " " + kind + " " + std::to_string(i), unshaped));
  return out;
}

// The model's opset imports by domain; "ai.onnx" is spelled "" as NodeView does.
std::map<std::string, int> OpsetImports(Calls& calls, const OrtGraph* graph) {
  const OrtApi& api = calls.api();
  std::map<std::string, int> imports;
  size_t count = 0;
  if (!calls.Check(api.Graph_GetNumOperatorSets(graph, &count), "Graph_GetNumOperatorSets")) return imports;
  std::vector<const char*> domains(count, nullptr);
  std::vector<int64_t> versions(count, 0);
  if (count != 0 &&
      !calls.Check(api.Graph_GetOperatorSets(graph, domains.data(), versions.data(), count), "Graph_GetOperatorSets"))
    return imports;
  for (size_t i = 0; i < count; ++i) {
    std::string domain = domains[i] != nullptr ? domains[i] : "";
    if (domain == "ai.onnx") domain.clear();
    imports[domain] = static_cast<int>(versions[i]);
  }
  return imports;
}

}  // namespace

GraphRead ReadGraph(const OrtApi& api, const OrtGraph* graph) {
  Calls calls(api);
  GraphRead read;
  const OrtNode* parent = nullptr;
  if (calls.Check(api.Graph_GetParentNode(graph, &parent), "Graph_GetParentNode") && parent != nullptr) {
    const char* name = nullptr;
    calls.Check(api.Node_GetName(parent, &name), "Node_GetName (parent)");
    read.nested = true;
    read.parent_node = name != nullptr ? name : "";
  }
  const std::map<std::string, int> imports = OpsetImports(calls, graph);

  size_t count = 0;
  if (calls.ok()) calls.Check(api.Graph_GetNumNodes(graph, &count), "Graph_GetNumNodes");
  std::vector<const OrtNode*> nodes(count, nullptr);
  if (calls.ok() && count != 0) calls.Check(api.Graph_GetNodes(graph, nodes.data(), count), "Graph_GetNodes");

  for (size_t i = 0; i < count && calls.ok(); ++i) {
    GraphNode out;
    out.node = nodes[i];
    wsest::NodeView& view = out.view;
    const char* name = nullptr;
    const char* op_type = nullptr;
    const char* domain = nullptr;
    const std::string label = "node #" + std::to_string(i);
    if (!calls.Check(api.Node_GetName(nodes[i], &name), label + " Node_GetName") ||
        !calls.Check(api.Node_GetOperatorType(nodes[i], &op_type), label + " Node_GetOperatorType") ||
        !calls.Check(api.Node_GetDomain(nodes[i], &domain), label + " Node_GetDomain"))
      break;
    view.name = name;
    view.op_type = op_type;
    view.domain = domain;
    if (view.domain == "ai.onnx") view.domain.clear();
    const std::string node_label = view.name.empty() ? label + " (" + view.op_type + ")" : "node '" + view.name + "'";

    // NodeView::opset is the model's import for the domain, not the schema's since-version that
    // Node_GetSinceVersion gives; the latter is only a fallback for a domain with no import.
    auto import = imports.find(view.domain);
    if (import != imports.end()) {
      view.opset = import->second;
    } else if (!calls.Check(api.Node_GetSinceVersion(nodes[i], &view.opset), node_label + " Node_GetSinceVersion")) {
      break;
    }
    ReadAttributes(calls, nodes[i], node_label, &view);
    view.inputs = ReadValues(calls, nodes[i], /*inputs=*/true, node_label, &out.values_without_shape);
    view.outputs = ReadValues(calls, nodes[i], /*inputs=*/false, node_label, &out.values_without_shape);
    read.nodes.push_back(std::move(out));
  }
  read.error = calls.error();
  return read;
}

}  // namespace wsest_ep
