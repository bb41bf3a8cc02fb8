// SmoothQuant (Xiao et al., 2023): migrates activation outliers into the weights with a
// per-input-channel scale s_j = max|X_j|^α / max|W_j|^(1−α), folded into the preceding RMSNorm
// (weight / s) and into the columns of the layers that read it (W·diag(s)). q/k/v share the
// attention norm's scale, gate/up the MLP norm's. The float model is unchanged by the fold.
#pragma once

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"

namespace slmq::core {

struct SmoothQuantOptions {
  double alpha = 0.5;       ///< migration strength α in [0, 1]
  double min_scale = 1e-5;  ///< scales are clamped to at least this (guards dead channels)
};

/// Per-input-channel scale for inputs with absmax `act` [in] read by `weights` (each [out, in]):
/// s_j = act_j^α / (max_i max over the matrices |W_ij|)^(1−α). Channels where either maximum is
/// zero get s_j = 1.
VectorD smoothQuantScales(const VectorD& act, const std::vector<const MatrixRM*>& weights,
                          double alpha, double minScale = 1e-5);

/// Folds `s` into a block: attention (Attn: attn_norm /= s, q,k,v columns *= s) or MLP
/// (Mlp: mlp_norm /= s, gate,up columns *= s). Throws Error(InvalidInput) on a size mismatch.
void foldSmoothScales(BlockWeights& block, BlockInput where, const VectorD& s);

/// Calibrates the float model (per-channel absmax of the attention and MLP inputs) and folds the
/// SmoothQuant scales into every block. Weights are not quantized here (compose with RTN/GPTQ).
void smoothQuantModel(Model& model, const std::vector<int>& calibTokens,
                      const CalibrationOptions& calib, const SmoothQuantOptions& opts,
                      const ProgressFn& progress = {}, std::vector<std::string>* log = nullptr);

}  // namespace slmq::core
