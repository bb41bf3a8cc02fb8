// Outlier and distribution statistics; see stats.h.
#include "core/analysis/stats.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace slmq::core {

namespace {

void requireNonEmpty(const MatrixRM& x, const char* what) {
  if (x.rows() == 0 || x.cols() == 0)
    throw Error(ErrorKind::InvalidInput, std::string(what) + ": empty matrix [" +
                                             std::to_string(x.rows()) + ", " +
                                             std::to_string(x.cols()) + "]");
}

double pearsonKurtosis(double m2, double m4) {
  return m2 > 0 ? m4 / (m2 * m2) : 0.0;
}

}  // namespace

double sortedPercentile(const std::vector<double>& v, double fraction) {
  if (v.empty()) return 0.0;
  if (fraction <= 0) return v.front();
  if (fraction >= 1) return v.back();
  double p = fraction * double(v.size() - 1);
  const std::size_t i = std::size_t(p);
  p -= double(i);
  return (1 - p) * v[i] + p * v[std::min(i + 1, v.size() - 1)];
}

ChannelStats channelStats(const MatrixRM& x) {
  requireNonEmpty(x, "channelStats");
  const Eigen::Index n = x.rows(), c = x.cols();
  ChannelStats s;
  s.rows = n;
  s.absmax.resize(c);
  s.mean.resize(c);
  s.std.resize(c);
  s.kurtosis.resize(c);
  s.p999_abs.resize(c);
  s.count_6sigma.assign(std::size_t(c), 0);
  std::vector<double> col(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < c; ++j) {
    double sum = 0, amax = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = x(i, j);
      sum += v;
      amax = std::max(amax, std::abs(v));
      col[std::size_t(i)] = std::abs(v);
    }
    const double mean = sum / double(n);
    double m2 = 0, m4 = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double d = double(x(i, j)) - mean;
      m2 += d * d;
      m4 += d * d * d * d;
    }
    m2 /= double(n);
    m4 /= double(n);
    const double sd = std::sqrt(m2);
    std::int64_t out = 0;
    if (sd > 0)
      for (Eigen::Index i = 0; i < n; ++i)
        if (std::abs(double(x(i, j)) - mean) > 6.0 * sd) ++out;
    std::sort(col.begin(), col.end());
    s.absmax[j] = amax;
    s.mean[j] = mean;
    s.std[j] = sd;
    s.kurtosis[j] = pearsonKurtosis(m2, m4);
    s.p999_abs[j] = sortedPercentile(col, 0.999);
    s.count_6sigma[std::size_t(j)] = out;
  }
  return s;
}

TensorSummary tensorSummary(const MatrixRM& x) {
  requireNonEmpty(x, "tensorSummary");
  const std::size_t n = std::size_t(x.size());
  const float* p = x.data();
  TensorSummary s;
  s.count = std::int64_t(n);
  double sum = 0;
  std::vector<double> mag(n);
  for (std::size_t i = 0; i < n; ++i) {
    sum += p[i];
    mag[i] = std::abs(double(p[i]));
  }
  s.mean = sum / double(n);
  double m2 = 0, m4 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = double(p[i]) - s.mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= double(n);
  m4 /= double(n);
  s.std = std::sqrt(m2);
  s.kurtosis = pearsonKurtosis(m2, m4);
  if (s.std > 0)
    for (std::size_t i = 0; i < n; ++i)
      if (std::abs(double(p[i]) - s.mean) > 6.0 * s.std) ++s.count_6sigma;
  std::sort(mag.begin(), mag.end());
  s.absmax = mag.back();
  s.p999_abs = sortedPercentile(mag, 0.999);
  s.median_abs = n % 2 ? mag[n / 2] : 0.5 * (mag[n / 2 - 1] + mag[n / 2]);
  return s;
}

