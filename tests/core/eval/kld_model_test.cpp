// KL divergence driver on a real model: the FP model against itself gives 0 and 100% top-1
// agreement, and a perturbed forward (hooks) gives a positive divergence.
#include <gtest/gtest.h>

#include "core/eval/kld.h"
#include "core/model/hooks.h"
#include "core/model/model.h"
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
