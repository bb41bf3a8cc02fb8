// AVX2 kernels of PackedLinear (compiled for AVX2+FMA with function attributes, chosen at run
// time).
//
// Integer path (A8): codes widened to int16 and multiplied with _mm256_madd_epi16 (16 products
// summed pairwise into 8 int32 lanes per instruction), int32 accumulation over a group, then
// converted to float and scaled per group. Unlike the sign trick of ggml's q8_0 dot product
// (_mm256_maddubs_epi16 on |w| and sign(a, w)), int16 products are exact for every int8 code
// including −128, which clipped activations (clip ratio < 1) do produce; at the same instruction
// count per product once the activations are stored as int16.
// Tiles: 4 tokens × 2 output rows (prefill) or 1 token × 4 rows (decode), parallel over blocks
// of output rows.
// Float path (A16, fewer than PackedLinear::kFloatGemmMinTokens tokens): int4 weights by tileW4
// (int->float per nibble, the zero point subtracted exactly, the scale once per group), int8
// weights dequantized per element (tileFloat). dequantRowW4 feeds the dequantize + GEMM path.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/quant/kernels/packed_linear.h"
#include "core/quant/kernels/simd_common.h"

namespace slmq::core::kernels_detail {

#if defined(__x86_64__) || defined(__i386__)

namespace {

using simd::hsum;
using simd::hsumInt;
using simd::rowBlock;

/// 32 weights of row `r` starting at padded element `k` as two int16 vectors (elements k..k+15,
/// k+16..k+31).
template <bool INT4>
SLMQ_TARGET_AVX2 inline void loadWeights32(const PackedView& v, int r, int k, __m256i& lo,
                                           __m256i& hi) {
  const std::size_t e = std::size_t(r) * v.kpad + k;
  if constexpr (INT4) {
    __m128i clo, chi;
    simd::unpackNibbles32(v.w4 + e / 2, clo, chi);
    lo = _mm256_cvtepu8_epi16(clo);
    hi = _mm256_cvtepu8_epi16(chi);
  } else {
    lo = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v.w8 + e)));
    hi = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v.w8 + e + 16)));
  }
}

