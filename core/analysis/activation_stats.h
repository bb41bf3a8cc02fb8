// Outliers and distributions of a model: a ForwardHooks collector that summarises every linear
// input and output, the residual stream entering every block, and every weight — per-channel
// absmax / mean / std / kurtosis / p99.9 / 6σ count (stats.h), massive activations (|x| > 100 ×
// median |x|, Sun et al. 2024) with their (block, channel, token), linear and log10-magnitude
// histograms — at a stage: "fp" (as loaded), "smoothquant" (SmoothQuant scales folded),
// "rotated" (QuaRot-style: norm weights folded into q/k/v/gate/up, a randomized Hadamard R1 on
// their input and the online Hadamard R4 on down's input) or "quantized" (a QuantSpec by RTN, with
// its activation fake-quantization). Output in the shapes of the store's distributions and
// channel_stats tables.
//
// Exactness: each tensor is summarised from ONE forward call (all evaluation windows as one
// batch), so p99.9 and 6σ counts are exact over every value; a second call for the same tensor
// is refused.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/analysis/histogram.h"
#include "core/analysis/stats.h"
#include "core/common/progress.h"
#include "core/model/hooks.h"
#include "core/quant/quant_spec.h"
#include "core/store/records.h"

namespace slmq::core {

class Model;

/// What the collector summarises.
struct ActivationStatsOptions {
  int histogram_bins = 128;  ///< bins of each histogram (>= 1)
  bool inputs = true;        ///< linear inputs ("input")
  bool outputs = true;       ///< linear outputs ("output")
  bool residual = true;      ///< residual stream entering each block (module "block", "residual")
  bool weights = true;       ///< weights [out, in], channel = input column ("weight")
  double massive_factor = 100;  ///< massive = |x| > factor × median |x| of the tensor
  int massive_positions = 8;    ///< positions kept per tensor
  std::vector<int> blocks;      ///< empty = every block
};

/// Summary of one tensor.
struct TensorStatistics {
  int layer = 0;
  std::string module;  ///< "q_proj" …, or "block" for the residual stream
  std::string tensor;  ///< "input", "output", "residual", "weight"
  ChannelStats channels;
  TensorSummary summary;
  double min = 0, max = 0;
  Histogram linear{HistogramScale::Linear, 0, 1, 1};
  Histogram log10abs{HistogramScale::Log10Magnitude, 0, 1, 1};
  MassiveActivations massive;
};

/// ForwardHooks that summarise what flows through (never modifies it). Rows of a tap are
/// (sequence, position) = (row / tokens, row % tokens). Not thread-safe.
class ActivationStatsCollector : public ForwardHooks {
 public:
  /// `tokensPerSequence` names massive-activation positions (0 = report raw rows).
  explicit ActivationStatsCollector(const ActivationStatsOptions& options,
                                    int tokensPerSequence = 0);

  void blockInput(int block, MatrixRM& hidden) override;
  void linearInput(const LinearId& id, MatrixRM& x) override;
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override;
  bool modifiesLinearInputs() const override { return false; }

  /// Summarises every decoder weight of `model` (when options.weights).
  void addWeights(const Model& model);
  /// Summarises one matrix under a name. Throws Error(InvalidInput) if that name was seen.
  void add(int layer, const std::string& module, const std::string& tensor, const MatrixRM& x);

  /// Every summary, ordered by (layer, module, tensor).
  const std::map<std::tuple<int, std::string, std::string>, TensorStatistics>& tensors() const {
    return m_tensors;
  }
  /// Store rows: one linear histogram per tensor (tensor name as is) and one log10 |x| histogram
  /// (tensor "<name>_log10abs", bin edges in log10 |x|); kurtosis stored as EXCESS kurtosis.
  std::vector<DistributionRecord> distributionRecords(const std::string& stage) const;
  /// Store rows: per-channel "absmax", "mean", "std", "kurtosis" (excess), "p999", "count_6sigma".
  std::vector<ChannelStatRecord> channelStatRecords() const;
  /// Massive activations of every tensor that has some, as JSON (layer, module, tensor, median,
  /// threshold, count, positions {sequence, token, channel, value}).
  nlohmann::json massiveJson() const;

 private:
  bool wanted(int layer) const;
  ActivationStatsOptions m_opts;
  int m_tokens;
  std::map<std::tuple<int, std::string, std::string>, TensorStatistics> m_tensors;
};

/// The stage of a stats run.
enum class StatsStage { Fp, SmoothQuant, Rotated, Quantized };
/// "fp", "smoothquant", "rotated", "quantized".
const char* statsStageName(StatsStage s) noexcept;
/// Inverse. Throws Error(InvalidInput).
StatsStage statsStageFromName(const std::string& name);

/// How a stage is prepared.
struct StatsStageOptions {
  double smoothquant_alpha = 0.5;  ///< SmoothQuant migration strength
  int calibration_windows = 32;    ///< SmoothQuant calibration: windows of the evaluation text
  std::uint64_t seed = 0;          ///< rotation signs and calibration windows
  QuantSpec quant = QuantSpec::parse("w4a8 g128 asym");  ///< "quantized" stage (RTN)
};

/// A model prepared for a stage, plus the hooks its forward must run with (may be null).
struct PreparedStage {
  std::unique_ptr<Model> model;
  std::unique_ptr<ForwardHooks> hooks;  ///< rotations / activation fake-quant; wraps `next`
  std::vector<std::string> log;
};

/// Copies `fp` and transforms the copy for `stage`. `calibTokens` (whole tokenised text) feeds
/// SmoothQuant's calibration. The returned hooks forward every tap to `next` after their own
/// changes (so a collector sees the rotated / quantized inputs). Throws Error as the quant
/// methods do.
PreparedStage prepareStatsStage(const Model& fp, StatsStage stage,
                                const std::vector<int>& calibTokens,
                                const StatsStageOptions& options, ForwardHooks* next);

/// One stage collected: runs `windows` windows of `seqLen` tokens (the first ones of `tokens`) as
/// one batch through the prepared model with a collector. Throws Error(InvalidInput) if there are
/// too few tokens.
struct StatsReport {
  StatsStage stage = StatsStage::Fp;
  std::unique_ptr<ActivationStatsCollector> collector;
  std::vector<std::string> log;
};
StatsReport collectActivationStats(const Model& fp, const std::vector<int>& tokens, int windows,
                                   int seqLen, StatsStage stage,
                                   const ActivationStatsOptions& options,
                                   const StatsStageOptions& stageOptions = {},
                                   const ProgressFn& progress = {});

}  // namespace slmq::core
