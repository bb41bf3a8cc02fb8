// QuaRot on the trained reference models (issue 8's "done when"):
//   - the rotated float model (norms folded, untied, R1 + R2 folded, R4 online) computes the
//     HF transformers fixture logits of the original within 1e-3·max|logit|;
//   - on c4_heldout500 (calibration on wikitext2_valid), W4A4 per-token: QuaRot (GPTQ and RTN
//     weights) perplexity well below RTN W4A4 — with bounded budgets (16 × 512 calibration tokens,
//     the first 16 c4 chunks; SLMQ_TEST_CALIB and SLMQ_TEST_CHUNKS change them).
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

int envInt(const char* name, int fallback) {
  const char* e = std::getenv(name);
  return e ? std::max(1, std::atoi(e)) : fallback;
}

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

TEST_P(QuarotModel, W4A4PerplexityWellBelowRtn) {
  const std::string name = GetParam();
  auto fp = Model::load(asset("models/" + name));
  const std::vector<int> c4 = slmq::test::fixture(name).readInt32("tokens.c4_heldout500");
  const int chunks = envInt("SLMQ_TEST_CHUNKS", 16);
  auto run = [&](const std::string& methods, const std::string& scheme) {
    Model q(fp->config(), fp->weights(), fp->sharedTokenizer());
    QuantizeOptions o;
    o.methods = methods;
    o.spec = QuantSpec::parse(scheme);
    o.calib.text = asset("text/wikitext2_valid.txt");
    o.calib.samples = envInt("SLMQ_TEST_CALIB", 16);
    o.calib.seq_len = 512;
    const QuantizeResult r = quantizeModel(q, o);
    const auto hooks = makeEvalHooks(q, o.spec, r);
    const double p = slmq::test::pplFromNll(slmq::test::chunkNll(q, c4, chunks, 512, hooks.get()));
    std::printf("%s %-12s %-16s c4[:%d] ppl %9.3f  (quantize %.1f s)\n", name.c_str(),
                methods.c_str(), scheme.c_str(), chunks, p, r.cost.wall_seconds);
    return p;
  };
  const double fpPpl = run("quarot", "w16");  // rotation only: the float model
  const double fpRef = slmq::test::pplFromNll(slmq::test::chunkNll(*fp, c4, chunks));
  EXPECT_NEAR(fpPpl, fpRef, 1e-3 * fpRef) << "rotated float model changed perplexity";
  const double rtn = run("rtn", "w4a4 pc sym");
  const double qrtn = run("quarot,rtn", "w4a4 pc sym");
  const double qgptq = run("quarot,gptq", "w4a4 pc sym");
  // "Well below": at most half of RTN's perplexity (RTN W4A4 is far off on both models).
  EXPECT_LT(qrtn, 0.5 * rtn);
  EXPECT_LT(qgptq, 0.5 * rtn);
  EXPECT_LT(qgptq, qrtn);
}

INSTANTIATE_TEST_SUITE_P(RefModels, QuarotModel, ::testing::Values("smol-ref", "qwen-ref"));

}  // namespace
