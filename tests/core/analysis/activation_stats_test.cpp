// ActivationStatsCollector on synthetic tensors with hand-computed answers: store rows (excess
// kurtosis, histogram edges, per-channel blobs), massive activations named by (sequence, token,
// channel), taps routed by module, and a tensor seen twice refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/analysis/activation_stats.h"
#include "core/common/error.h"

using namespace slmq;
using core::MatrixRM;

namespace {
const core::DistributionRecord* find(const std::vector<core::DistributionRecord>& v,
                                     const std::string& module, const std::string& tensor) {
  for (const auto& r : v)
    if (r.module == module && r.tensor == tensor) return &r;
  return nullptr;
}
}  // namespace

TEST(ActivationStats, DistributionRowsHoldHandComputedSummaries) {
  core::ActivationStatsOptions o;
  o.histogram_bins = 4;
  core::ActivationStatsCollector c(o, 2);
  // Values {-3, -1, 1, 3}: mean 0, population variance 5, m4 = (81+1+1+81)/4 = 41,
  // Pearson kurtosis 41/25 = 1.64 -> excess -1.36.
  MatrixRM x(2, 2);
  x << -3, -1, 1, 3;
  c.linearInput({1, core::Module::Q}, x);
  const auto d = c.distributionRecords("fp");
  ASSERT_EQ(d.size(), 2u);  // linear + log10abs
  const auto* lin = find(d, "q_proj", "input");
  ASSERT_NE(lin, nullptr);
  EXPECT_EQ(lin->layer, 1);
  EXPECT_EQ(lin->stage, "fp");
  EXPECT_EQ(lin->n, 4);
  EXPECT_DOUBLE_EQ(lin->mean, 0.0);
  EXPECT_NEAR(lin->std, std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(lin->kurtosis, 1.64 - 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(lin->absmax, 3.0);
  EXPECT_DOUBLE_EQ(lin->min, -3.0);
  EXPECT_DOUBLE_EQ(lin->max, 3.0);
  // Bins over [-3, 3] of width 1.5: -3 | -1 | 1 | 3 (last bin includes hi).
  ASSERT_EQ(lin->bin_edges.size(), 5u);
  EXPECT_DOUBLE_EQ(lin->bin_edges.front(), -3.0);
  EXPECT_DOUBLE_EQ(lin->bin_edges.back(), 3.0);
  EXPECT_EQ(lin->counts, (std::vector<double>{1, 1, 1, 1}));
  const auto* lg = find(d, "q_proj", "input_log10abs");
  ASSERT_NE(lg, nullptr);
  // log10 |x| in {0, 0, log10 3, log10 3}: range [0, 0.477]; two in the first, two in the last.
  EXPECT_NEAR(lg->bin_edges.back(), std::log10(3.0), 1e-12);
  EXPECT_EQ(lg->counts, (std::vector<double>{2, 0, 0, 2}));

  const auto ch = c.channelStatRecords();
  std::map<std::string, std::vector<float>> byStat;
  for (const auto& r : ch) byStat[r.stat] = r.values;
  // Channel 0 = {-3, 1}, channel 1 = {-1, 3}.
  EXPECT_EQ(byStat["absmax"], (std::vector<float>{3, 3}));
  EXPECT_EQ(byStat["mean"], (std::vector<float>{-1, 1}));
  EXPECT_EQ(byStat["std"], (std::vector<float>{2, 2}));
  // Two-point channels: Pearson kurtosis 1 -> excess -2.
  EXPECT_EQ(byStat["kurtosis"], (std::vector<float>{-2, -2}));
  EXPECT_EQ(byStat["count_6sigma"], (std::vector<float>{0, 0}));
  ASSERT_EQ(byStat["p999"].size(), 2u);
  // p99.9 of |x| over {1, 3}: 1 + 0.999·(3 − 1).
  EXPECT_NEAR(byStat["p999"][0], 1 + 0.999 * 2, 1e-6);
}

TEST(ActivationStats, MassiveActivationsAreNamedBySequenceTokenAndChannel) {
  core::ActivationStatsOptions o;
  core::ActivationStatsCollector c(o, 4);  // 4 tokens per sequence
  MatrixRM h = MatrixRM::Constant(8, 3, 0.5f);
  h(6, 2) = -400.f;  // sequence 1, token 2, channel 2: 800 × the median 0.5
  h(1, 0) = 30.f;    // 60 × median: not massive
  c.blockInput(5, h);
  const auto j = c.massiveJson();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["layer"], 5);
  EXPECT_EQ(j[0]["module"], "block");
  EXPECT_EQ(j[0]["tensor"], "residual");
  EXPECT_EQ(j[0]["count"], 1);
  EXPECT_DOUBLE_EQ(j[0]["median_abs"].get<double>(), 0.5);
  const auto& p = j[0]["largest"][0];
  EXPECT_EQ(p["sequence"], 1);
  EXPECT_EQ(p["token"], 2);
  EXPECT_EQ(p["channel"], 2);
  EXPECT_FLOAT_EQ(p["value"].get<float>(), -400.f);
}

TEST(ActivationStats, TapsRouteByModuleAndTensorAndRefuseRepeats) {
  core::ActivationStatsOptions o;
  o.blocks = {2};
  core::ActivationStatsCollector c(o);
  MatrixRM x = MatrixRM::Random(4, 3), y = MatrixRM::Random(4, 5);
  c.linearInput({1, core::Module::Down}, x);  // block 1 not wanted
  c.linearInput({2, core::Module::Down}, x);
  c.linearOutput({2, core::Module::Down}, x, y);
  ASSERT_EQ(c.tensors().size(), 2u);
  EXPECT_EQ(c.tensors().count({2, "down_proj", "input"}), 1u);
  EXPECT_EQ(c.tensors().at({2, "down_proj", "output"}).channels.absmax.size(), 5);
  EXPECT_THROW(c.linearInput({2, core::Module::Down}, x), core::Error);
  core::ActivationStatsOptions bad;
  bad.histogram_bins = 0;
  EXPECT_THROW(core::ActivationStatsCollector{bad}, core::Error);
}
