// Loads the WsestBudget plugin EP into real ONNX Runtime 1.29.0 (CPU session), runs a model once,
// and checks that the costs the EP computed through ORT's graph API equal `wsest --json` for the
// same model and dims: same nodes, same workspace_bytes, same exactness, same variant.
//
//   wsest_ort_ep_check --ep-library PATH --cli PATH --model M.onnx --out DIR [--dim name=value ...]
//                      [--budget-bytes N]
//
// --dim values are offered to both sides: ORT gets them as free-dimension overrides, the CLI as
// --dim; only the names the model uses are passed. Exit codes: 0 equal, 1 a mismatch or a failure.
#include <onnxruntime_cxx_api.h>
#include <wsest/model.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

struct Args {
  std::string ep_library, cli, model, out_dir;
  std::map<std::string, int64_t> dims;
  std::string budget_bytes;
};

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "wsest_ort_ep_check: " << message << "\n";
  std::exit(1);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Fail("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--ep-library")
      a.ep_library = value;
    else if (flag == "--cli")
      a.cli = value;
    else if (flag == "--model")
      a.model = value;
    else if (flag == "--out")
      a.out_dir = value;
    else if (flag == "--budget-bytes")
      a.budget_bytes = value;
    else if (flag == "--dim") {
      const auto eq = value.find('=');
      if (eq == std::string::npos) Fail("--dim wants name=value, got " + value);
      a.dims[value.substr(0, eq)] = std::stoll(value.substr(eq + 1));
    } else {
      Fail("unknown flag " + flag);
    }
  }
  if (a.ep_library.empty() || a.cli.empty() || a.model.empty() || a.out_dir.empty())
    Fail("usage: --ep-library PATH --cli PATH --model M.onnx --out DIR [--dim name=value ...] [--budget-bytes N]");
  return a;
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail("cannot read " + path);
  try {
    return json::parse(in);
  } catch (const std::exception& e) {
    Fail(path + ": " + e.what());
  }
}

// Zeros for float inputs; ones for integer inputs (token ids, lengths and masks stay in range).
Ort::Value ZeroInput(const Ort::ConstTensorTypeAndShapeInfo& info, const std::string& name, OrtAllocator* allocator) {
  std::vector<int64_t> shape = info.GetShape();
  for (int64_t d : shape)
    if (d < 0) Fail("input '" + name + "' still has a free dim: add a --dim for it");
  const ONNXTensorElementDataType type = info.GetElementType();
  Ort::Value value = Ort::Value::CreateTensor(allocator, shape.data(), shape.size(), type);
  const size_t count = info.GetElementCount();
  void* data = value.GetTensorMutableRawData();
  switch (type) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
      for (size_t i = 0; i < count; ++i) static_cast<int64_t*>(data)[i] = 1;
      break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
      for (size_t i = 0; i < count; ++i) static_cast<int32_t*>(data)[i] = 1;
      break;
    default:
      std::memset(data, 0, value.GetTensorSizeInBytes());
  }
  return value;
}

