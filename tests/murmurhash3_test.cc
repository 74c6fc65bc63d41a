// MurmurHash3 x86_128 against published vectors: the four x86_128 cases of PeterScott/murmur3's
// test.c (printed as h1..h4 with %08x) and SMHasher's verification value for MurmurHash3_x86_128
// ("Murmur3C", 0xB3ECE62A: hash keys {}, {0}, {0,1}, ..., {0..254} with seed 256 - length, hash the
// 256 concatenated 16-byte little-endian digests with seed 0, read the first 4 bytes little-endian).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstring>
#include <set>
#include <vector>

#include "src/murmurhash3.h"

namespace wsest {
namespace {

std::string Hex(const Hash128& h) { return fmt::format("{:08x}{:08x}{:08x}{:08x}", h[0], h[1], h[2], h[3]); }

TEST(MurmurHash3, PublishedVectors) {
  EXPECT_EQ(Hex(MurmurHash3X86_128("Hello, world!", 123)), "61c9129e5a1aacd7a41621629e37c886");
  EXPECT_EQ(Hex(MurmurHash3X86_128("Hello, world!", 321)), "d5fbdcb3c26c4193045880c5a7170f0f");
  // 28 bytes: one 16-byte block and a 12-byte tail.
  EXPECT_EQ(Hex(MurmurHash3X86_128("xxxxxxxxxxxxxxxxxxxxxxxxxxxx", 123)), "5e40bab278825a164cf929d31fec6047");
  // The empty key still mixes the seed: ORT hashes omitted optional inputs (empty names) this way.
  EXPECT_EQ(Hex(MurmurHash3X86_128("", 123)), "fedc524526f3e79926f3e79926f3e799");
  EXPECT_EQ(Hex(MurmurHash3X86_128("", 0)), "00000000000000000000000000000000");
}

TEST(MurmurHash3, SmhasherVerificationValue) {
  uint8_t key[256];
  std::vector<uint8_t> digests(256 * 16);
  for (int i = 0; i < 256; ++i) {
    key[i] = static_cast<uint8_t>(i);
    const Hash128 h = MurmurHash3X86_128(key, static_cast<size_t>(i), static_cast<uint32_t>(256 - i));
    for (int w = 0; w < 4; ++w)
      for (int b = 0; b < 4; ++b) digests[i * 16 + w * 4 + b] = static_cast<uint8_t>(h[w] >> (8 * b));
  }
  const Hash128 final_hash = MurmurHash3X86_128(digests.data(), digests.size(), 0);
  EXPECT_EQ(final_hash[0], 0xB3ECE62Au);
}

TEST(MurmurHash3, EveryTailLengthDiffers) {
  // Tail handling: 0..15 trailing bytes each land in their own lane; no two prefixes collide.
  const std::string text = "abcdefghijklmnopqrstuvwxyz012345";
  std::set<std::string> seen;
  for (size_t n = 0; n <= text.size(); ++n) EXPECT_TRUE(seen.insert(Hex(MurmurHash3X86_128(text.substr(0, n), 7))).second);
}

}  // namespace
}  // namespace wsest
