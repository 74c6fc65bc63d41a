#include "wsest/estimate.h"

#include <algorithm>

#include "wsest/result.h"

namespace wsest {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kOutOfRange: return "out_of_range";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

const char* ExactnessName(Exactness e) {
  switch (e) {
    case Exactness::kExact: return "exact";
    case Exactness::kUpperBound: return "upper_bound";
    case Exactness::kHeuristic: return "heuristic";
    case Exactness::kUnknown: return "unknown";
  }
  return "unknown";
}

Exactness CombineExactness(Exactness a, Exactness b) {
  // The enum is ordered from most to least certain, so the combination is the less certain one.
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

const char* AllocatorName(Allocator a) {
  switch (a) {
    case Allocator::kScratch: return "scratch";
    case Allocator::kTempSpace: return "temp_space";
    case Allocator::kExternal: return "external";
  }
  return "scratch";
}

Estimate Estimate::Unknown(std::string reason) {
  Estimate e;
  e.exactness = Exactness::kUnknown;
  e.reason = std::move(reason);
  return e;
}

Estimate Estimate::NoScratch(std::string kernel_source) {
  Estimate e("no_scratch", Exactness::kExact);
  e.reason = "the CUDA kernel allocates no scratch: " + kernel_source;
  return e;
}

void Estimate::Add(std::string name, Bytes bytes, std::string source, Allocator allocator) {
  const Bytes total = Bytes(total_) + bytes;
  if ((bytes.overflow() || total.overflow()) && !overflowed_buffer_) overflowed_buffer_ = name;
  total_ = total.overflow() ? total_ : total.value();
  buffers.push_back(Buffer{std::move(name), bytes.overflow() ? 0 : bytes.value(), std::move(source), allocator});
}

std::optional<uint64_t> Estimate::workspace_bytes() const {
  if (!known()) return std::nullopt;
  return total_;
}

const Buffer* Estimate::largest_buffer() const {
  auto it = std::max_element(buffers.begin(), buffers.end(),
                             [](const Buffer& a, const Buffer& b) { return a.bytes < b.bytes; });
  return it == buffers.end() || it->bytes == 0 ? nullptr : &*it;
}

}  // namespace wsest
