// SpinQuant on the trained reference models (issue 8's "done when"): on c4_heldout500 with
// W4A4 per-token (RTN weights per channel, symmetric; activations clipped at 0.9 as QuaRot), the
// learned rotations give a perplexity at or below QuaRot's random Hadamard ones. QuaRot here is
// spinQuantModel with 0 steps: the same seed, the same untie/fold/R4, the start point of the
// learning. Bounded budget: SLMQ_TEST_SPIN_STEPS (default 32) Cayley SGD steps of
// SLMQ_TEST_SPIN_BATCH (8) × SLMQ_TEST_SPIN_LEN (256) tokens, lr SLMQ_TEST_SPIN_LR (default
// 1.5, the issue's, cosine), drawn from SLMQ_TEST_SPIN_WINDOWS (256) wikitext2_valid windows,
// evaluated on the first SLMQ_TEST_CHUNKS (16) c4 chunks of 512 tokens. SLMQ_TEST_SPIN_SCHEMES
// (default "w4a4") adds schemes to report (e.g. "w4a4,w4a8,w8a8"); only W4A4 is asserted.
// SLMQ_TEST_SPIN_TRAIN_W16=1 learns with float weights (activations quantized only).
//
// Measured W4A4 (c4[:16]; QuaRot: smol-ref 115.949, qwen-ref 122.727; 2 shared cores):
//   steps x batch x len, lr, windows   smol-ref SpinQuant   qwen-ref SpinQuant
//   32 x 8 x 256, lr 1.5, 256 (default)   115.287             122.545
//   32 x 8 x 256, lr 0.5, 256             115.281             122.289
//    8 x 8 x 256, lr 0.5, 256             115.949 (=)         124.228 (> QuaRot)
//    8 x 8 x 256, lr 0.5,  32             115.978 (>)         123.457 (>)
//   16 x 4 x 256, lr 0.5,  32             115.370             124.497 (>)
//   16 x 4 x 256, lr 0.1,  32             116.022 (>)         122.494
//   16 x 4 x 256, lr 1.5,  32             116.366 (>)         -
// Below 32 x 8 x 256 tokens the learned rotations land within about ±1.5 % of QuaRot either
// way (the training fits its few windows: against lr 0 on the same batches the loss falls, but
// held-out c4 does not follow); at 32 x 8 x 256 both models are below QuaRot (by 0.6 % and
// 0.15 %, a small margin). Training wall time there: smol-ref 106-122 s, qwen-ref 59-208 s
// (the machine's load varied), peak RSS 0.76 / 0.95 GB.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "core/common/resource_usage.h"
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

std::vector<std::string> envSchemes() {
  const char* e = std::getenv("SLMQ_TEST_SPIN_SCHEMES");
  std::vector<std::string> out;
  std::stringstream ss(e ? e : "w4a4");
  for (std::string s; std::getline(ss, s, ',');)
    if (!s.empty()) out.push_back(s);
  return out;
}

class SpinQuantModel : public ::testing::TestWithParam<std::string> {};

