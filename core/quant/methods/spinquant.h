// SpinQuant (Liu et al., 2024): QuaRot's rotations, but R1 (residual stream) and R2 (per layer,
// between v and o) are learned on the Stiefel manifold with Cayley SGD to minimise the next-token
// cross-entropy of the fake-quantized network (weights RTN-fake-quantized in the forward,
// activations per token, straight-through estimator), with the weights frozen. R4 stays an online
// Hadamard. Afterwards R1/R2 are folded into the weights and the pipeline quantizes them with GPTQ
// or RTN (quantize.h), exactly as for QuaRot.
//
// Cayley SGD step for a rotation R with Euclidean gradient G:
//   A = G·Rᵀ − R·Gᵀ (skew),  R ← (I + η/2·A)⁻¹ (I − η/2·A) R,
// with η from a cosine schedule starting at `lr`, capped at 2q/‖A‖ (q = 0.5) as in the Cayley SGD
// of Li et al. (2020) that SpinQuant uses, which keeps the very first steps from overshooting.
// The update stays orthogonal to rounding (checked every step, re-orthogonalised by QR if drift
// exceeds 1e-4).
//
// Budget (our defaults vs the paper's 800 × 2048 tokens, 100 steps): 100 steps of 4 sequences of
// 256 tokens drawn from the calibration windows — about 2–4 s per step for smol-ref on 2 cores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/model/model.h"
#include "core/quant/autograd/decoder_grad.h"
#include "core/quant/hadamard.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

/// SpinQuant parameters.
struct SpinQuantOptions {
  int steps = 100;              ///< Cayley SGD steps
  double lr = 1.5;              ///< initial learning rate (cosine decay to 0)
  int batch = 4;                ///< sequences per step
  int seq_len = 256;            ///< tokens per sequence (≤ the calibration window length)
  bool learn_r2 = true;         ///< also learn R2 (else it stays the random Hadamard)
  std::uint64_t seed = 0;       ///< start rotations (as QuaRot with this seed) and batch draws
  float act_clip_ratio = 0.9f;  ///< activation clip applied where the spec gives none (as QuaRot)
};

/// What training did.
struct SpinQuantReport {
  std::vector<double> loss;  ///< training loss per step (on that step's batch, before the update)
  double seconds = 0;
};

/// The differentiable problem: the model's weights after untying, norm folding and folding R4
/// into down_proj, in precision T; the loss as a function of (R1, R2).
template <typename T>
struct SpinQuantProblem {
  ad::BlockShape shape;
  ad::Mat<T> embed;                        ///< [vocab, hidden]
  std::vector<ad::BlockParams<T>> blocks;  ///< base weights; norms 1, act quantizers set
  ad::Mat<T> head;                         ///< [vocab, hidden] (final norm folded in)
  std::vector<std::array<WeightQuant, kModuleCount>> wq;  ///< per block and module
  ad::Mat<T> r4;  ///< online R4 [ffn, ffn] (dense), or empty

  /// From a model with untied, norm-folded weights whose down_proj already includes R4 (`r4`
  /// may be null: none). `spec` (with the activation clip already applied) gives the weight and
  /// activation quantizers. Throws Error(InvalidInput) if norms are not folded.
  static SpinQuantProblem fromModel(const Model& model, const QuantSpec& spec, const Rotation* r4);

  /// Mean next-token cross-entropy of `tokens` (batch × T) with rotations R1 [d, d] and R2
  /// (per layer [hd, hd]; empty = none); with `dr1`/`dr2` also their Euclidean gradients.
  T lossAndGrads(const ad::Mat<T>& r1, const std::vector<ad::Mat<T>>& r2,
                 const std::vector<int>& tokens, int batch, ad::Mat<T>* dr1,
                 std::vector<ad::Mat<T>>* dr2) const;
};

/// One Cayley SGD step on R [n, n] (double) with gradient G and step η (see file header).
/// Returns the η actually used.
double cayleyStep(MatrixRMd& r, const MatrixRMd& g, double lr);

/// Unties, folds norms, starts from QuaRot's random Hadamard rotations, learns R1/R2 on
/// `calibTokens` (windows of `windowLen` tokens) and folds them and R4 into `model`. Returns the
/// online R4 the model must run with (onlineR4(ffn)). `spec` is the quantization the loss
/// simulates (weights RTN, activations per token with opts.act_clip_ratio where unset).
/// Throws Error(InvalidInput) for packed weights or windows shorter than opts.seq_len,
/// Error(Unsupported) for q/k-norm models, Error(Cancelled) through `progress`.
const Rotation* spinQuantModel(Model& model, const std::vector<int>& calibTokens, int windowLen,
                               const QuantSpec& spec, const SpinQuantOptions& opts,
                               const ProgressFn& progress = {},
                               std::vector<std::string>* log = nullptr,
                               SpinQuantReport* report = nullptr);

}  // namespace slmq::core
