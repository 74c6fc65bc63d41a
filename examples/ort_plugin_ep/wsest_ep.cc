// A minimal plugin execution provider for ONNX Runtime 1.29.0 (plugin-EP C API,
// onnxruntime_ep_c_api.h) that asks wsest, in GetCapability, how much CUDA workspace each node
// would need, and decides under a budget. It has no kernels, so it claims no node (an EP that runs
// some ops would claim those it can run whose workspace fits); what it computed goes to a JSON file.
//
// EP options (SessionOptionsAppendExecutionProvider_V2 keys; ORT stores them as "ep.wsestbudget.<key>"):
//   cost_file     where to write the per-node costs (else the WSEST_EP_COST_FILE variable; else none)
//   budget_bytes  the most workspace one node may take (default: the device profile's memory)
//   device        a wsest device profile id (default h100-sxm)
#include <onnxruntime_c_api.h>  // includes onnxruntime_ep_c_api.h (OrtEp, OrtEpFactory, OrtEpApi)
#include <wsest/estimate.h>
#include <wsest/model.h>
#include <wsest/registry.h>
#include <wsest/target.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ort_graph_view.h"

namespace wsest_ep {
namespace {

constexpr const char* kEpName = "WsestBudget";
constexpr const char* kVendor = "wsest";
constexpr const char* kCostFileVariable = "WSEST_EP_COST_FILE";

// What the EP decides for one node.
enum class Verdict { kFits, kOverBudget, kUnknown };
const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kFits:
      return "fits";
    case Verdict::kOverBudget:
      return "over_budget";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

struct NodeCost {
  std::string name;
  std::string op_type;
  std::string domain;
  int opset = 0;
  std::vector<std::string> outputs;
  std::vector<std::string> input_types, output_types;  // as ORT gave them at GetCapability time
  std::vector<std::string> attributes;                 // names, including defaults ORT filled in
  std::optional<uint64_t> workspace_bytes;             // nullopt: unknown (or an error)
  std::string exactness;
  std::string variant;
  std::string reason;
  std::string error;  // wsest's error for a malformed node
  size_t values_without_shape = 0;
  Verdict verdict = Verdict::kUnknown;
  bool claimed = false;
};

// "float[2,16,batch]", "float[?]" for an unknown rank, "?" for an unknown dim, "" when omitted.
std::string Describe(const wsest::TensorInfo& t) {
  if (!t.present()) return "";
  std::string out = t.dtype == wsest::DataType::kUndefined ? "undefined" : wsest::DataTypeName(t.dtype);
  if (!t.has_shape) return out + "[?]";
  out += "[";
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (i) out += ",";
    out += t.dims[i].known() ? std::to_string(t.dims[i].value) : t.dims[i].symbol.empty() ? "?" : t.dims[i].symbol;
  }
  return out + "]";
}

// The budget rule: a node fits when its workspace is known and at most the budget. Workspace is
// transient (taken and given back within the kernel), so nodes are judged one at a time; an
// unknown one is never assumed to fit.
Verdict Decide(const std::optional<uint64_t>& workspace_bytes, uint64_t budget_bytes) {
  if (!workspace_bytes) return Verdict::kUnknown;
  return *workspace_bytes <= budget_bytes ? Verdict::kFits : Verdict::kOverBudget;
}

// This EP registers no kernels and compiles nothing, so it can run no node.
bool CanRun(const wsest::NodeView& /*node*/) { return false; }

struct Config {
  std::string cost_file;
  std::string device = wsest::kDefaultDevice;
  std::optional<uint64_t> budget_bytes;
};

class Factory;

class WsestEp : public OrtEp {
 public:
  WsestEp(Factory& factory, Config config, wsest::Target target, uint64_t budget, const OrtLogger& logger);

