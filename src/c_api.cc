// The C ABI over the C++ API. Every entry point catches everything: no exception crosses it.
#include "wsest/c_api.h"

#include <exception>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "src/report.h"
#include "wsest/model.h"
#include "wsest/registry.h"

struct wsest_error {
  wsest_status code;
  std::string message;
};
struct wsest_target {
  wsest::Target target;
};
struct wsest_node {
  wsest::NodeView view;
};
struct wsest_estimate {
  wsest::Estimate estimate;
};
struct wsest_model_estimate {
  wsest::ModelEstimate result;
  std::vector<wsest_estimate> nodes;
  std::string json;
};

namespace {

wsest_status StatusOf(wsest::ErrorCode code) {
  switch (code) {
    case wsest::ErrorCode::kInvalidArgument: return WSEST_INVALID_ARGUMENT;
    case wsest::ErrorCode::kNotFound: return WSEST_NOT_FOUND;
    case wsest::ErrorCode::kOutOfRange: return WSEST_OUT_OF_RANGE;
    case wsest::ErrorCode::kFailedPrecondition: return WSEST_FAILED_PRECONDITION;
    case wsest::ErrorCode::kInternal: return WSEST_INTERNAL;
  }
  return WSEST_INTERNAL;
}

wsest_status Fail(wsest_error** error, wsest_status code, std::string message) {
  if (error != nullptr) {
    // If even this allocation fails, the status alone still reports the failure.
    *error = new (std::nothrow) wsest_error{code, std::move(message)};
  }
  return code;
}

wsest_status Fail(wsest_error** error, const wsest::Error& e) { return Fail(error, StatusOf(e.code), e.message); }

// Runs `body`, turning any exception into WSEST_INTERNAL (or the allocation failure it was).
template <typename Body>
wsest_status Guard(wsest_error** error, Body&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(error, WSEST_OUT_OF_RANGE, "out of memory");
  } catch (const std::exception& e) {
    return Fail(error, WSEST_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(error, WSEST_INTERNAL, "internal error: unknown exception");
  }
}

wsest_status Null(wsest_error** error, const char* what) {
  return Fail(error, WSEST_INVALID_ARGUMENT, std::string(what) + " is NULL");
}

wsest::TensorInfo MakeTensor(const char* name, int32_t dtype, const int64_t* dims, int64_t rank) {
  wsest::TensorInfo t;
  t.name = name == nullptr ? "" : name;
  t.dtype = static_cast<wsest::DataType>(dtype);
  if (rank >= 0) {
    t.has_shape = true;
    for (int64_t i = 0; i < rank; ++i) t.dims.push_back(dims[i] >= 0 ? wsest::Dim::Known(dims[i]) : wsest::Dim{});
  }
  return t;
}

template <typename T>
wsest_status SetAttribute(wsest_node* node, const char* name, T value, wsest_error** error) {
  return Guard(error, [&] {
    if (node == nullptr) return Null(error, "node");
    if (name == nullptr) return Null(error, "attribute name");
    node->view.attributes[name] = std::move(value);
    return WSEST_OK;
  });
}

const wsest::Buffer* BufferAt(const wsest_estimate* e, size_t index) {
  return e != nullptr && index < e->estimate.buffers.size() ? &e->estimate.buffers[index] : nullptr;
}

}  // namespace

extern "C" {

const char* wsest_version(void) { return wsest::Version(); }
int wsest_c_api_version(void) { return WSEST_C_API_VERSION; }
const char* wsest_ep_release(void) { return wsest::kEpRelease; }

wsest_status wsest_error_code(const wsest_error* error) { return error == nullptr ? WSEST_OK : error->code; }
const char* wsest_error_message(const wsest_error* error) { return error == nullptr ? "" : error->message.c_str(); }
void wsest_error_free(wsest_error* error) { delete error; }

wsest_status wsest_target_create(const char* device_id, wsest_target** out, wsest_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Null(error, "out");
    *out = nullptr;
    auto device = wsest::FindDevice(device_id == nullptr ? wsest::kDefaultDevice : device_id);
    if (!device.ok()) return Fail(error, device.error());
    auto* t = new wsest_target{};
    t->target.device = *device;
    *out = t;
    return WSEST_OK;
  });
}

wsest_status wsest_target_set_provider_option(wsest_target* target, const char* key, const char* value,
                                              wsest_error** error) {
  return Guard(error, [&] {
    if (target == nullptr || key == nullptr || value == nullptr) return Null(error, "target, key or value");
    auto r = target->target.ep.SetProviderOption(key, value);
    return r.ok() ? WSEST_OK : Fail(error, r.error());
  });
}

