#include "calibrate/node_record.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace wsest::calibrate {
namespace {

using nlohmann::json;

json TensorToJson(const TensorInfo& t) {
  json j = {{"name", t.name}, {"dtype", DataTypeName(t.dtype)}, {"dtype_id", static_cast<int>(t.dtype)}};
  if (t.has_shape) {
    json dims = json::array();
    for (const Dim& d : t.dims) {
      if (d.known()) {
        dims.push_back(d.value);
      } else if (!d.symbol.empty()) {
        dims.push_back(d.symbol);
      } else {
        dims.push_back(nullptr);
      }
    }
    j["dims"] = dims;
  } else {
    j["dims"] = nullptr;
  }
  if (t.is_initializer) j["initializer"] = true;
  if (t.int_values) j["int_values"] = *t.int_values;
  return j;
}

json AttributeToJson(const AttributeValue& v) {
  // Tagged so that an int and a float (or an empty list of each) come back as what they were.
  return std::visit(
      [](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, int64_t>) return {{"i", x}};
        if constexpr (std::is_same_v<T, float>) return {{"f", x}};
        if constexpr (std::is_same_v<T, std::string>) return {{"s", x}};
        if constexpr (std::is_same_v<T, std::vector<int64_t>>) return {{"ints", x}};
        if constexpr (std::is_same_v<T, std::vector<float>>) return {{"floats", x}};
        if constexpr (std::is_same_v<T, std::vector<std::string>>) return {{"strings", x}};
      },
      v);
}

json NodeToJson(const NodeView& n) {
  json inputs = json::array(), outputs = json::array(), attrs = json::object();
  for (const TensorInfo& t : n.inputs) inputs.push_back(TensorToJson(t));
  for (const TensorInfo& t : n.outputs) outputs.push_back(TensorToJson(t));
  for (const auto& [k, v] : n.attributes) attrs[k] = AttributeToJson(v);
  json j = {{"name", n.name},     {"op_type", n.op_type}, {"domain", n.domain}, {"opset", n.opset},
            {"attributes", attrs}, {"inputs", inputs},     {"outputs", outputs}};
  // If, Loop and Scan: their bodies, so the check can estimate them as the CLI does.
  if (!n.subgraphs.empty()) {
    json graphs = json::array();
    for (const Subgraph& g : n.subgraphs) {
      json nodes = json::array(), g_inputs = json::array(), g_outputs = json::array();
      for (const NodeView& body : g.nodes) nodes.push_back(NodeToJson(body));
      for (const TensorInfo& t : g.inputs) g_inputs.push_back(TensorToJson(t));
      for (const TensorInfo& t : g.outputs) g_outputs.push_back(TensorToJson(t));
      graphs.push_back({{"attribute", g.attribute}, {"nodes", nodes}, {"inputs", g_inputs}, {"outputs", g_outputs}});
    }
    j["subgraphs"] = graphs;
  }
  return j;
}

Error Bad(const std::string& origin, const std::string& what) {
  return InvalidArgument(fmt::format("{}: {}", origin, what));
}

Result<TensorInfo> TensorFromJson(const json& j, const std::string& origin) {
  if (!j.is_object()) return Bad(origin, "a tensor is not an object");
  TensorInfo t;
  t.name = j.value("name", "");
  t.dtype = static_cast<DataType>(j.value("dtype_id", 0));
  if (j.contains("dims") && j["dims"].is_array()) {
    t.has_shape = true;
    for (const json& d : j["dims"]) {
      if (d.is_number_integer()) {
        if (d.get<int64_t>() < 0) return Bad(origin, fmt::format("tensor '{}' has a negative dim", t.name));
        t.dims.push_back(Dim::Known(d.get<int64_t>()));
      } else if (d.is_string()) {
        t.dims.push_back(Dim::Symbolic(d.get<std::string>()));
      } else if (d.is_null()) {
        t.dims.push_back(Dim{});
      } else {
        return Bad(origin, fmt::format("tensor '{}' has a dim that is neither a number, a name nor null", t.name));
      }
    }
  }
  t.is_initializer = j.value("initializer", false);
  if (j.contains("int_values")) t.int_values = j["int_values"].get<std::vector<int64_t>>();
  return t;
}

Result<AttributeValue> AttributeFromJson(const std::string& name, const json& j, const std::string& origin) {
  if (!j.is_object() || j.size() != 1) return Bad(origin, fmt::format("attribute '{}' is not a one-key object", name));
  // Iterate the object itself: a structured binding over j.items() outlives its temporary proxy.
  const auto first = j.begin();
  const std::string tag = first.key();
  const json& v = first.value();
  if (tag == "i") return AttributeValue{v.get<int64_t>()};
  if (tag == "f") return AttributeValue{v.get<float>()};
  if (tag == "s") return AttributeValue{v.get<std::string>()};
  if (tag == "ints") return AttributeValue{v.get<std::vector<int64_t>>()};
  if (tag == "floats") return AttributeValue{v.get<std::vector<float>>()};
  if (tag == "strings") return AttributeValue{v.get<std::vector<std::string>>()};
  return Bad(origin, fmt::format("attribute '{}' has unknown tag '{}'", name, tag));
}

