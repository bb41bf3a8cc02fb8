// Runs a zero-shot task on a Model: builds the harness's requests for every item, scores them in
// batches and computes the task's metrics.
#pragma once

#include <vector>

#include "core/common/progress.h"
#include "core/eval/tasks/loglikelihood.h"
#include "core/eval/tasks/task_metrics.h"
#include "core/eval/tasks/task_types.h"

namespace slmq::core {

class Model;
class ForwardHooks;

/// Options of evaluateTask.
struct TaskEvalOptions {
  int limit = 0;  ///< score only the first `limit` items (0 = all), like the harness's --limit
  ScorerOptions scorer;  ///< window and batching
};

/// Result of one task: metrics plus every choice's score, item by item (LastWord: one each).
struct TaskEvalResult {
  TaskMetrics metrics;
  std::vector<std::vector<ChoiceScore>> scores;
  std::size_t requests = 0;  ///< log-likelihood requests built
  double seconds = 0.0;      ///< wall time of encoding and scoring
};

/// Evaluates `task` with `model` (which must carry a tokenizer). Item i, choice j becomes the
/// request (item.context(j), task.target_delimiter + item.choice(j)). Throws Error(InvalidInput)
/// if the model has no tokenizer, Error(Cancelled) if `progress` returns false.
TaskEvalResult evaluateTask(const Model& model, const Task& task,
                            const TaskEvalOptions& options = {}, const ProgressFn& progress = {},
                            ForwardHooks* hooks = nullptr);

}  // namespace slmq::core
