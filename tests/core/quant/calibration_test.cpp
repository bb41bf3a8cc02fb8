// Calibration tests without a model: seeded windows are deterministic contiguous slices,
// InputStatsHooks' absmax, mean|x| and H = 2/n Σ x xᵀ equal a direct computation over all rows
// fed in several calls (as the block-wise runner does), and bad sizes are refused.
#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "core/common/error.h"
#include "core/quant/calibration.h"

using namespace slmq::core;

TEST(Calibration, WindowsAreSeededContiguousSlices) {
  std::vector<int> ids(5000);
  std::iota(ids.begin(), ids.end(), 0);
  CalibrationOptions o;
  o.samples = 16;
  o.seq_len = 64;
  o.seed = 7;
  const std::vector<int> a = drawCalibrationWindows(ids, o), b = drawCalibrationWindows(ids, o);
  ASSERT_EQ(a.size(), 16u * 64u);
  EXPECT_EQ(a, b);
  for (int s = 0; s < 16; ++s) {
    const int start = a[std::size_t(s) * 64];
    EXPECT_LE(start, 5000 - 64);
    for (int t = 0; t < 64; ++t) EXPECT_EQ(a[std::size_t(s) * 64 + t], start + t);
  }
  o.seed = 8;
  EXPECT_NE(drawCalibrationWindows(ids, o), a);
  // mt19937_64(7)'s first output modulo the number of starts gives the first window: portable.
  std::mt19937_64 rng(7);
  EXPECT_EQ(a[0], int(rng() % (5000 - 64 + 1)));
}

TEST(Calibration, RefusesBadSizes) {
  std::vector<int> ids(100, 1);
  CalibrationOptions o;
  o.seq_len = 512;
  EXPECT_THROW(drawCalibrationWindows(ids, o), Error);
  o.seq_len = 10;
  o.samples = 0;
  EXPECT_THROW(drawCalibrationWindows(ids, o), Error);
}

TEST(Calibration, StatsEqualDirectComputation) {
  std::mt19937 rng(3);
  std::normal_distribution<float> nd;
  MatrixRM x(300, 24);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = nd(rng);
  x.col(5) *= 30.f;  // an outlier channel
  StatsOptions so;
  so.hessian = true;
  so.sample_rows = 50;
  so.expected_rows = 300;
  InputStatsHooks h(2, so);
  // Fed in three calls, through q (counted), k and v (same input: ignored) and another block.
  for (int r0 = 0; r0 < 300; r0 += 100) {
    MatrixRM part = x.middleRows(r0, 100);
    h.linearInput({2, Module::Q}, part);
    h.linearInput({2, Module::K}, part);
    h.linearInput({2, Module::V}, part);
    h.linearInput({1, Module::Q}, part);
  }
  h.finish();
  const LayerInputStats& s = h.stats(BlockInput::Attn);
  EXPECT_EQ(s.rows, 300);
  const MatrixRMd xd = x.cast<double>();
  const MatrixRMd hDirect = (2.0 / 300.0) * (xd.transpose() * xd);
  EXPECT_LT((s.hessian - hDirect).cwiseAbs().maxCoeff(), 1e-4 * hDirect.cwiseAbs().maxCoeff());
  for (int j = 0; j < 24; ++j) {
    EXPECT_DOUBLE_EQ(s.absmax(j), xd.col(j).cwiseAbs().maxCoeff());
    EXPECT_NEAR(s.meanAbs()(j), xd.col(j).cwiseAbs().mean(), 1e-9 * (1 + s.absmax(j)));
  }
  // 50 evenly spaced rows: every 6th.
  ASSERT_EQ(s.samples.rows(), 50);
  EXPECT_EQ(s.samples.row(1), x.row(6));
  EXPECT_EQ(h.stats(BlockInput::O).rows, 0);
}
