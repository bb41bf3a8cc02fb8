// Task metrics as lm-evaluation-harness computes them: acc (argmax of summed log-likelihood),
// acc_norm (the same divided by the choice's length in characters), their standard errors
// (the harness's mean_stderr: sample standard deviation / sqrt(n)), and LAMBADA's greedy accuracy
// and perplexity.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/eval/tasks/task_types.h"

namespace slmq::core {

/// Score of one (context, continuation) request.
struct ChoiceScore {
  double ll = 0.0;         ///< summed log-probability of the continuation tokens (nats)
  bool is_greedy = false;  ///< every continuation token is the argmax at its position
  int n_tokens = 0;        ///< continuation tokens scored
};

/// A metric with its standard error (NaN when undefined, e.g. n < 2).
struct MetricValue {
  double value = 0.0;
  double stderr_ = 0.0;
};

/// Metrics of one task over `n` items: "acc", "acc_norm" (multiple choice) or "acc",
/// "perplexity" (LAMBADA).
struct TaskMetrics {
  std::string task;
  int n = 0;
  std::map<std::string, MetricValue> metrics;
};

/// Index of the largest value; the first one on ties (numpy.argmax).
int argmaxFirst(const std::vector<double>& v);

/// The harness's mean_stderr: sqrt(sum((x - mean)^2) / (n - 1)) / sqrt(n); NaN for n < 2.
/// For 0/1 data this is sqrt(p(1-p)/(n-1)).
double meanStderr(const std::vector<double>& x);

/// Per-item correctness under acc and acc_norm. `scores[i]` holds item i's choice scores in choice
/// order. Lengths for acc_norm are utf8Length(item.choice(j)) (Python len() of the choice string).
struct MultipleChoiceOutcome {
  std::vector<double> acc;       ///< 1 if argmax(ll) == gold
  std::vector<double> acc_norm;  ///< 1 if argmax(ll / len) == gold
};
MultipleChoiceOutcome multipleChoiceOutcome(const Task& task,
                                            const std::vector<std::vector<ChoiceScore>>& scores);

/// acc and acc_norm with standard errors for the first scores.size() items of a multiple-choice
/// task. Throws Error(InvalidInput) if the number of choice scores of an item does not match.
TaskMetrics multipleChoiceMetrics(const Task& task,
                                  const std::vector<std::vector<ChoiceScore>>& scores);

/// LAMBADA: acc = mean(is_greedy); perplexity = exp(-mean(ll)) over items (the harness's
/// per-document perplexity); its standard error by the delta method, ppl · stderr(ll) (the harness
/// bootstraps instead).
TaskMetrics lastWordMetrics(const Task& task, const std::vector<ChoiceScore>& scores);

}  // namespace slmq::core
