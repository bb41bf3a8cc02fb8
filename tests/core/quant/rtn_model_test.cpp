// RTN against Hugging Face fixtures: for smol-ref and qwen-ref, the perplexity of the first 64
// wikitext2_test chunks under each fixture scheme (weight RTN, plus dynamic per-token activation
// quantization through FakeQuantHooks) matches exp(Σ chunk_nll[:64] / (64·511)) from
// shared/assets/fixtures/<model>/reference.safetensors within 0.3% (W8A4 within 1%: see the comment
// in checkModel).
#include <gtest/gtest.h>

#include <string>

#include <cstdio>
#include <cstdlib>

#include "core/common/assets.h"
#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/rtn.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

struct Scheme {
  const char* fixture;  ///< scheme name in the fixture file
  const char* spec;     ///< our short name for the same quantization
};

const Scheme kSchemes[] = {
    {"rtn_w8_perchannel_sym", "w8 perchannel sym"},
    {"rtn_w4_g128_asym", "w4 g128 asym"},
    {"rtn_w4_g32_sym", "w4 g32 sym"},
    {"rtn_w3_g64_asym", "w3 g64 asym"},
    {"w8a8_perchannel_pertoken_sym", "w8a8 perchannel sym pertoken"},
    {"w4a8_g128asym_pertoken_sym", "w4a8 g128 asym pertoken"},
    {"w8a4_perchannel_pertoken_sym", "w8a4 perchannel sym pertoken"},
};

void checkModel(const std::string& name, int chunks) {
  const auto fx = slmq::test::fixture(name);
  const std::vector<int> tokens = fx.readInt32("tokens.wikitext2_test");
  const auto fp = Model::load(asset("models/" + name));
  const double fpRef = slmq::test::fixturePpl(fx, "wikitext2_test", "fp", chunks);
  const double fpOurs = slmq::test::pplFromNll(slmq::test::chunkNll(*fp, tokens, chunks));
  std::printf("%s fp: ours %.4f fixture %.4f\n", name.c_str(), fpOurs, fpRef);
  EXPECT_NEAR(fpOurs / fpRef, 1.0, 1e-3) << name << " FP";
  for (const auto& s : kSchemes) {
    const QuantSpec spec = QuantSpec::parse(s.spec);
    Model q(fp->config(), fp->weights(), fp->sharedTokenizer());
    applyRtn(q.weights(), spec);
    FakeQuantHooks hooks(spec, q.config().num_layers);
    const double ours =
        slmq::test::pplFromNll(slmq::test::chunkNll(q, tokens, chunks, 512, &hooks));
    const double ref = slmq::test::fixturePpl(fx, "wikitext2_test", s.fixture, chunks);
    std::printf("%s %-30s ours %.4f fixture %.4f (%+.3f%%)\n", name.c_str(), s.fixture, ours, ref,
                100 * (ours / ref - 1));
    // Every scheme is held to 0.3 % except W8A4 at 64 chunks. With 4-bit per-token
    // activations a relative change of 1e-6 in the linear inputs (less than the difference
    // between our CPU sums and the GPU's) flips roundings and moves the 64-chunk perplexity:
    // 18 such jittered runs on qwen-ref ranged from -0.84 % to +0.20 % around the fixture (sd
    // 0.3 %), and the fixture is one such draw itself. The bias is not systematic: over the
    // whole file (rtn_slow_test) W8A4 is within 0.01 %, so that is where it is held to 0.3 %;
    // here it is held to 1 % (about 3 sd of the difference of two draws), which still catches a
    // wrong convention (a scale of absmax/8 instead of /7 moves it by -2 %).
    const bool a4 = std::string(s.fixture).rfind("w8a4", 0) == 0;
    EXPECT_NEAR(ours / ref, 1.0, a4 ? 1e-2 : 3e-3) << name << " " << s.fixture;
  }
}

}  // namespace

// SLMQ_TEST_CHUNKS lowers the chunk count for a quick look during development only.
int chunks() {
  const char* e = std::getenv("SLMQ_TEST_CHUNKS");
  return e ? std::max(1, std::atoi(e)) : 64;
}

TEST(RtnFixtures, SmolRefFirst64Chunks) {
  checkModel("smol-ref", chunks());
}
TEST(RtnFixtures, QwenRefFirst64Chunks) {
  checkModel("qwen-ref", chunks());
}