Result<NodeView> NodeFromJson(const json& j, const std::string& origin) {
  if (!j.is_object()) return Bad(origin, "\"node\" is not an object");
  NodeView n;
  n.name = j.value("name", "");
  n.op_type = j.value("op_type", "");
  n.domain = j.value("domain", "");
  n.opset = j.value("opset", 0);
  if (n.op_type.empty()) return Bad(origin, "\"node\" has no op_type");
  if (n.opset <= 0) return Bad(origin, fmt::format("node '{}' has no opset", n.name));
  for (const char* side : {"inputs", "outputs"}) {
    if (!j.contains(side)) continue;
    for (const json& t : j[side]) {
      WSEST_ASSIGN_OR_RETURN(TensorInfo info, TensorFromJson(t, origin));
      (side[0] == 'i' ? n.inputs : n.outputs).push_back(std::move(info));
    }
  }
  if (j.contains("attributes")) {
    for (const auto& [k, v] : j["attributes"].items()) {
      WSEST_ASSIGN_OR_RETURN(AttributeValue a, AttributeFromJson(k, v, origin));
      n.attributes.emplace(k, std::move(a));
    }
  }
  if (j.contains("subgraphs")) {
    for (const json& g : j["subgraphs"]) {
      Subgraph s;
      s.attribute = g.value("attribute", "");
      for (const json& body : g.value("nodes", json::array())) {
        WSEST_ASSIGN_OR_RETURN(NodeView b, NodeFromJson(body, origin));
        s.nodes.push_back(std::move(b));
      }
      for (const char* side : {"inputs", "outputs"}) {
        for (const json& t : g.value(side, json::array())) {
          WSEST_ASSIGN_OR_RETURN(TensorInfo info, TensorFromJson(t, origin));
          (side[0] == 'i' ? s.inputs : s.outputs).push_back(std::move(info));
        }
      }
      n.subgraphs.push_back(std::move(s));
    }
  }
  return n;
}

template <typename T>
void PutOpt(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
template <typename T>
void GetOpt(const json& j, const char* key, std::optional<T>& v) {
  if (j.contains(key) && !j[key].is_null()) v = j[key].get<T>();
}

}  // namespace

std::string NodeViewToJson(const NodeView& node) { return NodeToJson(node).dump(); }

Result<NodeView> NodeViewFromJson(const std::string& text, const std::string& origin) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Bad(origin, "not JSON");
  try {
    return NodeFromJson(j, origin);
  } catch (const json::exception& e) {
    return Bad(origin, e.what());
  }
}

std::string FormatNodeRecord(const NodeRecord& r) {
  const RecordKey& k = r.key;
  json key = {{"source", k.source},
              {"device", k.device},
              {"gpu_name", k.gpu_name},
              {"sm", k.sm},
              {"sm_count", k.sm_count},
              {"driver", k.driver},
              {"cuda_runtime", k.cuda_runtime},
              {"cuda_driver", k.cuda_driver},
              {"cudnn", k.cudnn},
              {"cublas", k.cublas},
              {"ort", k.ort},
              {"ep", k.ep},
              {"provider_options", k.provider_options},
              {"env", k.env},
              {"input_shapes", k.input_shapes}};
  if (k.library_workspace) key["library_workspace"] = *k.library_workspace;
  json measured = {{"scratch_bytes", r.scratch_bytes},
                   {"scratch_peak_bytes", r.scratch_peak_bytes},
                   {"allocations", r.allocations}};
  if (r.external_bytes) {
    measured["external_bytes"] = *r.external_bytes;
    measured["external_allocations"] = r.external_allocations;
  } else {
    measured["external_bytes"] = nullptr;
  }
  json first = json::object();
  PutOpt(first, "scratch_bytes", r.first_run_scratch_bytes);
  PutOpt(first, "external_bytes", r.first_run_external_bytes);
  PutOpt(first, "device_used_delta_bytes", r.first_run_device_used_delta);
  measured["first_run"] = first;
  json stats = json::object();
  PutOpt(stats, "input_sizes", r.ort_input_sizes);
  PutOpt(stats, "initializers_sizes", r.ort_initializers_sizes);
  PutOpt(stats, "total_dynamic_sizes", r.ort_total_dynamic_sizes);
  PutOpt(stats, "total_temp_allocations", r.ort_total_temp_allocations);
  measured["ort_stats"] = stats;
  if (!r.trace.empty()) measured["trace"] = r.trace;
  if (!r.placement.empty()) measured["placement"] = r.placement;
  json j = {{"schema", kNodeRecordSchema}, {"case", r.case_name}, {"model", r.model},
            {"key", key},                  {"node", NodeToJson(r.node)}, {"ort_node_name", r.ort_node_name},
            {"measured", measured}};
  return j.dump();
}

