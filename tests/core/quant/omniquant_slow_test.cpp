// OmniQuant on the trained reference models (issue 8's "done when"): on c4_heldout500, W4A4
// (weights 4-bit asymmetric per channel, activations per token), OmniQuant's learned clipping and
// equivalent transformation give a perplexity strictly below RTN's, on smol-ref and qwen-ref.
// Bounded budget: 16 × 256 calibration tokens of wikitext2_valid, SLMQ_TEST_OMNI_EPOCHS (default
// 10) epochs, the first SLMQ_TEST_CHUNKS (default 8) c4 chunks; a few minutes per model on 2
// shared cores. SLMQ_TEST_OMNI_SCHEME replaces the scheme (to report W4A8 / W8A8).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/omniquant.h"
#include "core/quant/methods/rtn.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

class OmniQuantPpl : public ::testing::TestWithParam<std::string> {};

TEST_P(OmniQuantPpl, W4A4BelowRtn) {
  const std::string name = GetParam();
  auto fp = Model::load(asset("models/" + name));
  const std::vector<int> c4 = slmq::test::fixture(name).readInt32("tokens.c4_heldout500");
  const int chunks = slmq::test::envInt("SLMQ_TEST_CHUNKS", 8, 0);
  CalibrationOptions calib;
  calib.text = asset("text/wikitext2_valid.txt");
  calib.samples = 16;
  calib.seq_len = 256;
  const std::vector<int> tokens = drawCalibrationTokens(*fp->tokenizer(), calib);
  const char* scheme = std::getenv("SLMQ_TEST_OMNI_SCHEME");
  const QuantSpec spec = QuantSpec::parse(scheme ? scheme : "w4a4 perchannel asym pertoken");

  Model rtn(fp->config(), fp->weights(), fp->sharedTokenizer());
  applyRtn(rtn.weights(), spec);
  FakeQuantHooks act(spec, fp->config().num_layers);
  const double rtnPpl = slmq::test::pplFromNll(slmq::test::chunkNll(rtn, c4, chunks, 512, &act));

  Model q(fp->config(), fp->weights(), fp->sharedTokenizer());
  OmniQuantOptions o;
  o.epochs = slmq::test::envInt("SLMQ_TEST_OMNI_EPOCHS", 10, 0);
  OmniQuantReport rep;
  std::vector<std::string> log;
  const auto t0 = std::chrono::steady_clock::now();
  omniQuantModel(q, tokens, calib, spec, o, {}, &log, &rep);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& l : log) std::printf("  %s\n", l.c_str());
  const double omni = slmq::test::pplFromNll(slmq::test::chunkNll(q, c4, chunks, 512, &act));
  const double fpPpl = slmq::test::pplFromNll(slmq::test::chunkNll(*fp, c4, chunks, 512));
  std::printf("%s c4 (%d chunks) %s: FP %.3f  RTN %.3f  OmniQuant(%d epochs, %.0f s) %.3f\n",
              name.c_str(), chunks, spec.shortName().c_str(), fpPpl, rtnPpl, o.epochs, secs, omni);
  EXPECT_LT(omni, rtnPpl);
  for (std::size_t b = 0; b < rep.last_loss.size(); ++b)
    EXPECT_LT(rep.last_loss[b], rep.first_loss[b]) << "block " << b;
}

INSTANTIATE_TEST_SUITE_P(RefModels, OmniQuantPpl, ::testing::Values("smol-ref", "qwen-ref"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
