// Pins the forward pass to Hugging Face transformers: for every model with a fixture, logits,
// every hidden state and greedy generation must match what transformers 5.17 (float32) computed
// (shared/assets/fixtures/<model>/reference.safetensors).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/compute_threads.h"
#include "core/io/safetensors.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

std::vector<int> toInts(const std::vector<std::int32_t>& v) {
  return {v.begin(), v.end()};
}

int argmaxRow(const MatrixRM& m, Eigen::Index r) {
  int best = 0;
  for (int j = 1; j < int(m.cols()); ++j)
    if (m(r, j) > m(r, best)) best = j;
  return best;
}

class FixtureForward : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureForward, LogitsHiddenStatesAndGreedyMatchTransformers) {
  setComputeThreads(2);
  const std::string name = GetParam();
  auto model = Model::load(slmq::test::asset("models/" + name));
  SafetensorsFile ref(slmq::test::asset("fixtures/" + name + "/reference.safetensors"));
  const auto ids = toInts(ref.readInt32("input_ids"));
  const int T = int(ids.size());

  // logits: max|Δ| <= 1e-3·max|ref| and identical argmax at every position
  const MatrixRM refLogits = ref.readMatrix("logits");
  const MatrixRM logits = model->forward(ids);
  ASSERT_EQ(logits.rows(), refLogits.rows());
  ASSERT_EQ(logits.cols(), refLogits.cols());
  const float maxRef = refLogits.cwiseAbs().maxCoeff();
  const float maxDiff = (logits - refLogits).cwiseAbs().maxCoeff();
  EXPECT_LE(maxDiff, 1e-3f * maxRef)
      << name << ": max|Δlogits| " << maxDiff << ", max|ref| " << maxRef;
  RecordProperty("max_abs_logit_diff_rel", std::to_string(maxDiff / maxRef));
  std::printf("%s: max|Δlogits|/max|ref| = %.3g\n", name.c_str(), double(maxDiff / maxRef));
  for (int t = 0; t < T; ++t)
    EXPECT_EQ(argmaxRow(logits, t), argmaxRow(refLogits, t)) << name << " position " << t;

  // hidden_states.i: 0 = embeddings, i = residual entering block i, last = after final norm
  const int L = model->config().num_layers;
  MatrixRM h = model->embed(ids);
  for (int i = 0; i <= L; ++i) {
    const MatrixRM refH = ref.readMatrix("hidden_states." + std::to_string(i));
    const MatrixRM ours = i == L ? model->finalNorm(h) : h;
    ASSERT_EQ(ours.rows(), refH.rows());
    const double rel = (ours - refH).norm() / refH.norm();
    EXPECT_LE(rel, 1e-4) << name << " hidden_states." << i;
    if (i < L) model->forwardBlock(i, h, 1);
  }

  // greedy: 12 new tokens from the first 8 prompt tokens
  const auto prompt = toInts(ref.readInt32("greedy_prompt_ids"));
  const auto expected = toInts(ref.readInt32("greedy_output_ids"));
  const auto got = model->generateGreedy(prompt, int(expected.size() - prompt.size()));
  EXPECT_EQ(got, expected) << name;

  // KV-cache decode agrees with the full forward at every position
  KvCache cache;
  float worst = 0;
  for (int t = 0; t < T; ++t) {
    const VectorF step = model->decode({ids[std::size_t(t)]}, cache);
    worst = std::max(worst, (step.transpose() - logits.row(t)).cwiseAbs().maxCoeff());
  }
  EXPECT_LE(worst, 1e-4f * maxRef) << name << ": decode vs forward";
}

INSTANTIATE_TEST_SUITE_P(AllFixtures, FixtureForward,
                         ::testing::Values("smol-ref", "qwen-ref", "smol-nope-ref", "smol-mha-ref",
                                           "qwen3-random", "llama-yarn-random", "llama3rope-random",
                                           "smollm3-random"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
