// Scalar conversions between float32 and the 16-bit float formats found in checkpoints
// (IEEE half "F16" and bfloat16 "BF16"), plus bulk decoders used by the safetensors and GGUF
// readers. Bit-exact with PyTorch's conversions (round to nearest even on the way down).
#pragma once

#include <cstddef>
#include <cstdint>

namespace slmq::core {

/// bfloat16 bits -> float32 (exact).
inline float bf16ToF32(std::uint16_t bits) noexcept {
  std::uint32_t u = std::uint32_t(bits) << 16;
  float f;
  __builtin_memcpy(&f, &u, sizeof f);
  return f;
}

/// float32 -> bfloat16 bits, round to nearest even; NaN stays NaN (quiet).
std::uint16_t f32ToBf16(float value) noexcept;

/// IEEE binary16 bits -> float32 (exact, including subnormals, infinities and NaN).
float f16ToF32(std::uint16_t bits) noexcept;

/// float32 -> IEEE binary16 bits, round to nearest even; overflow -> ±inf; NaN stays NaN.
std::uint16_t f32ToF16(float value) noexcept;

/// Decodes `count` little-endian bfloat16 values from `src` (any alignment) into `dst`.
void decodeBf16(const void* src, std::size_t count, float* dst) noexcept;
/// Decodes `count` little-endian binary16 values from `src` (any alignment) into `dst`.
void decodeF16(const void* src, std::size_t count, float* dst) noexcept;
/// Copies `count` little-endian float32 values from `src` (any alignment) into `dst`.
void decodeF32(const void* src, std::size_t count, float* dst) noexcept;

}  // namespace slmq::core
