// MurmurHash3 x86_128 (Austin Appleby's public-domain hash, as described in SMHasher's
// MurmurHash3.cpp), written for wsest: ONNX Runtime names the nodes of its per-node stats file with
// it (IResourceAccountant::MakeUniqueNodeName, onnxruntime/core/framework/resource_accountant.cc),
// and ORT's copy (onnxruntime/core/framework/murmurhash3.cc) is the reference algorithm reading
// the input as little-endian 32-bit blocks on every host.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wsest {

// The four 32-bit words h1..h4 of the 128-bit result, in the order the reference writes them.
using Hash128 = std::array<uint32_t, 4>;

Hash128 MurmurHash3X86_128(const void* data, size_t len, uint32_t seed);
inline Hash128 MurmurHash3X86_128(std::string_view s, uint32_t seed) {
  return MurmurHash3X86_128(s.data(), s.size(), seed);
}

}  // namespace wsest
