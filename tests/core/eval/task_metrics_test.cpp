// Scoring arithmetic against lm-evaluation-harness: feeding the per-choice log-likelihoods that
// transformers computed (fixtures/<model>/tasks.json) must reproduce the fixture's acc and
// acc_norm exactly, and the choice lengths must be the harness's character counts.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/eval/tasks/task_file_readers.h"
#include "core/common/error.h"
#include "core/eval/tasks/task_metrics.h"
#include "tests/testlib/task_fixtures.h"

using namespace slmq;

namespace {

void checkModel(const std::string& model) {
  for (const auto& [task, tref] : test::loadTaskFixtures(model).tasks) {
    const std::string& name = task.name;
    std::vector<std::vector<core::ChoiceScore>> scores;
    const auto& items = tref.at("items");
    ASSERT_EQ(items.size(), task.items.size()) << name;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto lls = items[i].at("ll").get<std::vector<double>>();
      const auto chars = items[i].at("choice_chars").get<std::vector<int>>();
      ASSERT_EQ(int(lls.size()), task.items[i].numChoices()) << name << " " << i;
      std::vector<core::ChoiceScore> s;
      for (std::size_t j = 0; j < lls.size(); ++j) {
        s.push_back({lls[j], false, 0});
        EXPECT_EQ(core::utf8Length(task.items[i].choice(int(j))), std::size_t(chars[j]))
            << name << " item " << i << " choice " << j;
      }
      EXPECT_EQ(items[i].at("gold").get<int>(), task.items[i].gold);
      scores.push_back(s);
    }
    const auto m = core::multipleChoiceMetrics(task, scores);
    EXPECT_EQ(m.n, tref.at("n").get<int>()) << name;
    const double n = m.n;
    // Exact: compare correct counts.
    EXPECT_EQ(std::lround(m.metrics.at("acc").value * n),
              std::lround(tref.at("acc").get<double>() * n))
        << model << " " << name;
    EXPECT_EQ(std::lround(m.metrics.at("acc_norm").value * n),
              std::lround(tref.at("acc_norm").get<double>() * n))
        << model << " " << name;
    EXPECT_NEAR(m.metrics.at("acc").value, tref.at("acc").get<double>(), 1e-12);
    const double p = m.metrics.at("acc").value;
    EXPECT_NEAR(m.metrics.at("acc").stderr_, std::sqrt(p * (1 - p) / (n - 1)), 1e-12);
  }
}

}  // namespace

TEST(TaskMetrics, SmolRefFixtureLogLikelihoodsGiveFixtureAccuracies) {
  checkModel("smol-ref");
}
TEST(TaskMetrics, QwenRefFixtureLogLikelihoodsGiveFixtureAccuracies) {
  checkModel("qwen-ref");
}

TEST(TaskMetrics, HandComputedCase) {
  // Two items. Item 0: ll = [-4, -3], lengths 2 and 6 -> acc picks 1, acc_norm picks 1
  // (-2 vs -0.5). Item 1: ll = [-10, -9, -9], lengths 10, 3, 3 -> acc picks 1 (first of the tie),
  // acc_norm picks 0 (-1 vs -3 vs -3). Gold 1 and 0.
  core::Task t;
  t.name = "hand";
  t.items.push_back({{"ctx"}, {"ab", "abcdef"}, 1, ""});
  t.items.push_back({{"ctx"}, {"abcdefghij", "abc", "xyz"}, 0, ""});
  const auto m = core::multipleChoiceMetrics(
      t, {{{-4, false, 1}, {-3, false, 1}}, {{-10, false, 1}, {-9, false, 1}, {-9, false, 1}}});
  EXPECT_DOUBLE_EQ(m.metrics.at("acc").value, 0.5);
  EXPECT_DOUBLE_EQ(m.metrics.at("acc_norm").value, 1.0);
  // sample stddev of {1, 0} = sqrt(0.5); / sqrt(2) = 0.5
  EXPECT_DOUBLE_EQ(m.metrics.at("acc").stderr_, 0.5);
  EXPECT_DOUBLE_EQ(m.metrics.at("acc_norm").stderr_, 0.0);
  EXPECT_THROW(core::multipleChoiceMetrics(t, {{{-1, false, 1}}}), core::Error);
}

TEST(TaskMetrics, LastWordPerplexityAndGreedyAccuracy) {
  core::Task t;
  t.name = "lambada";
  t.kind = core::TaskKind::LastWord;
  const auto m = core::lastWordMetrics(t, {{-1.0, true, 1}, {-3.0, false, 2}});
  EXPECT_DOUBLE_EQ(m.metrics.at("acc").value, 0.5);
  EXPECT_NEAR(m.metrics.at("perplexity").value, std::exp(2.0), 1e-12);
  // stderr(ll) = sqrt(2) / sqrt(2) = 1 -> ppl * 1
  EXPECT_NEAR(m.metrics.at("perplexity").stderr_, std::exp(2.0), 1e-12);
}
