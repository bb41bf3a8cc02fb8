// Internal helpers shared by the x86 kernels of PackedLinear (packed_linear_avx2.cpp and
// packed_linear_vnni.cpp): the target attributes of the run-time dispatched kernels, horizontal
// sums, the int4 nibble unpacking and the row blocking of the parallel loops. Not a public API:
// include it only from kernel sources.
//
// The helpers carry the AVX2+FMA target. GCC and Clang inline a function into a caller whose
// target is a superset, so the AVX-512 VNNI kernels use them as well; nothing here is compiled
// for more than AVX2, so they add nothing beyond AVX2 to the AVX2 kernels.
#pragma once

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

/// AVX2 + FMA (Haswell and later): the AVX2 kernels and every helper below.
#define SLMQ_TARGET_AVX2 __attribute__((target("avx2,fma")))
/// AVX-512 F on 512-bit vectors (implied by KernelIsa::Avx512Vnni): the float-activation int4
/// kernel of packed_linear_avx512.cpp.
#define SLMQ_TARGET_AVX512 __attribute__((target("avx2,fma,avx512f")))
/// AVX-512 VL/BW + VNNI on 256-bit vectors (Ice Lake, Zen 4 and later): the VNNI kernels.
#define SLMQ_TARGET_AVX512_VNNI \
  __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bw,avx512vnni")))

namespace slmq::core::kernels_detail::simd {

/// Sum of the 8 float lanes of `v`.
SLMQ_TARGET_AVX2 inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/// Sum of the 8 int32 lanes of `v` (exact, wrapping like int32 addition).
SLMQ_TARGET_AVX2 inline std::int32_t hsumInt(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

/// One int4 chunk of 32 elements (16 bytes at `p`: byte b holds element b in its low nibble and
/// element b + 16 in its high nibble, see PackedView) as one unsigned code per byte:
/// `lo` = elements 0..15, `hi` = elements 16..31.
SLMQ_TARGET_AVX2 inline void unpackNibbles32(const std::uint8_t* p, __m128i& lo, __m128i& hi) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i mask = _mm_set1_epi8(0x0F);
  lo = _mm_and_si128(bytes, mask);
  hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
}

/// Output rows per parallel block: enough blocks to balance `threads`, a multiple of 4 in
/// [4, 64] (the kernels' widest tile is 4 rows).
inline int rowBlock(int N, int threads) {
  int rb = (N + 4 * threads - 1) / (4 * threads);
  rb = (rb + 3) / 4 * 4;
  return std::clamp(rb, 4, 64);
}

}  // namespace slmq::core::kernels_detail::simd

#endif
