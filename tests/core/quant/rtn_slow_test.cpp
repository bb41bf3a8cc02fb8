// RTN against the Hugging Face fixtures on the whole of wikitext2_test (790 chunks of 512): a
// weight-only scheme on smol-ref and 4-bit per-token activations (W8A4) on qwen-ref, within 0.3% of
// exp(Σ chunk_nll / (n·511)). The first-64-chunk check of all seven schemes is rtn_model_test.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/rtn.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;

namespace {

void wholeFile(const std::string& name, const char* fixtureScheme, const char* spec) {
  const auto fx = slmq::test::fixture(name);
  const std::vector<int> tokens = fx.readInt32("tokens.wikitext2_test");
  const int chunks = int(tokens.size() / 512);
  auto model = Model::load(slmq::test::asset("models/" + name));
  const QuantSpec s = QuantSpec::parse(spec);
  applyRtn(model->weights(), s);
  FakeQuantHooks hooks(s, model->config().num_layers);
  const double ours =
      slmq::test::pplFromNll(slmq::test::chunkNll(*model, tokens, chunks, 512, &hooks, 8));
  const double ref = slmq::test::fixturePpl(fx, "wikitext2_test", fixtureScheme, chunks);
  std::printf("%s %s whole file (%d chunks): ours %.4f fixture %.4f\n", name.c_str(), fixtureScheme,
              chunks, ours, ref);
  EXPECT_NEAR(ours / ref, 1.0, 3e-3);
}

}  // namespace

// W8A4 is the scheme whose first-64-chunk check is noisy (see rtn_model_test: 4-bit per-token
// activations turn float-level input differences into different roundings, sd ~0.3% of the
// 64-chunk perplexity); over the whole file that noise averages out (measured: qwen-ref -0.008%,
// and +0.011% with the linear inputs jittered by 1e-6), so the whole file is where W8A4 is held to
// 0.3%. Two schemes only, to keep CI's time bounded; the other five are checked at 64 chunks.
TEST(RtnFixturesWholeFile, SmolW4G128Asym) {
  wholeFile("smol-ref", "rtn_w4_g128_asym", "w4 g128 asym");
}
TEST(RtnFixturesWholeFile, QwenW8A4) {
  wholeFile("qwen-ref", "w8a4_perchannel_pertoken_sym", "w8a4 perchannel sym pertoken");
}
