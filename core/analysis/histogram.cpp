// Histograms; see histogram.h.
#include "core/analysis/histogram.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace slmq::core {

Histogram::Histogram(HistogramScale scale, double lo, double hi, int bins)
    : m_scale(scale), m_lo(lo), m_hi(hi) {
  if (bins < 1 || bins > (1 << 24) || !std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
    throw Error(ErrorKind::InvalidInput, "histogram needs 1..16M bins and finite lo < hi, got " +
                                             std::to_string(bins) + " bins over [" +
                                             std::to_string(lo) + ", " + std::to_string(hi) + ")");
  m_counts.assign(std::size_t(bins), 0);
}

Histogram Histogram::linearOver(const MatrixRM& x, int bins) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double v = x.data()[i];
    if (std::isnan(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = -0.5, hi = 0.5;
  if (lo == hi) lo -= 0.5, hi += 0.5;
  Histogram h(HistogramScale::Linear, lo, hi, bins);
  h.add(x);
  return h;
}

Histogram Histogram::log10MagnitudeOver(const MatrixRM& x, int bins) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double v = std::abs(double(x.data()[i]));
    if (!(v > 0) || !std::isfinite(v)) continue;
    lo = std::min(lo, std::log10(v));
    hi = std::max(hi, std::log10(v));
  }
  if (!std::isfinite(lo)) lo = -1, hi = 0;
  if (lo == hi) lo -= 0.5, hi += 0.5;
  Histogram h(HistogramScale::Log10Magnitude, lo, hi, bins);
  h.add(x);
  return h;
}

void Histogram::add(const MatrixRM& x) {
  add(x.data(), std::size_t(x.size()));
}

void Histogram::add(const float* values, std::size_t n) {
  const int bins = int(m_counts.size());
  const double width = (m_hi - m_lo) / bins;
  for (std::size_t i = 0; i < n; ++i) {
    double v = values[i];
    if (std::isnan(v)) {
      ++m_nan;
      continue;
    }
    if (m_scale == HistogramScale::Log10Magnitude) {
      if (v == 0) {
        ++m_zeros;
        continue;
      }
      v = std::log10(std::abs(v));
    }
    if (v < m_lo) {
      ++m_under;
    } else if (v > m_hi) {
      ++m_over;
    } else {
      int b = int((v - m_lo) / width);
      if (b >= bins) b = bins - 1;  // v == hi
      ++m_counts[std::size_t(b)];
    }
  }
}

std::vector<double> Histogram::edges() const {
  const int bins = int(m_counts.size());
  std::vector<double> e(std::size_t(bins) + 1);
  for (int i = 0; i <= bins; ++i) e[std::size_t(i)] = m_lo + (m_hi - m_lo) * i / bins;
  return e;
}

std::int64_t Histogram::total() const {
  std::int64_t t = m_under + m_over + m_zeros + m_nan;
  for (auto c : m_counts) t += c;
  return t;
}

}  // namespace slmq::core
