#include "src/bfc_arena.h"

#include <algorithm>
#include <stdexcept>

namespace wsest {

BfcArena::BfcArena(const ArenaSettings& settings) : settings_(settings) {
  if (settings_.memory_limit == 0) settings_.memory_limit = UINT64_MAX;  // "max_mem == 0 means SIZE_MAX"
  next_extend_bytes_ = std::max<uint64_t>(
      RoundedBytes(std::min(settings_.memory_limit, settings_.initial_chunk_bytes)), 256);
}

uint64_t BfcArena::NewChunk(const Chunk& c) {
  const uint64_t id = next_id_++;
  if (chunks_.size() <= id) chunks_.resize(std::max<size_t>(id + 1, chunks_.size() * 2));
  chunks_[id] = c;
  chunks_[id].live = true;
  return id;
}

void BfcArena::InsertFree(uint64_t id) {
  const Chunk& c = chunks_[id];
  free_.insert({c.size, c.address, id});
}

void BfcArena::EraseFree(uint64_t id) {
  const Chunk& c = chunks_[id];
  free_.erase({c.size, c.address, id});
}

// BFCArena::Extend: grow by one region. kNextPowerOfTwo starts at the initial chunk (1 MiB) and
// doubles after each region up to max_power_of_two_extend_bytes (1 GiB); a request above the current
// size doubles it until the request fits and extends by that, without doubling again after.
// kSameAsRequested extends by the request. The size is clamped to what memory_limit leaves, and a
// cudaMalloc that fails is retried at 90% of the size (RoundedBytes(bytes * 0.9f)) until it is below
// the request or 8 KiB. The simulated device fails cudaMalloc past its memory (ArenaSettings).
bool BfcArena::Extend(uint64_t rounded) {
  const uint64_t held = region_bytes_ + reserved_bytes_;
  const uint64_t left = settings_.memory_limit > held ? settings_.memory_limit - held : 0;
  const uint64_t available = left / 256 * 256;
  if (rounded > available) return false;
  uint64_t bytes = rounded;
  if (settings_.extend == ArenaSettings::Extend::kNextPowerOfTwo) {
    if (rounded > next_extend_bytes_) {
      // The doubling stays when the cudaMalloc then fails (ORT doubles first), as after a memory
      // pattern block the device cannot give; it stops at 2^63 instead of wrapping to 0.
      while (rounded > next_extend_bytes_ && next_extend_bytes_ <= UINT64_MAX / 2) next_extend_bytes_ *= 2;
      if (rounded > next_extend_bytes_) return false;
      bytes = next_extend_bytes_;
    } else {
      bytes = next_extend_bytes_;
      next_extend_bytes_ = next_extend_bytes_ < settings_.max_power_of_two_extend_bytes / 2
                               ? next_extend_bytes_ * 2
                               : settings_.max_power_of_two_extend_bytes;
    }
  }
  bytes = std::min(bytes, available);
  const uint64_t device_left = settings_.device_bytes > held ? settings_.device_bytes - held : 0;
  while (bytes > device_left) {
    bytes = RoundedBytes(static_cast<uint64_t>(static_cast<float>(bytes) * 0.9f));
    if (bytes < rounded || bytes < 8192) return false;
  }
  Chunk c;
  c.address = next_address_;
  c.size = bytes;
  c.region = region_sizes_.size();
  next_address_ += bytes + 4096;  // regions are separate allocations: never neighbours
  region_sizes_.push_back(bytes);
  region_addresses_.push_back(c.address);
  region_bytes_ += bytes;
  InsertFree(NewChunk(c));
  return true;
}

std::optional<uint64_t> BfcArena::Allocate(uint64_t bytes, Stream stream) {
  if (bytes == 0) return uint64_t{0};
  if (bytes > UINT64_MAX - 255) return std::nullopt;  // no device has it; RoundedBytes would wrap
  const uint64_t rounded = RoundedBytes(bytes);
  // FindChunkPtr: the smallest free chunk that fits, lowest address on ties, whose tag is the
  // stream's own or none.
  auto find = [&]() -> uint64_t {
    for (auto it = free_.lower_bound({rounded, 0, 0}); it != free_.end(); ++it) {
      const uint64_t id = std::get<2>(*it);
      const Chunk& c = chunks_[id];
      if (c.stream == stream || c.stream == kNoStream) return id;
    }
    return 0;
  };
  uint64_t id = find();
  if (id == 0) {
    if (!Extend(rounded)) return std::nullopt;
    id = find();
    if (id == 0) return std::nullopt;
  }
  EraseFree(id);
  Chunk& c = chunks_[id];
  // SplitFreeChunkFromBin: split when the chunk is at least twice the request, or when the rest
  // would waste max_dead_bytes_per_chunk; the rest keeps the old chunk's tag.
  if (c.size >= rounded * 2 || c.size - rounded >= settings_.max_dead_bytes_per_chunk) {
    Chunk rest;
    rest.address = c.address + rounded;
    rest.size = c.size - rounded;
    rest.stream = c.stream;
    rest.region = c.region;
    rest.prev = id;
    rest.next = c.next;
    const uint64_t rest_id = NewChunk(rest);
    Chunk& taken = chunks_[id];
    if (taken.next != 0) chunks_[taken.next].prev = rest_id;
    taken.next = rest_id;
    taken.size = rounded;
    InsertFree(rest_id);
  }
  Chunk& taken = chunks_[id];
  taken.in_use = true;
  if (stream != kNoStream) taken.stream = stream;
  in_use_bytes_ += taken.size;
  taken.requested = rounded;
  requested_in_use_ += rounded;
  peak_requested_in_use_ = std::max(peak_requested_in_use_, requested_in_use_);
  return id;
}

// Merges free chunk `right` into its left neighbour `left` (both out of the free bins first).
void BfcArena::Merge(uint64_t left, uint64_t right) {
  Chunk& l = chunks_[left];
  const Chunk& r = chunks_[right];
  l.size += r.size;
  l.next = r.next;
  if (l.next != 0) chunks_[l.next].prev = left;
  chunks_[right].live = false;
}

uint64_t BfcArena::Coalesce(uint64_t id) {
  // FreeAndMaybeCoalesce: with the next chunk, then the previous, each when free and of the same tag.
  const Chunk& c = chunks_[id];
  if (c.next != 0) {
    const Chunk& n = chunks_[c.next];
    if (!n.in_use && n.stream == c.stream) {
      EraseFree(c.next);
      Merge(id, c.next);
    }
  }
  const Chunk& me = chunks_[id];
  if (me.prev != 0) {
    const Chunk& p = chunks_[me.prev];
    if (!p.in_use && p.stream == me.stream) {
      const uint64_t prev_id = me.prev;
      EraseFree(prev_id);
      Merge(prev_id, id);
      return prev_id;
    }
  }
  return id;
}

void BfcArena::Free(uint64_t handle) {
  if (handle == 0) return;
  auto reserved = reserved_.find(handle);
  if (reserved != reserved_.end()) {
    reserved_bytes_ -= reserved->second;
    reserved_.erase(reserved);
    return;
  }
  if (handle >= chunks_.size() || !chunks_[handle].live) throw std::logic_error("BfcArena::Free: no such chunk");
  Chunk& c = chunks_[handle];
  c.in_use = false;
  in_use_bytes_ -= c.size;
  requested_in_use_ -= c.requested;
  c.requested = 0;
  InsertFree(Coalesce(handle));
}

BfcArena::Placement BfcArena::Where(uint64_t handle) const {
  if (handle >= chunks_.size() || !chunks_[handle].live) return {};
  const Chunk& c = chunks_[handle];
  return {c.region, c.address - region_addresses_[c.region], c.size};
}

std::optional<uint64_t> BfcArena::Reserve(uint64_t bytes) {
  const uint64_t held = region_bytes_ + reserved_bytes_;
  if (held > settings_.device_bytes || settings_.device_bytes - held < bytes) return std::nullopt;
  const uint64_t id = next_id_++;
  reserved_[id] = bytes;
  reserved_bytes_ += bytes;
  return id;
}

void BfcArena::ReleaseStream(Stream stream) {
  std::vector<uint64_t> free_chunks;
  for (uint64_t id = 0; id < chunks_.size(); ++id) {
    Chunk& c = chunks_[id];
    if (!c.live || c.stream != stream) continue;
    c.stream = kNoStream;
    if (!c.in_use) free_chunks.push_back(id);
  }
  for (uint64_t id : free_chunks) {
    if (!chunks_[id].live) continue;  // merged into a neighbour already
    EraseFree(id);
    InsertFree(Coalesce(id));
  }
}

}  // namespace wsest
