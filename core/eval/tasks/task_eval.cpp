// Task evaluation driver; see task_eval.h.
#include "core/eval/tasks/task_eval.h"

#include <chrono>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

TaskEvalResult evaluateTask(const Model& model, const Task& task, const TaskEvalOptions& options,
                            const ProgressFn& progress, ForwardHooks* hooks) {
  const Tokenizer* tok = model.tokenizer();
  if (!tok)
    throw Error(
        ErrorKind::InvalidInput,
        "task " + task.name + " needs the model's tokenizer, and " +
            (model.sourcePath().empty() ? std::string("the model") : model.sourcePath().string()) +
            " was loaded without one");
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = options.limit > 0
                            ? std::min<std::size_t>(std::size_t(options.limit), task.items.size())
                            : task.items.size();
  std::vector<LoglikelihoodRequest> requests;
  std::vector<std::size_t> firstRequest(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    firstRequest[i] = requests.size();
    const TaskItem& item = task.items[i];
    for (int j = 0; j < item.numChoices(); ++j) {
      requests.push_back(
          encodeRequest(*tok, item.context(j), task.target_delimiter + item.choice(j)));
      if (requests.back().continuation.empty())
        throw Error(ErrorKind::InvalidInput, "task " + task.name + " item " + std::to_string(i) +
                                                 " choice " + std::to_string(j) +
                                                 ": the continuation encodes to no tokens");
    }
  }
  firstRequest[n] = requests.size();
  const auto flat = scoreRequests(model, requests, options.scorer, progress, hooks);

  TaskEvalResult result;
  result.requests = requests.size();
  for (std::size_t i = 0; i < n; ++i)
    result.scores.emplace_back(flat.begin() + std::ptrdiff_t(firstRequest[i]),
                               flat.begin() + std::ptrdiff_t(firstRequest[i + 1]));
  if (task.kind == TaskKind::LastWord) {
    std::vector<ChoiceScore> one;
    for (const auto& s : result.scores) one.push_back(s.at(0));
    result.metrics = lastWordMetrics(task, one);
  } else {
    result.metrics = multipleChoiceMetrics(task, result.scores);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace slmq::core
