// ExperimentSpec: everything one run is made from (model, method pipeline, quantization settings,
// calibration, evaluations, analyses, seed). The GUI, the CLI and sweeps build one; it is stored
// with the run as JSON so that every result can be reproduced.
//
// JSON form (every key optional except "model"; unknown keys are errors, so typos do not pass
// silently):
//   {
//     "version": 1,
//     "name": "GPTQ W4 g128",
//     "model": "../shared/assets/models/smol-ref",
//     "methods": [ {"name": "smoothquant", "params": {"alpha": 0.5}}, {"name": "gptq"} ],
//     "quant": { ... QuantSpec JSON, core/quant/quant_spec.h ... },
//     "calibration": {"file": "text/wikitext2_valid.txt", "n_samples": 128, "seq_len": 512,
//                     "seed": 0},
//     "evaluations": {
//       "perplexity": {"texts": ["wikitext2_test.txt"], "seq_len": 512, "max_chunks": 0},
//       "tasks": [ {"name": "arc_easy", "limit": 200} ],
//       "kld": {"text": "wikitext2_test.txt", "seq_len": 512, "max_chunks": 16},
//       "bench": {"prompt_tokens": 128, "gen_tokens": 64, "repetitions": 3}
//     },
//     "analyses": {
//       "sensitivity": {"metric": "dppl", "bits": [8, 4, 3], "mode": "only_this",
//                       "modules": [], "text": "wikitext2_valid.txt", "seq_len": 512,
//                       "max_chunks": 4},
//       "stats": {"histogram_bins": 128, "channel_stats": true,
//                 "tensors": ["weight", "input"], "layers": []}
//     },
//     "seed": 0
//   }
// An empty "methods" list is the FP (16-bit) baseline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace slmq::core {

/// One step of the method pipeline; steps run in order ("smoothquant" then "gptq").
struct MethodStep {
  std::string name;                                  ///< one of knownMethodNames()
  nlohmann::json params = nlohmann::json::object();  ///< method-specific parameters

  bool operator==(const MethodStep&) const = default;
};

/// Calibration data: n_samples windows of seq_len tokens drawn from `file` with `seed`.
struct CalibrationSpec {
  std::string file;     ///< text file (path or assets-relative, e.g. "text/c4_heldout500.txt")
  int n_samples = 128;  ///< > 0
  int seq_len = 512;    ///< > 1
  std::uint64_t seed = 0;

  bool operator==(const CalibrationSpec&) const = default;
};

/// Perplexity on each text (DESIGN.md convention: non-overlapping seq_len chunks).
struct PerplexityEval {
  std::vector<std::string> texts;  ///< non-empty
  int seq_len = 512;               ///< > 1
  int max_chunks = 0;              ///< 0 = the whole file

  bool operator==(const PerplexityEval&) const = default;
};

/// One multiple-choice task (lm-evaluation-harness conventions).
struct TaskEval {
  std::string name;  ///< one of knownTaskNames()
  int limit = 0;     ///< first `limit` items; 0 = all

  bool operator==(const TaskEval&) const = default;
};

/// KL divergence against the FP model (llama.cpp statistics).
struct KldEval {
  std::string text;
  int seq_len = 512;
  int max_chunks = 0;  ///< 0 = the whole file

  bool operator==(const KldEval&) const = default;
};

/// Latency / throughput / memory benchmark.
struct BenchEval {
  int prompt_tokens = 128;  ///< prefill length, > 0
  int gen_tokens = 64;      ///< decoded tokens, >= 0
  int repetitions = 3;      ///< > 0

  bool operator==(const BenchEval&) const = default;
};

/// Which evaluations to run; an absent optional = not run.
struct EvaluationSpec {
  std::optional<PerplexityEval> perplexity;
  std::vector<TaskEval> tasks;
  std::optional<KldEval> kld;
  std::optional<BenchEval> bench;

  bool operator==(const EvaluationSpec&) const = default;
};

/// Per-layer sensitivity scan: quantize one layer/module at a time (only_this) or all but one
/// (all_but_this) at each bit width, measure `metric`.
struct SensitivitySpec {
  std::string metric = "dppl";        ///< "dppl", "kld" or "mse"
  std::vector<int> bits = {8, 4, 3};  ///< each in [2, 16]
  std::string mode = "only_this";     ///< "only_this" or "all_but_this"
  std::vector<std::string> modules;   ///< empty = every linear module
  std::string text;                   ///< evaluation text for dppl/kld
  int seq_len = 512;
  int max_chunks = 4;  ///< 0 = the whole file

  bool operator==(const SensitivitySpec&) const = default;
};

/// Weight/activation statistics: histograms and per-channel stats.
struct StatsSpec {
  int histogram_bins = 128;  ///< in [2, 65536]
  bool channel_stats = true;
  std::vector<std::string> tensors = {"weight", "input"};  ///< "weight", "input", "output"
  std::vector<int> layers;                                 ///< empty = all

  bool operator==(const StatsSpec&) const = default;
};

/// Which analyses to run; an absent optional = not run.
struct AnalysisSpec {
  std::optional<SensitivitySpec> sensitivity;
  std::optional<StatsSpec> stats;

  bool operator==(const AnalysisSpec&) const = default;
};

/// The whole experiment. Value type; copy freely.
struct ExperimentSpec {
  static constexpr int kVersion = 1;  ///< JSON format version this build reads and writes

  std::string name;                                 ///< display name ("" = derived by the caller)
  std::string model;                                ///< model directory or .gguf file (required)
  std::vector<MethodStep> methods;                  ///< empty = FP baseline
  nlohmann::json quant = nlohmann::json::object();  ///< QuantSpec JSON (validated by core/quant)
  std::optional<CalibrationSpec> calibration;
  EvaluationSpec evaluations;
  AnalysisSpec analyses;
  std::uint64_t seed = 0;

  /// The JSON form above (every field written, optionals only when set).
  nlohmann::json toJson() const;
  /// Pretty-printed toJson() (indent 2), or compact with indent < 0.
  std::string dump(int indent = 2) const;
  /// Parses and validates. Throws Error(InvalidInput) whose message names the field by its JSON
  /// path ("spec.evaluations.perplexity.seq_len: expected an integer > 1, got -3") and, when
  /// given, the source (file name).
  static ExperimentSpec fromJson(const nlohmann::json& json, std::string_view source = {});
  /// Parses JSON text (at most 16 MiB, depth-limited) then fromJson().
  static ExperimentSpec parse(std::string_view text, std::string_view source = {});
  /// "fp" for an empty pipeline, else the method names joined by ',' ("smoothquant,gptq").
  std::string methodLabel() const;

  bool operator==(const ExperimentSpec&) const = default;
};

/// The FP baseline of `spec`: same model, seed and evaluations (no KLD: it is against itself),
/// no methods, no quantization, no calibration, no analyses. (The runner's FP parent and a
/// sweep's "fp" points; here so that sweep parsing needs no runner.)
ExperimentSpec fpParentSpec(const ExperimentSpec& spec);

/// Method names the spec accepts: rtn, gptq, awq, smoothquant, quarot, spinquant, omniquant.
const std::vector<std::string>& knownMethodNames();
/// Task names the spec accepts: arc_easy, arc_challenge, piqa, hellaswag, winogrande, mmlu.
const std::vector<std::string>& knownTaskNames();

}  // namespace slmq::core