wsest_status wsest_target_set_env(wsest_target* target, const char* name, const char* value, wsest_error** error) {
  return Guard(error, [&] {
    if (target == nullptr || name == nullptr || value == nullptr) return Null(error, "target, name or value");
    auto r = target->target.ep.SetEnv(name, value);
    return r.ok() ? WSEST_OK : Fail(error, r.error());
  });
}

void wsest_target_free(wsest_target* target) { delete target; }

wsest_status wsest_node_create(const char* name, const char* op_type, const char* domain, int opset, wsest_node** out,
                               wsest_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Null(error, "out");
    *out = nullptr;
    if (op_type == nullptr || op_type[0] == '\0') return Fail(error, WSEST_INVALID_ARGUMENT, "op_type is empty");
    auto* n = new wsest_node{};
    n->view.name = name == nullptr ? "" : name;
    n->view.op_type = op_type;
    n->view.domain = domain == nullptr || std::string(domain) == "ai.onnx" ? "" : domain;
    n->view.opset = opset;
    *out = n;
    return WSEST_OK;
  });
}

wsest_status wsest_node_add_input(wsest_node* node, const char* name, int32_t dtype, const int64_t* dims, int64_t rank,
                                  int is_initializer, wsest_error** error) {
  return Guard(error, [&] {
    if (node == nullptr) return Null(error, "node");
    if (rank > 0 && dims == nullptr) return Null(error, "dims");
    auto t = MakeTensor(name, dtype, dims, rank);
    t.is_initializer = is_initializer != 0;
    node->view.inputs.push_back(std::move(t));
    return WSEST_OK;
  });
}

wsest_status wsest_node_add_output(wsest_node* node, const char* name, int32_t dtype, const int64_t* dims,
                                   int64_t rank, wsest_error** error) {
  return Guard(error, [&] {
    if (node == nullptr) return Null(error, "node");
    if (rank > 0 && dims == nullptr) return Null(error, "dims");
    node->view.outputs.push_back(MakeTensor(name, dtype, dims, rank));
    return WSEST_OK;
  });
}

wsest_status wsest_node_set_input_values(wsest_node* node, size_t input_index, const int64_t* values, size_t count,
                                         wsest_error** error) {
  return Guard(error, [&] {
    if (node == nullptr) return Null(error, "node");
    if (count > 0 && values == nullptr) return Null(error, "values");
    if (input_index >= node->view.inputs.size())
      return Fail(error, WSEST_INVALID_ARGUMENT, "input_index " + std::to_string(input_index) + " is out of range");
    node->view.inputs[input_index].int_values = std::vector<int64_t>(values, values + count);
    return WSEST_OK;
  });
}

wsest_status wsest_node_set_attribute_int(wsest_node* node, const char* name, int64_t value, wsest_error** error) {
  return SetAttribute(node, name, value, error);
}
wsest_status wsest_node_set_attribute_float(wsest_node* node, const char* name, float value, wsest_error** error) {
  return SetAttribute(node, name, value, error);
}
wsest_status wsest_node_set_attribute_string(wsest_node* node, const char* name, const char* value,
                                             wsest_error** error) {
  if (value == nullptr) return Null(error, "value");
  return SetAttribute(node, name, std::string(value), error);
}
wsest_status wsest_node_set_attribute_ints(wsest_node* node, const char* name, const int64_t* values, size_t count,
                                           wsest_error** error) {
  if (count > 0 && values == nullptr) return Null(error, "values");
  return SetAttribute(node, name, std::vector<int64_t>(values, values + count), error);
}
wsest_status wsest_node_set_attribute_floats(wsest_node* node, const char* name, const float* values, size_t count,
                                             wsest_error** error) {
  if (count > 0 && values == nullptr) return Null(error, "values");
  return SetAttribute(node, name, std::vector<float>(values, values + count), error);
}
void wsest_node_free(wsest_node* node) { delete node; }

wsest_status wsest_estimate_node(const wsest_node* node, const wsest_target* target, wsest_estimate** out,
                                 wsest_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Null(error, "out");
    *out = nullptr;
    if (node == nullptr) return Null(error, "node");
    const wsest::Target fallback = target == nullptr ? wsest::DefaultTarget() : wsest::Target{};
    auto r = wsest::EstimateNode(node->view, target == nullptr ? fallback : target->target);
    if (!r.ok()) return Fail(error, r.error());
    *out = new wsest_estimate{std::move(r).value()};
    return WSEST_OK;
  });
}

