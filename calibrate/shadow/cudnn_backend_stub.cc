// libcudnn.so.9 for the shadow device, backend (graph) API part: enough of cudnnBackend* for the
// cudnn_frontend code compiled into the ORT 1.29.0 CUDA provider (Conv, cuDNN SDPA) to build an
// operation graph, ask the heuristics, and build and run one execution plan. Descriptors keep every
// attribute set on them; the heuristics return one engine configuration (engine 0, no knobs, no
// notes) whose plan needs WSEST_SHADOW_LIBRARY_WORKSPACE bytes; executions do nothing and log.
// Attribute element types and sizes: cuDNN API reference, cudnnBackendAttributeType_t.
#include <cudnn.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "calibrate/shadow/shadow.h"

namespace {

struct Attribute {
  cudnnBackendAttributeType_t type = CUDNN_TYPE_INT64;
  int64_t count = 0;
  std::vector<unsigned char> bytes;
};

struct Descriptor {
  cudnnBackendDescriptorType_t type;
  bool finalized = false;
  std::map<int, Attribute> attributes;
};

void Log(const std::string& fields) { wsest_shadow::Log("cudnn", fields); }

size_t ElementBytes(cudnnBackendAttributeType_t t) {
  switch (t) {
    case CUDNN_TYPE_HANDLE:
    case CUDNN_TYPE_VOID_PTR:
    case CUDNN_TYPE_BACKEND_DESCRIPTOR:
      return sizeof(void*);
    case CUDNN_TYPE_INT64:
    case CUDNN_TYPE_DOUBLE:
      return 8;
    case CUDNN_TYPE_BOOLEAN:
      return sizeof(bool);
    case CUDNN_TYPE_CHAR:
      return 1;
    case CUDNN_TYPE_FRACTION:
      return sizeof(cudnnFraction_t);
    default:
      return 4;  // float, int32 and every enumeration
  }
}

Descriptor* D(cudnnBackendDescriptor_t d) { return reinterpret_cast<Descriptor*>(d); }

void Put(Descriptor* d, int name, cudnnBackendAttributeType_t type, const void* data, int64_t count) {
  Attribute& a = d->attributes[name];
  a.type = type;
  a.count = count;
  const auto* p = static_cast<const unsigned char*>(data);
  a.bytes.assign(p, p + static_cast<size_t>(count) * ElementBytes(type));
}
void PutInt64(Descriptor* d, int name, int64_t v) { Put(d, name, CUDNN_TYPE_INT64, &v, 1); }

// Copies `from` into the caller's descriptor `to`, as cuDNN fills a descriptor-valued attribute.
void CopyInto(const Descriptor* from, Descriptor* to) {
  to->type = from->type;
  to->finalized = from->finalized;
  to->attributes = from->attributes;
}

const Attribute* Find(const Descriptor* d, int name) {
  auto it = d->attributes.find(name);
  return it == d->attributes.end() ? nullptr : &it->second;
}

// Engine 0 for an operation graph: what the heuristics answer and an engine configuration holds.
Descriptor* NewEngine(cudnnBackendDescriptor_t graph) {
  auto* e = new Descriptor{CUDNN_BACKEND_ENGINE_DESCRIPTOR, true, {}};
  Put(e, CUDNN_ATTR_ENGINE_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, &graph, 1);
  PutInt64(e, CUDNN_ATTR_ENGINE_GLOBAL_INDEX, 0);
  return e;
}

cudnnStatus_t Answer(const Attribute& a, cudnnBackendAttributeType_t type, int64_t requested, int64_t* count,
                     void* out) {
  if (a.type != type && !(a.type == CUDNN_TYPE_BACKEND_DESCRIPTOR && type == CUDNN_TYPE_BACKEND_DESCRIPTOR)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (count != nullptr) *count = a.count;
  const int64_t n = std::min(requested, a.count);
  if (n <= 0 || out == nullptr) return CUDNN_STATUS_SUCCESS;
  if (type == CUDNN_TYPE_BACKEND_DESCRIPTOR) {
    auto* const* stored = reinterpret_cast<Descriptor* const*>(a.bytes.data());
    auto** wanted = static_cast<Descriptor**>(out);
    for (int64_t i = 0; i < n; ++i) CopyInto(stored[i], wanted[i]);
  } else {
    std::memcpy(out, a.bytes.data(), static_cast<size_t>(n) * ElementBytes(type));
  }
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t AnswerInt64(int64_t v, cudnnBackendAttributeType_t type, int64_t requested, int64_t* count, void* out) {
  Attribute a;
  a.type = CUDNN_TYPE_INT64;
  a.count = 1;
  a.bytes.resize(8);
  std::memcpy(a.bytes.data(), &v, 8);
  return Answer(a, type, requested, count, out);
}

}  // namespace

extern "C" {

cudnnStatus_t cudnnBackendCreateDescriptor(cudnnBackendDescriptorType_t type, cudnnBackendDescriptor_t* desc) {
  *desc = reinterpret_cast<cudnnBackendDescriptor_t>(new Descriptor{type, false, {}});
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnBackendDestroyDescriptor(cudnnBackendDescriptor_t desc) {
  delete D(desc);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnBackendSetAttribute(cudnnBackendDescriptor_t desc, cudnnBackendAttributeName_t name,
                                       cudnnBackendAttributeType_t type, int64_t count, const void* elements) {
  if (desc == nullptr || count < 0) return CUDNN_STATUS_BAD_PARAM;
  Put(D(desc), name, type, elements, count);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnBackendFinalize(cudnnBackendDescriptor_t desc) {
  Descriptor* d = D(desc);
  d->finalized = true;
  if (d->type == CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR) {
    Log("\"ev\":\"plan\",\"workspace\":" + std::to_string(wsest_shadow::Get().library_workspace));
  }
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnBackendGetAttribute(cudnnBackendDescriptor_t const desc, cudnnBackendAttributeName_t name,
                                       cudnnBackendAttributeType_t type, int64_t requested, int64_t* count, void* out) {
  Descriptor* d = D(desc);
  const int64_t workspace = static_cast<int64_t>(wsest_shadow::Get().library_workspace);
  switch (name) {
    case CUDNN_ATTR_ENGINEHEUR_RESULTS: {
      if (count != nullptr) *count = 1;
      if (requested >= 1 && out != nullptr) {
        const Attribute* graph = Find(d, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH);
        cudnnBackendDescriptor_t g = nullptr;
        if (graph != nullptr) std::memcpy(&g, graph->bytes.data(), sizeof(g));
        Descriptor* cfg = static_cast<Descriptor**>(out)[0];
        cfg->type = CUDNN_BACKEND_ENGINECFG_DESCRIPTOR;
        cfg->finalized = true;
        Descriptor* engine = NewEngine(g);  // lives as long as the process: configurations point at it
        Put(cfg, CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, &engine, 1);
        Put(cfg, CUDNN_ATTR_ENGINECFG_KNOB_CHOICES, CUDNN_TYPE_BACKEND_DESCRIPTOR, nullptr, 0);
        PutInt64(cfg, CUDNN_ATTR_ENGINECFG_WORKSPACE_SIZE, workspace);
      }
      return CUDNN_STATUS_SUCCESS;
    }
    case CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE:
    case CUDNN_ATTR_ENGINECFG_WORKSPACE_SIZE:
      return AnswerInt64(workspace, type, requested, count, out);
    case CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT:
      return AnswerInt64(1, type, requested, count, out);
    case CUDNN_ATTR_EXECUTION_PLAN_JSON_REPRESENTATION: {
      static const char kPlan[] = "{\"engineId\":0,\"shadow\":true}";
      if (count != nullptr) *count = sizeof(kPlan);
      if (out != nullptr && requested > 0) {
        std::memcpy(out, kPlan, std::min<size_t>(sizeof(kPlan), static_cast<size_t>(requested)));
      }
      return CUDNN_STATUS_SUCCESS;
    }
    default:
      break;
  }
  if (const Attribute* a = Find(d, name)) return Answer(*a, type, requested, count, out);
  switch (name) {
    // Engine 0 has no knobs, numerical or behaviour notes, or layout requirements.
    case CUDNN_ATTR_ENGINE_KNOB_INFO:
    case CUDNN_ATTR_ENGINE_NUMERICAL_NOTE:
    case CUDNN_ATTR_ENGINE_BEHAVIOR_NOTE:
    case CUDNN_ATTR_ENGINE_LAYOUT_INFO:
    case CUDNN_ATTR_ENGINECFG_KNOB_CHOICES:
    case CUDNN_ATTR_ENGINECFG_INTERMEDIATE_INFO:
      if (count != nullptr) *count = 0;
      return CUDNN_STATUS_SUCCESS;
    case CUDNN_ATTR_ENGINE_GLOBAL_INDEX:
    case CUDNN_ATTR_ENGINECFG_SHARED_MEMORY_USED:
      return AnswerInt64(0, type, requested, count, out);
    default:
      if (count != nullptr) *count = 0;
      Log("\"ev\":\"unanswered\",\"call\":\"cudnnBackendGetAttribute\",\"descriptor\":" +
          std::to_string(static_cast<int>(d->type)) + ",\"attribute\":" + std::to_string(static_cast<int>(name)));
      return CUDNN_STATUS_NOT_SUPPORTED;
  }
}

cudnnStatus_t cudnnBackendExecute(cudnnHandle_t, cudnnBackendDescriptor_t, cudnnBackendDescriptor_t variant_pack) {
  const Attribute* ws = Find(D(variant_pack), CUDNN_ATTR_VARIANT_PACK_WORKSPACE);
  void* p = nullptr;
  if (ws != nullptr && ws->count > 0) std::memcpy(&p, ws->bytes.data(), sizeof(p));
  // The tensors' addresses too: where ORT's arena placed the inputs and outputs (arena checks).
  std::string data = "[";
  if (const Attribute* ptrs = Find(D(variant_pack), CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS)) {
    for (int64_t i = 0; i < ptrs->count; ++i) {
      void* q = nullptr;
      std::memcpy(&q, ptrs->bytes.data() + static_cast<size_t>(i) * sizeof(q), sizeof(q));
      data += (i > 0 ? "," : "") + wsest_shadow::Hex(q);
    }
  }
  data += "]";
  wsest_shadow::Trace("cudnnBackendExecute");
  Log("\"ev\":\"call\",\"call\":\"cudnnBackendExecute\",\"workspace_ptr\":" + wsest_shadow::Hex(p) +
      ",\"data_ptrs\":" + data);
  return CUDNN_STATUS_SUCCESS;
}

}  // extern "C"
