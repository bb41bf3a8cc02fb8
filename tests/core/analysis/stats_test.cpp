// Outlier statistics on tensors with known answers: hand-made matrices, Gaussian and uniform
// kurtosis, streaming equal to one-shot, massive activations and histograms.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/analysis/histogram.h"
#include "core/analysis/stats.h"
#include "core/common/error.h"

using namespace slmq;
using core::MatrixRM;

TEST(Stats, HandMadeTwoByThree) {
  // Columns (1, 3), (−2, 2), (3, −1): two-point distributions have Pearson kurtosis exactly 1.
  MatrixRM x(2, 3);
  x << 1, -2, 3, 3, 2, -1;
  const auto s = core::channelStats(x);
  EXPECT_EQ(s.rows, 2);
  EXPECT_DOUBLE_EQ(s.absmax[0], 3);
  EXPECT_DOUBLE_EQ(s.absmax[1], 2);
  EXPECT_DOUBLE_EQ(s.absmax[2], 3);
  EXPECT_DOUBLE_EQ(s.mean[0], 2);
  EXPECT_DOUBLE_EQ(s.mean[1], 0);
  EXPECT_DOUBLE_EQ(s.mean[2], 1);
  EXPECT_DOUBLE_EQ(s.std[0], 1);  // population std
  EXPECT_DOUBLE_EQ(s.std[1], 2);
  EXPECT_DOUBLE_EQ(s.std[2], 2);
  for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(s.kurtosis[j], 1.0);
  // p99.9 of |x| for two values a <= b: a + 0.999 (b − a)
  EXPECT_DOUBLE_EQ(s.p999_abs[0], 1 + 0.999 * 2);
  EXPECT_DOUBLE_EQ(s.p999_abs[1], 2);
  EXPECT_EQ(s.count_6sigma[0], 0);
}

