// Mixed-precision allocator: the DP equals brute-force enumeration of every assignment on small
// random instances, respects the budget, and a hand-computed case.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/analysis/mixed_precision.h"
#include "core/common/error.h"

using namespace slmq;
using core::AllocationUnit;

namespace {

AllocationUnit unit(int block, int rows, int cols, std::map<int, double> cost) {
  AllocationUnit u;
  u.block = block;
  u.rows = rows;
  u.cols = cols;
  u.cost = std::move(cost);
  return u;
}

}  // namespace

TEST(MixedPrecision, HandComputedTwoUnits) {
  // Unit A (100 weights) is sensitive, unit B (100 weights) is not. Budget 5 bits average =
  // 1000 bits: A at 8 (800) + B at 2 (200) = 1000 fits and costs 0.1 + 1.0 = 1.1; A4+B4 costs
  // 5 + 0.5 = 5.5; A8+B2 is the optimum.
  core::AllocationOptions o;
  o.avg_bits = 5.0;
  o.bits = {2, 4, 8};
  const auto a = core::allocateBits({unit(0, 10, 10, {{2, 40}, {4, 5}, {8, 0.1}}),
                                     unit(1, 10, 10, {{2, 1.0}, {4, 0.5}, {8, 0.4}})},
                                    o);
  EXPECT_EQ(a.units[0].chosen_bits, 8);
  EXPECT_EQ(a.units[1].chosen_bits, 2);
  EXPECT_DOUBLE_EQ(a.predicted_cost, 1.1);
  EXPECT_DOUBLE_EQ(a.avg_bits, 5.0);
  // The spec: base = most common (tie -> the smaller width), override for the other unit.
  ASSERT_EQ(a.spec.overrides.size(), 1u);
  EXPECT_EQ(a.spec.forLayer({0, core::Module::Q}).weight.bits, 8);
  EXPECT_EQ(a.spec.forLayer({1, core::Module::Q}).weight.bits, 2);
  EXPECT_EQ(a.spec.forLayer({1, core::Module::Q}).weight.group_size, 128);
  // As layer metrics: the chosen width per unit, and the trail of every width weighed.
  const auto rows = a.toLayerMetrics("kld");
  ASSERT_EQ(rows.size(), 2u * (1 + 3));
  int chosen = 0, considered = 0;
  for (const auto& r : rows) {
    EXPECT_EQ(r.module, "q_proj");
    if (r.metric == "chosen_bits") {
      ++chosen;
      EXPECT_EQ(r.bits, r.layer == 0 ? 8 : 2);
      EXPECT_EQ(r.value, r.bits);
    } else {
      ++considered;
      EXPECT_EQ(r.metric, "considered_kld");
      if (r.layer == 0 && r.bits == 4) EXPECT_EQ(r.value, 5.0);
      if (r.layer == 1 && r.bits == 8) EXPECT_EQ(r.value, 0.4);
    }
  }
  EXPECT_EQ(chosen, 2);
  EXPECT_EQ(considered, 6);
}

TEST(MixedPrecision, DpEqualsBruteForceOnRandomInstances) {
  std::mt19937 rng(7);
  const std::vector<int> bits = {2, 3, 4, 8};
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 2 + int(rng() % 5);  // 2..6 units: 4^6 = 4096 assignments
    std::vector<AllocationUnit> us;
    for (int i = 0; i < n; ++i) {
      std::map<int, double> c;
      double base = std::uniform_real_distribution<double>(0.1, 10)(rng);
      for (int b : bits)
        c[b] = base / double(1 << b) + std::uniform_real_distribution<double>(0, 0.01)(rng);
      us.push_back(unit(i, 4 * (1 + int(rng() % 4)), 16 * (1 + int(rng() % 3)), c));
    }
    core::AllocationOptions o;
    o.bits = bits;
    o.avg_bits = std::uniform_real_distribution<double>(2.0, 6.0)(rng);
    o.count_overhead = trial % 2 == 1;
    o.quantizer.group_size = 16;
    // Brute force.
    std::int64_t total = 0;
    for (const auto& u : us) total += u.weights();
    double best = INFINITY;
    for (int code = 0; code < (1 << (2 * n)); ++code) {
      std::int64_t used = 0;
      double s = 0;
      for (int i = 0; i < n; ++i) {
        const int b = bits[std::size_t((code >> (2 * i)) & 3)];
        used += core::unitBitCost(us[std::size_t(i)].rows, us[std::size_t(i)].cols, b, o.quantizer,
                                  o.count_overhead);
        s += us[std::size_t(i)].cost.at(b);
      }
      if ((long double)used <= (long double)o.avg_bits * total + 1e-9L) best = std::min(best, s);
    }
    if (std::isinf(best)) {
      EXPECT_THROW(core::allocateBits(us, o), core::Error);
      continue;
    }
    const auto a = core::allocateBits(us, o);
    EXPECT_NEAR(a.predicted_cost, best, 1e-12) << "trial " << trial;
    EXPECT_LE(a.avg_bits, o.avg_bits + 1e-12);
    double s = 0;
    for (const auto& u : a.units) s += u.cost.at(u.chosen_bits);
    EXPECT_NEAR(s, a.predicted_cost, 1e-12);
  }
}

TEST(MixedPrecision, OverheadCountsScalesAndZeros) {
  core::WeightQuant q;
  q.granularity = core::WeightGranularity::PerGroup;
  q.group_size = 128;
  q.symmetric = false;
  // [4, 288]: groups per row 128, 128, 32 -> 3; 12 groups × (16-bit scale + 4-bit zero).
  EXPECT_EQ(core::unitBitCost(4, 288, 4, q, false), 4 * 288 * 4);
  EXPECT_EQ(core::unitBitCost(4, 288, 4, q, true), 4 * 288 * 4 + 12 * 20);
  q.symmetric = true;
  q.granularity = core::WeightGranularity::PerChannel;
  EXPECT_EQ(core::unitBitCost(4, 288, 4, q, true), 4 * 288 * 4 + 4 * 16);
}

TEST(MixedPrecision, ImpossibleBudgetAndMissingCostsAreErrors) {
  core::AllocationOptions o;
  o.avg_bits = 1.5;
  EXPECT_THROW(core::allocateBits({unit(0, 2, 2, {{2, 1}, {3, 1}, {4, 1}, {8, 1}})}, o),
               core::Error);
  o.avg_bits = 4;
  EXPECT_THROW(core::allocateBits({unit(0, 2, 2, {{2, 1}, {4, 1}})}, o), core::Error);
}
