// Per-layer sensitivity: quantize ONE unit (decoder block × linear module) at a setting (W2, W3,
// W4, W8 weight-only; A4, A8 per-token activations; any QuantSpec short name) and measure the
// change against FP — Δ perplexity, mean KL divergence, or the block-output MSE — or the converse
// "all but this unit" (everything quantized except the unit, as AIMET's QuantAnalyzer offers).
//
// Incremental evaluation: the residual stream entering every block under the baseline (FP for
// "only this", everything quantized for "all but this") is cached once per setting for the
// evaluation tokens; a unit in block b then needs only blocks b..L−1 (and the LM head)
// recomputed from the cached input of block b — or block b alone for the MSE metric, whose
// reference is the FP block output. Units run in parallel on worker threads, each with its own
// copy of the weights in which only the unit under test is swapped.
//
// Evaluation budget (default): the first 8 non-overlapping chunks of 512 tokens of the text
// (wikitext2_valid for the CLI), i.e. 4,088 predicted tokens, chunked as perplexity.h does.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/quant/quant_spec.h"
#include "core/store/records.h"

namespace slmq::core {

class Model;

/// What is measured per unit.
enum class SensitivityMetric {
  DeltaPerplexity,  ///< perplexity(unit setting) − perplexity(FP) on the evaluation chunks
  Kld,              ///< mean KL(FP ‖ quantized) over the predicted positions, nats
  BlockMse,         ///< mean squared error of the unit's block output vs FP, same FP block input
};
/// "dppl", "kld", "mse" (the layer_metrics metric names).
const char* sensitivityMetricName(SensitivityMetric m) noexcept;
/// Inverse of sensitivityMetricName (also "ppl", "delta_ppl"). Throws Error(InvalidInput).
SensitivityMetric sensitivityMetricFromName(const std::string& name);

/// Which units are quantized while one is measured.
enum class SensitivityMode {
  OnlyThis,   ///< only the unit under test is quantized
  AllButThis  ///< every unit of the scan is quantized except the unit under test
};
/// "only_this", "all_but_this" (as in ExperimentSpec's analyses.sensitivity.mode).
const char* sensitivityModeName(SensitivityMode m) noexcept;
/// Inverse; also accepts "only", "all-but", "all_but". Throws Error(InvalidInput).
SensitivityMode sensitivityModeFromName(const std::string& name);

/// One setting of the scan: a label and the quantizer applied to a unit.
struct SensitivitySetting {
  std::string name;    ///< short label: "w4", "a8", or the spec's short name
  WeightQuant weight;  ///< bits 16 = weights untouched
  ActQuant act;        ///< bits 16 = activations untouched (per-token only)
  /// True for an activation-only setting (stored with metric suffix "_act").
  bool activationOnly() const { return !weight.enabled() && act.enabled(); }
  /// Bits written to layer_metrics.bits: weight bits, or activation bits for activation-only.
  int bits() const { return weight.enabled() ? weight.bits : act.bits; }
};

/// Parses a comma-separated list. "wN" means N-bit weights, per group of 128, asymmetric
/// (`w8` included, so that every bit width shares one quantizer); "aN" N-bit per-token
/// symmetric activations. Any other item is read as a QuantSpec short name with ';' or '+'
/// between its tokens, e.g. "w4 pc sym" as "w4;pc;sym". Throws Error(InvalidInput) naming the
/// item; Error(Unsupported) for static activation scales (they need calibration).
std::vector<SensitivitySetting> parseSensitivitySettings(const std::string& list);

/// Options of a sensitivity scan. Defaults: every block and module, only-this, ΔPPL, 8 × 512.
struct SensitivityOptions {
  std::vector<SensitivitySetting> settings;  ///< required, non-empty
  SensitivityMetric metric = SensitivityMetric::DeltaPerplexity;
  SensitivityMode mode = SensitivityMode::OnlyThis;
  std::vector<int> blocks;      ///< empty = every block
  std::vector<Module> modules;  ///< empty = all seven
  int seq_len = 512;            ///< tokens per chunk (>= 2)
  int chunks = 8;               ///< evaluation chunks taken from the start of the tokens (>= 1)
  int threads = 0;              ///< worker threads over units; 0 = computeThreads()
  /// false: every unit recomputes the whole model from the embeddings (the reference the
  /// incremental path is tested against; slower by about 2×).
  bool incremental = true;
};

/// One measured unit at one setting.
struct SensitivityEntry {
  int block = 0;
  Module module = Module::Q;
  int setting = 0;     ///< index into SensitivityResult::settings
  double value = 0.0;  ///< ΔPPL vs FP, mean KLD, or block MSE
  double raw = 0.0;    ///< perplexity (dppl), mean KLD (kld) or MSE (mse) of this configuration
};

/// The whole scan.
struct SensitivityResult {
  SensitivityMetric metric = SensitivityMetric::DeltaPerplexity;
  SensitivityMode mode = SensitivityMode::OnlyThis;
  std::vector<SensitivitySetting> settings;
  int seq_len = 0, chunks = 0;
  std::int64_t predicted_tokens = 0;  ///< chunks · (seq_len − 1)
  double fp_perplexity = 0.0;         ///< of the evaluation chunks (dppl metric; else 0)
  /// Per setting: the metric with every unit of the scan quantized (all-but mode only; the
  /// reference the converse values are read against), else empty.
  std::vector<double> all_quantized;
  std::vector<SensitivityEntry> entries;  ///< setting-major, then block, then module
  double wall_seconds = 0.0;
  int threads = 1;

  /// Value of (block, module) at setting index `s`; NaN if not measured.
  double value(int block, Module module, int s) const;
  /// Rows for the store: module "q_proj"…, bits = setting.bits(), metric "dppl"/"kld"/"mse"
  /// (with suffix "_act" for activation-only settings).
  std::vector<LayerMetricRecord> toLayerMetrics() const;
  nlohmann::json toJson() const;
  /// Reads toJson()'s form. Throws Error(InvalidInput) naming the field.
  static SensitivityResult fromJson(const nlohmann::json& j);
};

/// Runs the scan on `model` (not modified; its float weights must be present) over the first
/// options.chunks chunks of `tokens`. Throws Error(InvalidInput) for bad options or too few
/// tokens, Error(Cancelled) when `progress` returns false (checked after every unit; workers
/// stop at their next unit). Progress is reported on the calling thread.
/// Note: while workers run (threads > 1) the process-wide computeThreads() is set to 1 so that
/// the forward passes do not oversubscribe the cores; it is restored afterwards.
SensitivityResult measureSensitivity(const Model& model, const std::vector<int>& tokens,
                                     const SensitivityOptions& options,
                                     const ProgressFn& progress = {});

/// The QuantSpec that quantizes exactly the units `mode` quantizes when (block, module) is under
/// test at `setting` (the configuration a full, non-incremental evaluation would apply).
QuantSpec sensitivityUnitSpec(const SensitivitySetting& setting, SensitivityMode mode, int block,
                              Module module, int numBlocks, const std::vector<int>& blocks = {},
                              const std::vector<Module>& modules = {});

/// "q_proj", "k_proj", … (the store's module names).
std::string storeModuleName(Module m);

}  // namespace slmq::core
