// Perplexity against the fixtures' per-chunk NLLs computed with transformers (float32):
// PPL of the first k chunks must equal exp(Σ chunk_nll[:k] / (k·511)) within 0.05%, and every
// chunk's summed NLL must agree. The full 64-chunk sweep over every text is in
// perplexity_slow_test.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/eval/perplexity.h"
#include "core/io/safetensors.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

double refPpl(const std::vector<double>& nll, std::size_t k, int len) {
  double s = 0;
  for (std::size_t i = 0; i < k; ++i) s += nll[i];
  return std::exp(s / (double(k) * (len - 1)));
}

struct Case {
  const char* model;
  const char* text;
  int chunks;
};

class PerplexityFixture : public ::testing::TestWithParam<Case> {};

TEST_P(PerplexityFixture, FirstChunksMatchTransformers) {
  setComputeThreads(2);
  const Case c = GetParam();
  auto model = Model::load(slmq::test::asset(std::string("models/") + c.model));
  SafetensorsFile ref(
      slmq::test::asset(std::string("fixtures/") + c.model + "/reference.safetensors"));
  const auto t32 = ref.readInt32(std::string("tokens.") + c.text);
  const std::vector<int> tokens(t32.begin(), t32.end());
  const auto nll = ref.readFloat64(std::string("chunk_nll.") + c.text + ".fp");

  PerplexityOptions o;
  o.max_chunks = c.chunks;
  int calls = 0;
  o.progress = [&](double f, std::string_view) {
    ++calls;
    EXPECT_GE(f, 0.0);
    EXPECT_LE(f, 1.0);
    return true;
  };
  const PerplexityResult r = evaluatePerplexity(*model, tokens, o);
  ASSERT_EQ(r.chunk_nll.size(), std::size_t(c.chunks));
  EXPECT_EQ(r.n_predicted, std::size_t(c.chunks) * 511);
  EXPECT_GT(calls, 1);
  for (int i = 0; i < c.chunks; ++i)
    EXPECT_NEAR(r.chunk_nll[std::size_t(i)], nll[std::size_t(i)], 1e-4 * nll[std::size_t(i)])
        << c.model << " " << c.text << " chunk " << i;
  const double want = refPpl(nll, std::size_t(c.chunks), 512);
  EXPECT_NEAR(r.perplexity(), want, 5e-4 * want) << c.model << " " << c.text;
  std::printf("%s %s %d chunks: ppl %.6f (transformers %.6f)\n", c.model, c.text, c.chunks,
              r.perplexity(), want);
}

INSTANTIATE_TEST_SUITE_P(RefModels, PerplexityFixture,
                         ::testing::Values(Case{"smol-ref", "wikitext2_test", 16},
                                           Case{"smol-ref", "ptb_test", 4},
                                           Case{"qwen-ref", "wikitext2_test", 8},
                                           Case{"smol-nope-ref", "c4_heldout500", 4},
                                           Case{"smol-mha-ref", "wikitext2_test", 4}),
                         [](const auto& info) {
                           std::string n = std::string(info.param.model) + "_" + info.param.text;
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

TEST(Perplexity, TextFileIsTokenisedWholeLikeTheFixture) {
  setComputeThreads(2);
  auto model = Model::load(slmq::test::asset("models/smol-ref"));
  ASSERT_NE(model->tokenizer(), nullptr);
  SafetensorsFile ref(slmq::test::asset("fixtures/smol-ref/reference.safetensors"));
  const auto nll = ref.readFloat64("chunk_nll.wikitext2_test.fp");
  PerplexityOptions o;
  o.max_chunks = 2;
  const auto r = evaluatePerplexityFile(*model, slmq::test::asset("text/wikitext2_test.txt"), o);
  EXPECT_EQ(r.n_tokens, ref.info("tokens.wikitext2_test").numel());
  ASSERT_EQ(r.chunk_nll.size(), 2u);
  for (int i = 0; i < 2; ++i)
    EXPECT_NEAR(r.chunk_nll[std::size_t(i)], nll[std::size_t(i)], 1e-4 * nll[std::size_t(i)]);
}

TEST(Perplexity, CancelFromProgressThrowsCancelled) {
  auto model = Model::load(slmq::test::asset("models/llama-yarn-random"));
  std::vector<int> tokens(64 * 8, 5);
  PerplexityOptions o;
  o.seq_len = 64;
  o.batch = 1;
  int calls = 0;
  o.progress = [&](double, std::string_view) { return ++calls < 3; };
  try {
    evaluatePerplexity(*model, tokens, o);
    FAIL() << "expected Error(Cancelled)";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Cancelled);
  }
  EXPECT_EQ(calls, 3);
}

TEST(Perplexity, TooFewTokensOrBadSeqLenIsInvalidInput) {
  auto model = Model::load(slmq::test::asset("models/llama-yarn-random"));
  PerplexityOptions o;
  o.seq_len = 512;
  EXPECT_THROW(evaluatePerplexity(*model, std::vector<int>(100, 1), o), Error);
  o.seq_len = 1;
  EXPECT_THROW(evaluatePerplexity(*model, std::vector<int>(100, 1), o), Error);
}

// Hand-checkable case: a chunk of 2 tokens predicts exactly one token, so its NLL is
// logsumexp(logits[0]) − logits[0][target].
TEST(Perplexity, TwoTokenChunkIsOneCrossEntropy) {
  auto model = Model::load(slmq::test::asset("models/llama3rope-random"));
  const std::vector<int> tokens = {17, 4242, 99};  // trailing partial chunk (99) dropped
  PerplexityOptions o;
  o.seq_len = 2;
  const auto r = evaluatePerplexity(*model, tokens, o);
  ASSERT_EQ(r.chunk_nll.size(), 1u);
  const MatrixRM logits = model->forward({17, 4242});
  double se = 0;
  for (Eigen::Index v = 0; v < logits.cols(); ++v) se += std::exp(double(logits(0, v)));
  EXPECT_NEAR(r.chunk_nll[0], std::log(se) - logits(0, 4242), 1e-9);
  EXPECT_NEAR(r.perplexity(), std::exp(r.chunk_nll[0]), 1e-9);
}

}  // namespace