// Tile of MR tokens (i0..) × NR output rows (j0..): y = sx · Σ_g s·(Σ c_w c_x − z·Σ c_x), the
// bracket in int32 (z·Σ c_x is subtracted from lane 0 before the conversion to float).
template <int MR, int NR, bool INT4>
SLMQ_TARGET_AVX2 void tileInt(const PackedView& v, const ActView& a, int i0, int j0, float* y) {
  __m256 facc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) facc[i][j] = _mm256_setzero_ps();
  const std::int16_t* arow[MR];
  for (int i = 0; i < MR; ++i) arow[i] = a.a + std::size_t(i0 + i) * v.kpad;
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, len = v.groupPad(g);
    __m256i iacc[MR][NR];
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) iacc[i][j] = _mm256_setzero_si256();
    for (int k = off; k < off + len; k += 32) {
      __m256i wlo[NR], whi[NR];
      for (int j = 0; j < NR; ++j) loadWeights32<INT4>(v, j0 + j, k, wlo[j], whi[j]);
      for (int i = 0; i < MR; ++i) {
        const __m256i alo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(arow[i] + k));
        const __m256i ahi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(arow[i] + k + 16));
        for (int j = 0; j < NR; ++j)
          iacc[i][j] = _mm256_add_epi32(
              iacc[i][j],
              _mm256_add_epi32(_mm256_madd_epi16(alo, wlo[j]), _mm256_madd_epi16(ahi, whi[j])));
      }
    }
    for (int j = 0; j < NR; ++j) {
      const __m256 vs = _mm256_set1_ps(v.scale[std::size_t(j0 + j) * v.ng + g]);
      if (a.sumA) {
        const int z = v.zeroAt(j0 + j, g);
        for (int i = 0; i < MR; ++i)
          iacc[i][j] = _mm256_sub_epi32(
              iacc[i][j],
              _mm256_setr_epi32(z * a.sumA[std::size_t(i0 + i) * v.ng + g], 0, 0, 0, 0, 0, 0, 0));
      }
      for (int i = 0; i < MR; ++i)
        facc[i][j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(iacc[i][j]), vs, facc[i][j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      y[std::size_t(i0 + i) * v.N + j0 + j] = a.sx[i0 + i] * hsum(facc[i][j]);
}

/// 32 dequantized int8 weights of row r at padded element k: four float vectors.
SLMQ_TARGET_AVX2 inline void dequant32(const PackedView& v, int r, int k, __m256 vs, __m256 vz,
                                       __m256 w[4]) {
  __m256i lo, hi;
  loadWeights32<false>(v, r, k, lo, hi);
  const __m256i q[4] = {_mm256_cvtepi16_epi32(_mm256_castsi256_si128(lo)),
                        _mm256_cvtepi16_epi32(_mm256_extracti128_si256(lo, 1)),
                        _mm256_cvtepi16_epi32(_mm256_castsi256_si128(hi)),
                        _mm256_cvtepi16_epi32(_mm256_extracti128_si256(hi, 1))};
  // s · (code − z), the same two roundings as QuantizedTensor::dequantize.
  for (int t = 0; t < 4; ++t) w[t] = _mm256_mul_ps(vs, _mm256_sub_ps(_mm256_cvtepi32_ps(q[t]), vz));
}

// Tile of MR tokens × 1 row of int8 weights with float activations.
template <int MR>
SLMQ_TARGET_AVX2 void tileFloat(const PackedView& v, const FloatActView& x, int i0, int j,
                                float* y) {
  __m256 acc[MR];
  for (int i = 0; i < MR; ++i) acc[i] = _mm256_setzero_ps();
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, len = v.groupPad(g);
    const __m256 vs = _mm256_set1_ps(v.scale[std::size_t(j) * v.ng + g]);
    const __m256 vz = _mm256_set1_ps(float(v.zeroAt(j, g)));
    for (int k = off; k < off + len; k += 32) {
      __m256 w[4];
      dequant32(v, j, k, vs, vz, w);
      for (int i = 0; i < MR; ++i) {
        const float* xi = x.x + std::size_t(i0 + i) * v.kpad + k;
        for (int t = 0; t < 4; ++t)
          acc[i] = _mm256_fmadd_ps(w[t], _mm256_loadu_ps(xi + 8 * t), acc[i]);
      }
    }
  }
  for (int i = 0; i < MR; ++i) y[std::size_t(i0 + i) * v.N + j] = hsum(acc[i]);
}

// Tile of MR tokens × NR rows of int4 weights with float activations:
//   y_ij = Σ_g s_jg · Σ_{k∈g} (u_jk − z_jg)·x_ik
// with u the stored nibble (code + 8) and z the stored zero (zero + 8); u − z is exact in float.
// Per 32 weights of a row: two 8-byte loads widened to int32 lanes (vpmovzxbd), low nibbles by a
// mask and high nibbles by a shift (byte b holds elements b and b + 16), four int->float
// conversions, four subtractions of z and four FMAs per token into a group accumulator; s_jg
// multiplies the group's accumulator once. (The zero point is not folded out as Σ u·x − z·Σ x:
// that loses digits to cancellation where codes sit at the zero point.)
template <int MR, int NR>
SLMQ_TARGET_AVX2 void tileW4(const PackedView& v, const FloatActView& x, int i0, int j0, float* y) {
  __m256 facc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) facc[i][j] = _mm256_setzero_ps();
  const float* xr[MR];
  for (int i = 0; i < MR; ++i) xr[i] = x.x + std::size_t(i0 + i) * v.kpad;
  const std::uint8_t* wr[NR];
  for (int j = 0; j < NR; ++j) wr[j] = v.w4 + std::size_t(j0 + j) * (v.kpad / 2);
  const __m256i mask = _mm256_set1_epi32(0x0F);
  for (int g = 0; g < v.ng; ++g) {
    const int off = g * v.gpad, end = off + v.groupPad(g);
    __m256 gacc[MR][NR], vz[NR];
    for (int j = 0; j < NR; ++j) {
      vz[j] = _mm256_set1_ps(float(v.zeroAt(j0 + j, g)));
      for (int i = 0; i < MR; ++i) gacc[i][j] = _mm256_setzero_ps();
    }
    for (int k = off; k < end; k += 32) {
      for (int j = 0; j < NR; ++j) {
        // bytes 0..7 -> elements 0..7 (low) and 16..23 (high); bytes 8..15 -> 8..15, 24..31
        const __m256i d0 =
            _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(wr[j] + k / 2)));
        const __m256i d1 = _mm256_cvtepu8_epi32(
            _mm_loadl_epi64(reinterpret_cast<const __m128i*>(wr[j] + k / 2 + 8)));
        const __m256 w0 = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_and_si256(d0, mask)), vz[j]);
        const __m256 w1 = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_and_si256(d1, mask)), vz[j]);
        const __m256 w2 = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(d0, 4)), vz[j]);
        const __m256 w3 = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(d1, 4)), vz[j]);
        for (int i = 0; i < MR; ++i) {
          const float* xk = xr[i] + k;
          __m256 a = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xk), gacc[i][j]);
          a = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xk + 8), a);
          a = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xk + 16), a);
          gacc[i][j] = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xk + 24), a);
        }
      }
    }
    for (int j = 0; j < NR; ++j) {
      const __m256 vs = _mm256_set1_ps(v.scale[std::size_t(j0 + j) * v.ng + g]);
      for (int i = 0; i < MR; ++i) facc[i][j] = _mm256_fmadd_ps(gacc[i][j], vs, facc[i][j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) y[std::size_t(i0 + i) * v.N + j0 + j] = hsum(facc[i][j]);
}

// Rows jb..je for tokens i0..i0+MR: tiles of NR rows, then single rows.
template <int MR, int NR>
SLMQ_TARGET_AVX2 void rowsW4(const PackedView& v, const FloatActView& x, int i0, int jb, int je,
                             float* y) {
  int j = jb;
  for (; j + NR <= je; j += NR) tileW4<MR, NR>(v, x, i0, j, y);
  for (; j < je; ++j) tileW4<MR, 1>(v, x, i0, j, y);
}

SLMQ_TARGET_AVX2 void gemmFloatW4(const PackedView& v, const FloatActView& x, float* y,
                                  int threads) {
  const int rb = rowBlock(v.N, threads);
  const int blocks = (v.N + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int jb = b * rb, je = std::min(v.N, jb + rb);
    int i = 0;
    for (; i + 4 <= x.M; i += 4) rowsW4<4, 1>(v, x, i, jb, je, y);
    switch (x.M - i) {
      case 3:
        rowsW4<3, 1>(v, x, i, jb, je, y);
        break;
      case 2:
        rowsW4<2, 2>(v, x, i, jb, je, y);
        break;
      case 1:
        rowsW4<1, 4>(v, x, i, jb, je, y);
        break;
      default:
        break;
    }
  }
}

// Ŵ row r (int4) into dst[K]: s · (u − z) per element, as QuantizedTensor::dequantize.
SLMQ_TARGET_AVX2 void dequantRowW4(const PackedView& v, int r, float* dst) {
  const std::uint8_t* wr = v.w4 + std::size_t(r) * (v.kpad / 2);
  const __m256i mask = _mm256_set1_epi32(0x0F);
  for (int g = 0; g < v.ng; ++g) {
    const __m256 vs = _mm256_set1_ps(v.scale[std::size_t(r) * v.ng + g]);
    const __m256 vz = _mm256_set1_ps(float(v.zeroAt(r, g)));
    const int len = v.groupLen(g);
    float* out = dst + std::size_t(g) * v.G;
    const std::uint8_t* src = wr + std::size_t(g) * (v.gpad / 2);
    for (int k = 0; k < len; k += 32) {
      const __m256i d0 =
          _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + k / 2)));
      const __m256i d1 =
          _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + k / 2 + 8)));
      const __m256i q[4] = {_mm256_and_si256(d0, mask), _mm256_and_si256(d1, mask),
                            _mm256_srli_epi32(d0, 4), _mm256_srli_epi32(d1, 4)};
      alignas(32) float buf[32];
      float* chunk = len - k >= 32 ? out + k : buf;  // a group's last chunk may be partial
      for (int t = 0; t < 4; ++t)
        _mm256_storeu_ps(chunk + 8 * t,
                         _mm256_mul_ps(vs, _mm256_sub_ps(_mm256_cvtepi32_ps(q[t]), vz)));
      if (chunk == buf) std::copy_n(buf, len - k, out + k);
    }
  }
}

