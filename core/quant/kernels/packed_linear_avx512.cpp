// AVX-512 kernel of PackedLinear for int4 weights × float activations at small token counts
// (W4A16 decode), chosen at run time with KernelIsa::Avx512Vnni (it needs only AVX-512 F).
//
// Per row j and group g, a 16-float table holds the group's dequantized weight of every nibble
// value u:  T_jg[u] = s_jg · (u − z_jg)  (u = code + 8, z = zero + 8), the reference's
// QuantizedTensor::dequantize value bit for bit. vpermps looks weights up in it by the low 4 bits
// of each index lane, so the inner loop is, per 32 weights (one 16-byte chunk of a row): one
// vpmovzxbd of the 16 bytes to 16 int32 lanes, one vpermps (low nibbles = elements 0..15), a
// shift and a vpermps (high nibbles = elements 16..31), and two FMAs per token. No mask, no
// int->float conversion, no zero point or scale in the loop, and the products are those of the
// fake-quant reference: only the order of the sum differs. (Folding the zero point out as
// Σ u·x − z·Σ x instead loses digits to cancellation where codes sit at the zero point.)
// Tiles: 1 token × 4 rows (decode), 2..4 tokens × 4 rows; parallel over blocks of output rows.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#include <omp.h>

#include <algorithm>

#include "core/quant/kernels/packed_linear.h"
#include "core/quant/kernels/simd_common.h"

namespace slmq::core::kernels_detail {

#if defined(__x86_64__) || defined(__i386__)

namespace {

using simd::rowBlock;

// Tile of MR tokens (i0..) × NR output rows (j0..):  Ŵ [NR, kpad] · x [MR, kpad] -> y [MR, NR].
template <int MR, int NR>
SLMQ_TARGET_AVX512 void tile(const PackedView& v, const FloatActView& x, int i0, int j0, float* y) {
  __m512 acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_setzero_ps();
  const float* xr[MR];
  for (int i = 0; i < MR; ++i) xr[i] = x.x + std::size_t(i0 + i) * v.kpad;
  const std::uint8_t* wr[NR];
  for (int j = 0; j < NR; ++j) wr[j] = v.w4 + std::size_t(j0 + j) * (v.kpad / 2);
  const __m512 iota = _mm512_setr_ps(0.f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f, 9.f, 10.f, 11.f,
                                     12.f, 13.f, 14.f, 15.f);
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, end = off + v.groupPad(g);
    __m512 table[NR];  // T_jg[u] = s · (u − z), exact in (u − z), one rounding as dequantize
    for (int j = 0; j < NR; ++j)
      table[j] = _mm512_mul_ps(_mm512_set1_ps(v.scale[std::size_t(j0 + j) * v.ng + g]),
                               _mm512_sub_ps(iota, _mm512_set1_ps(float(v.zeroAt(j0 + j, g)))));
    for (int k = off; k < end; k += 32) {
      __m512 xlo[MR], xhi[MR];
      for (int i = 0; i < MR; ++i) {
        xlo[i] = _mm512_loadu_ps(xr[i] + k);
        xhi[i] = _mm512_loadu_ps(xr[i] + k + 16);
      }
      for (int j = 0; j < NR; ++j) {
        // byte b -> lane b; vpermps uses bits 0..3 (element b) resp., shifted, 4..7 (b + 16)
        const __m512i d =
            _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wr[j] + k / 2)));
        const __m512 wlo = _mm512_permutexvar_ps(d, table[j]);
        const __m512 whi = _mm512_permutexvar_ps(_mm512_srli_epi32(d, 4), table[j]);
        for (int i = 0; i < MR; ++i)
          acc[i][j] = _mm512_fmadd_ps(whi, xhi[i], _mm512_fmadd_ps(wlo, xlo[i], acc[i][j]));
      }
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      y[std::size_t(i0 + i) * v.N + j0 + j] = _mm512_reduce_add_ps(acc[i][j]);
}

// Rows jb..je for tokens i0..i0+MR: tiles of NR rows, then single rows.
template <int MR, int NR>
SLMQ_TARGET_AVX512 void rows(const PackedView& v, const FloatActView& x, int i0, int jb, int je,
                             float* y) {
  int j = jb;
  for (; j + NR <= je; j += NR) tile<MR, NR>(v, x, i0, j, y);
  for (; j < je; ++j) tile<MR, 1>(v, x, i0, j, y);
}

}  // namespace

SLMQ_TARGET_AVX512 void dequantRowW4Avx512(const PackedView& v, int r, float* dst) {
  const std::uint8_t* wr = v.w4 + std::size_t(r) * (v.kpad / 2);
  const __m512 iota = _mm512_setr_ps(0.f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f, 9.f, 10.f, 11.f,
                                     12.f, 13.f, 14.f, 15.f);
  for (int g = 0; g < v.ng; ++g) {
    const __m512 table = _mm512_mul_ps(_mm512_set1_ps(v.scale[std::size_t(r) * v.ng + g]),
                                       _mm512_sub_ps(iota, _mm512_set1_ps(float(v.zeroAt(r, g)))));
    const int len = v.groupLen(g);
    float* out = dst + std::size_t(g) * v.G;
    const std::uint8_t* src = wr + std::size_t(g) * (v.gpad / 2);
    for (int k = 0; k < len; k += 32) {
      const __m512i d =
          _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k / 2)));
      const int n = std::min(32, len - k);  // elements of this chunk inside the group
      const __mmask16 mlo = n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1);
      const __mmask16 mhi =
          n >= 32 ? __mmask16(0xFFFF) : __mmask16((1u << std::max(0, n - 16)) - 1);
      _mm512_mask_storeu_ps(out + k, mlo, _mm512_permutexvar_ps(d, table));
      _mm512_mask_storeu_ps(out + k + 16, mhi,
                            _mm512_permutexvar_ps(_mm512_srli_epi32(d, 4), table));
    }
  }
}

SLMQ_TARGET_AVX512 void gemmFloatAvx512(const PackedView& v, const FloatActView& x, float* y,
                                        int threads) {
  if (!v.int4) {
    gemmFloatAvx2(v, x, y, threads);
    return;
  }
  const int rb = rowBlock(v.N, threads);
  const int blocks = (v.N + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int jb = b * rb, je = std::min(v.N, jb + rb);
    int i = 0;
    for (; i + 4 <= x.M; i += 4) rows<4, 4>(v, x, i, jb, je, y);
    switch (x.M - i) {
      case 3:
        rows<3, 4>(v, x, i, jb, je, y);
        break;
      case 2:
        rows<2, 4>(v, x, i, jb, je, y);
        break;
      case 1:
        rows<1, 4>(v, x, i, jb, je, y);
        break;
      default:
        break;
    }
  }
}

#else  // not x86: never selected (kernelIsaSupported(Avx512Vnni) is false)

void gemmFloatAvx512(const PackedView& v, const FloatActView& x, float* y, int threads) {
  gemmFloatPortable(v, x, y, threads);
}
void dequantRowW4Avx512(const PackedView&, int, float*) {}

#endif

}  // namespace slmq::core::kernels_detail
