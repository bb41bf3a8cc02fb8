// QuaRot perplexity on the trained reference models (issue 8's "done when"): on c4_heldout500
// (calibration on wikitext2_valid), W4A4 per-channel symmetric weights, per-token activations:
//   - the rotated float model (QuaRot without quantization) keeps the FP perplexity;
//   - QuaRot + GPTQ closes at least half of RTN W4A4's perplexity gap to FP ("well below RTN":
//     these small trained models lose far less to W4A4 than billion-parameter ones, RTN W4A4 is
//     about 20-30 % above FP, so a ratio-of-perplexities bar would be meaningless);
//   - QuaRot + RTN below RTN. (QuaRot + GPTQ vs QuaRot + RTN is printed, not asserted: at these
//     budgets they differ by under 1 % on qwen-ref.)
// Bounded budgets (16 × 512 calibration tokens, the first 16 c4 chunks; SLMQ_TEST_CALIB and
// SLMQ_TEST_CHUNKS change them).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/model/model.h"
#include "core/quant/quantize.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

class QuarotPpl : public ::testing::TestWithParam<std::string> {};

TEST_P(QuarotPpl, W4A4PerplexityWellBelowRtn) {
  const std::string name = GetParam();
  auto fp = Model::load(asset("models/" + name));
  const std::vector<int> c4 = slmq::test::fixture(name).readInt32("tokens.c4_heldout500");
  const int chunks = slmq::test::envInt("SLMQ_TEST_CHUNKS", 16, 1);
  auto run = [&](const std::string& methods, const std::string& scheme) {
    Model q(fp->config(), fp->weights(), fp->sharedTokenizer());
    QuantizeOptions o;
    o.methods = methods;
    o.spec = QuantSpec::parse(scheme);
    o.calib.text = asset("text/wikitext2_valid.txt");
    o.calib.samples = slmq::test::envInt("SLMQ_TEST_CALIB", 16, 1);
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
  EXPECT_LT(qgptq - fpRef, 0.5 * (rtn - fpRef));
  EXPECT_LT(qrtn, rtn);
}

INSTANTIATE_TEST_SUITE_P(RefModels, QuarotPpl, ::testing::Values("smol-ref", "qwen-ref"));

}  // namespace
