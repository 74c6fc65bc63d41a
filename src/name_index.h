// Names to dense indices, for the passes that look up every tensor name of a graph. A 100k-node
// graph has 200k names and 300k uses; std::unordered_map spent about 10% of such a run walking its
// node chains (four cache misses a lookup: bucket, previous node, node, key; perf on bench/'s 100k
// transformer). Here a lookup probes one flat array whose slot holds the name's view and hash, and
// reads the name's bytes once on a hash match.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace wsest {

class NameIndex {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  // Room for `expected` names before the first rehash.
  explicit NameIndex(size_t expected = 0);

  // The index of `name`, which is added as the next index (size() before the call) when absent;
  // second: whether it was added. The name's bytes must outlive the index.
  std::pair<uint32_t, bool> Add(std::string_view name);
  // The index of `name`, or kAbsent.
  uint32_t Find(std::string_view name) const;
  // Asks the processor for the slot `name` hashes to, ahead of an Add or Find of it: a pass that
  // knows its next names hides the cache miss a lookup in a large index costs.
  void Prefetch(std::string_view name) const { __builtin_prefetch(&slots_[Hash(name) & (slots_.size() - 1)]); }
  size_t size() const { return size_; }

 private:
  struct Slot {
    std::string_view name;
    uint32_t hash = 0;  // the high half of the name's 64-bit hash; the low bits pick the slot
    uint32_t index = kAbsent;
  };
  static uint64_t Hash(std::string_view name);
  // The slot holding `name`, or the empty slot where it would go.
  size_t SlotOf(std::string_view name, uint64_t hash) const;
  void Grow();

  std::vector<Slot> slots_;  // a power of two, at most half full (linear probing)
  size_t size_ = 0;
};

}  // namespace wsest
