// Estimate: one node's predicted workspace, with the kernel variant, the buffers that make it up
// (each citing where the EP sizes it) and how sure the number is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsest/bytes.h"

namespace wsest {

// exact: the EP's own formula with every input known. upper_bound: a maximum over choices the EP
// makes at run time. heuristic: an approximated run-time choice. unknown: not modelled, or a
// needed value is not known statically; never reported as 0.
enum class Exactness { kExact, kUpperBound, kHeuristic, kUnknown };
const char* ExactnessName(Exactness e);

// DESIGN.md principle 5: exact+exact=exact; with an upper bound, upper bound; with a heuristic,
// heuristic; with unknown, unknown.
Exactness CombineExactness(Exactness a, Exactness b);

// Where the EP takes a buffer from. ORT's node stats (total_temp_allocations) see only kTempSpace.
enum class Allocator {
  kScratch,    // IAllocator::MakeUniquePtr / GetScratchBuffer on the provider's device allocator
  kTempSpace,  // OpKernelContext::GetTempSpaceAllocator
  kExternal,   // outside ORT's allocators: raw cudaMalloc, a library handle's own workspace
};
const char* AllocatorName(Allocator a);

struct Buffer {
  std::string name;
  uint64_t bytes = 0;
  std::string source;  // "<ORT release> <file> <function>" or a library's documentation
  Allocator allocator = Allocator::kScratch;
};

// A kernel the EP would have tried: rejected with the first failing condition, or feasible with
// its bytes (when the estimate is a maximum over feasible kernels).
struct Candidate {
  std::string variant;
  std::string rejected_because;  // empty when feasible
  std::optional<uint64_t> bytes;
};

class Estimate {
 public:
  Estimate() = default;
  Estimate(std::string variant, Exactness exactness) : variant(std::move(variant)), exactness(exactness) {}

  // Not modelled, or not knowable from shapes: the reason says which and why.
  static Estimate Unknown(std::string reason);
  // The kernel allocates no scratch: exact 0, the reason cites the kernel file that shows it.
  static Estimate NoScratch(std::string kernel_source);

  // Appends a buffer. An overflowed Bytes is remembered and turned into an error naming the node
  // and the buffer by EstimateNode; a zero-byte buffer is kept (it documents a considered buffer).
  void Add(std::string name, Bytes bytes, std::string source, Allocator allocator = Allocator::kScratch);

  bool known() const { return exactness != Exactness::kUnknown; }
  // Sum of the buffers; nullopt when unknown.
  std::optional<uint64_t> workspace_bytes() const;
  const Buffer* largest_buffer() const;
  // The first buffer whose size overflowed, or whose addition overflowed the total.
  const std::optional<std::string>& overflowed_buffer() const { return overflowed_buffer_; }

  std::string variant;
  Exactness exactness = Exactness::kUnknown;
  std::vector<Buffer> buffers;
  std::string reason;
  std::vector<Candidate> candidates;
  // Device memory the kernel takes when ORT creates it and holds for the whole session (a constructor's
  // cudaMalloc or the allocator's Reserve): not workspace, never part of workspace_bytes(), but part
  // of what the session holds (include/wsest/session_memory.h).
  std::vector<Buffer> session_buffers;
  // Device memory the EP shares between nodes by name and keeps for the session, taken on a node's
  // first run and grown (freed and taken again) when a later node needs more: GetConstOnes' vector of
  // ones. Not workspace either.
  std::vector<Buffer> ep_buffers;

 private:
  uint64_t total_ = 0;
  std::optional<std::string> overflowed_buffer_;
};

}  // namespace wsest
