// Uniform quantizers: scalar references and vectorisable fast versions (see quantizer.h).
#include "core/quant/quantizer.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <limits>

#include "core/common/error.h"

namespace slmq::core {

namespace {

/// Restores the caller's rounding mode on scope exit; the reference runs under FE_TONEAREST.
class RoundToNearest {
 public:
  RoundToNearest() : m_saved(std::fegetround()) {
    if (m_saved != FE_TONEAREST) std::fesetround(FE_TONEAREST);
  }
  ~RoundToNearest() {
    if (m_saved != FE_TONEAREST) std::fesetround(m_saved);
  }

 private:
  int m_saved;
};

void checkBits(int bits, const char* what) {
  if (bits < 2 || bits > 8)
    throw Error(ErrorKind::InvalidInput, std::string("quantizer: ") + what + " bits = " +
                                             std::to_string(bits) + " is out of range (2..8)");
}

/// Columns per group for a weight quantizer on a matrix with `cols` inputs.
int groupCols(const WeightQuant& q, int cols) {
  if (q.granularity == WeightGranularity::PerGroup)
    return std::max(1, std::min(q.group_size, cols));
  return std::max(cols, 1);
}

// Round half to even of t for |t| < 2^22 without calling into libm, so that the loop vectorises:
// adding 1.5·2^23 puts t where the float spacing is 1, and the addition rounds to nearest even
// under the default rounding mode. Callers clamp t to the code range first.
constexpr float kRoundMagic = 12582912.f;  // 1.5 · 2^23
inline float roundHalfEven(float t) {
  return (t + kRoundMagic) - kRoundMagic;
}

}  // namespace

// --- parameters -------------------------------------------------------------------------------

QuantParams quantParamsFromRange(float minv, float maxv, int bits, bool symmetric, float clip) {
  QuantParams p;
  if (symmetric) {
    const float absmax = std::max(std::fabs(minv), std::fabs(maxv)) * clip;
    p.scale = absmax / float(codeMax(bits));
    p.zero = 0.f;
  } else {
    const float mn = std::min(minv, 0.f) * clip;
    const float mx = std::max(maxv, 0.f) * clip;
    p.scale = (mx - mn) / float((1 << bits) - 1);
    if (!(p.scale > 0.f) || !std::isfinite(p.scale)) p.scale = 1.f;
    const RoundToNearest rn;
    p.zero = std::nearbyint(-mn / p.scale) + float(codeMin(bits));
  }
  if (!(p.scale > 0.f) || !std::isfinite(p.scale)) p.scale = 1.f;
  return p;
}

int quantizeValue(float x, const QuantParams& p, int bits) {
  const RoundToNearest rn;
  const float q = std::nearbyint(x / p.scale) + p.zero;
  return int(std::clamp(q, float(codeMin(bits)), float(codeMax(bits))));
}

// --- references -------------------------------------------------------------------------------

QuantParams quantizeRowReference(const float* x, int n, int bits, bool symmetric, float clip,
                                 std::int8_t* codes, float* xhat) {
  checkBits(bits, "weight");
  float mn = 0.f, mx = 0.f;
  for (int i = 0; i < n; ++i) {
    mn = std::min(mn, x[i]);
    mx = std::max(mx, x[i]);
  }
  const QuantParams p = quantParamsFromRange(mn, mx, bits, symmetric, clip);
  for (int i = 0; i < n; ++i) {
    const int c = quantizeValue(x[i], p, bits);
    if (codes) codes[i] = std::int8_t(c);
    if (xhat) xhat[i] = dequantizeValue(c, p);
  }
  return p;
}

MatrixRM QuantizedTensor::dequantize() const {
  MatrixRM w(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const int g = c / group;
      w(r, c) = scales(r, g) * (float(codes[std::size_t(r) * cols + c]) - zeros(r, g));
    }
  return w;
}

namespace {

void preparePacked(QuantizedTensor* packed, const MatrixRM& w, const WeightQuant& q, int gcols) {
  if (!packed) return;
  packed->rows = int(w.rows());
  packed->cols = int(w.cols());
  packed->bits = q.bits;
  packed->group = gcols;
  packed->sym = q.symmetric;
  const int groups = w.cols() == 0 ? 0 : int((w.cols() + gcols - 1) / gcols);
  packed->codes.assign(std::size_t(w.size()), 0);
  packed->scales.setOnes(w.rows(), groups);
  packed->zeros.setZero(w.rows(), groups);
}

}  // namespace

MatrixRM fakeQuantWeightReference(const MatrixRM& w, const WeightQuant& q,
                                  QuantizedTensor* packed) {
  if (!q.enabled()) return w;
  checkBits(q.bits, "weight");
  const int rows = int(w.rows()), cols = int(w.cols());
  const int g = groupCols(q, cols);
  preparePacked(packed, w, q, g);
  MatrixRM out(rows, cols);
  if (q.granularity == WeightGranularity::PerTensor) {
    // One range over the whole matrix, then element by element.
    float mn = 0.f, mx = 0.f;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        mn = std::min(mn, w(r, c));
        mx = std::max(mx, w(r, c));
      }
    const QuantParams p = quantParamsFromRange(mn, mx, q.bits, q.symmetric, q.clip_ratio);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const int code = quantizeValue(w(r, c), p, q.bits);
        out(r, c) = dequantizeValue(code, p);
        if (packed) packed->codes[std::size_t(r) * cols + c] = std::int8_t(code);
      }
      if (packed && packed->groups() > 0) {
        packed->scales(r, 0) = p.scale;
        packed->zeros(r, 0) = p.zero;
      }
    }
    return out;
  }
  for (int r = 0; r < rows; ++r)
    for (int c0 = 0, gi = 0; c0 < cols; c0 += g, ++gi) {
      const int n = std::min(g, cols - c0);
      std::int8_t* codes = packed ? &packed->codes[std::size_t(r) * cols + c0] : nullptr;
      const QuantParams p =
          quantizeRowReference(&w(r, c0), n, q.bits, q.symmetric, q.clip_ratio, codes, &out(r, c0));
      if (packed) {
        packed->scales(r, gi) = p.scale;
        packed->zeros(r, gi) = p.zero;
      }
    }
  return out;
}

