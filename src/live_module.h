// The contract between the core library and the live module (libwsest_live_cuda.so, built from
// calibrate/live/ when WSEST_WITH_CUDA is on). The core links no CUDA library: src/live_loader.cc
// opens the module with dlopen only when an estimate asks a library question and a driver reports a
// device, then calls the one C symbol below. Both sides are built from the same tree by the same
// compiler, so C++ types cross the boundary; `wsest_version` guards against a module left over from
// another build.
#pragma once

#include <memory>
#include <string>

#include "wsest/live.h"

namespace wsest {

constexpr const char* kLiveModuleFileName = "libwsest_live_cuda.so";
constexpr const char* kLiveModuleEntryPoint = "wsest_live_module_v1";

struct LiveModuleApi {
  const char* wsest_version;  // WSEST_VERSION the module was built with
  // Returns null with the reason when the CUDA runtime finds no usable device.
  std::unique_ptr<LibraryQueries> (*create)(int device_ordinal, std::string* why_not);
  LibraryVersions (*versions)();  // runtime, cuDNN, cuBLASLt and CUB versions; no device needed
};

}  // namespace wsest

// Exported by the module (every other symbol of it is hidden).
extern "C" {
using WsestLiveModuleEntry = const wsest::LiveModuleApi* (*)();
}
