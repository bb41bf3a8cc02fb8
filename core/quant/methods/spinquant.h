// SpinQuant (Liu et al., 2024): QuaRot's rotations, but R1 (residual stream) and R2 (per layer,
// between v and o) are learned on the Stiefel manifold with Cayley SGD to minimise the next-token
// cross-entropy of the fake-quantized network (weights RTN-fake-quantized in the forward,
// activations per token, straight-through estimator), with the weights frozen. R4 stays an online
// Hadamard. Afterwards R1/R2 are folded into the weights and the pipeline quantizes them with GPTQ
// or RTN (quantize.h), exactly as for QuaRot.
//
// Cayley SGD is SGDG of Li et al. (2020, "Efficient Riemannian optimization on the Stiefel manifold
// via the Cayley transform", Alg. 1), the optimizer of SpinQuant's train_utils/optimizer.py, with
// momentum 0 (SpinQuant's setting; that code's momentum buffer is never written back, so it is 0
// in effect whatever the option says): see cayleyStep. The learning rate follows the cosine
// schedule of HF transformers without warm-up (cosineLr), as SpinQuant's Trainer runs it.
//
// Budget (our defaults vs the paper's 100 steps of 8 × 2048 tokens): 100 steps of 4 sequences of
// 256 tokens drawn from the calibration windows. Measured on 2 busy shared cores: about 7 s per
// step of 8 × 256 tokens for smol-ref and qwen-ref (R4 by its fast transform), peak RSS
// 0.8–1 GB. R4 is applied by Rotation::applyRows / applyRowsTransposed in the training
// forward/backward (as a dense [ffn, ffn] product it was ~40 % of a qwen-ref step's FLOPs).
#pragma once

#include <cstdint>
#include <functional>
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
  std::vector<double> lr;    ///< scheduled learning rate per step (cosineLr)
  std::vector<double> alpha_r1;  ///< step α cayleyStep used on R1 per step (≤ lr, ≤ 1/‖W‖₁)
  double r1_moved = 0;           ///< max |R1 − R1_start| over the entries after training
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
  const Rotation* r4 = nullptr;                           ///< online R4 (not owned), or null: none
  ad::Mat<T> r4_dense;  ///< the same R4 as a dense [ffn, ffn] matrix, or empty
  /// Apply R4 (and its transpose in the backward) as a dense product instead of the fast
  /// transform: the readable reference the fast path is tested against.
  bool dense_r4 = false;

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

/// One step of SGDG (Cayley SGD, momentum 0) on an orthogonal R [n, n] (double) with the
/// Euclidean gradient G = ∂f/∂R [n, n], in the variables of SpinQuant's optimizer.py, which
/// works on X = Rᵀ with M = −Gᵀ (the negative gradient in X):
///   Ŵ = M·Xᵀ − ½·X·(Xᵀ·M·Xᵀ),  W = Ŵ − Ŵᵀ  (skew [n, n]),
///   α = min(lr, 1 / (‖W‖₁ + 1e-8))  with ‖W‖₁ = max column sum of |W| (matrix_norm_one),
///   X ← (I − α/2·W)⁻¹ (I + α/2·W) X,  R ← Xᵀ.
/// The reference approximates the Cayley transform by 5 fixed-point iterations
/// Y = X + α·W·(X + Y)/2 (which leave RᵀR − I of order (α‖W‖/2)⁶, hence its occasional QR
/// retraction); we solve it exactly, so R stays orthogonal to rounding (re-orthogonalised by QR
/// if RᵀR drifts by more than 1e-10). For square R, W = ½·(RᵀG − GᵀR) and to first order
/// f(R_new) − f(R) = −α/4·‖G − R·Gᵀ·R‖²_F ≤ 0. Returns α.
double cayleyStep(MatrixRMd& r, const MatrixRMd& g, double lr);

/// The cosine learning-rate schedule of HF transformers without warm-up
/// (get_cosine_schedule_with_warmup, 0 warm-up steps), which SpinQuant trains with:
/// lr · ½ · (1 + cos(π · step / steps)); step 0 gives lr, step `steps` gives 0.
double cosineLr(double lr, int step, int steps);

/// The differentiable problem after preparing the model, and the start rotations.
struct SpinQuantSetup {
  SpinQuantProblem<float> problem;
  MatrixRMd r1;                  ///< start R1 [hidden, hidden] (QuaRot's random Hadamard)
  std::vector<MatrixRMd> r2;     ///< start R2 per layer [head_dim, head_dim]
  const Rotation* r4 = nullptr;  ///< the online R4 (onlineR4(ffn)), folded into down_proj
};

/// Prepares `model` for learning: refuses packed weights and q/k-norm models, unties, folds norms,
/// folds R4 into down_proj and builds the problem for `spec` (activation clip opts.act_clip_ratio
/// where the spec gives none) and QuaRot's start rotations of opts.seed. `model` is changed.
SpinQuantSetup prepareSpinQuant(Model& model, const QuantSpec& spec, const SpinQuantOptions& opts,
                                std::vector<std::string>* log = nullptr);

/// Runs opts.steps Cayley SGD steps on (r1, r2) (r2 learned only with opts.learn_r2); step s
/// trains on the opts.batch × opts.seq_len tokens `batchOf(s)` returns (cosineLr schedule).
/// Records the loss before each update in `report`. Throws Error(Internal) if the loss is not
/// finite, Error(Cancelled) through `progress`.
void trainSpinQuantRotations(const SpinQuantProblem<float>& problem, MatrixRMd& r1,
                             std::vector<MatrixRMd>& r2,
                             const std::function<std::vector<int>(int)>& batchOf,
                             const SpinQuantOptions& opts, const ProgressFn& progress = {},
                             SpinQuantReport* report = nullptr);

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