 private:
  static const char* ORT_API_CALL GetNameImpl(const OrtEp* this_ptr) noexcept;
  static OrtStatus* ORT_API_CALL GetCapabilityImpl(OrtEp* this_ptr, const OrtGraph* graph,
                                                   OrtEpGraphSupportInfo* graph_support_info) noexcept;
  static OrtStatus* ORT_API_CALL CompileImpl(OrtEp* this_ptr, const OrtGraph** graphs, const OrtNode** fused_nodes,
                                             size_t count, OrtNodeComputeInfo** node_compute_infos,
                                             OrtNode** ep_context_nodes) noexcept;
  static void ORT_API_CALL ReleaseNodeComputeInfosImpl(OrtEp* this_ptr, OrtNodeComputeInfo** infos,
                                                       size_t count) noexcept;

  OrtStatus* ReadAndDecide(const OrtGraph* graph, OrtEpGraphSupportInfo* support);
  void Log(OrtLoggingLevel level, const std::string& message) const;
  void WriteCosts();

  Factory& factory_;
  const Config config_;
  const wsest::Target target_;
  const uint64_t budget_bytes_;
  const OrtLogger& logger_;
  std::mutex mutex_;
  // Costs of the last GetCapability call per graph: "" for the main graph, else the parent node.
  std::map<std::string, std::vector<NodeCost>> costs_;
  std::map<std::string, std::string> read_errors_;
  size_t capability_calls_ = 0;
};

class Factory : public OrtEpFactory {
 public:
  Factory(const OrtApi& api, const OrtLogger& default_logger)
      : OrtEpFactory{}, api(api), ep_api(*api.GetEpApi()), default_logger(default_logger) {
    ort_version_supported = ORT_API_VERSION;
    GetName = [](const OrtEpFactory*) noexcept { return kEpName; };
    GetVendor = [](const OrtEpFactory*) noexcept { return kVendor; };
    GetVendorId = [](const OrtEpFactory*) noexcept { return uint32_t{0}; };
    GetVersion = [](const OrtEpFactory*) noexcept { return wsest::Version(); };
    GetSupportedDevices = GetSupportedDevicesImpl;
    CreateEp = CreateEpImpl;
    ReleaseEp = [](OrtEpFactory*, OrtEp* ep) noexcept { delete static_cast<WsestEp*>(ep); };
    ValidateCompiledModelCompatibilityInfo = [](OrtEpFactory*, const OrtHardwareDevice* const*, size_t, const char*,
                                                OrtCompiledModelCompatibility* out) noexcept -> OrtStatus* {
      *out = OrtCompiledModelCompatibility_EP_NOT_APPLICABLE;  // it compiles nothing
      return nullptr;
    };
    // No device memory of its own: ORT's CPU allocator and no data transfer or streams.
    CreateAllocator = [](OrtEpFactory*, const OrtMemoryInfo*, const OrtKeyValuePairs*,
                         OrtAllocator** allocator) noexcept -> OrtStatus* {
      *allocator = nullptr;
      return nullptr;
    };
    ReleaseAllocator = [](OrtEpFactory*, OrtAllocator*) noexcept {};
    CreateDataTransfer = [](OrtEpFactory*, OrtDataTransferImpl** out) noexcept -> OrtStatus* {
      *out = nullptr;
      return nullptr;
    };
    IsStreamAware = [](const OrtEpFactory*) noexcept { return false; };
    CreateSyncStreamForDevice = [](OrtEpFactory*, const OrtMemoryDevice*, const OrtKeyValuePairs*,
                                   OrtSyncStreamImpl** stream) noexcept -> OrtStatus* {
      *stream = nullptr;
      return nullptr;
    };
  }

  const OrtApi& api;
  const OrtEpApi& ep_api;
  const OrtLogger& default_logger;

 private:
  // One OrtEpDevice, on the first CPU: the EP estimates for a GPU it does not drive.
  static OrtStatus* ORT_API_CALL GetSupportedDevicesImpl(OrtEpFactory* this_ptr,
                                                         const OrtHardwareDevice* const* devices, size_t num_devices,
                                                         OrtEpDevice** ep_devices, size_t max_ep_devices,
                                                         size_t* num_ep_devices) noexcept {
    auto* factory = static_cast<Factory*>(this_ptr);
    *num_ep_devices = 0;
    for (size_t i = 0; i < num_devices && *num_ep_devices < max_ep_devices; ++i) {
      if (factory->api.HardwareDevice_Type(devices[i]) != OrtHardwareDeviceType_CPU) continue;
      OrtEpDevice* ep_device = nullptr;
      OrtStatus* status = factory->ep_api.CreateEpDevice(factory, devices[i], nullptr, nullptr, &ep_device);
      if (status != nullptr) return status;
      ep_devices[(*num_ep_devices)++] = ep_device;
      break;
    }
    return nullptr;
  }

