// Task metrics; see task_metrics.h.
#include "core/eval/tasks/task_metrics.h"

#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/eval/tasks/task_file_readers.h"

namespace slmq::core {

int argmaxFirst(const std::vector<double>& v) {
  int best = 0;
  for (int i = 1; i < int(v.size()); ++i)
    if (v[i] > v[best]) best = i;
  return best;
}

double meanStderr(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= double(n);
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / double(n - 1)) / std::sqrt(double(n));
}

namespace {

double mean(const std::vector<double>& x) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0.0;
  for (double v : x) s += v;
  return s / double(x.size());
}

}  // namespace

MultipleChoiceOutcome multipleChoiceOutcome(const Task& task,
                                            const std::vector<std::vector<ChoiceScore>>& scores) {
  if (scores.size() > task.items.size())
    throw Error(ErrorKind::InvalidInput,
                "task " + task.name + ": " + std::to_string(scores.size()) +
                    " scored items but only " + std::to_string(task.items.size()) + " items");
  MultipleChoiceOutcome out;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const TaskItem& item = task.items[i];
    const int n = item.numChoices();
    if (int(scores[i].size()) != n)
      throw Error(ErrorKind::InvalidInput, "task " + task.name + " item " + std::to_string(i) +
                                               ": " + std::to_string(scores[i].size()) +
                                               " choice scores for " + std::to_string(n) +
                                               " choices");
    std::vector<double> ll(n), norm(n);
    for (int j = 0; j < n; ++j) {
      ll[j] = scores[i][j].ll;
      norm[j] = scores[i][j].ll / double(utf8Length(item.choice(j)));
    }
    out.acc.push_back(argmaxFirst(ll) == item.gold ? 1.0 : 0.0);
    out.acc_norm.push_back(argmaxFirst(norm) == item.gold ? 1.0 : 0.0);
  }
  return out;
}

TaskMetrics multipleChoiceMetrics(const Task& task,
                                  const std::vector<std::vector<ChoiceScore>>& scores) {
  const auto o = multipleChoiceOutcome(task, scores);
  TaskMetrics m;
  m.task = task.name;
  m.n = int(o.acc.size());
  m.metrics["acc"] = {mean(o.acc), meanStderr(o.acc)};
  m.metrics["acc_norm"] = {mean(o.acc_norm), meanStderr(o.acc_norm)};
  return m;
}

TaskMetrics lastWordMetrics(const Task& task, const std::vector<ChoiceScore>& scores) {
  std::vector<double> greedy, ll;
  for (const auto& s : scores) {
    greedy.push_back(s.is_greedy ? 1.0 : 0.0);
    ll.push_back(s.ll);
  }
  TaskMetrics m;
  m.task = task.name;
  m.n = int(scores.size());
  m.metrics["acc"] = {mean(greedy), meanStderr(greedy)};
  const double ppl = std::exp(-mean(ll));
  m.metrics["perplexity"] = {ppl, ppl * meanStderr(ll)};
  return m;
}

}  // namespace slmq::core
