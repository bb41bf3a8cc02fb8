// ggml tensor types as stored in GGUF files: their block layouts (exactly as ggml-common.h defines
// them) and scalar reference dequantizers to float32. Used by the GGUF reader and writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace slmq::core {

/// ggml_type codes (ggml.h). Only the ones we can decode are named; any other code read from a
/// file is kept as its number and refused when its data is requested.
enum class GgmlType : std::uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  BF16 = 30,
};

/// Block geometry of a ggml type: `block_elements` values are stored in `block_bytes` bytes.
struct GgmlTypeTraits {
  const char* name = nullptr;  ///< "F32", "Q4_K", ...; nullptr for an unknown code
  std::uint32_t block_elements = 0;
  std::uint32_t block_bytes = 0;
  bool decodable = false;  ///< dequantizeGgml() supports it
};

/// Traits of `type`; `name == nullptr` if the code is not a ggml type we know (sizes unknown).
GgmlTypeTraits ggmlTypeTraits(GgmlType type) noexcept;

/// "Q4_K", or "type 99" for an unknown code.
std::string ggmlTypeName(GgmlType type);

// Block layouts (little-endian, packed, as in ggml-common.h). QK_K = 256.
inline constexpr int kQK8_0 = 32;  ///< Q8_0: { f16 d; int8 qs[32]; }            x = d·q
inline constexpr int kQK4_0 = 32;  ///< Q4_0: { f16 d; uint8 qs[16]; }           x = d·(nibble − 8)
inline constexpr int kQK_K = 256;  ///< K-quant super-block size
inline constexpr int kBlockQ8_0Bytes = 34;
inline constexpr int kBlockQ4_0Bytes = 18;
/// Q4_K: { f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128]; }: 8 sub-blocks of 32 with 6-bit
/// scale and min; x = d·sc·q − dmin·m.
inline constexpr int kBlockQ4_KBytes = 144;
/// Q6_K: { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d; }: 16 sub-blocks of 16 with int8
/// scales; x = d·sc·(q − 32), q 6 bits split into 4 low bits (ql) and 2 high bits (qh).
inline constexpr int kBlockQ6_KBytes = 210;

/// Scalar reference dequantizers, one row of `k` values (k a multiple of the block size).
/// `src` holds k / block_elements blocks (any alignment); `dst` receives k floats.
void dequantizeRowQ8_0(const std::uint8_t* src, float* dst, std::int64_t k) noexcept;
void dequantizeRowQ4_0(const std::uint8_t* src, float* dst, std::int64_t k) noexcept;
void dequantizeRowQ4_K(const std::uint8_t* src, float* dst, std::int64_t k) noexcept;
void dequantizeRowQ6_K(const std::uint8_t* src, float* dst, std::int64_t k) noexcept;

/// Scalar reference quantizers, bit-identical to ggml's quantize_row_q8_0_ref and
/// quantize_row_q4_0_ref: Q8_0 d = absmax/127, q = round(x/d); Q4_0 d = (signed value of largest
/// magnitude)/−8, q = min(15, trunc(x/d + 8.5)). `k` a multiple of 32; `dst` receives
/// k/32 blocks.
void quantizeRowQ8_0(const float* src, std::uint8_t* dst, std::int64_t k) noexcept;
void quantizeRowQ4_0(const float* src, std::uint8_t* dst, std::int64_t k) noexcept;

/// Decodes `count` values of `type` from `src` into `dst`. `count` must be a multiple of the
/// type's block size and `src` must hold count / block_elements · block_bytes bytes (the caller
/// checks both against the file). Throws Error(Unsupported) for a type we cannot decode and
/// Error(Internal) for a count that is not a whole number of blocks.
void dequantizeGgml(GgmlType type, const void* src, std::size_t count, float* dst);

}  // namespace slmq::core