  static OrtStatus* ORT_API_CALL CreateEpImpl(OrtEpFactory* this_ptr, const OrtHardwareDevice* const* /*devices*/,
                                              const OrtKeyValuePairs* const* /*ep_metadata*/, size_t /*num_devices*/,
                                              const OrtSessionOptions* session_options, const OrtLogger* logger,
                                              OrtEp** ep) noexcept {
    auto* factory = static_cast<Factory*>(this_ptr);
    *ep = nullptr;
    try {  // no exception crosses into ORT
      return factory->MakeEp(*session_options, *logger, ep);
    } catch (const std::exception& e) {
      return factory->api.CreateStatus(ORT_FAIL, (std::string("WsestBudget CreateEp: ") + e.what()).c_str());
    }
  }

  OrtStatus* MakeEp(const OrtSessionOptions& session_options, const OrtLogger& logger, OrtEp** ep) {
    Config config;
    if (auto v = Option(session_options, "cost_file")) {
      config.cost_file = *v;
    } else if (const char* env = std::getenv(kCostFileVariable)) {
      config.cost_file = env;
    }
    if (auto v = Option(session_options, "device")) config.device = *v;
    if (auto v = Option(session_options, "budget_bytes")) {
      char* end = nullptr;
      errno = 0;
      const unsigned long long parsed = std::strtoull(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || errno != 0 || (*v)[0] == '-')
        return api.CreateStatus(ORT_INVALID_ARGUMENT,
                                ("WsestBudget: budget_bytes '" + *v + "' is not a byte count").c_str());
      config.budget_bytes = parsed;
    }
    wsest::Target target = wsest::DefaultTarget();
    auto device = wsest::FindDevice(config.device);
    if (!device.ok()) return api.CreateStatus(ORT_INVALID_ARGUMENT, ("WsestBudget: " + device.error().message).c_str());
    target.device = *device;
    const uint64_t budget = config.budget_bytes.value_or(target.device.memory_bytes);
    *ep = new WsestEp(*this, std::move(config), std::move(target), budget, logger);
    return nullptr;
  }

