// AVX-512 VNNI kernel of PackedLinear for int8 activations (W8A8, W4A8, W4A4), chosen at run time
// where the CPU has AVX512VL + VNNI. _mm256_dpbusd_epi32 multiplies 32 unsigned bytes by 32
// signed bytes and adds each group of 4 products to an int32 lane, without the int16 saturation
// of _mm256_maddubs_epi16. The weights are the unsigned side: int4 nibbles are already unsigned
// (code + 8, zero + 8); int8 codes are flipped to code + 128. The lanes are reduced in int32
// (exact) before (128 + z)·Σ c_x resp. (z + 8)·Σ c_x is subtracted, so nothing is lost to float.
// Tiles: 4 tokens × 4 rows (prefill), 1 token × 4 rows (decode); 32 vector registers (AVX-512).
#include <immintrin.h>
#include <omp.h>

#include <algorithm>

#include "core/quant/kernels/packed_linear.h"
#include "core/quant/kernels/simd_common.h"

namespace slmq::core::kernels_detail {

#if defined(__x86_64__) || defined(__i386__)

namespace {

using simd::hsumInt;
using simd::rowBlock;

/// 32 stored codes of row r at padded element k as 32 unsigned bytes in element order (int8
/// codes + 128).
template <bool INT4>
SLMQ_TARGET_AVX512_VNNI inline __m256i loadCodes(const PackedView& v, int r, int k) {
  const std::size_t e = std::size_t(r) * v.kpad + k;
  if constexpr (INT4) {
    __m128i lo, hi;
    simd::unpackNibbles32(v.w4 + e / 2, lo, hi);
    return _mm256_set_m128i(hi, lo);
  } else {
    return _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v.w8 + e)),
                            _mm256_set1_epi8(char(0x80)));
  }
}

/// Integer subtracted per unit of Σ c_x: zero + 8 already folded for nibbles; int8 codes enter
/// as code + 128, so 128 + zero.
template <bool INT4>
inline int effectiveZero(const PackedView& v, int r, int g) {
  return INT4 ? v.zeroAt(r, g) : 128 + v.zeroAt(r, g);
}

// Tile of MR tokens × 4 rows. Per group: 32-byte steps of dpbusd into MR·4 int32 vectors, then
// an exact integer reduction (hadd tree) to 4 sums per token, the zero-point/offset correction
// z_eff·Σ c_x in int32, and one float multiply-add with the 4 rows' scales.
template <int MR, bool INT4>
SLMQ_TARGET_AVX512_VNNI void tile4(const PackedView& v, const ActView& a, int i0, int j0,
                                   float* y) {
  __m128 facc[MR];
  for (int i = 0; i < MR; ++i) facc[i] = _mm_setzero_ps();
  const std::int8_t* arow[MR];
  for (int i = 0; i < MR; ++i) arow[i] = a.a8 + std::size_t(i0 + i) * v.kpad;
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, len = v.groupPad(g);
    __m256i iacc[MR][4];
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < 4; ++j) iacc[i][j] = _mm256_setzero_si256();
    for (int k = off; k < off + len; k += 32) {
      __m256i w[4];
      for (int j = 0; j < 4; ++j) w[j] = loadCodes<INT4>(v, j0 + j, k);
      for (int i = 0; i < MR; ++i) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(arow[i] + k));
        for (int j = 0; j < 4; ++j) iacc[i][j] = _mm256_dpbusd_epi32(iacc[i][j], w[j], x);
      }
    }
    const __m128i zeff =
        _mm_setr_epi32(effectiveZero<INT4>(v, j0, g), effectiveZero<INT4>(v, j0 + 1, g),
                       effectiveZero<INT4>(v, j0 + 2, g), effectiveZero<INT4>(v, j0 + 3, g));
    const __m128 vs = _mm_setr_ps(
        v.scale[std::size_t(j0) * v.ng + g], v.scale[std::size_t(j0 + 1) * v.ng + g],
        v.scale[std::size_t(j0 + 2) * v.ng + g], v.scale[std::size_t(j0 + 3) * v.ng + g]);
    for (int i = 0; i < MR; ++i) {
      // [A0123 B0123 C0123 D0123 | A4567 B4567 C4567 D4567] -> [A B C D]
      const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(iacc[i][0], iacc[i][1]),
                                          _mm256_hadd_epi32(iacc[i][2], iacc[i][3]));
      __m128i d = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
      d = _mm_sub_epi32(
          d, _mm_mullo_epi32(zeff, _mm_set1_epi32(a.sumA[std::size_t(i0 + i) * v.ng + g])));
      facc[i] = _mm_fmadd_ps(_mm_cvtepi32_ps(d), vs, facc[i]);
    }
  }
  for (int i = 0; i < MR; ++i)
    _mm_storeu_ps(y + std::size_t(i0 + i) * v.N + j0,
                  _mm_mul_ps(facc[i], _mm_set1_ps(a.sx[i0 + i])));
}

// One token × one row (tails).
template <bool INT4>
SLMQ_TARGET_AVX512_VNNI void tile1(const PackedView& v, const ActView& a, int i, int j, float* y) {
  const std::int8_t* arow = a.a8 + std::size_t(i) * v.kpad;
  float acc = 0.f;
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, len = v.groupPad(g);
    __m256i iacc = _mm256_setzero_si256();
    for (int k = off; k < off + len; k += 32)
      iacc = _mm256_dpbusd_epi32(iacc, loadCodes<INT4>(v, j, k),
                                 _mm256_loadu_si256(reinterpret_cast<const __m256i*>(arow + k)));
    const int dot =
        hsumInt(iacc) - effectiveZero<INT4>(v, j, g) * a.sumA[std::size_t(i) * v.ng + g];
    acc += v.scale[std::size_t(j) * v.ng + g] * float(dot);
  }
  y[std::size_t(i) * v.N + j] = a.sx[i] * acc;
}

template <bool INT4>
SLMQ_TARGET_AVX512_VNNI void gemm(const PackedView& v, const ActView& a, float* y, int threads) {
  const int rb = rowBlock(v.N, threads);
  const int blocks = (v.N + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int jb = b * rb, je = std::min(v.N, jb + rb);
    int i = 0;
    for (; i + 4 <= a.M; i += 4) {
      int j = jb;
      for (; j + 4 <= je; j += 4) tile4<4, INT4>(v, a, i, j, y);
      for (; j < je; ++j)
        for (int t = 0; t < 4; ++t) tile1<INT4>(v, a, i + t, j, y);
    }
    for (; i < a.M; ++i) {
      int j = jb;
      for (; j + 4 <= je; j += 4) tile4<1, INT4>(v, a, i, j, y);
      for (; j < je; ++j) tile1<INT4>(v, a, i, j, y);
    }
  }
}

}  // namespace

void gemmIntVnni(const PackedView& v, const ActView& a, float* y, int threads) {
  if (v.int4)
    gemm<true>(v, a, y, threads);
  else
    gemm<false>(v, a, y, threads);
}

#else

void gemmIntVnni(const PackedView& v, const ActView& a, float* y, int threads) {
  gemmIntPortable(v, a, y, threads);
}

#endif

}  // namespace slmq::core::kernels_detail
