// KL divergence driver on a real model: the FP model against itself gives 0 and 100% top-1
// agreement, a perturbed forward (hooks) gives a positive divergence, and GPTQ W4 diverges less
// than RTN W4.
#include <gtest/gtest.h>

#include "core/eval/kld.h"
#include "core/model/hooks.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/methods/gptq.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/quant_spec.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/test_support.h"

using namespace slmq;

namespace {

std::vector<int> textTokens(const core::Model& m, std::size_t maxChars) {
  std::string text = test::readFile(test::asset("text/wikitext2_valid.txt")).substr(0, maxChars);
  return m.tokenizer()->encode(text, false);
}

/// Adds noise-free damage: scales every down_proj output of block 2 by 0.8.
class DampBlock : public core::ForwardHooks {
 public:
  void linearOutput(const core::LinearId& id, const core::MatrixRM&, core::MatrixRM& y) override {
    if (id.block == 2 && id.module == core::Module::Down) y *= 0.8f;
  }
  bool modifiesLinearInputs() const override { return false; }
};

}  // namespace

TEST(KldModel, SelfDivergenceIsZeroWithFullTopOneAgreement) {
  auto m = core::Model::load(test::asset("models/smol-ref"));
  const auto tokens = textTokens(*m, 6000);
  core::KldOptions opt;
  opt.seq_len = 256;
  opt.max_chunks = 2;
  const auto r = core::klDivergence(*m, *m, tokens, opt);
  EXPECT_EQ(r.overall.count, 2u * 255u);
  EXPECT_EQ(r.chunks.size(), 2u);
  EXPECT_LT(r.overall.kld_max, 1e-9);
  EXPECT_DOUBLE_EQ(r.overall.same_top.value, 1.0);
  EXPECT_NEAR(r.overall.dp_rms.value, 0.0, 1e-9);
  EXPECT_NEAR(r.overall.ppl_q.value, r.overall.ppl_ref.value, 1e-9 * r.overall.ppl_ref.value);

  DampBlock damp;
  const auto d = core::klDivergence(*m, *m, tokens, opt, {}, &damp);
  EXPECT_GT(d.overall.kld_mean.value, 1e-4);
  EXPECT_LT(d.overall.same_top.value, 1.0);
  EXPECT_GE(d.overall.kld_max, d.overall.kld_p99);
  EXPECT_GE(d.overall.kld_p99, d.overall.kld_median);
  std::printf("damped block 2 down: mean KLD %.5f ± %.5f, same top %.2f%%, RMS dp %.3f%%\n",
              d.overall.kld_mean.value, d.overall.kld_mean.stderr_, 100 * d.overall.same_top.value,
              100 * d.overall.dp_rms.value);
}

TEST(KldModel, GptqW4DivergesLessThanRtnW4) {
  // Issue 5's comparison at a budget for the suite: W4 g128 asymmetric by RTN and by GPTQ
  // (16 × 256 calibration tokens of wikitext2_valid), each against the FP model on 4 × 256
  // tokens of wikitext2_test. GPTQ minimises the layer output error, so its mean KLD must be
  // lower; at 16 chunks × 512 and 128 × 512 calibration it is 0.0177 against RTN's 0.0309.
  auto fp = core::Model::load(test::asset("models/smol-ref"));
  const std::string text = test::readFile(test::asset("text/wikitext2_test.txt")).substr(0, 12000);
  const std::vector<int> tokens = fp->tokenizer()->encode(text, false);
  const core::QuantSpec spec = core::QuantSpec::parse("w4 g128 asym");
  core::KldOptions opt;
  opt.seq_len = 256;
  opt.max_chunks = 4;

  auto rtn = core::Model::load(test::asset("models/smol-ref"));
  core::applyRtn(rtn->weights(), spec);
  const auto r = core::klDivergence(*fp, *rtn, tokens, opt);

  auto gptq = core::Model::load(test::asset("models/smol-ref"));
  core::CalibrationOptions calib;
  calib.samples = 16;
  calib.seq_len = 256;
  core::gptqModel(*gptq, core::drawCalibrationTokens(*gptq->tokenizer(), calib), calib, spec,
                  core::GptqOptions{});
  const auto g = core::klDivergence(*fp, *gptq, tokens, opt);

  ASSERT_EQ(r.overall.count, 4u * 255u);
  EXPECT_GT(r.overall.kld_mean.value, 0.0);
  EXPECT_LT(g.overall.kld_mean.value, r.overall.kld_mean.value);
  EXPECT_GT(g.overall.same_top.value, r.overall.same_top.value);
  std::printf(
      "W4 g128 asym mean KLD: RTN %.5f ± %.5f (same top %.2f%%), GPTQ %.5f ± %.5f (%.2f%%)\n",
      r.overall.kld_mean.value, r.overall.kld_mean.stderr_, 100 * r.overall.same_top.value,
      g.overall.kld_mean.value, g.overall.kld_mean.stderr_, 100 * g.overall.same_top.value);
}
