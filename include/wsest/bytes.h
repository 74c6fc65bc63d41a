// Checked byte arithmetic: every byte count in an estimator is a Bytes, so a product of dims that
// overflows 64 bits is caught and reported with the node, never wrapped into a small wrong number.
#pragma once

#include <cstdint>

namespace wsest {

class Bytes {
 public:
  constexpr Bytes() = default;
  constexpr explicit Bytes(uint64_t value) : value_(value) {}
  // Dims arrive as int64_t (ONNX's type); a negative one is as invalid as an overflow.
  static constexpr Bytes FromDim(int64_t dim) { return dim < 0 ? Overflowed() : Bytes(static_cast<uint64_t>(dim)); }
  static constexpr Bytes Overflowed() {
    Bytes b;
    b.overflow_ = true;
    return b;
  }

  constexpr bool overflow() const { return overflow_; }
  constexpr uint64_t value() const { return value_; }

  friend constexpr Bytes operator*(Bytes a, Bytes b) {
    uint64_t r = 0;
    if (a.overflow_ || b.overflow_ || __builtin_mul_overflow(a.value_, b.value_, &r)) return Overflowed();
    return Bytes(r);
  }
  friend constexpr Bytes operator+(Bytes a, Bytes b) {
    uint64_t r = 0;
    if (a.overflow_ || b.overflow_ || __builtin_add_overflow(a.value_, b.value_, &r)) return Overflowed();
    return Bytes(r);
  }
  friend constexpr Bytes operator*(Bytes a, int64_t dim) { return a * FromDim(dim); }
  friend constexpr Bytes operator*(int64_t dim, Bytes a) { return FromDim(dim) * a; }
  friend constexpr Bytes operator+(Bytes a, int64_t n) { return a + FromDim(n); }
  Bytes& operator*=(Bytes b) { return *this = *this * b; }
  Bytes& operator+=(Bytes b) { return *this = *this + b; }
  friend constexpr bool operator==(Bytes a, Bytes b) { return a.overflow_ == b.overflow_ && a.value_ == b.value_; }

 private:
  uint64_t value_ = 0;
  bool overflow_ = false;
};

// Rounds up to a multiple of `alignment` (a power of two or not), as ORT's AlignTo-style helpers do.
constexpr Bytes AlignUp(Bytes b, uint64_t alignment) {
  if (b.overflow() || alignment == 0) return b;
  const uint64_t rem = b.value() % alignment;
  return rem == 0 ? b : b + Bytes(alignment - rem);
}

// ceil(a / b) over dims, for block counts.
// (a - 1) / b + 1 for positive a: a + b - 1 would overflow for a dim near 2^63.
constexpr int64_t CeilDiv(int64_t a, int64_t b) {
  return b == 0 ? 0 : (a > 0 && b > 0 ? (a - 1) / b + 1 : (a + b - 1) / b);
}

}  // namespace wsest