template <bool INT4>
SLMQ_TARGET_AVX2 void gemmInt(const PackedView& v, const ActView& a, float* y, int threads) {
  const int rb = rowBlock(v.N, threads);
  const int blocks = (v.N + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int jb = b * rb, je = std::min(v.N, jb + rb);
    int i = 0;
    for (; i + 4 <= a.M; i += 4) {
      int j = jb;
      for (; j + 2 <= je; j += 2) tileInt<4, 2, INT4>(v, a, i, j, y);
      for (; j < je; ++j) tileInt<4, 1, INT4>(v, a, i, j, y);
    }
    for (; i < a.M; ++i) {
      int j = jb;
      for (; j + 4 <= je; j += 4) tileInt<1, 4, INT4>(v, a, i, j, y);
      for (; j < je; ++j) tileInt<1, 1, INT4>(v, a, i, j, y);
    }
  }
}

SLMQ_TARGET_AVX2 void gemmFloat8(const PackedView& v, const FloatActView& x, float* y,
                                 int threads) {
  const int rb = rowBlock(v.N, threads);
  const int blocks = (v.N + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int jb = b * rb, je = std::min(v.N, jb + rb);
    for (int j = jb; j < je; ++j) {
      int i = 0;
      for (; i + 4 <= x.M; i += 4) tileFloat<4>(v, x, i, j, y);
      for (; i < x.M; ++i) tileFloat<1>(v, x, i, j, y);
    }
  }
}

