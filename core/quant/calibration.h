// Calibration: N token windows drawn from a text (seeded, deterministic), run through the model
// block by block (Model::embed + Model::forwardBlock) so that only one block's activations are
// alive at a time, and per-layer input statistics collected through the tap interface:
// per-channel absmax and mean|x|, the input Hessian H = 2/n Σ x xᵀ (double accumulation), and an
// evenly spaced sample of input rows for methods that evaluate layer outputs (AWQ).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/common/progress.h"
#include "core/common/tensor.h"
#include "core/model/hooks.h"
#include "core/model/model.h"

namespace slmq::core {

class Tokenizer;

/// Where calibration tokens come from.
struct CalibrationOptions {
  std::filesystem::path text;  ///< UTF-8 text file; empty = assets text/wikitext2_valid.txt
  int samples = 128;           ///< N windows
  int seq_len = 512;           ///< L tokens per window
  std::uint64_t seed = 0;      ///< window start offsets come from mt19937_64(seed)
  int batch = 8;               ///< windows per forwardBlock call (bounds activation memory)
};

/// Tokenizes `text` whole (no special tokens) and draws opts.samples windows of opts.seq_len
/// tokens at start offsets `rng() % (n − L + 1)` of mt19937_64(seed) (portable, deterministic).
/// Returns [N·L] token ids, window after window. Throws Error(InvalidInput) naming the file when
/// it has fewer than L tokens, or when N, L are out of range (1..100000, 2..65536).
std::vector<int> drawCalibrationTokens(const Tokenizer& tokenizer, const CalibrationOptions& opts);
/// The same from already tokenised text (ids of the whole file).
std::vector<int> drawCalibrationWindows(const std::vector<int>& ids, const CalibrationOptions& opts,
                                        const std::string& source = "tokens");

/// Statistics of one linear layer's input x [rows, in]. Layers that share their input (q/k/v,
/// gate/up) share one object.
struct LayerInputStats {
  VectorD absmax;     ///< [in] max_t |x_tj|
  VectorD sum_abs;    ///< [in] Σ_t |x_tj|  (mean|x| = sum_abs / rows)
  MatrixRMd hessian;  ///< [in, in] Σ_t x_t x_tᵀ while collecting; H = 2/n Σ x xᵀ after finish()
  MatrixRM samples;  ///< [≤ sample_rows, in] evenly spaced input rows (for output errors)
  std::int64_t rows = 0;
  VectorD meanAbs() const { return sum_abs / double(std::max<std::int64_t>(rows, 1)); }
};

/// What to collect.
struct StatsOptions {
  bool hessian = false;            ///< accumulate Σ x xᵀ
  int sample_rows = 0;             ///< keep up to this many evenly spaced rows (0 = none)
  std::int64_t expected_rows = 0;  ///< total rows that will be seen (spacing of the sample)
};

/// The four distinct linear inputs of a block: attention input (q, k, v), o's input, MLP input
/// (gate, up) and down's input.
enum class BlockInput { Attn = 0, O = 1, Mlp = 2, Down = 3 };
inline constexpr int kBlockInputCount = 4;
/// Which block input a module reads.
BlockInput blockInputOf(Module m);

/// ForwardHooks that collect LayerInputStats for the linears of one block (others are ignored).
/// Does not modify anything. Not thread-safe (the forward calls taps sequentially).
class InputStatsHooks : public ForwardHooks {
 public:
  InputStatsHooks(int block, const StatsOptions& opts);
  void linearInput(const LinearId& id, MatrixRM& x) override;
  bool modifiesLinearInputs() const override { return false; }
  /// Turns sums into H = 2/n Σ x xᵀ. Call once after the last forward.
  void finish();
  LayerInputStats& stats(BlockInput i) { return m_stats[int(i)]; }
  LayerInputStats& stats(Module m) { return m_stats[int(blockInputOf(m))]; }

 private:
  int m_block;
  StatsOptions m_opts;
  LayerInputStats m_stats[kBlockInputCount];
};

/// Chains two hooks: `first` then `second` on every tap (either may be null; not owned).
class ChainedHooks : public ForwardHooks {
 public:
  ChainedHooks(ForwardHooks* first, ForwardHooks* second) : m_a(first), m_b(second) {}
  void blockInput(int block, MatrixRM& h) override;
  void blockOutput(int block, MatrixRM& h) override;
  void linearInput(const LinearId& id, MatrixRM& x) override;
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override;
  bool modifiesLinearInputs() const override;

 private:
  ForwardHooks* m_a;
  ForwardHooks* m_b;
};

/// The residual stream of all calibration windows, advanced block by block.
/// Memory: N·L·hidden floats plus one batch's block activations.
class BlockwiseCalibration {
 public:
  /// Embeds `tokens` ([samples·seqLen]). The model must outlive this object.
  BlockwiseCalibration(const Model& model, const std::vector<int>& tokens, int samples, int seqLen,
                       int batch = 8);
  /// Runs block `block` (with the model's current weights) over every window, calling `hooks`.
  /// With `advance`, the stored residual stream becomes the block's output. Reports progress
  /// within [from, to] and throws Error(Cancelled) if asked.
  void run(int block, ForwardHooks* hooks, bool advance, const ProgressFn& progress = {},
           double from = 0, double to = 1);
  const MatrixRM& hidden() const { return m_hidden; }
  int samples() const { return m_samples; }
  int seqLen() const { return m_seqLen; }
  std::int64_t rows() const { return m_hidden.rows(); }

 private:
  const Model& m_model;
  MatrixRM m_hidden;  ///< [N·L, hidden]
  int m_samples, m_seqLen, m_batch;
};

/// Statistics of every block's inputs in the float model: one pass, block by block.
/// Returns [num_layers] × hooks (use stats(BlockInput)). Hessians only when opts.hessian.
std::vector<std::unique_ptr<InputStatsHooks>> collectInputStats(const Model& model,
                                                                const std::vector<int>& tokens,
                                                                const CalibrationOptions& calib,
                                                                const StatsOptions& opts,
                                                                const ProgressFn& progress = {});

}  // namespace slmq::core
