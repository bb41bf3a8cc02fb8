// Outlier statistics on real activations: a randomized Hadamard rotation lowers the maximum
// per-channel kurtosis of the linear-layer inputs of smol-ref and qwen-ref (QuaRot's premise),
// and the outlier picture (largest channels, massive activations of the residual stream) is
// printed for the notes.
#include <gtest/gtest.h>

#include <map>

#include "core/analysis/stats.h"
#include "core/model/hooks.h"
#include "core/model/model.h"
#include "core/quant/hadamard.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/test_support.h"

using namespace slmq;
using core::MatrixRM;

namespace {

/// Captures the inputs of q (attention norm output), gate (MLP norm output) and down, and the
/// residual stream entering each block.
class Capture : public core::ForwardHooks {
 public:
  void blockInput(int block, MatrixRM& h) override { residual[block] = h; }
  void linearInput(const core::LinearId& id, MatrixRM& x) override {
    if (id.module == core::Module::Q || id.module == core::Module::Gate ||
        id.module == core::Module::Down)
      inputs[{id.block, int(id.module)}] = x;
  }
  bool modifiesLinearInputs() const override { return true; }
  std::map<std::pair<int, int>, MatrixRM> inputs;
  std::map<int, MatrixRM> residual;
};

void check(const std::string& name) {
  auto m = core::Model::load(test::asset("models/" + name));
  const std::string text = test::readFile(test::asset("text/wikitext2_valid.txt")).substr(0, 4000);
  auto tokens = m->tokenizer()->encode(text, false);
  tokens.resize(std::min<std::size_t>(tokens.size(), 512));
  Capture cap;
  m->forward(tokens, 1, &cap);
  ASSERT_EQ(int(cap.inputs.size()), 3 * m->config().num_layers);

  double maxBefore = 0, maxAfter = 0;
  std::string where;
  std::map<int, core::Rotation> rotations;
  for (auto& [key, x] : cap.inputs) {
    const int n = int(x.cols());
    if (!rotations.count(n)) rotations.emplace(n, core::Rotation::random(n, 1234));
    const auto before = core::channelStats(x);
    MatrixRM r = x;
    rotations.at(n).applyRows(r);
    const auto after = core::channelStats(r);
    Eigen::Index ch;
    const double k = before.kurtosis.maxCoeff(&ch);
    if (k > maxBefore) {
      maxBefore = k;
      where = "block " + std::to_string(key.first) + " " +
              core::moduleName(core::Module(key.second)) + " input, channel " + std::to_string(ch) +
              " (absmax " + std::to_string(before.absmax[ch]) + ")";
    }
    maxAfter = std::max(maxAfter, after.kurtosis.maxCoeff());
  }
  std::printf(
      "%s: max per-channel kurtosis of q/gate/down inputs %.1f -> %.1f after a randomized "
      "Hadamard rotation; the maximum was at %s\n",
      name.c_str(), maxBefore, maxAfter, where.c_str());
  EXPECT_LT(maxAfter, maxBefore);

  // Outlier picture of the residual stream.
  for (auto& [block, h] : cap.residual) {
    const auto s = core::channelStats(h);
    Eigen::Index ch;
    const double amax = s.absmax.maxCoeff(&ch);
    const auto mass = core::findMassiveActivations(h, 100.0, 3);
    std::printf(
        "%s block %d residual: absmax %.2f at channel %ld (kurtosis %.1f), median |x| %.4f, "
        "massive (>100x median) %ld",
        name.c_str(), block, amax, long(ch), s.kurtosis[ch], mass.median_abs, long(mass.count));
    for (const auto& a : mass.largest)
      std::printf(" [token %d, ch %d, %.1f]", a.row, a.channel, a.value);
    std::printf("\n");
  }
}

}  // namespace

TEST(OutlierStats, HadamardRotationLowersMaxKurtosisSmolRef) {
  check("smol-ref");
}
TEST(OutlierStats, HadamardRotationLowersMaxKurtosisQwenRef) {
  check("qwen-ref");
}
