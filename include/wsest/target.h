// Target: what an estimate is for: the device, the EP release and its options, the ORT_*
// environment variables that change kernel dispatch, and (when a GPU is present) live queries.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsest/result.h"

namespace wsest {

// One GPU model, from data/devices.json (each entry cites NVIDIA's datasheet).
struct DeviceProfile {
  std::string id;    // "h100-sxm"
  std::string name;  // "NVIDIA H100 SXM5 80GB"
  int sm_major = 0;
  int sm_minor = 0;
  int sm_count = 0;
  uint64_t memory_bytes = 0;
  uint64_t l2_bytes = 0;
  std::string source;
  int sm() const { return sm_major * 10 + sm_minor; }
};

// The built-in profiles, in data/devices.json order.
const std::vector<DeviceProfile>& DeviceProfiles();
Result<DeviceProfile> FindDevice(const std::string& id);
constexpr const char* kDefaultDevice = "h100-sxm";

// The ONNX Runtime release every estimator mirrors.
constexpr const char* kEpName = "onnxruntime-cuda";
constexpr const char* kEpRelease = "1.29.0";

// cudnnGetVersion() as the EP sees it at run time (major * 10000 + minor * 100 + patch). It decides
// kernel variants: the 1.29.0 binary sends fp16 attention on SM >= 90 to cuDNN SDPA only when it
// is >= 9.3.0. The default is cuDNN 9.19.0, the release paired with CUDA 13 in NVIDIA's packages.
constexpr int kDefaultCudnnVersion = 91900;
// "9.19.0", "9.19" or "91900" -> 91900; fails on anything else, or a version before cuDNN 9.
Result<int> ParseCudnnVersion(const std::string& text);
// 91900 -> "9.19.0".
std::string CudnnVersionText(int version);

// CUDA EP provider options (keys as ORT's CUDAExecutionProviderInfo spells them) and ORT_*
// environment variables. Estimators read them only through these accessors.
class EpConfig {
 public:
  // Fails on a key the 1.29.0 CUDA EP does not know, with a suggestion.
  Result<bool> SetProviderOption(const std::string& key, const std::string& value);
  // Fails on a name that does not start with ORT_.
  Result<bool> SetEnv(const std::string& name, const std::string& value);

  std::optional<std::string> ProviderOption(const std::string& key) const;
  std::optional<std::string> Env(const std::string& name) const;
  // An integer option or variable, or `default_value` when unset or not an integer.
  int64_t ProviderOptionInt(const std::string& key, int64_t default_value) const;
  int64_t EnvInt(const std::string& name, int64_t default_value) const;

  const std::map<std::string, std::string>& provider_options() const { return provider_options_; }
  const std::map<std::string, std::string>& env() const { return env_; }

  // Provider option keys of the 1.29.0 CUDA EP (cuda_execution_provider_info.cc).
  static const std::vector<std::string>& KnownProviderOptions();

 private:
  std::map<std::string, std::string> provider_options_;
  std::map<std::string, std::string> env_;
};

// Live library queries (cuDNN, CUB) when a GPU is present; null means none.
class LibraryQueries;

struct Target {
  DeviceProfile device;
  EpConfig ep;
  // --variant: where the EP's choice can't be proven statically, estimate this kernel variant
  // instead of the maximum over the feasible ones. Empty: no forcing.
  std::string forced_variant;
  int cudnn_version = kDefaultCudnnVersion;
  const LibraryQueries* live = nullptr;
};

// The default target: h100-sxm, default options, no live queries.
Target DefaultTarget();

}  // namespace wsest
