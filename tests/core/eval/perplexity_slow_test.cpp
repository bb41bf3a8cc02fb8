// The whole of wikitext2_test on smol-ref against reference.json's perplexity (within 0.05%),
// and the first 64 chunks of every fixture text of every -ref model. Minutes on 2 cores.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/compute_threads.h"
#include "core/eval/perplexity.h"
#include "core/io/safetensors.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

std::vector<int> fixtureTokens(const SafetensorsFile& ref, const std::string& text) {
  const auto t = ref.readInt32("tokens." + text);
  return {t.begin(), t.end()};
}

TEST(PerplexitySlow, WholeWikitext2TestOfSmolRefMatchesReferenceJson) {
  setComputeThreads(2);
  auto model = Model::load(slmq::test::asset("models/smol-ref"));
  SafetensorsFile ref(slmq::test::asset("fixtures/smol-ref/reference.safetensors"));
  const auto j = nlohmann::json::parse(
      slmq::test::readFile(slmq::test::asset("fixtures/smol-ref/reference.json")));
  const auto& p = j["perplexity"]["wikitext2_test"];
  const auto r = evaluatePerplexity(*model, fixtureTokens(ref, "wikitext2_test"));
  EXPECT_EQ(r.chunk_nll.size(), p["n_chunks"].get<std::size_t>());
  EXPECT_EQ(r.n_predicted, p["n_predicted"].get<std::size_t>());
  const double want = p["fp"].get<double>();
  EXPECT_NEAR(r.perplexity(), want, 5e-4 * want);
  std::printf("smol-ref wikitext2_test: ppl %.6f (transformers %.6f)\n", r.perplexity(), want);
}

// One test per model so that each stays well inside ctest's per-test timeout.
class First64Chunks : public ::testing::TestWithParam<const char*> {};

TEST_P(First64Chunks, EveryFixtureTextMatchesTransformers) {
  setComputeThreads(2);
  const std::string name = GetParam();
  auto model = Model::load(slmq::test::asset("models/" + name));
  SafetensorsFile ref(slmq::test::asset("fixtures/" + name + "/reference.safetensors"));
  int texts = 0;
  for (const auto& t : ref.tensors()) {
    if (t.name.rfind("tokens.", 0) != 0) continue;
    ++texts;
    const std::string text = t.name.substr(7);
    const auto nll = ref.readFloat64("chunk_nll." + text + ".fp");
    PerplexityOptions o;
    o.max_chunks = 64;
    const auto r = evaluatePerplexity(*model, fixtureTokens(ref, text), o);
    const std::size_t k = r.chunk_nll.size();
    ASSERT_EQ(k, std::min<std::size_t>(64, nll.size()));
    double s = 0;
    for (std::size_t i = 0; i < k; ++i) s += nll[i];
    const double want = std::exp(s / (double(k) * 511));
    EXPECT_NEAR(r.perplexity(), want, 5e-4 * want) << name << " " << text;
    std::printf("%s %s: ppl %.6f (transformers %.6f)\n", name.c_str(), text.c_str(), r.perplexity(),
                want);
  }
  EXPECT_GE(texts, 3);
}

INSTANTIATE_TEST_SUITE_P(RefModels, First64Chunks,
                         ::testing::Values("smol-ref", "qwen-ref", "smol-nope-ref", "smol-mha-ref"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
