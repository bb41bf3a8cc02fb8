// QuaRot on the trained reference models (issue 8's "done when"):
//   - the rotated float model (norms folded, untied, R1 + R2 folded, R4 online) computes the
//     HF transformers fixture logits of the original within 1e-3·max|logit|.
// The perplexity comparison against RTN is in quarot_slow_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/model/model.h"
#include "core/quant/quantize.h"
#include "core/quant/rotation/rotation.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

class QuarotModel : public ::testing::TestWithParam<std::string> {};

TEST_P(QuarotModel, RotatedFloatModelMatchesFixtureLogits) {
  const std::string name = GetParam();
  auto model = Model::load(asset("models/" + name));
  const auto fx = slmq::test::fixture(name);
  const std::vector<int> ids = fx.readInt32("input_ids");
  const MatrixRM ref = fx.readMatrix("logits");
  std::vector<std::string> log;
  const Rotations rot = randomHadamardRotations(model->config(), 0, &log);
  untieEmbeddings(model->weights());
  foldNorms(model->weights());
  applyRotation(model->weights(), model->config(), rot);
  for (const auto& l : log) std::printf("  %s\n", l.c_str());
  OnlineR4Hooks r4(model->config().intermediate_size);
  const MatrixRM got = model->forward(ids, 1, &r4);
  ASSERT_EQ(got.rows(), ref.rows());
  ASSERT_EQ(got.cols(), ref.cols());
  const float maxRef = ref.cwiseAbs().maxCoeff();
  const float diff = (got - ref).cwiseAbs().maxCoeff();
  std::printf("%s rotated (R1,R2,R4) vs HF logits: max diff %.3g, max|logit| %.3g (ratio %.2g)\n",
              name.c_str(), diff, maxRef, diff / maxRef);
  EXPECT_LE(diff, 1e-3f * maxRef);
}

INSTANTIATE_TEST_SUITE_P(RefModels, QuarotModel, ::testing::Values("smol-ref", "qwen-ref"));

}  // namespace
