#include "wsest/target.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "src/text.h"

namespace wsest {
namespace internal {
extern const char kDevicesJson[];  // generated from data/devices.json by cmake/embed_json.cmake
}

namespace {

std::vector<DeviceProfile> ParseDevices() {
  std::vector<DeviceProfile> out;
  const auto doc = nlohmann::json::parse(internal::kDevicesJson);
  for (const auto& d : doc.at("devices")) {
    DeviceProfile p;
    p.id = d.at("id").get<std::string>();
    p.name = d.at("name").get<std::string>();
    const auto cc = d.at("compute_capability").get<std::string>();
    p.sm_major = std::stoi(cc.substr(0, cc.find('.')));
    p.sm_minor = std::stoi(cc.substr(cc.find('.') + 1));
    p.sm_count = d.at("sm_count").get<int>();
    p.memory_bytes = d.at("memory_bytes").get<uint64_t>();
    p.l2_bytes = d.at("l2_bytes").get<uint64_t>();
    p.source = d.at("source").get<std::string>();
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int64_t> ParseInt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

const std::vector<DeviceProfile>& DeviceProfiles() {
  // The embedded JSON is checked by the tests; parsing it once is start-up work, not mutable state.
  static const std::vector<DeviceProfile> profiles = ParseDevices();
  return profiles;
}

Result<DeviceProfile> FindDevice(const std::string& id) {
  std::vector<std::string> ids;
  for (const auto& p : DeviceProfiles()) {
    if (p.id == id) return p;
    ids.push_back(p.id);
  }
  return NotFound(fmt::format("unknown device '{}'{}; known devices: {}", id, DidYouMean(id, ids),
                              fmt::join(ids, ", ")));
}

const std::vector<std::string>& EpConfig::KnownProviderOptions() {
  // onnxruntime 1.29.0 core/providers/cuda/cuda_execution_provider_info.cc, provider_option_names.
  static const std::vector<std::string> keys = {
      "device_id", "has_user_compute_stream", "user_compute_stream", "gpu_mem_limit", "arena_extend_strategy",
      "cudnn_conv_algo_search", "do_copy_in_default_stream", "gpu_external_alloc", "gpu_external_free",
      "gpu_external_empty_cache", "cudnn_conv_use_max_workspace", "enable_cuda_graph", "cudnn_conv1d_pad_to_nc1d",
      "tunable_op_enable", "tunable_op_tuning_enable", "tunable_op_max_tuning_duration_ms",
      "enable_skip_layer_norm_strict_mode", "prefer_nhwc", "use_ep_level_unified_stream", "use_tf32",
      "sdpa_kernel", "fuse_conv_bias"};
  return keys;
}

Result<bool> EpConfig::SetProviderOption(const std::string& key, const std::string& value) {
  const auto& keys = KnownProviderOptions();
  if (std::find(keys.begin(), keys.end(), key) == keys.end())
    return InvalidArgument(fmt::format("unknown CUDA EP provider option '{}'{}", key, DidYouMean(key, keys)));
  provider_options_[key] = value;
  return true;
}

Result<bool> EpConfig::SetEnv(const std::string& name, const std::string& value) {
  if (name.rfind("ORT_", 0) != 0)
    return InvalidArgument(fmt::format("environment variable '{}' does not start with ORT_", name));
  env_[name] = value;
  return true;
}

std::optional<std::string> EpConfig::ProviderOption(const std::string& key) const {
  auto it = provider_options_.find(key);
  if (it == provider_options_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> EpConfig::Env(const std::string& name) const {
  auto it = env_.find(name);
  if (it == env_.end()) return std::nullopt;
  return it->second;
}

int64_t EpConfig::ProviderOptionInt(const std::string& key, int64_t default_value) const {
  auto v = ProviderOption(key);
  if (!v) return default_value;
  return ParseInt(*v).value_or(default_value);
}

int64_t EpConfig::EnvInt(const std::string& name, int64_t default_value) const {
  auto v = Env(name);
  if (!v) return default_value;
  return ParseInt(*v).value_or(default_value);
}

Result<int> ParseCudnnVersion(const std::string& text) {
  const std::string bad = fmt::format("cuDNN version '{}': expected major.minor[.patch] (9.19.0) or "
                                      "cudnnGetVersion()'s number (91900)", text);
  int version = 0;
  if (text.find('.') == std::string::npos) {
    const auto n = ParseInt(text);
    if (!n || *n < 0 || *n > 999999) return InvalidArgument(bad);
    version = static_cast<int>(*n);
  } else {
    int parts[3] = {0, 0, 0};
    size_t start = 0;
    for (int i = 0; i < 3 && start <= text.size(); ++i) {
      const size_t dot = text.find('.', start);
      const auto n = ParseInt(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (!n || *n < 0 || *n > 99) return InvalidArgument(bad);
      parts[i] = static_cast<int>(*n);
      if (dot == std::string::npos) {
        start = text.size() + 1;
        break;
      }
      start = dot + 1;
    }
    if (start <= text.size()) return InvalidArgument(bad);  // a fourth part
    version = parts[0] * 10000 + parts[1] * 100 + parts[2];
  }
  // ORT 1.29.0's CUDA provider is built against cuDNN 9 (it opens libcudnn.so.9).
  if (version < 90000) return InvalidArgument(bad + "; ORT 1.29.0 needs cuDNN 9");
  return version;
}

std::string CudnnVersionText(int version) {
  return fmt::format("{}.{}.{}", version / 10000, version / 100 % 100, version % 100);
}

Target DefaultTarget() {
  Target t;
  t.device = FindDevice(kDefaultDevice).value();
  return t;
}

}  // namespace wsest
