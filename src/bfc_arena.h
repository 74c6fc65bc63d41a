// A replay of ONNX Runtime's BFC arena (onnxruntime 1.29.0 core/framework/bfc_arena.cc, BFCArena and
// StreamAwareBFCArena), the allocator the CUDA EP puts in front of cudaMalloc: it rounds every request
// to 256 bytes, serves it from the smallest free chunk that fits (bins of powers of two, ties by
// address), splits a chunk only when it is at least twice the request or would waste 128 MiB, grows by
// whole regions that it never gives back, and merges a freed chunk only with free neighbours of its own
// stream tag. Replaying a session's requests through it gives the device memory ORT holds, which is the
// number that runs out on a GPU; the requests' own sum is not.
//
// Checked against the real 1.29.0 binary on the shadow device (calibrate/shadow), which sees every
// region the arena cudaMallocs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "wsest/session_memory.h"

namespace wsest {

class BfcArena {
 public:
  // A stream tag: chunks taken on a stream keep its tag until the stream's buffers are released.
  using Stream = int;
  static constexpr Stream kNoStream = 0;

  explicit BfcArena(const ArenaSettings& settings);

  // Alloc / AllocOnStream: the chunk's handle, or nullopt when the memory limit leaves no room (ORT
  // then throws "Failed to allocate memory"). A request of 0 bytes takes nothing (handle 0).
  std::optional<uint64_t> Allocate(uint64_t bytes, Stream stream = kNoStream);
  void Free(uint64_t handle);
  // Reserve: an exact-size cudaMalloc outside the regions (BFCArena::Reserve), freed on Free;
  // nullopt when the device has not that much left (the cudaMalloc fails, and Reserve, unlike
  // Extend, does not catch it: the session or the run fails). memory_limit does not apply.
  std::optional<uint64_t> Reserve(uint64_t bytes);
  // StreamAwareBFCArena::ReleaseStreamBuffers: every chunk tagged `stream` loses its tag, and runs of
  // free chunks of one tag merge.
  void ReleaseStream(Stream stream);

  // Device memory held: every region plus every live reservation (what cudaMalloc handed out).
  uint64_t held_bytes() const { return region_bytes_ + reserved_bytes_; }
  uint64_t region_bytes() const { return region_bytes_; }
  uint64_t reserved_bytes() const { return reserved_bytes_; }
  const std::vector<uint64_t>& regions() const { return region_sizes_; }
  // Bytes in chunks handed out (each rounded to 256).
  uint64_t in_use_bytes() const { return in_use_bytes_; }
  // The most the requests in use came to at once, each rounded as RoundedBytes does but not to its
  // chunk (whether a chunk is split depends on the regions, which a memory_limit changes): they sit
  // in regions, which no memory_limit lets grow past it (Reserve's buffers do not count: it checks
  // no limit).
  uint64_t peak_requested_in_use_bytes() const { return peak_requested_in_use_; }

  static uint64_t RoundedBytes(uint64_t bytes) { return (bytes + 255) / 256 * 256; }

  // Where a handle's chunk lies: its region and offset in it, and its size (for traces).
  struct Placement {
    size_t region = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
  };
  Placement Where(uint64_t handle) const;

 private:
  struct Chunk {
    uint64_t address = 0;
    uint64_t size = 0;
    bool in_use = false;
    Stream stream = kNoStream;
    size_t region = 0;
    uint64_t prev = 0, next = 0;  // neighbour chunk ids in the region, 0 for none
    bool live = false;            // false: merged into a neighbour, or an id Reserve handed out
    uint64_t requested = 0;       // in use: the rounded request it serves
  };
  // (size, address, id): best fit, lowest address on ties (addresses are unique, so the id never
  // decides the order; it is carried so that a hit needs no second lookup).
  using FreeKey = std::tuple<uint64_t, uint64_t, uint64_t>;

  bool Extend(uint64_t rounded);
  uint64_t NewChunk(const Chunk& c);
  void InsertFree(uint64_t id);
  void EraseFree(uint64_t id);
  // Merges `id` with free neighbours of the same tag; returns the surviving chunk.
  uint64_t Coalesce(uint64_t id);
  void Merge(uint64_t left, uint64_t right);  // right into its left neighbour

  ArenaSettings settings_;
  uint64_t next_extend_bytes_;  // curr_region_allocation_bytes_
  // By id (ids count up from 1 and are never reused): an index, not a search, per lookup; a
  // 100k-node replay makes a few hundred thousand of them per initializer order.
  std::vector<Chunk> chunks_;
  std::set<FreeKey> free_;
  std::map<uint64_t, uint64_t> reserved_;         // handle -> bytes
  std::vector<uint64_t> region_sizes_;
  std::vector<uint64_t> region_addresses_;
  uint64_t next_id_ = 1;
  uint64_t next_address_ = 0;
  uint64_t region_bytes_ = 0;
  uint64_t reserved_bytes_ = 0;
  uint64_t in_use_bytes_ = 0;
  uint64_t requested_in_use_ = 0;
  uint64_t peak_requested_in_use_ = 0;
};

}  // namespace wsest
