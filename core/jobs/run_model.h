// A run's model as the runner builds it (load -> calibrate with the spec's seed -> quantize by the
// spec's method pipeline -> evaluation hooks) and the runner's evaluations of it (tasks, KLD
// against the FP model, inference bench with packed kernels), as functions. runExperiment() and
// the later evaluation of a stored run (stored_run_eval.h) both call these, so a metric added to
// a run later is computed exactly as `slmq run` computes it.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/eval/inference_bench.h"
#include "core/eval/kld.h"
#include "core/eval/tasks/task_eval.h"
#include "core/jobs/experiment_spec.h"
#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/quant_spec.h"
#include "core/quant/quantize.h"
#include "core/store/records.h"

namespace slmq::core {

/// The model of a run. Owns the model and its hooks; move-only.
struct RunModel {
  std::filesystem::path path;             ///< resolved model path (resolveModelPath)
  std::unique_ptr<Model> model;           ///< quantized in place once quantizeRunModel ran
  bool quantized = false;                 ///< the spec has methods
  QuantSpec quant;                        ///< the spec's QuantSpec (default for FP)
  QuantizeResult quantize;                ///< what quantizeModel did (empty for FP)
  std::unique_ptr<FakeQuantHooks> hooks;  ///< activation quantization at evaluation, or null
};

/// The method parameters, quantization and calibration of `spec` as QuantizeOptions. Throws
/// Error(InvalidInput) naming an unknown or mistyped parameter, Error(NotFound) for a missing
/// calibration text.
QuantizeOptions quantizeOptionsFor(const ExperimentSpec& spec, const QuantSpec& qspec);

/// Loads the spec's model (not yet quantized). Throws Error(NotFound) when the model path is
/// neither a path nor an asset, or as Model::load.
RunModel loadRunModel(const ExperimentSpec& spec);

/// Calibrates (seeded by the spec) and quantizes `run.model` in place by the spec's pipeline, and
/// sets the evaluation hooks. Nothing for an FP spec. Throws as quantizeModel; Error(Cancelled)
/// when `progress` returns false.
void quantizeRunModel(const ExperimentSpec& spec, RunModel& run, const ProgressFn& progress = {});

/// loadRunModel + quantizeRunModel: the model a stored run of `spec` was evaluated with.
/// Deterministic for a fixed spec.
RunModel buildRunModel(const ExperimentSpec& spec, const ProgressFn& progress = {});

/// The whole text file tokenized without special tokens. Throws Error(InvalidInput) when the
/// model has no tokenizer, Error(NotFound) when the file cannot be read.
std::vector<int> tokenizeTextFile(const Model& model, const std::filesystem::path& path);

/// One task as the runner evaluates it (default scorer options, the task's limit); appends the
/// task's metrics ("acc", "acc_norm" with stderr, "task_items"; dataset = task name) to `out`.
TaskEvalResult evaluateRunTask(const RunModel& run, const TaskEval& task,
                               std::vector<MetricRecord>& out, const ProgressFn& progress = {});

/// KLD of the run's model against its FP model (loaded again from run.path) on `kld.text`;
/// appends "kld_mean", "kld_median", "kld_p99", "kld_max", "same_top_p", "dp_rms", "kld_tokens"
/// (dataset = the text's stem) to `out`. For an FP run the two models are the same weights and
/// every divergence is 0.
KldReport evaluateRunKld(const RunModel& run, const KldEval& kld, std::vector<MetricRecord>& out,
                         const ProgressFn& progress = {});

/// The inference bench as the runner measures it: a quantized run whose activation quantizers
/// the packed kernels run (per-token symmetric or none) is packed first (packModel: real integer
/// kernels, real size; the model's float weights are released, so evaluate before benching);
/// otherwise float32 weights with a note. Context = prompt_tokens. Appends
/// "prefill_tokens_per_s", "decode_tokens_per_s" (when gen_tokens > 0), "bench_peak_rss_bytes",
/// "storage_bytes" to `out`; `note` receives what ran.
InferenceBenchResult benchRunModel(RunModel& run, const BenchEval& bench, int threads,
                                   std::vector<MetricRecord>& out, const ProgressFn& progress = {},
                                   const std::function<void(const std::string&)>& note = {});

}  // namespace slmq::core
