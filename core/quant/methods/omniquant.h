// OmniQuant (Shao et al., 2024): block by block, learn how to clip the weights (LWC) and how to
// transform the linear inputs (LET) by minimising the block's output error, then fold the
// transforms and quantize with the learned clipping. OmniQuant quantizes the weights itself (it
// is the pipeline's weight quantizer, like RTN or GPTQ). Follows OpenGVLab/OmniQuant
// (quantize/omniquant.py, quantizer.py, models/transformation.py):
//
// - LWC per (output row, group) of every linear: γ = σ(γ̃), β = σ(β̃), range [β·min W, γ·max W]
//   in the asymmetric quantizer (symmetric: γ·absmax); γ̃ = β̃ = 4 at the start (σ = 0.982, as
//   OmniQuant's init). So 0 epochs is RTN with a 0.982 clip ratio (with LET folded); with LWC
//   and LET off and 0 epochs it is exactly RTN (the spec's own clip ratio, fixed).
// - LET, scale only (X̃ = X ⊘ s, W̃ = W·diag(s)), exactly equivalent in float
//   (omniquant_block.h): s_attn between the attention RMSNorm and q/k/v, s_mlp between the MLP
//   RMSNorm and gate/up, s_o between v and o (per kv channel: GQA-safe). Initialised as
//   OmniQuant does (not to 1): s = max|X|^α / max|W|^(1−α), α = 0.5, clamped at 1e-5, with
//   max|X| over all calibration tokens of the float model's linear inputs and max|W| over the
//   columns of all reading layers (OmniQuant looks at q_proj, up_proj and o_proj only).
//   No shift δ: OmniQuant's shift for Llama (zero-initialised, then learned) is absorbed into a
//   bias of the RMSNorm (smooth_ln_fcs_inplace), and our RMSNorm (core/model) has no bias; the
//   rotation fold, SmoothQuant/AWQ, GGUF export and packing read the norm weights and would
//   silently ignore one.
//   No q/k scale: it only rescales whole rows of W_q/W_k, to which our per-row / per-group weight
//   quantizers are invariant, and we do not quantize queries or keys.
// - Activations per token, symmetric, fake-quantized in training as in evaluation; the backward
//   goes through the dynamic scale as autograd does in OmniQuant (ops.h actQuantBackward), so the
//   LET sees the activation rounding error.
// - Loss: MSE between the float block's output on float inputs and the quantized block's output
//   on the quantized path's inputs (outputs of the already-quantized blocks), plus optionally
//   (aug_loss) the MSE to the float block's output on the quantized path's inputs; AdamW without
//   weight decay, lr 1e-2 (LWC) and 5e-3 (LET), one calibration window per step, windows in order.
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
  double lr_lwc = 1e-2;    ///< AdamW learning rate of γ̃, β̃ (weight decay 0, as OmniQuant)
  double lr_let = 5e-3;    ///< AdamW learning rate of the LET scales (weight decay 0)
  bool lwc = true;         ///< learn the clipping (else the spec's fixed clip ratio, default 1)
  bool let = true;         ///< learn the equivalent transformation (else none)
  double let_alpha = 0.5;  ///< SmoothQuant migration strength of the LET initialisation
  /// OmniQuant's --aug_loss (off in its main.py, on in its W4A4 scripts): add the MSE to the
  /// float block's output on the quantized path's inputs, i.e. the error this block adds by
  /// itself. The sum of the two MSEs has the gradient of twice the MSE to their mean target,
  /// which is what is trained. Measured at 16 × 256 tokens, 10 epochs, W4A4, 8 c4 chunks: on
  /// 105.20 / off 104.45 (smol-ref), on 113.94 / off 113.55 (qwen-ref), RTN 105.93 / 114.42.
  bool aug_loss = false;
  /// Compute threads while OmniQuant runs (restored afterwards); 0 = keep the process setting.
  /// A training step is one calibration window (a few hundred tokens): with several threads every
  /// op forks and joins, which on a busy machine costs far more than it gains (measured on 2
  /// shared cores: 1 epoch of smol-ref took 91 s with 2 threads, 11 s with 1).
  int threads = 1;
};

/// What training did, per block (index = block).
struct OmniQuantReport {
  std::vector<double> first_loss;  ///< output MSE over all calibration windows before training
  std::vector<double> last_loss;   ///< the same after training, with the learned state
  /// Mean training-step MSE of every epoch, against the training target (with aug_loss the mean
  /// of the two targets, so not comparable with first_loss / last_loss).
  std::vector<std::vector<double>> epoch_loss;
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
