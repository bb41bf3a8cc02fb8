// Histograms of activations and weights with configurable bins: linear in the value, or linear
// in log10 |value| (magnitudes spanning decades, where outliers live). Streaming: add() chunks.
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/tensor.h"

namespace slmq::core {

/// Binning of a histogram.
enum class HistogramScale {
  Linear,         ///< bins over the value x in [lo, hi)
  Log10Magnitude  ///< bins over log10 |x| in [lo, hi); x == 0 is counted in `zeros`
};

/// A histogram with `bins` equal-width bins over [lo, hi) on its scale; the last bin includes hi.
/// Values below lo / above hi go to underflow / overflow; NaN values to `nan`. Not thread-safe.
class Histogram {
 public:
  /// Throws Error(InvalidInput) unless bins >= 1 and lo < hi (both finite).
  Histogram(HistogramScale scale, double lo, double hi, int bins);

  /// Linear histogram over the value range of `x` (min..max; a constant tensor gets ±0.5).
  static Histogram linearOver(const MatrixRM& x, int bins);
  /// Log-magnitude histogram over the range of log10 |x| of the non-zero values of `x`.
  static Histogram log10MagnitudeOver(const MatrixRM& x, int bins);

  void add(const MatrixRM& x);
  void add(const float* values, std::size_t n);

  HistogramScale scale() const { return m_scale; }
  int bins() const { return int(m_counts.size()); }
  /// bins + 1 edges on the histogram's scale (log10 |x| for Log10Magnitude).
  std::vector<double> edges() const;
  const std::vector<std::int64_t>& counts() const { return m_counts; }
  std::int64_t underflow() const { return m_under; }
  std::int64_t overflow() const { return m_over; }
  std::int64_t zeros() const { return m_zeros; }
  std::int64_t nan() const { return m_nan; }
  /// Every value added (all bins + under/overflow + zeros + NaN).
  std::int64_t total() const;

 private:
  HistogramScale m_scale;
  double m_lo, m_hi;
  std::vector<std::int64_t> m_counts;
  std::int64_t m_under = 0, m_over = 0, m_zeros = 0, m_nan = 0;
};

}  // namespace slmq::core