  // The session config entry "ep.wsestbudget.<key>", where ORT puts the EP's options.
  std::optional<std::string> Option(const OrtSessionOptions& options, const std::string& key) const {
    const std::string full = "ep.wsestbudget." + key;
    int has = 0;
    OrtStatus* status = api.HasSessionConfigEntry(&options, full.c_str(), &has);
    if (status != nullptr) {
      api.ReleaseStatus(status);
      return std::nullopt;
    }
    if (!has) return std::nullopt;
    size_t size = 0;
    status = api.GetSessionConfigEntry(&options, full.c_str(), nullptr, &size);
    if (status != nullptr) api.ReleaseStatus(status);
    std::string value(size, '\0');
    status = api.GetSessionConfigEntry(&options, full.c_str(), value.data(), &size);
    if (status != nullptr) {
      api.ReleaseStatus(status);
      return std::nullopt;
    }
    value.resize(size > 0 ? size - 1 : 0);  // drop the terminating NUL
    return value;
  }
};

WsestEp::WsestEp(Factory& factory, Config config, wsest::Target target, uint64_t budget, const OrtLogger& logger)
    : OrtEp{},
      factory_(factory),
      config_(std::move(config)),
      target_(std::move(target)),
      budget_bytes_(budget),
      logger_(logger) {
  ort_version_supported = ORT_API_VERSION;
  GetName = GetNameImpl;
  GetCapability = GetCapabilityImpl;
  Compile = CompileImpl;
  ReleaseNodeComputeInfos = ReleaseNodeComputeInfosImpl;
}

const char* ORT_API_CALL WsestEp::GetNameImpl(const OrtEp* /*this_ptr*/) noexcept { return kEpName; }

OrtStatus* ORT_API_CALL WsestEp::GetCapabilityImpl(OrtEp* this_ptr, const OrtGraph* graph,
                                                   OrtEpGraphSupportInfo* graph_support_info) noexcept {
  auto* ep = static_cast<WsestEp*>(this_ptr);
  try {
    return ep->ReadAndDecide(graph, graph_support_info);
  } catch (const std::exception& e) {  // no exception crosses into ORT
    return ep->factory_.api.CreateStatus(ORT_FAIL, (std::string("WsestBudget GetCapability: ") + e.what()).c_str());
  }
}

OrtStatus* WsestEp::ReadAndDecide(const OrtGraph* graph, OrtEpGraphSupportInfo* support) {
  GraphRead read = ReadGraph(factory_.api, graph);
  std::vector<NodeCost> costs;
  costs.reserve(read.nodes.size());
  size_t fits = 0, over = 0, unknown = 0;
  for (const GraphNode& node : read.nodes) {
    const wsest::NodeView& view = node.view;
    NodeCost cost;
    cost.name = view.name;
    cost.op_type = view.op_type;
    cost.domain = view.domain;
    cost.opset = view.opset;
    for (const auto& o : view.outputs) cost.outputs.push_back(o.name);
    for (const auto& i : view.inputs) cost.input_types.push_back(Describe(i));
    for (const auto& o : view.outputs) cost.output_types.push_back(Describe(o));
    for (const auto& [name, value] : view.attributes) cost.attributes.push_back(name);
    cost.values_without_shape = node.values_without_shape;
    // The one wsest call: the same registry and estimators the CLI runs.
    wsest::Result<wsest::Estimate> estimate = wsest::EstimateNode(view, target_);
    if (estimate.ok()) {
      cost.workspace_bytes = estimate->workspace_bytes();
      cost.exactness = wsest::ExactnessName(estimate->exactness);
      cost.variant = estimate->known() ? estimate->variant : "";
      cost.reason = estimate->reason;
    } else {
      cost.exactness = wsest::ExactnessName(wsest::Exactness::kUnknown);
      cost.error = estimate.error().message;
    }
    cost.verdict = Decide(cost.workspace_bytes, budget_bytes_);
    cost.claimed = cost.verdict == Verdict::kFits && CanRun(view);
    if (cost.claimed) {
      OrtStatus* status = factory_.ep_api.EpGraphSupportInfo_AddSingleNode(support, node.node);
      if (status != nullptr) return status;
    }
    fits += cost.verdict == Verdict::kFits;
    over += cost.verdict == Verdict::kOverBudget;
    unknown += cost.verdict == Verdict::kUnknown;
    costs.push_back(std::move(cost));
  }
  if (!read.error.empty()) Log(ORT_LOGGING_LEVEL_WARNING, "WsestBudget could not read the graph: " + read.error);
  Log(ORT_LOGGING_LEVEL_INFO, "WsestBudget: " + std::to_string(costs.size()) + " nodes, budget " +
                                  std::to_string(budget_bytes_) + " B: " + std::to_string(fits) + " fit, " +
                                  std::to_string(over) + " over, " + std::to_string(unknown) + " unknown; claimed 0");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++capability_calls_;
    costs_[read.parent_node] = std::move(costs);
    if (read.error.empty())
      read_errors_.erase(read.parent_node);
    else
      read_errors_[read.parent_node] = read.error;
    WriteCosts();
  }
  return nullptr;
}

