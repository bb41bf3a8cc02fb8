// PackedLinear: packing of quantized codes, per-token activation quantization, dispatch between
// the AVX2 and portable kernels, and the portable (reference-shaped) kernels themselves.
// GCC 12 reports the _mm512_undefined_*() operands inside its AVX-512 intrinsics (here: Eigen's
// GEMM under -march=native) as uninitialised (GCC bug 105593, fixed in 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "core/quant/kernels/packed_linear.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/common/compute_threads.h"
#include "core/common/error.h"

namespace slmq::core {

using kernels_detail::ActView;
using kernels_detail::FloatActView;
using kernels_detail::PackedView;

namespace {

constexpr int kChunk = 32;  // elements per SIMD chunk; groups are padded to a multiple of this

int roundUp(int v, int m) {
  return (v + m - 1) / m * m;
}

// Round half to even for |t| < 2^22 (same trick and results as quantizer.cpp's fast path).
constexpr float kRoundMagic = 12582912.f;  // 1.5 · 2^23
inline float roundHalfEven(float t) {
  return (t + kRoundMagic) - kRoundMagic;
}

/// Element offset of column c of a row in the padded layout.
inline int paddedIndex(const PackedView& v, int c) {
  const int g = c / v.G;
  return g * v.gpad + (c - g * v.G);
}

}  // namespace

// ---- construction -------------------------------------------------------------------------------

PackedLinear::PackedLinear(const QuantizedTensor& w, const ActQuant& act) : m_act(act) {
  const std::string what = "PackedLinear: ";
  if (w.bits < 2 || w.bits > 8)
    throw Error(ErrorKind::InvalidInput,
                what + "weight bits " + std::to_string(w.bits) + " outside 2..8");
  if (w.rows < 1 || w.cols < 1 || w.group < 1)
    throw Error(ErrorKind::InvalidInput, what + "empty weight [" + std::to_string(w.rows) + ", " +
                                             std::to_string(w.cols) + "] or group " +
                                             std::to_string(w.group));
  const int ng = (w.cols + w.group - 1) / w.group;
  if (w.codes.size() != std::size_t(w.rows) * w.cols || w.scales.rows() != w.rows ||
      w.scales.cols() != ng || w.zeros.rows() != w.rows || w.zeros.cols() != ng)
    throw Error(ErrorKind::InvalidInput,
                what + "codes/scales/zeros do not match [" + std::to_string(w.rows) + ", " +
                    std::to_string(w.cols) + "] with group " + std::to_string(w.group));
  if (act.enabled()) {
    if (act.bits < 2 || act.bits > 8)
      throw Error(ErrorKind::InvalidInput,
                  what + "activation bits " + std::to_string(act.bits) + " outside 2..8");
    if (!act.symmetric)
      throw Error(ErrorKind::Unsupported,
                  what + "asymmetric activation quantization has no integer kernel");
    if (act.granularity != ActGranularity::PerToken)
      throw Error(ErrorKind::Unsupported,
                  what + "static per-tensor activation scales have no integer kernel yet");
  }
  m_bits = w.bits;
  m_sym = w.sym;
  PackedView& v = m_view;
  v.N = w.rows;
  v.K = w.cols;
  v.G = std::min(w.group, w.cols);
  v.ng = ng;
  v.gpad = roundUp(v.G, kChunk);
  v.lastPad = roundUp(v.K - (ng - 1) * v.G, kChunk);
  v.kpad = (ng - 1) * v.gpad + v.lastPad;
  v.int4 = w.bits <= 4;

  const int cmin = codeMin(w.bits), cmax = codeMax(w.bits);
  const std::size_t n = std::size_t(v.N) * v.kpad;
  if (v.int4)
    m_w4.assign(n / 2, 0x88);  // padding: code 0 (unsigned 8), multiplied by zero activations
  else
    m_w8.assign(n, 0);
  for (int r = 0; r < v.N; ++r) {
    for (int c = 0; c < v.K; ++c) {
      const int code = w.codes[std::size_t(r) * v.K + c];
      if (code < cmin || code > cmax)
        throw Error(ErrorKind::InvalidInput, what + "code " + std::to_string(code) + " at (" +
                                                 std::to_string(r) + ", " + std::to_string(c) +
                                                 ") outside the " + std::to_string(w.bits) +
                                                 "-bit range");
      const std::size_t e = std::size_t(r) * v.kpad + paddedIndex(v, c);
      if (v.int4) {
        const std::size_t chunk = e / kChunk, b = e % kChunk;
        std::uint8_t& byte = m_w4[chunk * (kChunk / 2) + (b % 16)];
        const std::uint8_t u = std::uint8_t(code + 8);
        byte = b < 16 ? std::uint8_t((byte & 0xF0) | u) : std::uint8_t((byte & 0x0F) | (u << 4));
      } else {
        m_w8[e] = std::int8_t(code);
      }
    }
  }
  m_scale.resize(std::size_t(v.N) * ng);
  std::vector<std::int8_t> zero(std::size_t(v.N) * ng);
  bool allSame = true;
  for (int r = 0; r < v.N; ++r)
    for (int g = 0; g < ng; ++g) {
      const float s = w.scales(r, g), z = w.zeros(r, g);
      if (!(s > 0.f) || !std::isfinite(s) || !std::isfinite(z) || z != std::nearbyint(z) ||
          z < cmin || z > cmax)
        throw Error(ErrorKind::InvalidInput, what + "bad scale " + std::to_string(s) +
                                                 " or zero point " + std::to_string(z) +
                                                 " at row " + std::to_string(r) + " group " +
                                                 std::to_string(g));
      m_scale[std::size_t(r) * ng + g] = s;
      // Value subtracted from the stored code: signed zero for int8, zero + 8 for nibbles.
      zero[std::size_t(r) * ng + g] = std::int8_t(v.int4 ? int(z) + 8 : int(z));
      allSame = allSame && zero[std::size_t(r) * ng + g] == zero[0];
    }
  v.zeroConst = allSame ? zero[0] : 0;
  if (!allSame) m_zero = std::move(zero);
  v.w8 = m_w8.empty() ? nullptr : m_w8.data();
  v.w4 = m_w4.empty() ? nullptr : m_w4.data();
  v.scale = m_scale.data();
  v.zero = m_zero.empty() ? nullptr : m_zero.data();
}

std::size_t PackedLinear::storageBytes() const {
  return m_w8.size() + m_w4.size() + m_scale.size() * sizeof(float) + m_zero.size();
}

std::string PackedLinear::describe() const {
  std::string s = m_view.int4 ? "int4 (" : "int8 (";
  s += std::to_string(m_bits);
  s += "-bit codes) ";
  if (m_view.ng == 1) {
    s += "per-channel";
  } else {
    s += 'g';
    s += std::to_string(m_view.G);
  }
  s += m_sym ? " sym" : " asym";
  if (m_act.enabled())
    s += " x int8 per-token (" + std::to_string(m_act.bits) + "-bit codes)";
  else
    s += " x float";
  return s;
}

MatrixRM PackedLinear::dequantizedWeight() const {
  const PackedView& v = m_view;
  MatrixRM w(v.N, v.K);
  for (int r = 0; r < v.N; ++r)
    for (int c = 0; c < v.K; ++c) {
      const int g = c / v.G;
      const std::size_t e = std::size_t(r) * v.kpad + paddedIndex(v, c);
      float code;
      if (v.int4) {
        const std::size_t chunk = e / kChunk, b = e % kChunk;
        const std::uint8_t byte = m_w4[chunk * (kChunk / 2) + (b % 16)];
        code = float(b < 16 ? (byte & 0x0F) : (byte >> 4));
      } else {
        code = float(m_w8[e]);
      }
      const float z = float(v.zeroAt(r, g));
      w(r, c) = v.scale[std::size_t(r) * v.ng + g] * (code - z);
    }
  return w;
}

// ---- activations --------------------------------------------------------------------------------

namespace {

// One pass per token: range, scale (quantParamsFromRange, as the reference), then per group
// codes = clamp(round_half_even(clamp(x / s))) and their sum; vectorised by the compiler.
template <class T>
void quantizeRows(const MatrixRM& x, const ActQuant& act, const PackedView& w, T* codes, float* sx,
                  std::int32_t* sumA, int threads) {
  const int M = int(x.rows()), K = int(x.cols());
  const float qmin = float(codeMin(act.bits)), qmax = float(codeMax(act.bits));
  const bool avx2 = activeKernelIsa() != KernelIsa::Portable;
#pragma omp parallel for num_threads(threads) schedule(static) if (M * std::size_t(K) > 65536)
  for (int i = 0; i < M; ++i) {
    const float* xi = x.row(i).data();
    float mn = 0.f, mx = 0.f;
    if (avx2) {
      kernels_detail::rangeAvx2(xi, K, mn, mx);
    } else {
      for (int k = 0; k < K; ++k) {
        mn = std::min(mn, xi[k]);
        mx = std::max(mx, xi[k]);
      }
    }
    const QuantParams p = quantParamsFromRange(mn, mx, act.bits, true, act.clip_ratio);
    sx[i] = p.scale;
    T* ci = codes + std::size_t(i) * w.kpad;
    const float s = p.scale, lo = qmin - 1.f, hi = qmax + 1.f;
    for (int g = 0; g < w.ng; ++g) {
      const int len = w.groupLen(g), pad = w.groupPad(g);
      const float* xg = xi + std::size_t(g) * w.G;
      T* cg = ci + std::size_t(g) * w.gpad;
      std::int32_t sum = 0;
      if (avx2) {
        sum = kernels_detail::quantSpanAvx2<T>(xg, len, s, qmin, qmax, cg);
      } else {
        for (int k = 0; k < len; ++k) {
          float t = std::min(std::max(xg[k] / s, lo), hi);
          t = std::min(std::max(roundHalfEven(t), qmin), qmax);
          const int c = int(t);
          cg[k] = T(c);
          sum += c;
        }
      }
      for (int k = len; k < pad; ++k) cg[k] = T(0);
      if (sumA) sumA[std::size_t(i) * w.ng + g] = sum;
    }
  }
}

}  // namespace

void quantizeActivationsPerToken(const MatrixRM& x, const ActQuant& act, const PackedView& w,
                                 std::int16_t* codes, float* sx, std::int32_t* sumA, int threads) {
  quantizeRows(x, act, w, codes, sx, sumA, threads);
}

void quantizeActivationsPerToken(const MatrixRM& x, const ActQuant& act, const PackedView& w,
                                 std::int8_t* codes, float* sx, std::int32_t* sumA, int threads) {
  quantizeRows(x, act, w, codes, sx, sumA, threads);
}

// ---- dispatch -----------------------------------------------------------------------------------

void PackedLinear::apply(const MatrixRM& x, MatrixRM& y) const {
  apply(x, y, activeKernelIsa());
}

void PackedLinear::apply(const MatrixRM& x, MatrixRM& y, KernelIsa isa) const {
  if (x.cols() != m_view.K)
    throw Error(ErrorKind::InvalidInput,
                "PackedLinear::apply: input has " + std::to_string(x.cols()) +
                    " features, the layer expects " + std::to_string(m_view.K));
  if (!kernelIsaSupported(isa))
    throw Error(ErrorKind::Unsupported,
                std::string("PackedLinear::apply: this CPU cannot run ") + kernelIsaName(isa));
  const int M = int(x.rows());
  const int threads = computeThreads();
  y.resize(M, m_view.N);
  if (M == 0) return;
  if (!m_act.enabled()) {
    if (M >= kFloatGemmMinTokens) {
      applyFloatGemm(x, y, threads, isa);
      return;
    }
    // Small M (decode): x in the padded layout (a copy unless no group needs padding), then the
    // fused kernel.
    const float* xp = x.data();
    if (m_view.kpad != m_view.K) {
      thread_local std::vector<float> xpad;
      xpad.assign(std::size_t(M) * m_view.kpad, 0.f);
      for (int i = 0; i < M; ++i)
        for (int g = 0; g < m_view.ng; ++g)
          std::copy_n(&x(i, g * m_view.G), m_view.groupLen(g),
                      &xpad[std::size_t(i) * m_view.kpad + std::size_t(g) * m_view.gpad]);
      xp = xpad.data();
    }
    const FloatActView xv{M, xp};
    if (isa == KernelIsa::Avx512Vnni)
      kernels_detail::gemmFloatAvx512(m_view, xv, y.data(), threads);
    else if (isa == KernelIsa::Avx2)
      kernels_detail::gemmFloatAvx2(m_view, xv, y.data(), threads);
    else
      kernels_detail::gemmFloatPortable(m_view, xv, y.data(), threads);
    return;
  }
  thread_local std::vector<float> sx;
  thread_local std::vector<std::int32_t> sumA;
  const bool vnni = isa == KernelIsa::Avx512Vnni;
  const bool sums = m_view.hasZeros() || vnni;
  sx.resize(M);
  sumA.resize(sums ? std::size_t(M) * m_view.ng : 0);
  ActView av{M, nullptr, nullptr, sx.data(), sums ? sumA.data() : nullptr};
  if (vnni) {
    thread_local std::vector<std::int8_t> a8;
    a8.resize(std::size_t(M) * m_view.kpad);
    quantizeActivationsPerToken(x, m_act, m_view, a8.data(), sx.data(), sumA.data(), threads);
    av.a8 = a8.data();
    kernels_detail::gemmIntVnni(m_view, av, y.data(), threads);
    return;
  }
  thread_local std::vector<std::int16_t> codes;
  codes.resize(std::size_t(M) * m_view.kpad);
  quantizeActivationsPerToken(x, m_act, m_view, codes.data(), sx.data(),
                              sums ? sumA.data() : nullptr, threads);
  av.a = codes.data();
  if (isa == KernelIsa::Avx2)
    kernels_detail::gemmIntAvx2(m_view, av, y.data(), threads);
  else
    kernels_detail::gemmIntPortable(m_view, av, y.data(), threads);
}

void PackedLinear::applyFloatGemm(const MatrixRM& x, MatrixRM& y, int threads,
                                  KernelIsa isa) const {
  // Blocks of 64 output rows: dequantize Ŵ_block [rows, K] into per-thread scratch, then
  // y[:, block] = x [M, K] · Ŵ_blockᵀ with Eigen (single-threaded inside the parallel loop).
  constexpr int kRows = 64;
  const PackedView& v = m_view;
  const int blocks = (v.N + kRows - 1) / kRows;
#pragma omp parallel num_threads(threads)
  {
    MatrixRM wb;
#pragma omp for schedule(static)
    for (int b = 0; b < blocks; ++b) {
      const int r0 = b * kRows, rows = std::min(kRows, v.N - r0);
      wb.resize(rows, v.K);
      for (int r = 0; r < rows; ++r) {
        const int row = r0 + r;
        if (v.int4 && isa == KernelIsa::Avx512Vnni) {
          kernels_detail::dequantRowW4Avx512(v, row, &wb(r, 0));
          continue;
        }
        if (v.int4 && isa == KernelIsa::Avx2) {
          kernels_detail::dequantRowW4Avx2(v, row, &wb(r, 0));
          continue;
        }
        for (int g = 0; g < v.ng; ++g) {
          const float s = v.scale[std::size_t(row) * v.ng + g];
          const float z = float(v.zeroAt(row, g));
          const std::size_t base = std::size_t(row) * v.kpad + std::size_t(g) * v.gpad;
          float* dst = &wb(r, g * v.G);
          const int len = v.groupLen(g);
          if (v.int4) {
            const std::uint8_t* src = v.w4 + base / 2;
            for (int k = 0; k < len; ++k) {
              const std::uint8_t byte = src[(k / kChunk) * (kChunk / 2) + (k % 16)];
              const int u = (k % kChunk) < 16 ? (byte & 0x0F) : (byte >> 4);
              dst[k] = s * (float(u) - z);
            }
          } else {
            const std::int8_t* src = v.w8 + base;
            for (int k = 0; k < len; ++k) dst[k] = s * (float(src[k]) - z);
          }
        }
      }
      y.middleCols(r0, rows).noalias() = x * wb.transpose();
    }
  }
}

// ---- portable kernels ---------------------------------------------------------------------------

namespace kernels_detail {

namespace {
/// Stored code of element k (padded index) of row r.
inline int storedCode(const PackedView& v, int r, int k) {
  const std::size_t e = std::size_t(r) * v.kpad + k;
  if (!v.int4) return v.w8[e];
  const std::uint8_t byte = v.w4[(e / kChunk) * (kChunk / 2) + (e % 16)];
  return (e % kChunk) < 16 ? (byte & 0x0F) : (byte >> 4);
}
}  // namespace

// W [N, kpad] codes · A [M, kpad] codes -> y [M, N]; int32 per group, float across groups.
void gemmIntPortable(const PackedView& v, const ActView& a, float* y, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int j = 0; j < v.N; ++j) {
    std::vector<int> wrow(v.kpad);
    for (int k = 0; k < v.kpad; ++k) wrow[k] = storedCode(v, j, k);
    for (int i = 0; i < a.M; ++i) {
      const std::int16_t* ai = a.a + std::size_t(i) * v.kpad;
      float acc = 0.f;
      for (int g = 0; g < v.ng; ++g) {
        const int off = g * v.gpad, len = v.groupPad(g);
        std::int32_t dot = 0;
        for (int k = 0; k < len; ++k) dot += wrow[off + k] * ai[off + k];
        if (a.sumA) dot -= v.zeroAt(j, g) * a.sumA[std::size_t(i) * v.ng + g];
        acc += v.scale[std::size_t(j) * v.ng + g] * float(dot);
      }
      y[std::size_t(i) * v.N + j] = a.sx[i] * acc;
    }
  }
}

// Ŵ [N, kpad] (dequantized on the fly) · x [M, kpad] -> y [M, N].
void gemmFloatPortable(const PackedView& v, const FloatActView& x, float* y, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int j = 0; j < v.N; ++j) {
    std::vector<float> wrow(v.kpad);
    for (int g = 0; g < v.ng; ++g) {
      const float s = v.scale[std::size_t(j) * v.ng + g];
      const float z = float(v.zeroAt(j, g));
      for (int k = g * v.gpad, e = k + v.groupPad(g); k < e; ++k)
        wrow[k] = s * (float(storedCode(v, j, k)) - z);
    }
    for (int i = 0; i < x.M; ++i) {
      const float* xi = x.x + std::size_t(i) * v.kpad;
      float acc = 0.f;
      for (int k = 0; k < v.kpad; ++k) acc += wrow[k] * xi[k];
      y[std::size_t(i) * v.N + j] = acc;
    }
  }
}

}  // namespace kernels_detail

}  // namespace slmq::core
