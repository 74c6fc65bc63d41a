// Finding and opening the live module (src/live_module.h) at run time, so that the core, the CLI,
// libwsest.so and an EP that links it map no CUDA library until a library question needs a GPU's
// answer. Order of the checks, cheapest first:
//   1. the driver: dlopen("libcuda.so.1"), cuInit(0), cuDeviceGetCount >= 1. Absent on a machine
//      without an NVIDIA driver, and a few milliseconds where present;
//   2. the module, next to the object that holds this code (the CLI or libwsest.so), then in the
//      library folder of an install beside the CLI's bin/; $WSEST_LIVE_MODULE names another file;
//   3. the module's CreateLiveQueries: the CUDA runtime and cuDNN on that device.
// Each step is done once per process; the module is never closed (the CUDA runtime does not
// support being unloaded while its contexts live).
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "src/live_module.h"
#include "wsest/live.h"

namespace wsest {
namespace {

// CUresult is an enum (0 = CUDA_SUCCESS); cuda.h declares both functions in the driver API.
using CuInit = int (*)(unsigned int flags);
using CuDeviceGetCount = int (*)(int* count);

// Empty when a driver reports at least one device, else why not.
std::string ProbeDriver() {
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) return fmt::format("no GPU: no CUDA driver ({})", dlerror());
  auto init = reinterpret_cast<CuInit>(dlsym(driver, "cuInit"));
  auto device_count = reinterpret_cast<CuDeviceGetCount>(dlsym(driver, "cuDeviceGetCount"));
  if (init == nullptr || device_count == nullptr) return "no GPU: libcuda.so.1 lacks cuInit or cuDeviceGetCount";
  if (const int e = init(0); e != 0) return fmt::format("no GPU: cuInit returned {}", e);
  int count = 0;
  if (const int e = device_count(&count); e != 0) return fmt::format("no GPU: cuDeviceGetCount returned {}", e);
  if (count < 1) return "no GPU: the CUDA driver reports 0 devices";
  return {};
}

const std::string& DriverVerdict() {
  static const std::string verdict = ProbeDriver();
  return verdict;
}

// The folder of the file this code was loaded from: the executable when the static library is
// linked in (its link map entry has an empty name), libwsest.so's folder otherwise.
std::string OwnFolder() {
  Dl_info info{};
  link_map* map = nullptr;
  std::string file;
  if (dladdr1(reinterpret_cast<void*>(&OwnFolder), &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) != 0 &&
      map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
    file = map->l_name;
  } else {
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return ".";
    file.assign(exe, static_cast<size_t>(n));
  }
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

std::vector<std::string> ModuleCandidates() {
  if (const char* chosen = std::getenv("WSEST_LIVE_MODULE"); chosen != nullptr && chosen[0] != '\0') return {chosen};
  const std::string folder = OwnFolder();
  // WSEST_BIN_TO_LIBDIR: the install's bin/ to its library folder ("../lib"), from CMakeLists.txt.
  return {folder + "/" + kLiveModuleFileName, folder + "/" + WSEST_BIN_TO_LIBDIR + "/" + kLiveModuleFileName};
}

struct LoadedModule {
  const LiveModuleApi* api = nullptr;
  std::string why_not;
};

LoadedModule OpenModule() {
  std::string tried;
  for (const std::string& path : ModuleCandidates()) {
    if (access(path.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) return {nullptr, fmt::format("live module {} does not load: {}", path, dlerror())};
    auto entry = reinterpret_cast<WsestLiveModuleEntry>(dlsym(module, kLiveModuleEntryPoint));
    if (entry == nullptr) return {nullptr, fmt::format("{} has no {}", path, kLiveModuleEntryPoint)};
    const LiveModuleApi* api = entry();
    if (std::string(api->wsest_version) != WSEST_VERSION) {
      return {nullptr, fmt::format("{} is from wsest {}, this is {}", path, api->wsest_version, WSEST_VERSION)};
    }
    return {api, {}};
  }
  return {nullptr, "this build has no live module (looked for " + tried + ")"};
}

const LoadedModule& Module() {
  static const LoadedModule module = OpenModule();
  return module;
}

// Asks the device only when a query comes, then keeps the answer source (or the reason there is none).
class LazyLiveQueries final : public LibraryQueries {
 public:
  explicit LazyLiveQueries(int device_ordinal) : device_ordinal_(device_ordinal) {}
  std::string Kind() const override { return "live"; }
  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override {
    return Ask(&LibraryQueries::ConvWorkspace, q);
  }
  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override {
    return Ask(&LibraryQueries::ReductionWorkspace, q);
  }
  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override {
    return Ask(&LibraryQueries::RnnTempSpace, q);
  }
  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override {
    return Ask(&LibraryQueries::CubTempStorage, q);
  }
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override {
    return Ask(&LibraryQueries::SdpaWorkspace, q);
  }

 private:
  // The loaded module's answer to `question`, one question at a time, or why there is none.
  template <typename Answer, typename Query>
  Result<Answer> Ask(Result<Answer> (LibraryQueries::*question)(const Query&) const, const Query& q) const {
    const LibraryQueries* live = Live();
    if (live == nullptr) return NotFound(why_not_);
    std::lock_guard<std::mutex> one_at_a_time(asking_);
    return (live->*question)(q);
  }

  const LibraryQueries* Live() const {
    std::call_once(opened_, [this] { live_ = CreateLiveQueries(device_ordinal_, &why_not_); });
    return live_.get();
  }

  int device_ordinal_;
  mutable std::once_flag opened_;
  // One question at a time: the module's library handles (cuDNN's, cuBLASLt's) are not promised to
  // be safe from two threads, and EstimateModel may ask from several (EstimateOptions::threads).
  mutable std::mutex asking_;
  mutable std::unique_ptr<LibraryQueries> live_;
  mutable std::string why_not_;
};

}  // namespace

std::unique_ptr<LibraryQueries> CreateLiveQueries(int device_ordinal, std::string* why_not) {
  auto fail = [&](std::string why) -> std::unique_ptr<LibraryQueries> {
    if (why_not != nullptr) *why_not = std::move(why);
    return nullptr;
  };
  if (!DriverVerdict().empty()) return fail(DriverVerdict());
  const LoadedModule& module = Module();
  if (module.api == nullptr) return fail(module.why_not);
  return module.api->create(device_ordinal, why_not);
}

std::unique_ptr<LibraryQueries> CreateLazyLiveQueries(int device_ordinal) {
  return std::make_unique<LazyLiveQueries>(device_ordinal);
}

LibraryVersions LiveLibraryVersions() {
  const LoadedModule& module = Module();
  return module.api == nullptr ? LibraryVersions{} : module.api->versions();
}

}  // namespace wsest
