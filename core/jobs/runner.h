// The experiment runner: turns an ExperimentSpec into a stored run. Creates the run (pending ->
// running with this process' identity), loads the model, runs the analyses that need the float
// model (sensitivity), calibrates and quantizes (core/quant's pipeline), evaluates (perplexity,
// tasks, KLD against the FP model, inference bench with packed kernels where the setting has
// them), computes the SLMQ scores against the FP parent run (found, or run first) and writes
// everything in ONE Store::finishRun transaction. The GUI (through `slmq run` child processes),
// the CLI, sweeps and the demo study all go through runExperiment().
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/jobs/experiment_spec.h"
#include "core/store/records.h"

namespace slmq::core {

class Store;

/// How runExperiment behaves besides the spec.
struct RunnerOptions {
  int threads = 2;  ///< compute threads (setComputeThreads) for the run
  /// For a quantized spec: find the FP parent run (same model, same evaluations, done) in the
  /// store, or run it first when missing, and compute the SLMQ scores against it.
  bool with_parent = true;
  /// Use this run as the FP parent instead of searching (must be a done FP run).
  std::optional<std::int64_t> parent_run_id;
  /// Called once the run row exists (status running), before any work: lets a caller learn the
  /// id early (progress protocol "started", SIGTERM handler). Also called for an FP parent run
  /// that the runner creates, with is_parent = true.
  std::function<void(std::int64_t run_id, bool is_parent)> on_run_created;
  /// Receives notes worth showing (skipped folds, float bench fallback, parent reuse).
  std::function<void(const std::string& message)> on_log;
};

/// Resolves a model argument: an existing path, else an asset ("models/smol-ref" or "smol-ref").
/// Throws Error(NotFound) naming both places.
std::filesystem::path resolveModelPath(const std::string& model);
/// Resolves a text argument: an existing path, else an asset under text/ ("wikitext2_test.txt",
/// "text/c4_heldout500.txt" or "c4_heldout500"). Throws Error(NotFound) naming it.
std::filesystem::path resolveTextPath(const std::string& text);
/// Dataset label of a text: its file stem ("wikitext2_test").
std::string textDatasetName(const std::string& text);

// fpParentSpec (the FP baseline of a spec) is declared in experiment_spec.h.
/// Display name of a run: spec.name if set, else "<methods> <scheme> <model name>".
std::string runDisplayName(const ExperimentSpec& spec);

/// A done run in `store` whose stored spec parses equal to `spec` (newest first), if any.
std::optional<std::int64_t> findDoneRun(Store& store, const ExperimentSpec& spec);

/// Executes `spec` and stores it as one run; returns the run id. Progress fractions cover the
/// whole run (an FP parent run created on the way takes the first part). Returning false from
/// `progress` cancels: the run is marked cancelled and Error(Cancelled) is rethrown. Any other
/// failure marks the run failed with the error message and rethrows it (std::exception that are
/// not Error are rethrown as Error(Internal)). Nothing already stored is touched. Deterministic
/// for a fixed spec (seeded calibration; evaluation order fixed), except timings.
std::int64_t runExperiment(const ExperimentSpec& spec, Store& store,
                           const ProgressFn& progress = {}, const RunnerOptions& options = {});

/// The SLMQ scores of a quantized run from stored metrics (nothing recomputed):
///   slmq_perf  over every "ppl"/"acc_norm" metric present in both the run and its FP parent;
///   slmq_infer from "decode_tokens_per_s", "bench_peak_rss_bytes", "storage_bytes";
///   slmq_cons  from "quant_wall_seconds", "quant_peak_rss_bytes" against the newest done RTN run
///              of the same model with the same quantization (or the run itself for RTN).
/// Each score appears only when its inputs exist. The FP parent scores 100 by definition.
std::vector<MetricRecord> computeRunScores(Store& store, std::int64_t run_id);

}  // namespace slmq::core
