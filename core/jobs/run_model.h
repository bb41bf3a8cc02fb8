// A run's model as the runner builds it (load -> calibrate with the spec's seed -> quantize by the
// spec's method pipeline -> evaluation hooks) and the runner's evaluations of it (tasks, KLD
// against the FP model, inference bench with packed kernels), as functions. runExperiment() and
// the later evaluation of a stored run (stored_run_eval.h) both call these, so a metric added to
// a run later is computed exactly as `slmq run` computes it.
#pragma once

#include <cstdint>
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
#include "core/model/gguf_export.h"
#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/kernels/pack_model.h"
#include "core/quant/quant_spec.h"
#include "core/quant/quantize.h"
#include "core/quant/rotation/rotated_input_kernel.h"
#include "core/quant/rotation/rotation.h"
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
  /// The online rotation (R4) the quantized model needs on down_proj's input (QuaRot,
  /// SpinQuant: onlineR4(intermediate_size), lives for the process), or null.
  const Rotation* online_r4 = nullptr;
  /// The online R4 alone, for running the FLOAT model without activation fake-quantization
  /// (the bench's float fallback). The packed model needs no hooks: packRunModel puts the R4
  /// into its down_proj kernels. Null when online_r4 is null.
  std::unique_ptr<OnlineR4Hooks> r4_hooks;
  bool packed = false;  ///< packRunModel ran: linears are packed kernels, float weights released
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

/// Largest evaluation or calibration text read whole (1 GiB).
inline constexpr std::uint64_t kMaxTextBytes = std::uint64_t(1) << 30;

/// The whole text file tokenized without special tokens. Throws Error(InvalidInput) when the
/// model has no tokenizer, Error(NotFound) when the file cannot be read, Error(Resource) when it
/// is larger than kMaxTextBytes.
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

/// True when the packed kernels can run every activation quantizer of the run's spec (per-token
/// symmetric or none) and it quantizes weights, i.e. benchRunModel will pack it.
bool runPackable(const RunModel& run);

/// Attaches packed integer kernels to every linear the run quantized (packModel), with the
/// activation quantizers the run was evaluated with (the method's activation clip ratio
/// included, e.g. QuaRot's 0.9), and releases the float weights; sets run.packed. A rotated run's
/// down_proj kernels are wrapped with its online R4 (attachOnlineR4: the fast Hadamard on their
/// input, then the packed kernel), so the packed model run WITHOUT hooks computes what the
/// fake-quantized model computes with run.hooks (to float rounding). No-op if already packed.
/// Throws Error(InvalidInput) for an FP run or a spec runPackable() refuses, or as packModel.
PackSummary packRunModel(RunModel& run, const ProgressFn& progress = {});

/// The inference bench as the runner measures it: a quantized run whose activation quantizers
/// the packed kernels run (per-token symmetric or none) is packed first (packModel: real integer
/// kernels, real size; the model's float weights are released, so evaluate before benching);
/// otherwise float32 weights with a note. A rotated run (online_r4) applies its online R4 in every
/// prefill and decode step (packed: inside down_proj's kernel; float fallback: run.r4_hooks), so
/// its figures include the rotation's cost and the note names it. Context = prompt_tokens. Appends
/// "prefill_tokens_per_s", "decode_tokens_per_s" (when gen_tokens > 0), "bench_peak_rss_bytes",
/// "storage_bytes" to `out`; `note` receives what ran.
InferenceBenchResult benchRunModel(RunModel& run, const BenchEval& bench, int threads,
                                   std::vector<MetricRecord>& out, const ProgressFn& progress = {},
                                   const std::function<void(const std::string&)>& note = {});

/// Writes the run's model as GGUF (exportGgufModel). Throws Error(Unsupported) for a run whose
/// model needs an online R4 (QuaRot / SpinQuant: llama.cpp has no online Hadamard, the file
/// would compute a different function) and Error(InvalidInput) for a packed run (float weights
/// released); otherwise as exportGgufModel.
void exportRunGguf(const RunModel& run, const std::filesystem::path& path,
                   GgufExportOptions options = {});

}  // namespace slmq::core
