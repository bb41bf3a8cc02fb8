// KL divergence arithmetic on hand-computed rows and llama.cpp's statistics on known sets.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/eval/kld.h"

using namespace slmq;

TEST(Kld, HandComputedTwoTokenRow) {
  // P = softmax(0, ln 2) = (1/3, 2/3); Q = softmax(0, 0) = (1/2, 1/2).
  // KL(P||Q) = 1/3 ln(2/3) + 2/3 ln(4/3) = 0.0566330122651...
  const float ref[2] = {0.0f, float(std::log(2.0))};
  const float q[2] = {0.0f, 0.0f};
  const auto t = core::compareLogitRows(ref, q, 2, 1);
  EXPECT_NEAR(t.kld, (1.0 / 3) * std::log(2.0 / 3) + (2.0 / 3) * std::log(4.0 / 3), 1e-7);
  EXPECT_NEAR(t.kld, 0.0566330122651, 1e-7);
  EXPECT_FALSE(t.same_top);  // argmax P = 1, argmax Q = 0 (first of the tie)
  EXPECT_NEAR(t.p_ref, 2.0 / 3, 1e-7);
  EXPECT_NEAR(t.p_q, 0.5, 1e-12);
  EXPECT_NEAR(t.nll_q, std::log(2.0), 1e-12);
}

TEST(Kld, HandComputedThreeTokenRowAndIdenticalRows) {
  // P = (0.7, 0.2, 0.1), Q = (0.5, 0.3, 0.2) as log-probabilities shifted by constants (softmax
  // is shift invariant). KL = 0.7 ln 1.4 + 0.2 ln(2/3) + 0.1 ln 0.5 = 0.0851784...
  const float ref[3] = {float(std::log(0.7) + 3), float(std::log(0.2) + 3),
                        float(std::log(0.1) + 3)};
  const float q[3] = {float(std::log(0.5) - 1), float(std::log(0.3) - 1), float(std::log(0.2) - 1)};
  const auto t = core::compareLogitRows(ref, q, 3, 2);
  const double expect = 0.7 * std::log(1.4) + 0.2 * std::log(2.0 / 3) + 0.1 * std::log(0.5);
  EXPECT_NEAR(t.kld, expect, 1e-6);
  EXPECT_TRUE(t.same_top);
  EXPECT_NEAR(t.p_q - t.p_ref, 0.1, 1e-6);
  const auto same = core::compareLogitRows(ref, ref, 3, 0);
  EXPECT_EQ(same.kld, 0.0);
  EXPECT_TRUE(same.same_top);
  EXPECT_THROW(core::compareLogitRows(ref, q, 3, 3), core::Error);
}

TEST(Kld, PercentilesLikeLlamaCpp) {
  std::vector<double> v;
  for (int i = 0; i <= 100; ++i) v.push_back(i);
  EXPECT_DOUBLE_EQ(core::interpolatedPercentile(v, 0.999), 99.9);
  EXPECT_DOUBLE_EQ(core::interpolatedPercentile(v, 0.05), 5.0);
  EXPECT_DOUBLE_EQ(core::interpolatedPercentile(v, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(core::interpolatedPercentile(v, 1.0), 100.0);
  EXPECT_DOUBLE_EQ(core::interpolatedPercentile({1.0, 3.0}, 0.25), 1.5);
}

TEST(Kld, StatisticsOfAKnownSet) {
  // 20 positions: kld = i/100 for i = 0..19, same_top for the even ones, p_ref = 0.5,
  // p_q = 0.5 ± 0.1 alternating, nll equal for both.
  std::vector<core::KldToken> toks;
  for (int i = 0; i < 20; ++i) {
    core::KldToken t;
    t.kld = i / 100.0;
    t.same_top = i % 2 == 0;
    t.p_ref = 0.5;
    t.p_q = i % 2 == 0 ? 0.6 : 0.4;
    t.nll_ref = t.nll_q = 2.0;
    toks.push_back(t);
  }
  const auto s = core::kldStatistics(toks);
  EXPECT_EQ(s.count, 20u);
  EXPECT_NEAR(s.kld_mean.value, 0.095, 1e-12);
  // llama.cpp: sqrt((E[x²] − E[x]²)/(n − 1)); E[x²] = Σi²/20/1e4 = 2470/2e5 = 0.01235
  EXPECT_NEAR(s.kld_mean.stderr_, std::sqrt((0.01235 - 0.095 * 0.095) / 19), 1e-12);
  EXPECT_NEAR(s.kld_median, 0.095, 1e-12);  // (0.09 + 0.10) / 2
  EXPECT_NEAR(s.kld_max, 0.19, 1e-12);
  EXPECT_NEAR(s.kld_min, 0.0, 1e-12);
  EXPECT_NEAR(s.kld_p90, 0.171, 1e-12);  // 0.9·19 = 17.1 -> 0.17 + 0.1·0.01
  EXPECT_NEAR(s.same_top.value, 0.5, 1e-12);
  EXPECT_NEAR(s.same_top.stderr_, std::sqrt(0.25 / 19), 1e-12);
  EXPECT_NEAR(s.dp_mean.value, 0.0, 1e-12);
  EXPECT_NEAR(s.dp_rms.value, 0.1, 1e-12);
  EXPECT_NEAR(s.ppl_q.value, std::exp(2.0), 1e-9);
  EXPECT_NEAR(s.ln_ppl_ratio.value, 0.0, 1e-12);
}
