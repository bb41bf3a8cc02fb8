// Float16 / bfloat16 <-> float32 conversions (see dtype.h).
#include "core/io/dtype.h"

#include <cstring>

namespace slmq::core {

std::uint16_t f32ToBf16(float value) noexcept {
  std::uint32_t u;
  std::memcpy(&u, &value, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return std::uint16_t((u >> 16) | 0x40u);  // quiet NaN
  const std::uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
  return std::uint16_t((u + rounding) >> 16);
}

float f16ToF32(std::uint16_t h) noexcept {
  const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t u;
  if (exp == 0) {
    if (mant == 0) {
      u = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      u = sign | (std::uint32_t(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 0x1f) {
    u = sign | 0x7f800000u | (mant << 13);
  } else {
    u = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

std::uint16_t f32ToF16(float value) noexcept {
  std::uint32_t u;
  std::memcpy(&u, &value, sizeof u);
  const std::uint16_t sign = std::uint16_t((u >> 16) & 0x8000u);
  const std::uint32_t absu = u & 0x7fffffffu;
  if (absu > 0x7f800000u) return sign | 0x7e00u;   // NaN
  if (absu >= 0x477ff000u) return sign | 0x7c00u;  // overflow (rounds to inf)
  if (absu < 0x38800000u) {                        // result is subnormal or zero
    if (absu < 0x33000000u) return sign;           // below half the smallest
    const std::uint32_t e = absu >> 23;
    const std::uint32_t m = (absu & 0x7fffffu) | 0x800000u;
    const std::uint32_t shift = 126 - e;  // 14..24 for exp 102..112
    std::uint32_t r = m >> shift;
    const std::uint32_t rem = m & ((1u << shift) - 1u);
    const std::uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1u))) ++r;
    return sign | std::uint16_t(r);
  }
  // normal: rebias exponent, round mantissa to 10 bits (nearest even)
  std::uint32_t v = absu - ((127u - 15u) << 23);
  v += 0xfffu + ((v >> 13) & 1u);
  return sign | std::uint16_t(v >> 13);
}

void decodeBf16(const void* src, std::size_t count, float* dst) noexcept {
  const unsigned char* p = static_cast<const unsigned char*>(src);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t u = (std::uint32_t(p[2 * i]) | (std::uint32_t(p[2 * i + 1]) << 8)) << 16;
    std::memcpy(dst + i, &u, sizeof u);
  }
}

void decodeF16(const void* src, std::size_t count, float* dst) noexcept {
  const unsigned char* p = static_cast<const unsigned char*>(src);
  for (std::size_t i = 0; i < count; ++i)
    dst[i] = f16ToF32(std::uint16_t(p[2 * i] | (p[2 * i + 1] << 8)));
}

void decodeF32(const void* src, std::size_t count, float* dst) noexcept {
  std::memcpy(dst, src, count * sizeof(float));  // little-endian host (x86-64, aarch64)
}

}  // namespace slmq::core
