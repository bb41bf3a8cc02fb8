// compareTensors on hand-computed cases: MSE, per-row cosine, SQNR in dB.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/layer_error.h"
#include "core/common/error.h"

using namespace slmq;
using core::MatrixRM;

TEST(LayerError, HandComputedErrorStatistics) {
  MatrixRM ref(2, 2), test(2, 2);
  ref << 3, 4, 1, 0;
  test << 3, 4, 0, 1;  // row 0 exact (cos 1), row 1 orthogonal (cos 0)
  const auto e = core::compareTensors(ref, test);
  EXPECT_DOUBLE_EQ(e.mse, 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(e.cosine, 0.5);
  // Σ ref² = 26, Σ err² = 2 -> 10·log10(13).
  EXPECT_NEAR(e.sqnr_db, 10 * std::log10(13.0), 1e-12);
  const auto same = core::compareTensors(ref, ref);
  EXPECT_EQ(same.mse, 0.0);
  EXPECT_DOUBLE_EQ(same.cosine, 1.0);
  EXPECT_TRUE(std::isinf(same.sqnr_db));
  // A uniform 10% scale error: SQNR = 10·log10(1/0.01) = 20 dB, cosine 1.
  const auto scaled = core::compareTensors(ref, MatrixRM(ref * 1.1f));
  EXPECT_NEAR(scaled.sqnr_db, 20.0, 1e-5);
  EXPECT_NEAR(scaled.cosine, 1.0, 1e-12);
  EXPECT_THROW(core::compareTensors(ref, MatrixRM(3, 2)), core::Error);
}