MatrixRM fakeQuantActPerTokenReference(const MatrixRM& x, const ActQuant& q) {
  if (!q.enabled()) return x;
  checkBits(q.bits, "activation");
  MatrixRM out(x.rows(), x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    quantizeRowReference(&x(r, 0), int(x.cols()), q.bits, q.symmetric, q.clip_ratio, nullptr,
                         &out(r, 0));
  return out;
}

// --- fast versions ----------------------------------------------------------------------------

namespace {

/// Min and max (with 0 included, as both conventions clamp the range to contain 0) of a span.
inline void spanRange(const float* x, int n, float& mn, float& mx) {
  float lo = 0.f, hi = 0.f;
#pragma omp simd reduction(min : lo) reduction(max : hi)
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  mn = lo;
  mx = hi;
}

/// x̂ and optionally codes of a span with fixed parameters; bit-identical to the reference.
inline void quantSpan(const float* x, float* xhat, std::int8_t* codes, int n, const QuantParams& p,
                      int bits) {
  const float qmin = float(codeMin(bits)), qmax = float(codeMax(bits));
  // Clamping x/s to one step beyond the code range first changes no result and keeps the
  // magic-number rounding in its exact range.
  const float lo = qmin - p.zero - 1.f, hi = qmax - p.zero + 1.f;
  const float s = p.scale, z = p.zero;
  if (codes) {
    for (int i = 0; i < n; ++i) {
      float t = std::clamp(x[i] / s, lo, hi);
      t = std::clamp(roundHalfEven(t) + z, qmin, qmax);
      codes[i] = std::int8_t(int(t));
      xhat[i] = s * (t - z);
    }
  } else {
#pragma omp simd
    for (int i = 0; i < n; ++i) {
      float t = std::min(std::max(x[i] / s, lo), hi);
      t = std::min(std::max(roundHalfEven(t) + z, qmin), qmax);
      xhat[i] = s * (t - z);
    }
  }
}

void fastWeight(const MatrixRM& w, MatrixRM& out, const WeightQuant& q, QuantizedTensor* packed) {
  checkBits(q.bits, "weight");
  const int rows = int(w.rows()), cols = int(w.cols());
  const int g = groupCols(q, cols);
  preparePacked(packed, w, q, g);
  if (q.granularity == WeightGranularity::PerTensor) {
    float mn = 0.f, mx = 0.f;
    spanRange(w.data(), int(w.size()), mn, mx);
    const QuantParams p = quantParamsFromRange(mn, mx, q.bits, q.symmetric, q.clip_ratio);
#pragma omp parallel for schedule(static) if (rows * std::size_t(cols) > 65536)
    for (int r = 0; r < rows; ++r) {
      quantSpan(&w(r, 0), &out(r, 0), packed ? &packed->codes[std::size_t(r) * cols] : nullptr,
                cols, p, q.bits);
      if (packed && packed->groups() > 0) {
        packed->scales(r, 0) = p.scale;
        packed->zeros(r, 0) = p.zero;
      }
    }
    return;
  }
#pragma omp parallel for schedule(static) if (rows * std::size_t(cols) > 65536)
  for (int r = 0; r < rows; ++r)
    for (int c0 = 0, gi = 0; c0 < cols; c0 += g, ++gi) {
      const int n = std::min(g, cols - c0);
      float mn, mx;
      spanRange(&w(r, c0), n, mn, mx);
      const QuantParams p = quantParamsFromRange(mn, mx, q.bits, q.symmetric, q.clip_ratio);
      quantSpan(&w(r, c0), &out(r, c0),
                packed ? &packed->codes[std::size_t(r) * cols + c0] : nullptr, n, p, q.bits);
      if (packed) {
        packed->scales(r, gi) = p.scale;
        packed->zeros(r, gi) = p.zero;
      }
    }
}

}  // namespace

MatrixRM fakeQuantWeight(const MatrixRM& w, const WeightQuant& q, QuantizedTensor* packed) {
  if (!q.enabled()) return w;
  MatrixRM out(w.rows(), w.cols());
  fastWeight(w, out, q, packed);
  return out;
}

void fakeQuantWeightInPlace(MatrixRM& w, const WeightQuant& q) {
  if (!q.enabled()) return;
  fastWeight(w, w, q, nullptr);  // each span is read before it is written
}

QuantizedTensor quantizeWeight(const MatrixRM& w, const WeightQuant& q) {
  if (!q.enabled())
    throw Error(ErrorKind::InvalidInput, "quantizeWeight: weight bits = 16 means no quantization");
  QuantizedTensor t;
  MatrixRM out(w.rows(), w.cols());
  fastWeight(w, out, q, &t);
  return t;
}

void fakeQuantSpan(float* x, int n, const QuantParams& p, int bits) {
  checkBits(bits, "span");
  quantSpan(x, x, nullptr, n, p, bits);
}

void fakeQuantActPerToken(MatrixRM& x, const ActQuant& q) {
  if (!q.enabled()) return;
  checkBits(q.bits, "activation");
  const int rows = int(x.rows()), cols = int(x.cols());
#pragma omp parallel for schedule(static) if (rows * std::size_t(cols) > 65536)
  for (int r = 0; r < rows; ++r) {
    float mn, mx;
    spanRange(&x(r, 0), cols, mn, mx);
    const QuantParams p = quantParamsFromRange(mn, mx, q.bits, q.symmetric, q.clip_ratio);
    quantSpan(&x(r, 0), &x(r, 0), nullptr, cols, p, q.bits);
  }
}

void fakeQuantActStatic(MatrixRM& x, float scale, int bits) {
  checkBits(bits, "activation");
  if (!(scale > 0.f) || !std::isfinite(scale))
    throw Error(ErrorKind::InvalidInput,
                "fakeQuantActStatic: scale " + std::to_string(scale) + " is not positive");
  QuantParams p{scale, 0.f};
  quantSpan(x.data(), x.data(), nullptr, int(x.size()), p, bits);
}

}  // namespace slmq::core