// Called with mutex_ held. Written to a temporary name, then renamed, so a reader never sees half.
void WsestEp::WriteCosts() {
  if (config_.cost_file.empty()) return;
  using nlohmann::json;
  json graphs = json::array();
  for (const auto& [parent, costs] : costs_) {
    json nodes = json::array();
    for (const NodeCost& c : costs) {
      nodes.push_back({{"name", c.name},
                       {"op_type", c.op_type},
                       {"domain", c.domain},
                       {"opset", c.opset},
                       {"outputs", c.outputs},
                       {"input_types", c.input_types},
                       {"output_types", c.output_types},
                       {"attributes", c.attributes},
                       {"workspace_bytes", c.workspace_bytes ? json(*c.workspace_bytes) : json(nullptr)},
                       {"exactness", c.exactness},
                       {"variant", c.variant.empty() ? json(nullptr) : json(c.variant)},
                       {"reason", c.reason},
                       {"error", c.error.empty() ? json(nullptr) : json(c.error)},
                       {"values_without_shape", c.values_without_shape},
                       {"verdict", VerdictName(c.verdict)},
                       {"claimed", c.claimed}});
    }
    auto error = read_errors_.find(parent);
    graphs.push_back({{"parent_node", parent.empty() ? json(nullptr) : json(parent)},
                      {"read_error", error == read_errors_.end() ? json(nullptr) : json(error->second)},
                      {"nodes", std::move(nodes)}});
  }
  const json doc = {{"ep", kEpName},
                    {"wsest", wsest::Version()},
                    {"ort", factory_.api.GetBuildInfoString()},
                    {"device", target_.device.id},
                    {"budget_bytes", budget_bytes_},
                    {"get_capability_calls", capability_calls_},
                    {"graphs", std::move(graphs)}};
  const std::string tmp = config_.cost_file + ".tmp";
  {
    std::ofstream out(tmp);
    out << doc.dump(1) << "\n";
    if (!out) {
      Log(ORT_LOGGING_LEVEL_WARNING, "WsestBudget: cannot write " + tmp);
      return;
    }
  }
  if (std::rename(tmp.c_str(), config_.cost_file.c_str()) != 0)
    Log(ORT_LOGGING_LEVEL_WARNING, "WsestBudget: cannot rename " + tmp + " to " + config_.cost_file);
}

void WsestEp::Log(OrtLoggingLevel level, const std::string& message) const {
  OrtStatus* status =
      factory_.api.Logger_LogMessage(&logger_, level, message.c_str(), ORT_FILE, __LINE__, "WsestBudget");
  if (status != nullptr) factory_.api.ReleaseStatus(status);
}

OrtStatus* ORT_API_CALL WsestEp::CompileImpl(OrtEp* this_ptr, const OrtGraph** /*graphs*/,
                                             const OrtNode** /*fused_nodes*/, size_t /*count*/,
                                             OrtNodeComputeInfo** /*node_compute_infos*/,
                                             OrtNode** /*ep_context_nodes*/) noexcept {
  auto* ep = static_cast<WsestEp*>(this_ptr);
  return ep->factory_.api.CreateStatus(ORT_NOT_IMPLEMENTED, "WsestBudget claims no nodes and compiles nothing");
}

void ORT_API_CALL WsestEp::ReleaseNodeComputeInfosImpl(OrtEp* /*this_ptr*/, OrtNodeComputeInfo** /*infos*/,
                                                       size_t /*count*/) noexcept {}

}  // namespace
}  // namespace wsest_ep

// The two entry points ORT looks up in a plugin EP library (onnxruntime_ep_c_api.h,
// CreateEpApiFactoriesFn and ReleaseEpApiFactoryFn).
extern "C" {

__attribute__((visibility("default"))) OrtStatus* CreateEpFactories(const char* /*registered_name*/,
                                                                    const OrtApiBase* ort_api_base,
                                                                    const OrtLogger* default_logger,
                                                                    OrtEpFactory** factories, size_t max_factories,
                                                                    size_t* num_factories) noexcept {
  *num_factories = 0;
  const OrtApi* api = ort_api_base->GetApi(ORT_API_VERSION);
  if (api == nullptr) return nullptr;  // an ORT older than the headers: offer nothing
  if (max_factories < 1) return api->CreateStatus(ORT_INVALID_ARGUMENT, "WsestBudget needs room for one factory");
  try {
    factories[0] = new wsest_ep::Factory(*api, *default_logger);
  } catch (const std::exception& e) {
    return api->CreateStatus(ORT_FAIL, e.what());
  }
  *num_factories = 1;
  return nullptr;
}

__attribute__((visibility("default"))) OrtStatus* ReleaseEpFactory(OrtEpFactory* factory) noexcept {
  delete static_cast<wsest_ep::Factory*>(factory);
  return nullptr;
}

}  // extern "C"
