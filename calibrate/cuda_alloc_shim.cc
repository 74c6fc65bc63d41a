// cuda_alloc_shim.so: an LD_PRELOAD library that counts raw device allocations made through the
// dynamic CUDA runtime (cudaMalloc, cudaMallocAsync) while wsest-measure records a run: allocations
// outside ORT's allocator, such as GemmFloat8's cuBLASLt workspace. It forwards every call to the
// real function (dlsym RTLD_NEXT) and changes nothing. Libraries that link the CUDA runtime
// statically (cuBLAS, cuDNN) are not seen; wsest-measure reports cudaMemGetInfo deltas for those.
// wsest-measure's own allocator takes cudaMalloc from libcudart by handle, so it is not counted here.
//
//   g++ -std=c++17 -O2 -shared -fPIC calibrate/cuda_alloc_shim.cc -o cuda_alloc_shim.so -ldl
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace {

std::mutex g_mu;
bool g_recording = false;
std::vector<uint64_t> g_sizes;

template <typename Fn>
Fn Next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

void Note(size_t size) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_recording) g_sizes.push_back(size);
}

}  // namespace

extern "C" {

// cudaError_t is an int-sized enum; streams are opaque pointers.
int cudaMalloc(void** ptr, size_t size) {
  static auto real = Next<int (*)(void**, size_t)>("cudaMalloc");
  const int rc = real ? real(ptr, size) : 1;
  if (rc == 0) Note(size);
  return rc;
}

int cudaMallocAsync(void** ptr, size_t size, void* stream) {
  static auto real = Next<int (*)(void**, size_t, void*)>("cudaMallocAsync");
  const int rc = real ? real(ptr, size, stream) : 1;
  if (rc == 0) Note(size);
  return rc;
}

void wsest_shim_begin() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_sizes.clear();
  g_recording = true;
}
void wsest_shim_end() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_recording = false;
}
size_t wsest_shim_count() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_sizes.size();
}
uint64_t wsest_shim_size(size_t i) {
  std::lock_guard<std::mutex> lock(g_mu);
  return i < g_sizes.size() ? g_sizes[i] : 0;
}

}  // extern "C"
