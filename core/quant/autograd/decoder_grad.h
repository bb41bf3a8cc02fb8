// Forward and backward of a whole decoder block and of the whole network (blocks, final RMSNorm,
// LM head, next-token cross-entropy), built from the ops in ops.h, for methods that learn by
// gradient descent. The parameters are the *effective* tensors the forward multiplies with
// (already rotated / scaled / fake-quantized by the caller); the backward returns the gradients
// with respect to those, and the caller chains them to its own parameters (rotations R1/R2 for
// SpinQuant, clipping and scales for OmniQuant). Activation fake-quantization per token (STE) and
// an optional online rotation of down_proj's input (QuaRot/SpinQuant's R4) happen inside.
//
// Block (pre-norm, as core/model/forward.cpp), rows = batch·T:
//   n1 = RMSNorm(h; attn_norm); x1 = Qa(n1); q,k,v = x1·Wᵀ + b; RoPE(q, k); a = Attn(q, k, v)
//   h1 = h + Qa(a)·Woᵀ; n2 = RMSNorm(h1; mlp_norm); x3 = Qa(n2); m = silu(x3·Wgᵀ) ⊙ (x3·Wuᵀ)
//   out = h1 + Qa(m·R4)·Wdᵀ
#pragma once

#include <array>
#include <vector>

#include "core/model/config.h"
#include "core/model/weights.h"
#include "core/quant/autograd/ops.h"
#include "core/quant/hadamard.h"

namespace slmq::core::ad {

/// Shapes and the parts of the config the block needs.
struct BlockShape {
  int hidden = 0, heads = 0, kv_heads = 0, head_dim = 0, ffn = 0;
  double eps = 1e-6;
  std::vector<float> inv_freq;  ///< RoPE inv_freq [head_dim/2] (ropeInvFreq)
  float rope_scaling = 1.f;     ///< ropeAttentionScaling
  /// From a model config. Throws Error(Unsupported) for q/k-norm models (Qwen3), which the
  /// backward does not cover.
  static BlockShape fromConfig(const ModelConfig& c);
};

/// Activation fake-quantization of one linear input (per token, symmetric). bits 16 = off.
struct ActQuantAd {
  int bits = 16;
  double clip = 1.0;
  /// Backward through the dynamic per-token scale too (actQuantBackward, OmniQuant's quantizer)
  /// instead of the mask-only STE. Keeps the pre-quantization input on the tape.
  bool scale_grad = false;
  Rounding rounding = Rounding::HalfEven;  ///< Identity only for finite-difference checks
};

/// Effective tensors of one block. Indexed by Module (q k v o gate up down).
template <typename T>
struct BlockParams {
  Vec<T> attn_norm, mlp_norm;          ///< [hidden]
  std::array<Mat<T>, kModuleCount> w;  ///< [out, in] each
  std::array<Vec<T>, kModuleCount> b;  ///< [out] or empty (no bias)
  bool rope = true;                    ///< false on NoPE layers
  /// Activation quantizers of the four distinct inputs: attention input (q/k/v), o, MLP input
  /// (gate/up), down.
  std::array<ActQuantAd, 4> act;
  const Mat<T>* down_rotation = nullptr;  ///< R4 [ffn, ffn] (online, x ← x·R4), or null
  /// The same R4 applied by its fast transform (Rotation::applyRows / applyRowsTransposed),
  /// O(ffn·(m + log ffn)) per row instead of a dense [ffn, ffn] product; used when
  /// down_rotation is null. Not owned.
  const Rotation* down_rotation_fast = nullptr;
  /// Copies float weights of `bw` (no rotation, no quantization).
  static BlockParams fromWeights(const BlockWeights& bw, bool rope);
};

/// Gradients with respect to BlockParams' tensors (same shapes; zero-sized when not requested).
template <typename T>
struct BlockGrads {
  Vec<T> attn_norm, mlp_norm;
  std::array<Mat<T>, kModuleCount> w;
  std::array<Vec<T>, kModuleCount> b;
};

/// What one block's forward keeps for its backward (about 12 activations of [rows, ≤ ffn]).
template <typename T>
struct BlockTape {
  Mat<T> h, x1, q, k, v, a, x2, h1, x3, g, u, x4;
  Mat<T> mask1, mask2, mask3, mask4;  ///< empty when that input is not clipped
  Vec<T> rstd1, rstd2;
  /// Pre-quantization inputs of x1, x3, x4, kept only for an ActQuantAd with scale_grad (x2's is
  /// `a`).
  Mat<T> n1, n2, m;
};

/// Runs the block on `h` [batch·T, hidden] and returns its output. Fills `tape` if non-null.
template <typename T>
Mat<T> blockForward(const BlockShape& s, const BlockParams<T>& p, const RopeCache<T>& rope,
                    const Mat<T>& h, int batch, BlockTape<T>* tape);

/// Backward of blockForward: given dOut [rows, hidden], returns dh [rows, hidden] and adds
/// parameter gradients into `grads` (if non-null: weights, biases present in p, norm weights).
template <typename T>
Mat<T> blockBackward(const BlockShape& s, const BlockParams<T>& p, const RopeCache<T>& rope,
                     const BlockTape<T>& tape, const Mat<T>& dout, int batch, BlockGrads<T>* grads);

/// The whole network after the embedding lookup.
template <typename T>
struct NetParams {
  std::vector<BlockParams<T>> blocks;
  Vec<T> final_norm;  ///< [hidden]
  Mat<T> head;        ///< LM head [vocab, hidden]
};

template <typename T>
struct NetGrads {
  std::vector<BlockGrads<T>> blocks;
  Vec<T> final_norm;
  Mat<T> head;
  Mat<T> h0;  ///< ∂loss/∂(embedding rows) [rows, hidden]
};

/// Mean next-token cross-entropy of `tokens` (batch sequences of equal length, row-major) given
/// the embedded input h0 [rows, hidden]; with `grads` also the backward (all tensors). Memory:
/// the tapes of every block plus the logits [rows, vocab].
template <typename T>
T networkLossAndGrads(const BlockShape& s, const NetParams<T>& p, const Mat<T>& h0,
                      const std::vector<int>& tokens, int batch, NetGrads<T>* grads);

}  // namespace slmq::core::ad
