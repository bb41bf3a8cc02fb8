// Outlier and distribution statistics of activations and weights (pure, no model): per-channel
// absmax / mean / std / kurtosis / p99.9 / 6σ counts, "massive activations", and a streaming
// accumulator so calibration can feed them chunk by chunk.
//
// Conventions (all computed in double):
// - A matrix is [rows, channels] (activations: tokens × features; weights [out, in] are passed as
//   they are, so "channel" = input column).
// - std is the population standard deviation (ddof = 0).
// - kurtosis is Pearson's m4 / m2² (a Gaussian gives 3, a uniform 1.8), NOT the excess kurtosis;
//   0 for a constant channel.
// - p99.9 is the 99.9th percentile of |x| with linear interpolation at 0.999·(n − 1) on the sorted
//   magnitudes (numpy's default "linear" method).
// - the 6σ count is the number of values with |x − mean| > 6·std (equal to |x| > 6σ for the
//   zero-mean channels of a residual stream; a constant channel counts 0).
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/tensor.h"

namespace slmq::core {

/// Per-channel statistics, each vector of length `channels`.
struct ChannelStats {
  std::int64_t rows = 0;
  VectorD absmax, mean, std, kurtosis;
  VectorD p999_abs;                        ///< empty when produced by the streaming accumulator
  std::vector<std::int64_t> count_6sigma;  ///< empty when produced by the streaming accumulator
};

/// Exact per-channel statistics of `x` [rows, channels]. Throws Error(InvalidInput) if empty.
ChannelStats channelStats(const MatrixRM& x);

/// Summary of a whole tensor treated as one sample (all values).
struct TensorSummary {
  std::int64_t count = 0;
  double absmax = 0, mean = 0, std = 0, kurtosis = 0, p999_abs = 0, median_abs = 0;
  std::int64_t count_6sigma = 0;
};

/// Exact summary over every value of `x`. Throws Error(InvalidInput) if empty.
TensorSummary tensorSummary(const MatrixRM& x);

/// Percentile of already sorted values, linear interpolation at fraction·(n − 1).
double sortedPercentile(const std::vector<double>& sorted, double fraction);

/// A value whose magnitude exceeds `factor` × median |x| of its tensor.
struct MassiveActivation {
  int row = 0;      ///< token (row) index
  int channel = 0;  ///< feature index
  float value = 0;
};

/// Result of findMassiveActivations.
struct MassiveActivations {
  double median_abs = 0.0;                 ///< median |x| over the whole tensor
  double threshold = 0.0;                  ///< factor · median_abs
  std::int64_t count = 0;                  ///< how many values exceed it
  std::vector<MassiveActivation> largest;  ///< up to max_positions, largest |value| first
};

/// "Massive activations" (Sun et al., 2024): values with |x| > factor × median |x| of the tensor,
/// with their (row, channel) positions. A tensor whose median |x| is 0 reports none.
MassiveActivations findMassiveActivations(const MatrixRM& x, double factor = 100.0,
                                          int max_positions = 64);

/// Streaming per-channel moments and absmax: add() chunks of rows ([rows, channels], any row
/// count); result() equals channelStats() of the stacked chunks (without p99.9 and 6σ counts,
/// which need every value). Chunks are combined with Pébay's pairwise update of the central
/// moments M2..M4 (a Welford generalisation), so precision does not drift with the row count.
/// Not thread-safe.
class ChannelStatsAccumulator {
 public:
  explicit ChannelStatsAccumulator(int channels);
  /// Adds the rows of `x`. Throws Error(InvalidInput) on a channel-count mismatch.
  void add(const MatrixRM& x);
  int channels() const { return int(m_mean.size()); }
  std::int64_t rows() const { return m_n; }
  ChannelStats result() const;

 private:
  std::int64_t m_n = 0;
  VectorD m_mean, m_m2, m_m3, m_m4, m_absmax;
};

}  // namespace slmq::core
