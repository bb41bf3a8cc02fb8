// Computational invariance for QuaRot / SpinQuant: fold RMSNorm weights into the linears that read
// them, untie embedding and LM head, and fold orthogonal rotations R1 (residual stream), R2 (per
// head, between v and o) and R4 (before down_proj, applied online) into the weights so that the
// float model computes the same logits. The rotations themselves come from hadamard.h.
//
// Conventions (row vectors, a linear computes y = x·Wᵀ + b, W [out, in]):
//   residual stream h' = h·R1          -> E ← E·R1; readers (q,k,v,gate,up,lm_head) W ← W·R1;
//                                         writers (o,down) W ← R1ᵀ·W, b ← R1ᵀ·b.
//   v head output v' = v·R2            -> W_v ← R2ᵀ·W_v per kv-head row block, b_v likewise;
//                                         W_o ← W_o·R2 per query-head column block (GQA-safe: every
//                                         head of a layer shares R2).
//   down input x' = x·R4 (online hook) -> W_down ← W_down·R4.
// RMSNorm commutes with an orthogonal R only once its weight is 1, hence foldNorms first.
// Qwen2 q/k/v biases are outputs, untouched by R1; Qwen3's per-head q/k norms act on q and k
// after the projection, which R1 leaves unchanged and R2 never touches (R2 is on v/o only): they
// stay in place and are not folded. An R3 (online rotation of q/k after RoPE) is not implemented.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/model/config.h"
#include "core/model/hooks.h"
#include "core/model/weights.h"
#include "core/quant/hadamard.h"

namespace slmq::core {

/// The rotations folded into a model. Empty matrices mean "no rotation there".
struct Rotations {
  MatrixRM r1;               ///< [hidden, hidden] orthogonal, or empty
  std::vector<MatrixRM> r2;  ///< per layer [head_dim, head_dim] orthogonal, or empty (no R2)
  bool online_r4 = false;    ///< fold onlineR4(config) into down_proj (needs OnlineR4Hooks)
};

/// Copies the embedding into lm_head if tied (no-op otherwise). Needed before foldNorms/R1, which
/// change the LM head and the embedding differently.
void untieEmbeddings(ModelWeights& w);

/// Folds every RMSNorm weight into the linears that read its output: attn_norm into q/k/v,
/// mlp_norm into gate/up, final_norm into lm_head (W ← W·diag(g)), then sets the norm weights to 1.
/// q_norm/k_norm (Qwen3) are left as they are. Throws Error(InvalidInput) if the model is still
/// tied (call untieEmbeddings first) or shapes disagree.
void foldNorms(ModelWeights& w);

/// True if every residual-stream RMSNorm weight (attn, mlp, final) is exactly 1.
bool normsFolded(const ModelWeights& w);

/// The online Hadamard used as R4 for FFN width n: plain H/√n (no random signs, as QuaRot), or the
/// deterministic random-orthogonal fallback of hadamard.h when n has no construction
/// (isHadamard() == false; the caller should log construction()).
const Rotation& onlineR4(int n);

/// Folds `rot` into the weights (see the header comment). Requires untied weights with folded
/// norms when r1 is set; throws Error(InvalidInput) otherwise or on any shape mismatch
/// (r1 not [hidden, hidden], r2 not num_layers × [head_dim, head_dim]). Biases of o/down are
/// rotated, q/k/v/gate/up biases are unchanged. After online_r4 the model must run with
/// OnlineR4Hooks to be equivalent.
void applyRotation(ModelWeights& w, const ModelConfig& cfg, const Rotations& rot);

/// QuaRot's fixed rotations: R1 = randomized Hadamard of order hidden (seed), R2 = one randomized
/// Hadamard of order head_dim per layer (seed + 1 + layer), online_r4 = true. `log` (may be null)
/// receives one line per construction used, naming any fallback.
Rotations randomHadamardRotations(const ModelConfig& cfg, std::uint64_t seed,
                                  std::vector<std::string>* log = nullptr);

/// ForwardHooks applying R4 online to down_proj's input (x [rows, intermediate] ← x·R4 with the
/// fast transform), then passing every tap on to `next` (not owned, may be null) — so activation
/// fake-quantization or calibration statistics see the rotated input. Not thread-safe.
class OnlineR4Hooks : public ForwardHooks {
 public:
  /// `intermediate` = ModelConfig::intermediate_size.
  OnlineR4Hooks(int intermediate, ForwardHooks* next = nullptr);
  void setNext(ForwardHooks* next) { m_next = next; }

  void blockInput(int block, MatrixRM& hidden) override;
  void blockOutput(int block, MatrixRM& hidden) override;
  void linearInput(const LinearId& id, MatrixRM& x) override;
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override;
  bool modifiesLinearInputs() const override { return true; }

 private:
  const Rotation* m_r4;
  ForwardHooks* m_next;
};

}  // namespace slmq::core