// Runs the model once in a CPU session with the EP appended; the EP writes `cost_file` while the
// session is created (GetCapability runs during graph partitioning).
void RunInOrt(const Args& a, const std::map<std::string, int64_t>& dims, const std::string& cost_file) {
  const std::string version = Ort::GetVersionString();
  if (version != "1.29.0") Fail("expected ONNX Runtime 1.29.0, loaded " + version);
  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "wsest_ort_ep_check");
  // ORT resolves a relative library path against its own folder, so pass an absolute one.
  env.RegisterExecutionProviderLibrary("wsest_budget", std::filesystem::absolute(a.ep_library).string());
  std::vector<Ort::ConstEpDevice> ours;
  for (const auto& device : env.GetEpDevices())
    if (std::string(device.EpName()) == "WsestBudget") ours.push_back(device);
  if (ours.size() != 1) Fail("expected one WsestBudget OrtEpDevice, found " + std::to_string(ours.size()));
  {
    Ort::SessionOptions options;
    // The EP must see the graph as the model has it: ORT's optimizers would fuse and fold nodes
    // the CLI estimates one by one.
    options.SetGraphOptimizationLevel(ORT_DISABLE_ALL);
    for (const auto& [name, value] : dims) options.AddFreeDimensionOverrideByName(name.c_str(), value);
    std::unordered_map<std::string, std::string> ep_options = {{"cost_file", cost_file}};
    if (!a.budget_bytes.empty()) ep_options["budget_bytes"] = a.budget_bytes;
    options.AppendExecutionProvider_V2(env, ours, ep_options);
    Ort::Session session(env, a.model.c_str(), options);

    Ort::AllocatorWithDefaultOptions allocator;
    std::vector<Ort::AllocatedStringPtr> names;
    std::vector<const char*> input_names, output_names;
    std::vector<Ort::Value> inputs;
    for (size_t i = 0; i < session.GetInputCount(); ++i) {
      names.push_back(session.GetInputNameAllocated(i, allocator));
      input_names.push_back(names.back().get());
      Ort::TypeInfo type = session.GetInputTypeInfo(i);
      inputs.push_back(ZeroInput(type.GetTensorTypeAndShapeInfo(), input_names.back(), allocator));
    }
    for (size_t i = 0; i < session.GetOutputCount(); ++i) {
      names.push_back(session.GetOutputNameAllocated(i, allocator));
      output_names.push_back(names.back().get());
    }
    auto outputs = session.Run(Ort::RunOptions{nullptr}, input_names.data(), inputs.data(), inputs.size(),
                               output_names.data(), output_names.size());
    if (outputs.size() != output_names.size()) Fail("the session returned too few outputs");
  }
  env.UnregisterExecutionProviderLibrary("wsest_budget");
}

std::string RunCli(const Args& a, const std::map<std::string, int64_t>& dims) {
  std::string command = "'" + a.cli + "' --json '" + a.model + "'";
  for (const auto& [name, value] : dims) command += " --dim " + name + "=" + std::to_string(value);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) Fail("cannot run " + command);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) text.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0) Fail(command + " failed (status " + std::to_string(status) + ")");
  return text;
}

// A node's key on both sides: its name, or for an unnamed node its first output (unique in the graph).
std::string Key(const std::string& name, const std::string& first_output) {
  return name.empty() ? "<unnamed> -> " + first_output : name;
}

std::string Show(const json& v) { return v.is_null() ? "null" : v.dump(); }

}  // namespace