wsest_exactness wsest_estimate_exactness(const wsest_estimate* e) {
  return e == nullptr ? WSEST_UNKNOWN : static_cast<wsest_exactness>(e->estimate.exactness);
}
int wsest_estimate_bytes(const wsest_estimate* e, uint64_t* bytes) {
  if (e == nullptr) return 0;
  auto b = e->estimate.workspace_bytes();
  if (!b) return 0;
  if (bytes != nullptr) *bytes = *b;
  return 1;
}
const char* wsest_estimate_variant(const wsest_estimate* e) { return e == nullptr ? "" : e->estimate.variant.c_str(); }
const char* wsest_estimate_reason(const wsest_estimate* e) { return e == nullptr ? "" : e->estimate.reason.c_str(); }
size_t wsest_estimate_buffer_count(const wsest_estimate* e) { return e == nullptr ? 0 : e->estimate.buffers.size(); }
const char* wsest_estimate_buffer_name(const wsest_estimate* e, size_t index) {
  const auto* b = BufferAt(e, index);
  return b == nullptr ? "" : b->name.c_str();
}
uint64_t wsest_estimate_buffer_bytes(const wsest_estimate* e, size_t index) {
  const auto* b = BufferAt(e, index);
  return b == nullptr ? 0 : b->bytes;
}
const char* wsest_estimate_buffer_source(const wsest_estimate* e, size_t index) {
  const auto* b = BufferAt(e, index);
  return b == nullptr ? "" : b->source.c_str();
}
void wsest_estimate_free(wsest_estimate* e) { delete e; }

wsest_status wsest_estimate_model_file(const char* path, const char* const* dim_names, const int64_t* dim_values,
                                       size_t dim_count, const wsest_target* target, wsest_model_estimate** out,
                                       wsest_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Null(error, "out");
    *out = nullptr;
    if (path == nullptr) return Null(error, "path");
    if (dim_count > 0 && (dim_names == nullptr || dim_values == nullptr)) return Null(error, "dim_names or dim_values");
    wsest::ModelOptions options;
    for (size_t i = 0; i < dim_count; ++i) {
      if (dim_names[i] == nullptr) return Null(error, "a dim name");
      options.dims[dim_names[i]] = dim_values[i];
    }
    auto model = wsest::Model::Load(path, options);
    if (!model.ok()) return Fail(error, model.error());
    auto result = wsest::EstimateModel(*model, target == nullptr ? wsest::DefaultTarget() : target->target);
    if (!result.ok()) return Fail(error, result.error());
    auto* m = new wsest_model_estimate{};
    m->result = std::move(result).value();
    for (const auto& n : m->result.nodes) m->nodes.push_back(wsest_estimate{n.estimate});
    std::ostringstream json;
    wsest::WriteJson(m->result, json);
    m->json = json.str();
    *out = m;
    return WSEST_OK;
  });
}

size_t wsest_model_estimate_node_count(const wsest_model_estimate* m) { return m == nullptr ? 0 : m->nodes.size(); }
const char* wsest_model_estimate_node_name(const wsest_model_estimate* m, size_t index) {
  return m == nullptr || index >= m->nodes.size() ? "" : m->result.nodes[index].name.c_str();
}
const char* wsest_model_estimate_node_op_type(const wsest_model_estimate* m, size_t index) {
  return m == nullptr || index >= m->nodes.size() ? "" : m->result.nodes[index].op_type.c_str();
}
const wsest_estimate* wsest_model_estimate_node(const wsest_model_estimate* m, size_t index) {
  return m == nullptr || index >= m->nodes.size() ? nullptr : &m->nodes[index];
}
uint64_t wsest_model_estimate_workspace_max_bytes(const wsest_model_estimate* m) {
  return m == nullptr ? 0 : m->result.summary.workspace_max_bytes;
}
uint64_t wsest_model_estimate_workspace_sum_bytes(const wsest_model_estimate* m) {
  return m == nullptr ? 0 : m->result.summary.workspace_sum_bytes;
}
const char* wsest_model_estimate_json(const wsest_model_estimate* m) { return m == nullptr ? "" : m->json.c_str(); }
void wsest_model_estimate_free(wsest_model_estimate* m) { delete m; }

}  // extern "C"
