// AVX-512 VNNI kernel of PackedLinear for int8 activations (W8A8, W4A8, W4A4), chosen at run time
// where the CPU has AVX512VL + VNNI. _mm256_dpbusd_epi32 multiplies 32 unsigned bytes by 32
// signed bytes and adds each group of 4 products to an int32 lane, without the int16 saturation
// of _mm256_maddubs_epi16. The weights are the unsigned side: int4 nibbles are already unsigned
// (code + 8, zero + 8); int8 codes are flipped to code + 128 and 128·Σ c_x is removed lane by lane
// (ActView::laneSum128), so every lane holds an exact partial Σ c_x·c_w without large offsets.
// Tiles: 4 tokens × 4 rows (prefill), 1 token × 4 rows (decode); 32 vector registers.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>

#include "core/quant/kernels/packed_linear.h"

namespace slmq::core::kernels_detail {

#if defined(__x86_64__) || defined(__i386__)

namespace {

#define SLMQ_VNNI __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bw,avx512vnni")))

SLMQ_VNNI inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/// 32 stored codes of row r at padded element k as 32 unsigned bytes in element order (int8
/// codes + 128).
template <bool INT4>
SLMQ_VNNI inline __m256i loadCodes(const PackedView& v, int r, int k) {
  const std::size_t e = std::size_t(r) * v.kpad + k;
  if constexpr (INT4) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.w4 + e / 2));
    const __m128i mask = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(bytes, 4), mask),
                            _mm_and_si128(bytes, mask));
  } else {
    return _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v.w8 + e)),
                            _mm256_set1_epi8(char(0x80)));
  }
}

template <int MR, int NR, bool INT4>
SLMQ_VNNI void tile(const PackedView& v, const ActView& a, int i0, int j0, float* y) {
  __m256 facc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) facc[i][j] = _mm256_setzero_ps();
  const std::int8_t* arow[MR];
  for (int i = 0; i < MR; ++i) arow[i] = a.a8 + std::size_t(i0 + i) * v.kpad;
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, len = v.groupPad(g);
    __m256i iacc[MR][NR];
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) iacc[i][j] = _mm256_setzero_si256();
    for (int k = off; k < off + len; k += 32) {
      __m256i w[NR];
      for (int j = 0; j < NR; ++j) w[j] = loadCodes<INT4>(v, j0 + j, k);
      for (int i = 0; i < MR; ++i) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(arow[i] + k));
        for (int j = 0; j < NR; ++j) iacc[i][j] = _mm256_dpbusd_epi32(iacc[i][j], w[j], x);
      }
    }
    for (int j = 0; j < NR; ++j) {
      const std::size_t jg = std::size_t(j0 + j) * v.ng + g;
      const __m256 vs = _mm256_set1_ps(v.scale[jg]);
      const int z = v.zeroAt(j0 + j, g);
      for (int i = 0; i < MR; ++i) {
        __m256i dot = iacc[i][j];
        if constexpr (!INT4)
          dot = _mm256_sub_epi32(dot, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                                          a.laneSum128 + (std::size_t(i0 + i) * v.ng + g) * 8)));
        if (a.sumA)
          dot = _mm256_sub_epi32(dot, _mm256_setr_epi32(z * a.sumA[std::size_t(i0 + i) * v.ng + g],
                                                        0, 0, 0, 0, 0, 0, 0));
        facc[i][j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), vs, facc[i][j]);
      }
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      y[std::size_t(i0 + i) * v.N + j0 + j] = a.sx[i0 + i] * hsum(facc[i][j]);
}

int rowBlock(int N, int threads) {
  int rb = (N + 4 * threads - 1) / (4 * threads);
  rb = (rb + 3) / 4 * 4;
  return std::clamp(rb, 4, 64);
}

template <bool INT4>
SLMQ_VNNI void gemm(const PackedView& v, const ActView& a, float* y, int threads) {
  const int rb = rowBlock(v.N, threads);
  const int blocks = (v.N + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int jb = b * rb, je = std::min(v.N, jb + rb);
    int i = 0;
    for (; i + 4 <= a.M; i += 4) {
      int j = jb;
      for (; j + 4 <= je; j += 4) tile<4, 4, INT4>(v, a, i, j, y);
      for (; j < je; ++j) tile<4, 1, INT4>(v, a, i, j, y);
    }
    for (; i < a.M; ++i) {
      int j = jb;
      for (; j + 4 <= je; j += 4) tile<1, 4, INT4>(v, a, i, j, y);
      for (; j < je; ++j) tile<1, 1, INT4>(v, a, i, j, y);
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