int main(int argc, char** argv) {
  const Args a = ParseArgs(argc, argv);
  try {
    // Offer only the dims the model declares; both sides then bind the same ones.
    wsest::ModelOptions probe;
    probe.allow_symbolic = true;
    auto loaded = wsest::Model::Load(a.model, probe);
    if (!loaded.ok()) Fail(loaded.error().message);
    std::map<std::string, int64_t> dims;
    for (const auto& d : loaded->symbolic_dims()) {
      auto it = a.dims.find(d);
      if (it == a.dims.end()) Fail(a.model + " has free dim '" + d + "': pass --dim " + d + "=N");
      dims[d] = it->second;
    }

    const std::string cost_file = a.out_dir + "/ep_costs.json";
    std::remove(cost_file.c_str());
    RunInOrt(a, dims, cost_file);
    const json ep = ReadJson(cost_file);

    const std::string cli_text = RunCli(a, dims);
    std::ofstream(a.out_dir + "/cli.json") << cli_text;
    const json cli = json::parse(cli_text);

    // The CLI's JSON has no output names: its "index" is the position in Model::nodes().
    wsest::ModelOptions bind;
    bind.dims = dims;
    auto model = wsest::Model::Load(a.model, bind);
    if (!model.ok()) Fail(model.error().message);

    std::map<std::string, const json*> ep_nodes;
    const json* main_graph = nullptr;
    for (const auto& g : ep.at("graphs"))
      if (g.at("parent_node").is_null()) main_graph = &g;
    if (main_graph == nullptr) Fail("the EP recorded no main graph (was GetCapability called?)");
    if (!main_graph->at("read_error").is_null())
      Fail("the EP could not read ORT's graph: " + main_graph->at("read_error").get<std::string>());
    size_t unshaped = 0, claimed = 0;
    std::map<std::string, size_t> verdicts;
    for (const auto& n : main_graph->at("nodes")) {
      const auto& outputs = n.at("outputs");
      const std::string first = outputs.empty() ? "" : outputs[0].get<std::string>();
      ep_nodes[Key(n.at("name"), first)] = &n;
      unshaped += n.at("values_without_shape").get<size_t>();
      claimed += n.at("claimed").get<bool>();
      ++verdicts[n.at("verdict").get<std::string>()];
    }

    size_t compared = 0, equal = 0, folded = 0, cpu_fallback = 0, shape_folded = 0;
    std::set<std::string> seen;
    std::ostringstream mismatches;
    for (const auto& c : cli.at("nodes")) {
      const size_t index = c.at("index");
      const auto& view = model->nodes().at(index);
      const std::string key = Key(c.at("name"), view.outputs.empty() ? "" : view.outputs[0].name);
      auto it = ep_nodes.find(key);
      if (it == ep_nodes.end()) {
        // ORT's Graph turns Constant nodes into initializers before any EP sees the graph.
        if (c.at("op_type") == "Constant") {
          ++folded;
          continue;
        }
        mismatches << "  " << key << " (" << c.at("op_type").get<std::string>() << "): not in ORT's graph\n";
        continue;
      }
      seen.insert(key);
      ++compared;
      const json& e = *it->second;
      const bool same = e.at("workspace_bytes") == c.at("workspace_bytes") && e.at("exactness") == c.at("exactness") &&
                        e.at("variant") == c.at("variant") && e.at("op_type") == c.at("op_type") &&
                        e.at("error").is_null();
      if (same) {
        ++equal;
        continue;
      }
      // The CPU fallback for shape computations (GetCpuPreferredNodes) is a decision over the whole
      // graph, which the CLI makes and a per-node GetCapability does not: the node then costs the GPU
      // nothing, and the EP's own estimate must have been a 0 too.
      if (c.at("variant") == "cpu_ep" && e.at("workspace_bytes") == 0 && e.at("error").is_null() &&
          c.at("reason").get<std::string>().find("GetCpuPreferredNodes") != std::string::npos) {
        ++equal;
        ++cpu_fallback;
        continue;
      }
      // A shape ORT's graph lacks at GetCapability (its onnx inference stops at a computed Reshape
      // target) and learns only at run time: the CLI folds the computation (src/shape_folding.cc).
      if (e.at("workspace_bytes").is_null() && e.at("values_without_shape").get<size_t>() > 0 &&
          !c.at("workspace_bytes").is_null() && e.at("error").is_null()) {
        ++equal;
        ++shape_folded;
        continue;
      }
      mismatches << "  " << key << " (" << c.at("op_type").get<std::string>() << "): ep "
                 << Show(e.at("workspace_bytes")) << " " << e.at("exactness").get<std::string>() << " "
                 << Show(e.at("variant")) << " vs cli " << Show(c.at("workspace_bytes")) << " "
                 << c.at("exactness").get<std::string>() << " " << Show(c.at("variant"))
                 << "\n    ep reason:  " << e.at("reason").get<std::string>()
                 << (e.at("error").is_null() ? "" : " error: " + Show(e.at("error")))
                 << "\n    cli reason: " << c.at("reason").get<std::string>() << "\n";
    }
    for (const auto& [key, n] : ep_nodes)
      if (!seen.count(key)) mismatches << "  " << key << ": in ORT's graph but not in the CLI's JSON\n";

    std::cout << a.model << ": " << compared << " nodes compared, " << equal << " equal";
    if (folded) std::cout << ", " << folded << " Constant nodes folded into initializers by ORT";
    if (cpu_fallback) std::cout << ", " << cpu_fallback << " moved to the CPU by the fallback for shape computations";
    if (shape_folded) std::cout << ", " << shape_folded << " shaped only by the CLI's folding (ORT's graph has no shape)";
    std::cout << "; EP verdicts:";
    for (const auto& [v, n] : verdicts) std::cout << " " << v << "=" << n;
    std::cout << "; claimed " << claimed << "; values without full shape at GetCapability: " << unshaped
              << "; GetCapability calls: " << ep.at("get_capability_calls") << "\n";
    const std::string problems = mismatches.str();
    if (!problems.empty()) {
      std::cout << "mismatches:\n" << problems;
      return 1;
    }
    if (compared == 0) Fail("no node compared");
    if (claimed != 0) Fail("the EP claimed nodes it cannot run");
    return 0;
  } catch (const Ort::Exception& e) {
    Fail(std::string("ONNX Runtime: ") + e.what());
  } catch (const std::exception& e) {
    Fail(e.what());
  }
}
