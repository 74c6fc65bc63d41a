// wsest: the report tool. A thin wrapper: flags in, library calls, a writer out.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "src/report.h"
#include "wsest/model.h"
#include "wsest/registry.h"
#include "wsest/target.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;

int Fail(const std::string& message) {
  std::cerr << "wsest: error: " << message << "\n";
  return kExitError;
}

// "name=value" -> (name, value); false if there is no '=' or either side is empty.
bool SplitAssignment(const std::string& text, std::string* name, std::string* value) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) return false;
  *name = text.substr(0, eq);
  *value = text.substr(eq + 1);
  return true;
}

bool ParseInt64(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wsest: predicts the GPU workspace each node of an ONNX model needs under ONNX Runtime's CUDA EP"};
  std::string model_path;
  std::vector<std::string> dims;
  std::vector<std::string> inputs;
  std::vector<std::string> ep_options;
  std::vector<std::string> ep_env;
  std::string device = wsest::kDefaultDevice;
  std::string node_name;
  std::string forced_variant;
  bool json = false;
  bool list = false;
  bool list_devices = false;
  bool strict = false;
  bool allow_symbolic = false;

  app.add_option("model", model_path, "the .onnx model (weights may be external; they are never read)");
  app.add_option("--dim", dims, "bind a symbolic dim: name=value (repeatable)");
  app.add_option("--input", inputs, "shape of a graph input declared without one: name=d0,d1,... (repeatable)");
  app.add_option("--device", device, "device profile (see --list-devices)");
  app.add_option("--ep-option", ep_options, "CUDA EP provider option key=value, e.g. sdpa_kernel=1 (repeatable)");
  app.add_option("--ep-env", ep_env, "ORT_* environment variable NAME=value, e.g. ORT_DISABLE_FLASH_ATTENTION=1");
  app.add_option("--variant", forced_variant,
                 "where the EP's kernel choice depends on run-time values, estimate this variant (e.g. flash)");
  app.add_option("--node", node_name, "print one node's breakdown (its name, or #index)");
  app.add_flag("--json", json, "print JSON instead of the table");
  app.add_flag("--list", list, "print the estimator registry");
  app.add_flag("--list-devices", list_devices, "print the device profiles");
  app.add_flag("--strict", strict, "make an op with no estimator an error (exit 2)");
  app.add_flag("--allow-symbolic", allow_symbolic,
               "leave unbound symbolic dims symbolic (estimates that need them are unknown) instead of failing");
  app.set_version_flag("--version", std::string("wsest ") + wsest::Version() + " (" + wsest::kEpName + " " +
                                        wsest::kEpRelease + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(e.what());
  }

  if (list) {
    wsest::WriteRegistry(std::cout);
    return kExitOk;
  }
  if (list_devices) {
    wsest::WriteDevices(std::cout);
    return kExitOk;
  }
  if (model_path.empty()) return Fail("no model given; usage: wsest MODEL.onnx [--dim name=value ...] (see --help)");

  wsest::ModelOptions options;
  options.allow_symbolic = allow_symbolic;
  for (const auto& d : dims) {
    std::string name, value;
    int64_t v = 0;
    if (!SplitAssignment(d, &name, &value) || !ParseInt64(value, &v))
      return Fail(fmt::format("--dim '{}': expected name=integer", d));
    if (v < 0) return Fail(fmt::format("--dim '{}': a dim cannot be negative", d));
    options.dims[name] = v;
  }
  for (const auto& in : inputs) {
    std::string name, value;
    if (!SplitAssignment(in, &name, &value)) return Fail(fmt::format("--input '{}': expected name=d0,d1,...", in));
    std::vector<int64_t> shape;
    size_t start = 0;
    while (start <= value.size()) {
      const size_t comma = value.find(',', start);
      const std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      int64_t v = 0;
      if (!ParseInt64(part, &v) || v < 0)
        return Fail(fmt::format("--input '{}': '{}' is not a non-negative integer dim", in, part));
      shape.push_back(v);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    options.input_shapes[name] = shape;
  }

  wsest::Target target;
  auto profile = wsest::FindDevice(device);
  if (!profile.ok()) return Fail(profile.error().message);
  target.device = *profile;
  target.forced_variant = forced_variant;
  for (const auto& o : ep_options) {
    std::string key, value;
    if (!SplitAssignment(o, &key, &value)) return Fail(fmt::format("--ep-option '{}': expected key=value", o));
    auto set = target.ep.SetProviderOption(key, value);
    if (!set.ok()) return Fail(set.error().message);
  }
  for (const auto& e : ep_env) {
    std::string key, value;
    if (!SplitAssignment(e, &key, &value)) return Fail(fmt::format("--ep-env '{}': expected NAME=value", e));
    auto set = target.ep.SetEnv(key, value);
    if (!set.ok()) return Fail(set.error().message);
  }

  auto model = wsest::Model::Load(model_path, options);
  if (!model.ok()) return Fail(model.error().message);
  auto estimate = wsest::EstimateModel(*model, target);
  if (!estimate.ok()) return Fail(estimate.error().message);

  if (!node_name.empty()) {
    if (!wsest::WriteNodeDetail(*estimate, *model, node_name, std::cout))
      return Fail(fmt::format("{}: no node named '{}'", model_path, node_name));
  } else if (json) {
    wsest::WriteJson(*estimate, std::cout);
  } else {
    wsest::WriteTable(*estimate, *model, std::cout);
  }
  if (strict && estimate->summary.unknown > 0) {
    for (const auto& n : estimate->nodes) {
      if (!n.estimate.known()) {
        return Fail(fmt::format("--strict: {} node(s) have no estimate; first: {} '{}': {}", estimate->summary.unknown,
                                n.op_type, n.name, n.estimate.reason));
      }
    }
  }
  return kExitOk;
}
