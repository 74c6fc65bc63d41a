// libcurand.so.10 for the shadow device (calibrate/shadow/shadow.h). The ORT 1.29.0 CUDA provider
// links it (NEEDED) but imports no symbol from it; the library only has to load.
#include <curand.h>

extern "C" curandStatus_t curandGetVersion(int* version) {
  *version = 10000;
  return CURAND_STATUS_SUCCESS;
}
