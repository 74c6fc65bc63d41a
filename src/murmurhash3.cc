// MurmurHash3 x86_128, from the algorithm's public description (SMHasher, MurmurHash3.cpp):
// four 32-bit lanes seeded with `seed`, 16-byte blocks mixed lane by lane, the 0-15 tail bytes
// mixed into the lanes they fall in, then the length xor, the cross-lane sums and fmix32.
// Checked against published vectors in tests/murmurhash3_test.cc.
#include "src/murmurhash3.h"

namespace wsest {
namespace {

constexpr uint32_t kC1 = 0x239b961b;
constexpr uint32_t kC2 = 0xab0e9789;
constexpr uint32_t kC3 = 0x38b34ae5;
constexpr uint32_t kC4 = 0xa1e38b93;

constexpr uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// Final avalanche of one 32-bit lane.
constexpr uint32_t Fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// Little-endian 32-bit word at p, whatever the host's byte order (ORT's getblock32 does the same).
uint32_t LoadLe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

// Lane k's input word is multiplied, rotated and multiplied again with lane-specific constants.
constexpr uint32_t MixK1(uint32_t k) { return Rotl(k * kC1, 15) * kC2; }
constexpr uint32_t MixK2(uint32_t k) { return Rotl(k * kC2, 16) * kC3; }
constexpr uint32_t MixK3(uint32_t k) { return Rotl(k * kC3, 17) * kC4; }
constexpr uint32_t MixK4(uint32_t k) { return Rotl(k * kC4, 18) * kC1; }

}  // namespace

Hash128 MurmurHash3X86_128(const void* data, size_t len, uint32_t seed) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  uint32_t h1 = seed, h2 = seed, h3 = seed, h4 = seed;

  const size_t blocks = len / 16;
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* p = bytes + b * 16;
    h1 ^= MixK1(LoadLe32(p));
    h1 = (Rotl(h1, 19) + h2) * 5 + 0x561ccd1bu;
    h2 ^= MixK2(LoadLe32(p + 4));
    h2 = (Rotl(h2, 17) + h3) * 5 + 0x0bcaa747u;
    h3 ^= MixK3(LoadLe32(p + 8));
    h3 = (Rotl(h3, 15) + h4) * 5 + 0x96cd1c35u;
    h4 ^= MixK4(LoadLe32(p + 12));
    h4 = (Rotl(h4, 13) + h1) * 5 + 0x32ac3b17u;
  }

  // Tail: byte i of the remaining 1-15 goes to lane i / 4 at bit 8 * (i % 4); each lane that got
  // a byte is mixed once, without the h-update of the body.
  const uint8_t* tail = bytes + blocks * 16;
  const size_t rest = len & 15;
  uint32_t k[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < rest; ++i) k[i / 4] |= static_cast<uint32_t>(tail[i]) << (8 * (i % 4));
  if (rest > 12) h4 ^= MixK4(k[3]);
  if (rest > 8) h3 ^= MixK3(k[2]);
  if (rest > 4) h2 ^= MixK2(k[1]);
  if (rest > 0) h1 ^= MixK1(k[0]);

  // The reference takes the length as an int: only its low 32 bits enter the hash.
  const auto len32 = static_cast<uint32_t>(len);
  h1 ^= len32;
  h2 ^= len32;
  h3 ^= len32;
  h4 ^= len32;
  h1 += h2 + h3 + h4;
  h2 += h1;
  h3 += h1;
  h4 += h1;
  h1 = Fmix32(h1);
  h2 = Fmix32(h2);
  h3 = Fmix32(h3);
  h4 = Fmix32(h4);
  h1 += h2 + h3 + h4;
  h2 += h1;
  h3 += h1;
  h4 += h1;
  return {h1, h2, h3, h4};
}

}  // namespace wsest
