// SLMQ track scores against hand-computed values of DESIGN.md's formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/eval/scores.h"

using namespace slmq;

TEST(Scores, PerfHandComputed) {
  // Ratios: 0.4/0.5 = 0.8, 0.8/0.8 = 1, perplexity 10 -> 12.5 gives 10/12.5 = 0.8.
  // 100·sqrt((0.64 + 1 + 0.64)/3) = 100·sqrt(0.76) = 87.17797887...
  const double s = core::slmqPerf({{"arc_easy/acc", 0.5, 0.4, false},
                                   {"piqa/acc", 0.8, 0.8, false},
                                   {"wikitext2/ppl", 10.0, 12.5, true}});
  EXPECT_NEAR(s, 87.17797887081348, 1e-9);
  // An unchanged model scores exactly 100.
  EXPECT_DOUBLE_EQ(core::slmqPerf({{"a", 0.3, 0.3, false}, {"p", 20, 20, true}}), 100.0);
}

TEST(Scores, PerfTermsFromMetricMaps) {
  const std::map<std::string, double> fp = {
      {"arc_easy/acc", 0.5}, {"wikitext2/ppl", 10.0}, {"only_fp", 1.0}};
  const std::map<std::string, double> q = {{"arc_easy/acc", 0.45}, {"wikitext2/ppl", 11.0}};
  const auto terms = core::perfTermsFromMetrics(fp, q);
  ASSERT_EQ(terms.size(), 2u);
  // sqrt((0.9² + (10/11)²)/2)·100 = 90.4534...
  const double expect = 100 * std::sqrt((0.81 + (10.0 / 11) * (10.0 / 11)) / 2);
  EXPECT_NEAR(core::slmqPerf(terms), expect, 1e-9);
  EXPECT_THROW(core::perfTermsFromMetrics(fp, q, {"only_fp"}), core::Error);
}

TEST(Scores, InferHandComputed) {
  // M/M^c = 400/100 = 4, TPS^c/TPS = 300/200 = 1.5, S/S^c = 36/9 = 4.
  // 100·sqrt((16 + 2.25 + 16)/3) = 100·sqrt(11.4166...) = 337.886...
  const double s = core::slmqInfer({400, 200, 36}, {100, 300, 9});
  EXPECT_NEAR(s, 100 * std::sqrt(34.25 / 3), 1e-9);
  EXPECT_NEAR(s, 337.8856, 1e-4);
  EXPECT_THROW(core::slmqInfer({0, 200, 36}, {100, 300, 9}), core::Error);
}

TEST(Scores, ConsHandComputed) {
  // RTN 2 s / 1 GB; method 20 s / 2 GB: ratios 0.1 and 0.5 -> 100·sqrt((0.01 + 0.25)/2) = 36.0555
  EXPECT_NEAR(core::slmqCons({2, 1e9}, {20, 2e9}), 100 * std::sqrt(0.13), 1e-9);
  EXPECT_DOUBLE_EQ(core::slmqCons({2, 1e9}, {2, 1e9}), 100.0);
  EXPECT_THROW(core::slmqCons({2, 1e9}, {-1, 2e9}), core::Error);
}
