// Activation statistics on smol-ref and qwen-ref at every stage: the SmoothQuant and rotated
// stages compute the same function as FP (logits agree), the rotation lowers the largest
// per-channel kurtosis of q/k/v/gate/up/down inputs, SmoothQuant lowers the input absmax of the
// smoothed layers, and the outlier picture (largest channels, massive activations, how SmoothQuant
// changes input ranges) is printed for the notes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/analysis/activation_stats.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/test_support.h"

using namespace slmq;
using core::StatsStage;

namespace {

constexpr int kWindows = 2, kLen = 128;

std::vector<int> evalTokens(const core::Model& m) {
  const std::string text = test::readFile(test::asset("text/wikitext2_valid.txt"));
  return m.tokenizer()->encode(text.substr(0, 400000), false);
}

core::StatsStageOptions stageOptions() {
  core::StatsStageOptions so;
  so.calibration_windows = 8;  // SmoothQuant calibration: 8 × 512 tokens
  return so;
}

/// Largest per-channel statistic over the inputs of `modules` (and where it is).
std::pair<double, std::string> maxInputStat(const core::ActivationStatsCollector& c,
                                            const std::set<std::string>& modules, bool kurtosis) {
  double best = 0;
  std::string where;
  for (const auto& [key, t] : c.tensors()) {
    if (t.tensor != "input" || !modules.count(t.module)) continue;
    Eigen::Index ch;
    const double v = kurtosis ? t.channels.kurtosis.maxCoeff(&ch) : t.channels.absmax.maxCoeff(&ch);
    if (v > best) {
      best = v;
      where =
          "block " + std::to_string(t.layer) + " " + t.module + " channel " + std::to_string(ch);
    }
  }
  return {best, where};
}

void picture(const std::string& name) {
  auto m = core::Model::load(test::asset("models/" + name));
  const auto tokens = evalTokens(*m);
  core::ActivationStatsOptions o;
  o.histogram_bins = 64;
  std::map<StatsStage, core::StatsReport> r;
  for (StatsStage s :
       {StatsStage::Fp, StatsStage::SmoothQuant, StatsStage::Rotated, StatsStage::Quantized})
    r.emplace(s, core::collectActivationStats(*m, tokens, kWindows, kLen, s, o, stageOptions()));
  const auto& fp = *r.at(StatsStage::Fp).collector;

  // Same function: the prepared models' logits agree with FP.
  const std::vector<int> ids(tokens.begin(), tokens.begin() + 64);
  const core::MatrixRM ref = m->forward(ids);
  for (StatsStage s : {StatsStage::SmoothQuant, StatsStage::Rotated}) {
    auto p = core::prepareStatsStage(*m, s, tokens, stageOptions(), nullptr);
    const core::MatrixRM got = p.model->forward(ids, 1, p.hooks.get());
    EXPECT_LT((got - ref).cwiseAbs().maxCoeff(), 2e-3 * ref.cwiseAbs().maxCoeff())
        << core::statsStageName(s);
  }

  const std::set<std::string> readers = {"q_proj",    "k_proj",  "v_proj",
                                         "gate_proj", "up_proj", "down_proj"};
  const auto kFp = maxInputStat(fp, readers, true);
  const auto kRot = maxInputStat(*r.at(StatsStage::Rotated).collector, readers, true);
  std::printf(
      "%s: max channel kurtosis of q/k/v/gate/up/down inputs: fp %.1f (%s) -> rotated %.1f\n",
      name.c_str(), kFp.first, kFp.second.c_str(), kRot.first);
  EXPECT_LT(kRot.first, kFp.first);

  const std::set<std::string> smoothed = {"q_proj", "gate_proj"};
  const auto aFp = maxInputStat(fp, smoothed, false);
  const auto aSq = maxInputStat(*r.at(StatsStage::SmoothQuant).collector, smoothed, false);
  std::printf(
      "%s: max input absmax of q/gate (the smoothed inputs): fp %.2f (%s) -> "
      "smoothquant %.2f (%s)\n",
      name.c_str(), aFp.first, aFp.second.c_str(), aSq.first, aSq.second.c_str());
  EXPECT_LT(aSq.first, aFp.first);
  for (const auto& [key, t] : fp.tensors()) {
    if (t.tensor != "input" || (t.module != "q_proj" && t.module != "gate_proj")) continue;
    const auto& s = r.at(StatsStage::SmoothQuant).collector->tensors().at(key);
    std::printf(
        "  block %d %-9s input absmax %7.2f -> %6.2f, max/median channel absmax %6.1f -> %5.1f\n",
        t.layer, t.module.c_str(), t.summary.absmax, s.summary.absmax,
        t.channels.absmax.maxCoeff() / std::max(1e-12,
                                                [&] {
                                                  auto v = t.channels.absmax;
                                                  std::sort(v.data(), v.data() + v.size());
                                                  return v[v.size() / 2];
                                                }()),
        s.channels.absmax.maxCoeff() / std::max(1e-12, [&] {
          auto v = s.channels.absmax;
          std::sort(v.data(), v.data() + v.size());
          return v[v.size() / 2];
        }()));
  }
  // Largest activations by block (residual stream and down input) and massive activations.
  for (const auto& [key, t] : fp.tensors()) {
    if (t.tensor != "residual" && !(t.tensor == "input" && t.module == "down_proj")) continue;
    Eigen::Index ch;
    const double a = t.channels.absmax.maxCoeff(&ch);
    std::printf("  block %d %-9s %-8s absmax %8.2f at channel %4ld, massive (>100x median) %ld\n",
                t.layer, t.module.c_str(), t.tensor.c_str(), a, long(ch), long(t.massive.count));
  }
  const auto massive = fp.massiveJson();
  std::printf("%s massive activations (fp): %s\n", name.c_str(),
              massive.dump().substr(0, 1500).c_str());
  // Store rows are well-formed for the store's rules.
  for (const auto& d : fp.distributionRecords("fp"))
    ASSERT_EQ(d.bin_edges.size(), d.counts.size() + 1);
}

}  // namespace

TEST(ActivationStatsModel, StagesOnSmolRef) {
  picture("smol-ref");
}
TEST(ActivationStatsModel, StagesOnQwenRef) {
  picture("qwen-ref");
}
