#include "src/name_index.h"

#include <functional>

namespace wsest {

NameIndex::NameIndex(size_t expected) {
  size_t capacity = 16;
  while (capacity < expected * 2) capacity *= 2;
  slots_.resize(capacity);
}

uint64_t NameIndex::Hash(std::string_view name) { return std::hash<std::string_view>{}(name); }

size_t NameIndex::SlotOf(std::string_view name, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  const auto high = static_cast<uint32_t>(hash >> 32);
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.index == kAbsent || (slot.hash == high && slot.name == name)) return at;
  }
}

std::pair<uint32_t, bool> NameIndex::Add(std::string_view name) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const uint64_t hash = Hash(name);
  Slot& slot = slots_[SlotOf(name, hash)];
  if (slot.index != kAbsent) return {slot.index, false};
  slot = Slot{name, static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(size_)};
  ++size_;
  return {slot.index, true};
}

uint32_t NameIndex::Find(std::string_view name) const { return slots_[SlotOf(name, Hash(name))].index; }

void NameIndex::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& slot : old) {
    if (slot.index == kAbsent) continue;
    slots_[SlotOf(slot.name, Hash(slot.name))] = slot;
  }
}

}  // namespace wsest
