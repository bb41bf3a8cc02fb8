// OmniQuant (Shao et al., 2024): block by block, learn how to clip the weights (LWC) and how to
// transform the linear inputs (LET) by minimising the block's output error, then fold the
// transforms and quantize with the learned clipping. OmniQuant quantizes the weights itself (it
// is the pipeline's weight quantizer, like RTN or GPTQ).
//
// - LWC per (output row, group) of every linear: γ = σ(γ̃), β = σ(β̃), range [β·min W, γ·max W]
//   in the asymmetric quantizer (symmetric: γ·absmax); γ̃ = β̃ = 4 at the start (σ = 0.982, as
//   OmniQuant's init).
// - LET, scale only (X̃ = X ⊘ s, W̃ = W·diag(s)), exactly equivalent in float:
//     s_attn [hidden] between the attention RMSNorm and q/k/v (norm weight / s, columns × s);
//     s_mlp  [hidden] between the MLP RMSNorm and gate/up;
//     s_o    [kv_heads·head_dim] between v and o (v rows / s, o columns of every query head of
//            the group × s: GQA-safe).
//   Initialised SmoothQuant-style, s = max|X|^½ / max|W|^½ (s_o = 1). No shift δ: it would have to
//   fold into the RMSNorm, which has no bias; OmniQuant itself disables the shift for Llama
//   ("use_shift = False" for llama models), and we do the same for every architecture.
//   No q/k scale: it only rescales whole rows of W_q/W_k, to which our per-row / per-group weight
//   quantizers are invariant, and we do not quantize queries or keys.
// - Loss: MSE between the float block's output on float inputs and the quantized block's output
//   on the quantized path's inputs (outputs of the already-quantized blocks), AdamW without
//   weight decay, lr 1e-2 (LWC) and 5e-3 (LET), one calibration window per step.
#pragma once

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

/// OmniQuant parameters.
struct OmniQuantOptions {
  int epochs = 2;          ///< passes over the calibration windows per block (paper: 20)
  double lr_lwc = 1e-2;    ///< AdamW learning rate of γ̃, β̃
  double lr_let = 5e-3;    ///< AdamW learning rate of the LET scales
  bool lwc = true;         ///< learn the clipping (else full range, γ = β = 1)
  bool let = true;         ///< learn the equivalent transformation (else none)
  double let_alpha = 0.5;  ///< SmoothQuant migration strength of the LET initialisation
};

/// What training did.
struct OmniQuantReport {
  std::vector<double> first_loss;  ///< per block: mean MSE over the first epoch's first pass
  std::vector<double> last_loss;   ///< per block: mean MSE over the last epoch
};

/// Runs OmniQuant on `model` in place: the weights end up fake-quantized (float values on the
/// learned grids) with LET folded into norms and weights. `calibTokens` are calib.samples windows
/// of calib.seq_len tokens. Throws Error(InvalidInput) for per-tensor weight quantization, static
/// activation scales or packed weights, Error(Unsupported) for q/k-norm models, Error(Cancelled)
/// through `progress`.
void omniQuantModel(Model& model, const std::vector<int>& calibTokens,
                    const CalibrationOptions& calib, const QuantSpec& spec,
                    const OmniQuantOptions& opts, const ProgressFn& progress = {},
                    std::vector<std::string>* log = nullptr, OmniQuantReport* report = nullptr);

}  // namespace slmq::core