// The body of quantSpanAvx2. A template first declared here, with the target attribute: GCC does
// not apply a target attribute added on the definition of a template already declared without it
// (packed_linear.h), which broke the build without -march=native.
template <class T>
SLMQ_TARGET_AVX2 std::int32_t quantSpan(const float* x, int n, float s, float qmin, float qmax,
                                        T* out) {
  const __m256 vs = _mm256_set1_ps(s), lo = _mm256_set1_ps(qmin - 1.f),
               hi = _mm256_set1_ps(qmax + 1.f), vmin = _mm256_set1_ps(qmin),
               vmax = _mm256_set1_ps(qmax);
  __m256i vsum = _mm256_setzero_si256();
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    __m256 t = _mm256_div_ps(_mm256_loadu_ps(x + k), vs);
    t = _mm256_min_ps(_mm256_max_ps(t, lo), hi);
    t = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);  // half to even
    t = _mm256_min_ps(_mm256_max_ps(t, vmin), vmax);
    const __m256i c = _mm256_cvtps_epi32(t);
    vsum = _mm256_add_epi32(vsum, c);
    const __m128i c16 = _mm_packs_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
    if constexpr (sizeof(T) == 2) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), c16);
    } else {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + k), _mm_packs_epi16(c16, c16));
    }
  }
  std::int32_t sum = hsumInt(vsum);
  for (; k < n; ++k) {  // same arithmetic, scalar
    float t = std::min(std::max(x[k] / s, qmin - 1.f), qmax + 1.f);
    t = std::min(std::max(std::nearbyint(t), qmin), qmax);
    out[k] = T(int(t));
    sum += int(t);
  }
  return sum;
}

}  // namespace

SLMQ_TARGET_AVX2 void rangeAvx2(const float* x, int n, float& mn, float& mx) {
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m256 v = _mm256_loadu_ps(x + k);
    lo = _mm256_min_ps(lo, v);
    hi = _mm256_max_ps(hi, v);
  }
  alignas(32) float l[8], h[8];
  _mm256_store_ps(l, lo);
  _mm256_store_ps(h, hi);
  mn = 0.f;
  mx = 0.f;
  for (int t = 0; t < 8; ++t) {
    mn = std::min(mn, l[t]);
    mx = std::max(mx, h[t]);
  }
  for (; k < n; ++k) {
    mn = std::min(mn, x[k]);
    mx = std::max(mx, x[k]);
  }
}

template <class T>
std::int32_t quantSpanAvx2(const float* x, int n, float s, float qmin, float qmax, T* out) {
  return quantSpan(x, n, s, qmin, qmax, out);
}
template std::int32_t quantSpanAvx2<std::int16_t>(const float*, int, float, float, float,
                                                  std::int16_t*);
template std::int32_t quantSpanAvx2<std::int8_t>(const float*, int, float, float, float,
                                                 std::int8_t*);

void gemmIntAvx2(const PackedView& v, const ActView& a, float* y, int threads) {
  if (v.int4)
    gemmInt<true>(v, a, y, threads);
  else
    gemmInt<false>(v, a, y, threads);
}

void dequantRowW4Avx2(const PackedView& v, int r, float* dst) {
  dequantRowW4(v, r, dst);
}

void gemmFloatAvx2(const PackedView& v, const FloatActView& x, float* y, int threads) {
  if (v.int4)
    gemmFloatW4(v, x, y, threads);
  else
    gemmFloat8(v, x, y, threads);
}

#else  // not x86: never selected (kernelIsaSupported(Avx2) is false)

void gemmIntAvx2(const PackedView& v, const ActView& a, float* y, int threads) {
  gemmIntPortable(v, a, y, threads);
}
void gemmFloatAvx2(const PackedView& v, const FloatActView& x, float* y, int threads) {
  gemmFloatPortable(v, x, y, threads);
}
void dequantRowW4Avx2(const PackedView&, int, float*) {}

#endif

}  // namespace slmq::core::kernels_detail
