// Scoring exactness against transformers + lm-evaluation-harness encoding: on the subsets in
// fixtures/task_subsets.json every per-choice log-likelihood matches fixtures/<model>/tasks.json
// within 1e-3, token counts and is_greedy match, and acc / acc_norm match exactly.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/eval/tasks/loglikelihood.h"
#include "core/eval/tasks/task_eval.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/task_fixtures.h"
#include "tests/testlib/test_support.h"

using namespace slmq;

namespace {

void checkModel(const std::string& model) {
  const test::TaskFixtures fixtures = test::loadTaskFixtures(model);
  auto m = core::Model::load(test::asset("models/" + model));
  core::TaskEvalOptions opt;
  opt.scorer.max_length = fixtures.file.at("max_length").get<int>();
  double totalSeconds = 0;
  for (const auto& [task, tref] : fixtures.tasks) {
    const std::string& name = task.name;
    const auto res = core::evaluateTask(*m, task, opt);
    totalSeconds += res.seconds;
    const auto& items = tref.at("items");
    ASSERT_EQ(res.scores.size(), items.size());
    double worst = 0;
    int greedyMismatch = 0, countMismatch = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto ll = items[i].at("ll").get<std::vector<double>>();
      const auto nt = items[i].at("n_tokens").get<std::vector<int>>();
      const auto gr = items[i].at("is_greedy").get<std::vector<bool>>();
      ASSERT_EQ(res.scores[i].size(), ll.size());
      for (std::size_t j = 0; j < ll.size(); ++j) {
        const double d = std::abs(res.scores[i][j].ll - ll[j]);
        worst = std::max(worst, d);
        EXPECT_LE(d, 1e-3) << model << " " << name << " item " << i << " choice " << j;
        if (res.scores[i][j].n_tokens != nt[j]) ++countMismatch;
        if (res.scores[i][j].is_greedy != gr[j]) ++greedyMismatch;
      }
    }
    EXPECT_EQ(countMismatch, 0) << model << " " << name;
    EXPECT_EQ(greedyMismatch, 0) << model << " " << name;
    const double n = double(items.size());
    EXPECT_EQ(std::lround(res.metrics.metrics.at("acc").value * n),
              std::lround(tref.at("acc").get<double>() * n))
        << model << " " << name;
    EXPECT_EQ(std::lround(res.metrics.metrics.at("acc_norm").value * n),
              std::lround(tref.at("acc_norm").get<double>() * n))
        << model << " " << name;
    std::printf("%s %-14s n=%zu requests=%zu  max|dll|=%.2e  acc=%.4f acc_norm=%.4f  %.2fs\n",
                model.c_str(), name.c_str(), items.size(), res.requests, worst,
                res.metrics.metrics.at("acc").value, res.metrics.metrics.at("acc_norm").value,
                res.seconds);
  }
  std::printf("%s total scoring time %.1fs\n", model.c_str(), totalSeconds);
}

}  // namespace

TEST(TaskScoring, SmolRefMatchesTransformers) {
  checkModel("smol-ref");
}
TEST(TaskScoring, QwenRefMatchesTransformers) {
  checkModel("qwen-ref");
}

TEST(TaskScoring, TrailingContextSpaceMovesToTheContinuation) {
  auto m = core::Model::load(test::asset("models/smol-ref"));
  const core::Tokenizer& tok = *m->tokenizer();
  const auto a = core::encodeRequest(tok, "The cat sat ", "on");
  const auto b = core::encodeRequest(tok, "The cat sat", " on");
  EXPECT_EQ(a.context, b.context);
  EXPECT_EQ(a.continuation, b.continuation);
  EXPECT_EQ(a.context, tok.encode("The cat sat", false));
  // An empty context is replaced by the prefix token.
  const auto e = core::encodeRequest(tok, "", " word");
  ASSERT_EQ(e.context.size(), 1u);
  EXPECT_EQ(e.continuation, tok.encode(" word", false));
}

TEST(TaskScoring, BatchedScorerEqualsOneRequestAtATime) {
  // Reference: each request alone through Model::forward, log-softmax of the full logits row.
  auto m = core::Model::load(test::asset("models/qwen-ref"));
  const core::Tokenizer& tok = *m->tokenizer();
  std::vector<core::LoglikelihoodRequest> reqs = {
      core::encodeRequest(tok, "Question: What is two plus two?\nAnswer:", " four"),
      core::encodeRequest(tok, "Question: What is two plus two?\nAnswer:", " five apples"),
      core::encodeRequest(tok, "A", " B"),
      core::encodeRequest(tok, "A much longer context that runs for a while, and then", " stops."),
  };
  core::ScorerOptions opt;
  opt.max_length = 12;  // also exercises left truncation of the long request
  const auto got = core::scoreRequests(*m, reqs, opt);
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    std::vector<int> whole = reqs[i].context;
    whole.insert(whole.end(), reqs[i].continuation.begin(), reqs[i].continuation.end());
    if (whole.size() > 13) whole.erase(whole.begin(), whole.end() - 13);
    std::vector<int> inp(whole.begin(), whole.end() - 1);
    const core::MatrixRM logits = m->forward(inp, 1);
    const int n = int(reqs[i].continuation.size());
    double ll = 0;
    bool greedy = true;
    for (int j = 0; j < n; ++j) {
      const int row = int(inp.size()) - n + j;
      const int target = whole[whole.size() - std::size_t(n) + std::size_t(j)];
      Eigen::Index am;
      const double mx = logits.row(row).maxCoeff(&am);
      const double lse = mx + std::log((logits.row(row).cast<double>().array() - mx).exp().sum());
      ll += logits(row, target) - lse;
      greedy = greedy && am == target;
    }
    EXPECT_NEAR(got[i].ll, ll, 2e-4) << i;
    EXPECT_EQ(got[i].is_greedy, greedy) << i;
    EXPECT_EQ(got[i].n_tokens, n);
  }
  EXPECT_THROW(core::scoreRequests(*m, {{{1, 2}, {}}}), core::Error);
  // Cancellation through the progress callback.
  try {
    core::scoreRequests(*m, reqs, opt, [](double f, std::string_view) { return f < 0.5; });
    ADD_FAILURE() << "expected Cancelled";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::Cancelled);
  }
}
