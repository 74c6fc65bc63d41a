// Non-constexpr companions of cub_temp_storage.h: which PTX version an estimate assumes, and the
// citation string estimators attach to CUB-sized buffers.
#include "estimators/cub_temp_storage.h"

#include <string>

#include "wsest/target.h"

namespace wsest::cub_storage {

// CUB picks its tuning policy by the PTX version of the kernel image the device runs
// (util_device.cuh PtxVersionUncached). ORT 1.29.0's CUDA builds carry an image for each supported
// architecture, so the image that runs on an sm_XY device is taken as compute_XY: ptx = 10 * sm.
int AssumedPtxVersion(const DeviceProfile& device) { return device.sm() * 10; }

std::string CubSource(const char* what) {
  return std::string("CUB ") + std::to_string(kCubVersion) + " (CUDA 13.0) " + what;
}

}  // namespace wsest::cub_storage