Result<NodeRecord> ParseNodeRecord(const std::string& line, const std::string& origin) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Bad(origin, "not a JSON object");
  try {
    const std::string schema = j.value("schema", "");
    if (schema != kNodeRecordSchema) {
      return Bad(origin, fmt::format("schema '{}', expected '{}'", schema, kNodeRecordSchema));
    }
    for (const char* field : {"case", "key", "node", "measured"}) {
      if (!j.contains(field)) return Bad(origin, fmt::format("missing \"{}\"", field));
    }
    NodeRecord r;
    r.origin = origin;
    r.case_name = j["case"].get<std::string>();
    r.model = j.value("model", "");
    r.ort_node_name = j.value("ort_node_name", "");
    const json& key = j["key"];
    RecordKey& k = r.key;
    k.source = key.value("source", std::string(kSourceGpu));
    if (k.source != kSourceGpu && k.source != kSourceShadow) {
      return Bad(origin, fmt::format("key.source '{}' is neither '{}' nor '{}'", k.source, kSourceGpu, kSourceShadow));
    }
    k.device = key.at("device").get<std::string>();
    k.gpu_name = key.value("gpu_name", "");
    k.sm = key.value("sm", 0);
    k.sm_count = key.value("sm_count", 0);
    k.driver = key.value("driver", "");
    k.cuda_runtime = key.value("cuda_runtime", 0);
    k.cuda_driver = key.value("cuda_driver", 0);
    k.cudnn = key.value("cudnn", 0);
    k.cublas = key.value("cublas", 0);
    k.ort = key.at("ort").get<std::string>();
    k.ep = key.value("ep", "CUDAExecutionProvider");
    if (key.contains("provider_options")) k.provider_options = key["provider_options"].get<std::map<std::string, std::string>>();
    if (key.contains("env")) k.env = key["env"].get<std::map<std::string, std::string>>();
    if (key.contains("input_shapes")) {
      k.input_shapes = key["input_shapes"].get<std::map<std::string, std::vector<int64_t>>>();
    }
    GetOpt(key, "library_workspace", k.library_workspace);
    if (k.shadow() && !k.library_workspace) return Bad(origin, "a shadow record's key has no library_workspace");
    WSEST_ASSIGN_OR_RETURN(r.node, NodeFromJson(j["node"], origin));
    const json& m = j["measured"];
    if (!m.contains("scratch_bytes") || !m["scratch_bytes"].is_number_unsigned()) {
      return Bad(origin, "measured.scratch_bytes is missing or not a non-negative integer");
    }
    r.scratch_bytes = m["scratch_bytes"].get<uint64_t>();
    r.scratch_peak_bytes = m.value("scratch_peak_bytes", r.scratch_bytes);
    if (m.contains("allocations")) r.allocations = m["allocations"].get<std::vector<uint64_t>>();
    GetOpt(m, "external_bytes", r.external_bytes);
    if (m.contains("external_allocations")) r.external_allocations = m["external_allocations"].get<std::vector<uint64_t>>();
    if (m.contains("first_run")) {
      const json& f = m["first_run"];
      GetOpt(f, "scratch_bytes", r.first_run_scratch_bytes);
      GetOpt(f, "external_bytes", r.first_run_external_bytes);
      GetOpt(f, "device_used_delta_bytes", r.first_run_device_used_delta);
    }
    if (m.contains("ort_stats")) {
      const json& s = m["ort_stats"];
      GetOpt(s, "input_sizes", r.ort_input_sizes);
      GetOpt(s, "initializers_sizes", r.ort_initializers_sizes);
      GetOpt(s, "total_dynamic_sizes", r.ort_total_dynamic_sizes);
      GetOpt(s, "total_temp_allocations", r.ort_total_temp_allocations);
    }
    if (m.contains("trace")) r.trace = m["trace"].get<std::vector<std::string>>();
    r.placement = m.value("placement", "");
    return r;
  } catch (const json::exception& e) {
    return Bad(origin, e.what());
  }
}

Result<std::vector<NodeRecord>> ReadNodeRecords(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(fmt::format("{}: cannot open", path));
  std::vector<NodeRecord> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    WSEST_ASSIGN_OR_RETURN(NodeRecord r, ParseNodeRecord(line, fmt::format("{}:{}", path, n)));
    out.push_back(std::move(r));
  }
  return out;
}

Result<Target> TargetForKey(const RecordKey& key) {
  Target t;
  WSEST_ASSIGN_OR_RETURN(t.device, FindDevice(key.device));
  if (key.cudnn != 0) t.cudnn_version = key.cudnn;
  if (key.sm != 0 && key.sm != t.device.sm()) {
    return InvalidArgument(fmt::format("record key sm {} differs from profile {}'s sm {}", key.sm, key.device,
                                       t.device.sm()));
  }
  if (key.sm_count != 0 && key.sm_count != t.device.sm_count) {
    return InvalidArgument(fmt::format("record key sm_count {} differs from profile {}'s {} (MIG slice or wrong "
                                       "profile?)",
                                       key.sm_count, key.device, t.device.sm_count));
  }
  for (const auto& [k, v] : key.provider_options) {
    auto set = t.ep.SetProviderOption(k, v);
    if (!set.ok()) return set.error();
  }
  for (const auto& [k, v] : key.env) {
    auto set = t.ep.SetEnv(k, v);
    if (!set.ok()) return set.error();
  }
  return t;
}

}  // namespace wsest::calibrate