MassiveActivations findMassiveActivations(const MatrixRM& x, double factor, int max_positions) {
  requireNonEmpty(x, "findMassiveActivations");
  MassiveActivations out;
  const std::size_t n = std::size_t(x.size());
  std::vector<double> mag(n);
  for (std::size_t i = 0; i < n; ++i) mag[i] = std::abs(double(x.data()[i]));
  std::vector<double> sorted = mag;
  std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(n / 2), sorted.end());
  double median = sorted[n / 2];
  if (n % 2 == 0) {
    const double lower = *std::max_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(n / 2));
    median = 0.5 * (median + lower);
  }
  out.median_abs = median;
  out.threshold = factor * median;
  if (!(median > 0)) return out;
  for (std::size_t i = 0; i < n; ++i) {
    if (mag[i] > out.threshold) {
      ++out.count;
      out.largest.push_back(
          {int(i / std::size_t(x.cols())), int(i % std::size_t(x.cols())), x.data()[i]});
    }
  }
  std::sort(out.largest.begin(), out.largest.end(),
            [](const MassiveActivation& a, const MassiveActivation& b) {
              return std::abs(a.value) > std::abs(b.value);
            });
  if (int(out.largest.size()) > max_positions) out.largest.resize(std::size_t(max_positions));
  return out;
}

ChannelStatsAccumulator::ChannelStatsAccumulator(int channels) {
  if (channels <= 0)
    throw Error(ErrorKind::InvalidInput, "ChannelStatsAccumulator: channels must be positive");
  m_mean = VectorD::Zero(channels);
  m_m2 = VectorD::Zero(channels);
  m_m3 = VectorD::Zero(channels);
  m_m4 = VectorD::Zero(channels);
  m_absmax = VectorD::Zero(channels);
}

void ChannelStatsAccumulator::add(const MatrixRM& x) {
  if (x.cols() != channels())
    throw Error(ErrorKind::InvalidInput, "ChannelStatsAccumulator: chunk has " +
                                             std::to_string(x.cols()) + " channels, expected " +
                                             std::to_string(channels()));
  const Eigen::Index nb = x.rows();
  if (nb == 0) return;
  const double na = double(m_n), b = double(nb), n = na + b;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    // Central moments of the chunk (two-pass), then Pébay's pairwise combination.
    double sum = 0, amax = m_absmax[j];
    for (Eigen::Index i = 0; i < nb; ++i) {
      sum += x(i, j);
      amax = std::max(amax, std::abs(double(x(i, j))));
    }
    const double meanB = sum / b;
    double m2b = 0, m3b = 0, m4b = 0;
    for (Eigen::Index i = 0; i < nb; ++i) {
      const double d = double(x(i, j)) - meanB;
      const double d2 = d * d;
      m2b += d2;
      m3b += d2 * d;
      m4b += d2 * d2;
    }
    const double d = meanB - m_mean[j];
    const double d2 = d * d;
    const double m2a = m_m2[j], m3a = m_m3[j], m4a = m_m4[j];
    const double m2 = m2a + m2b + d2 * na * b / n;
    const double m3 =
        m3a + m3b + d * d2 * na * b * (na - b) / (n * n) + 3.0 * d * (na * m2b - b * m2a) / n;
    const double m4 = m4a + m4b + d2 * d2 * na * b * (na * na - na * b + b * b) / (n * n * n) +
                      6.0 * d2 * (na * na * m2b + b * b * m2a) / (n * n) +
                      4.0 * d * (na * m3b - b * m3a) / n;
    m_mean[j] += d * b / n;
    m_m2[j] = m2;
    m_m3[j] = m3;
    m_m4[j] = m4;
    m_absmax[j] = amax;
  }
  m_n += nb;
}

ChannelStats ChannelStatsAccumulator::result() const {
  ChannelStats s;
  s.rows = m_n;
  s.absmax = m_absmax;
  s.mean = m_mean;
  const int c = channels();
  s.std.resize(c);
  s.kurtosis.resize(c);
  for (int j = 0; j < c; ++j) {
    const double m2 = m_n > 0 ? m_m2[j] / double(m_n) : 0.0;
    const double m4 = m_n > 0 ? m_m4[j] / double(m_n) : 0.0;
    s.std[j] = std::sqrt(m2);
    s.kurtosis[j] = pearsonKurtosis(m2, m4);
  }
  return s;
}

}  // namespace slmq::core