TEST_P(SpinQuantModel, W4A4PerplexityAtOrBelowQuaRot) {
  const std::string name = GetParam();
  auto fp = Model::load(asset("models/" + name));
  const std::vector<int> c4 = slmq::test::fixture(name).readInt32("tokens.c4_heldout500");
  const int chunks = slmq::test::envInt("SLMQ_TEST_CHUNKS", 16, 0);
  SpinQuantOptions o;
  o.steps = slmq::test::envInt("SLMQ_TEST_SPIN_STEPS", 32, 0);
  o.batch = slmq::test::envInt("SLMQ_TEST_SPIN_BATCH", 8, 0);
  o.seq_len = slmq::test::envInt("SLMQ_TEST_SPIN_LEN", 256, 0);
  if (const char* lr = std::getenv("SLMQ_TEST_SPIN_LR")) o.lr = std::atof(lr);
  CalibrationOptions calib;
  calib.text = asset("text/wikitext2_valid.txt");
  calib.samples = slmq::test::envInt("SLMQ_TEST_SPIN_WINDOWS", 256, 0);
  calib.seq_len = std::max(256, o.seq_len);
  const std::vector<int> calibTokens = drawCalibrationTokens(*fp->tokenizer(), calib);
  const double fpPpl = slmq::test::pplFromNll(slmq::test::chunkNll(*fp, c4, chunks, 512));

  for (const std::string& scheme : envSchemes()) {
    const QuantSpec spec = QuantSpec::parse(scheme + " perchannel sym pertoken");
    QuantSpec evalSpec = spec;
    if (evalSpec.act.enabled()) evalSpec.act.clip_ratio = 0.9f;
    auto cost = [&](const char* what, const ResourceMeter& m) {
      std::printf("%s %s %s quantize: wall %.1f s, CPU %.1f s, peak RSS %.0f MiB\n", name.c_str(),
                  scheme.c_str(), what, m.wallSeconds(), m.cpuSeconds(),
                  double(m.peakBytes()) / 1048576.0);
    };
    auto run = [&](int steps, SpinQuantReport* rep) {
      ResourceMeter meter;
      Model q(fp->config(), fp->weights(), fp->sharedTokenizer());
      SpinQuantOptions so = o;
      so.steps = steps;
      // SLMQ_TEST_SPIN_TRAIN_W16=1: learn the rotations with float weights (activations
      // quantized only), as SpinQuant's README does before GPTQ.
      QuantSpec trainSpec = spec;
      if (slmq::test::envInt("SLMQ_TEST_SPIN_TRAIN_W16", 0, 0)) trainSpec.weight.bits = 16;
      const Rotation* r4 =
          spinQuantModel(q, calibTokens, calib.seq_len, trainSpec, so, {}, nullptr, rep);
      applyRtn(q.weights(), spec);
      cost(steps ? "SpinQuant+RTN" : "QuaRot+RTN", meter);
      FakeQuantHooks act(evalSpec, q.config().num_layers);
      OnlineR4Hooks hooks(r4->order(), &act);
      return slmq::test::pplFromNll(slmq::test::chunkNll(q, c4, chunks, 512, &hooks));
    };
    const double quarot = run(0, nullptr);
    SpinQuantReport rep;
    const double spin = run(o.steps, &rep);
    // Plain RTN (no rotation) for context.
    ResourceMeter meter;
    Model rtn(fp->config(), fp->weights(), fp->sharedTokenizer());
    applyRtn(rtn.weights(), spec);
    cost("RTN", meter);
    FakeQuantHooks act(spec, rtn.config().num_layers);
    const double rtnPpl = slmq::test::pplFromNll(slmq::test::chunkNll(rtn, c4, chunks, 512, &act));
    std::printf(
        "%s c4[:%d] %s RTN weights: FP %.3f  RTN %.3f  QuaRot %.6f  SpinQuant(%d x %d x %d) "
        "lr %.3g %.6f; train loss %.4f -> %.4f in %.1f s\n",
        name.c_str(), chunks, scheme.c_str(), fpPpl, rtnPpl, quarot, o.steps, o.batch, o.seq_len,
        o.lr, spin, rep.loss.empty() ? 0.0 : rep.loss.front(),
        rep.loss.empty() ? 0.0 : rep.loss.back(), rep.seconds);
    std::printf("  step alpha(R1):");
    for (double a : rep.alpha_r1) std::printf(" %.3g", a);
    std::printf("; max |R1 - R1_start| %.3g\n", rep.r1_moved);
    std::fflush(stdout);
    if (scheme == "w4a4") {
      EXPECT_LE(spin, quarot) << name;
      EXPECT_LT(spin, rtnPpl) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(RefModels, SpinQuantModel, ::testing::Values("smol-ref", "qwen-ref"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