TEST(Stats, ThreeValueKurtosisAndConstantChannel) {
  // (0, 0, 3): mean 1, deviations (−1, −1, 2): m2 = 2, m4 = 6 -> kurtosis 6/4 = 1.5.
  MatrixRM x(3, 2);
  x << 0, 5, 0, 5, 3, 5;
  const auto s = core::channelStats(x);
  EXPECT_DOUBLE_EQ(s.kurtosis[0], 1.5);
  EXPECT_DOUBLE_EQ(s.std[0], std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(s.std[1], 0.0);
  EXPECT_DOUBLE_EQ(s.kurtosis[1], 0.0);
  EXPECT_EQ(s.count_6sigma[1], 0);
}

TEST(Stats, GaussianKurtosisIsThreeUniformIsOnePointEight) {
  std::mt19937 rng(7);
  std::normal_distribution<float> g(0.5f, 2.0f);
  std::uniform_real_distribution<float> u(-1.0f, 3.0f);
  const int n = 200000;
  MatrixRM x(n, 2);
  for (int i = 0; i < n; ++i) x(i, 0) = g(rng), x(i, 1) = u(rng);
  const auto s = core::channelStats(x);
  // Standard error of the sample kurtosis of a Gaussian ≈ sqrt(24/n) = 0.011.
  EXPECT_NEAR(s.kurtosis[0], 3.0, 0.05);
  EXPECT_NEAR(s.std[0], 2.0, 0.02);
  EXPECT_NEAR(s.mean[0], 0.5, 0.02);
  EXPECT_NEAR(s.kurtosis[1], 1.8, 0.02);
  // P(|z| > 6) ≈ 2e-9: no Gaussian value beyond 6σ in 2e5 draws.
  EXPECT_EQ(s.count_6sigma[0], 0);
  // p99.9 of |N(0.5, 2)|: P(|X| > t) = 0.001 -> t ≈ 0.5 + 2·3.09 (the other tail adds ~1e-4)
  EXPECT_NEAR(s.p999_abs[0], 6.7, 0.2);
}

TEST(Stats, SixSigmaCountFindsPlantedOutliers) {
  MatrixRM x = MatrixRM::Zero(10000, 1);
  for (int i = 0; i < 10000; ++i) x(i, 0) = (i % 2 ? 1.0f : -1.0f);
  x(17, 0) = 100.0f;
  x(4242, 0) = -90.0f;
  const auto s = core::channelStats(x);
  // std ≈ sqrt((9998 + 10000 + 8100)/10000) ≈ 1.68, so ±1 are inside and both spikes outside.
  EXPECT_EQ(s.count_6sigma[0], 2);
  EXPECT_EQ(core::tensorSummary(x).count_6sigma, 2);
}

TEST(Stats, StreamingEqualsOneShot) {
  std::mt19937 rng(3);
  std::student_t_distribution<float> t(5.0f);
  MatrixRM x(5000, 7);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = t(rng) * 3.0f + 10.0f;
  const auto ref = core::channelStats(x);
  core::ChannelStatsAccumulator acc(7);
  int row = 0;
  for (int size : {1, 2, 997, 3000, 1000}) {
    acc.add(x.middleRows(row, size));
    row += size;
  }
  ASSERT_EQ(row, 5000);
  const auto s = acc.result();
  EXPECT_EQ(s.rows, 5000);
  for (int j = 0; j < 7; ++j) {
    EXPECT_NEAR(s.mean[j], ref.mean[j], 1e-10);
    EXPECT_NEAR(s.std[j], ref.std[j], 1e-10);
    EXPECT_NEAR(s.kurtosis[j], ref.kurtosis[j], 1e-9);
    EXPECT_DOUBLE_EQ(s.absmax[j], ref.absmax[j]);
  }
  EXPECT_THROW(acc.add(MatrixRM::Zero(2, 6)), core::Error);
}

TEST(Stats, MassiveActivationsWithPositions) {
  MatrixRM x = MatrixRM::Constant(8, 16, 1.0f);
  x(0, 3) = -0.5f;
  x(3, 7) = 150.0f;   // > 100 × median (1)
  x(5, 2) = -400.0f;  // the largest
  x(6, 6) = 99.0f;    // below the threshold
  const auto m = core::findMassiveActivations(x, 100.0);
  EXPECT_DOUBLE_EQ(m.median_abs, 1.0);
  EXPECT_DOUBLE_EQ(m.threshold, 100.0);
  EXPECT_EQ(m.count, 2);
  ASSERT_EQ(m.largest.size(), 2u);
  EXPECT_EQ(m.largest[0].row, 5);
  EXPECT_EQ(m.largest[0].channel, 2);
  EXPECT_FLOAT_EQ(m.largest[0].value, -400.0f);
  EXPECT_EQ(m.largest[1].row, 3);
  EXPECT_EQ(m.largest[1].channel, 7);
}

TEST(Histogram, LinearBinsUnderOverflowAndEdges) {
  core::Histogram h(core::HistogramScale::Linear, 0.0, 4.0, 4);
  const float v[] = {-1.0f, 0.0f, 0.5f, 1.0f, 2.5f, 3.99f, 4.0f, 7.0f, NAN};
  h.add(v, 9);
  EXPECT_EQ(h.counts(), (std::vector<std::int64_t>{2, 1, 1, 2}));
  EXPECT_EQ(h.underflow(), 1);
  EXPECT_EQ(h.overflow(), 1);
  EXPECT_EQ(h.nan(), 1);
  EXPECT_EQ(h.total(), 9);
  EXPECT_EQ(h.edges(), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_THROW(core::Histogram(core::HistogramScale::Linear, 1.0, 1.0, 4), core::Error);
}

TEST(Histogram, Log10MagnitudeBins) {
  // |x| = 0.01, 0.1, 1, 10, 100, -1000 -> log10 = −2 .. 3; zeros separate.
  MatrixRM x(1, 7);
  x << 0.01f, -0.1f, 1.0f, 10.0f, 100.0f, -1000.0f, 0.0f;
  const auto h = core::Histogram::log10MagnitudeOver(x, 5);
  EXPECT_NEAR(h.edges().front(), -2.0, 1e-6);
  EXPECT_NEAR(h.edges().back(), 3.0, 1e-6);
  EXPECT_EQ(h.zeros(), 1);
  std::int64_t inBins = 0;
  for (auto c : h.counts()) inBins += c;
  EXPECT_EQ(inBins, 6);
  EXPECT_EQ(h.counts().back(), 2);  // log10 = 2 and 3 (the top edge is inclusive)
  const auto lin = core::Histogram::linearOver(x, 10);
  EXPECT_EQ(lin.underflow() + lin.overflow(), 0);
  EXPECT_EQ(lin.total(), 7);
}
