// Evaluating a stored run later (`slmq eval|kld|bench --run N --store WS`): the run's model is
// rebuilt exactly as the runner built it (run_model.h: same model, seeded calibration, same
// method pipeline), the requested evaluations run through the runner's own functions, and the
// results are appended to the run (Store::appendResults: same (name, dataset) replaced) together
// with its spec, whose evaluations now list what was added, so that `slmq show --spec` still
// reproduces every stored metric. SLMQ scores are recomputed where the runner stores them: on a
// quantized run with an FP parent, and, after an FP run gained metrics, on its done children.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/progress.h"
#include "core/eval/inference_bench.h"
#include "core/eval/kld.h"
#include "core/eval/tasks/task_eval.h"
#include "core/jobs/experiment_spec.h"
#include "core/store/records.h"

namespace slmq::core {

class Store;

/// Evaluations to add to a stored run (EvaluationSpec's fields; perplexity is not offered here).
struct RunAdditions {
  std::vector<TaskEval> tasks;  ///< replaces the spec's entry of the same task, else appended
  std::optional<KldEval> kld;   ///< against the run's FP model (its spec's model, unquantized)
  std::optional<BenchEval> bench;
};

/// How evaluateStoredRun behaves besides the additions.
struct StoredRunEvalOptions {
  int threads = 2;  ///< compute threads of the bench (as RunnerOptions::threads)
  /// Notes worth showing (bench kernels, an FP run's KLD that is not stored, ...).
  std::function<void(const std::string& message)> on_log;
};

/// What evaluateStoredRun measured and stored.
struct StoredRunEvalResult {
  std::int64_t run_id = 0;
  RunRecord run;                                              ///< the run as it was before
  ExperimentSpec spec;                                        ///< the updated spec (as stored)
  std::vector<std::pair<std::string, TaskEvalResult>> tasks;  ///< task name -> result
  std::optional<KldReport> kld;
  bool kld_stored = false;  ///< false for an FP run (its KLD against itself is 0 by definition)
  std::optional<InferenceBenchResult> bench;
  std::vector<MetricRecord> stored;  ///< every metric written (evaluations and scores)
  /// For an FP run: its done child runs whose SLMQ scores were recomputed against the new
  /// metrics (computeRunScores) and replaced.
  std::vector<std::int64_t> children_rescored;
};

/// The stored spec of a run that can take evaluations. Throws Error(InvalidInput) naming the
/// store and the id for an unknown run or one that is not done (its status and error named),
/// Error(NotFound) naming the run when its model is no longer a path or an asset.
ExperimentSpec storedRunSpec(Store& store, std::int64_t run_id);

/// `spec` with `add` merged into its evaluations (tasks by name; kld and bench replaced). Throws
/// Error(InvalidInput) when the spec already holds a KLD on another text (a spec holds one KLD;
/// its metrics would be left without an evaluation reproducing them) or the result does not
/// validate (unknown task name, bad sizes).
ExperimentSpec mergeEvaluations(const ExperimentSpec& spec, const RunAdditions& add);

/// Rebuilds run `run_id`'s model, evaluates `add` on it and appends the results (one
/// transaction). Checks everything it can (storedRunSpec, mergeEvaluations) before loading the
/// model. `progress` covers the whole job; returning false cancels with Error(Cancelled) and
/// nothing is written. Any failure leaves the store unchanged. For an FP run, the stored scores
/// of its done child runs are then recomputed (each in its own transaction).
StoredRunEvalResult evaluateStoredRun(Store& store, std::int64_t run_id, const RunAdditions& add,
                                      const ProgressFn& progress = {},
                                      const StoredRunEvalOptions& options = {});

}  // namespace slmq::core
