// The learnable part of OmniQuant for one decoder block, separated from the block-by-block driver
// (omniquant.cpp) so that its chain rule can be checked against finite differences: the state
// (LWC clipping logits, LET scales), how it turns the float block into the effective quantized
// block, and the MSE loss between that block's output and the float target with its gradient
// with respect to the state. Templated on the scalar (float for training, double for checks).
//
// Effective tensors (W [out, in] float weights, g [d] norm weights, j = input channel):
//   attention input: g̃ = g ⊘ s_attn,  W̃_{q,k,v} = W · diag(s_attn)
//   MLP input:       g̃ = g ⊘ s_mlp,   W̃_{gate,up} = W · diag(s_mlp)
//   v -> o (GQA):    W̃_v = diag(1/s_o) · W_v, b̃_v = b_v ⊘ s_o, W̃_o[:, c] = W_o[:, c] · s_o[kv(c)]
//                    (kv(c) = the kv channel that o's input column c reads: every query head of a
//                    group sees the same v channel scaled by 1/s_o)
//   quantized:       Ŵ = LWC(W̃; γ = σ(γ̃), β = σ(β̃)) per (row, group), ops.h's lwcForward
// Loss = mean over elements of (block(x; Ŵ, g̃, b̃) − target)².
#pragma once

#include <array>

#include "core/quant/autograd/decoder_grad.h"

namespace slmq::core::omni {

template <typename T>
using Mat = ad::Mat<T>;
template <typename T>
using Vec = ad::Vec<T>;

/// Learnable state of one block. A module whose shape has bits >= 16 is not quantized (its γ̃, β̃
/// are unused). Scales must stay positive (the driver clamps them at 1e-5 after every step).
template <typename T>
struct BlockState {
  std::array<Mat<T>, kModuleCount> gt, bt;  ///< γ̃, β̃ [out, groups] (clipping logits)
  std::array<ad::LwcShape, kModuleCount> shape;
  Vec<T> s_attn, s_mlp;  ///< [hidden]
  Vec<T> s_o;            ///< [kv_heads · head_dim]
  bool clip = true;      ///< false: γ = β = fixed_clip[m] (not learned: RTN with a clip ratio)
  std::array<T, kModuleCount> fixed_clip{T(1), T(1), T(1), T(1), T(1), T(1), T(1)};
};

/// ∂loss/∂state (same shapes).
template <typename T>
struct BlockStateGrads {
  std::array<Mat<T>, kModuleCount> gt, bt;
  Vec<T> s_attn, s_mlp, s_o;
};

/// The transformed block: W̃ before quantization and the effective parameters (Ŵ, g̃, b̃) that
/// blockForward multiplies with.
template <typename T>
struct Applied {
  std::array<Mat<T>, kModuleCount> w;  ///< W̃ [out, in]
  ad::BlockParams<T> p;
};

/// State at γ̃ = β̃ = `clipLogit` (OmniQuant: 4, σ = 0.982) and all scales 1, for the modules'
/// weight quantizers `shape` and float params `base`.
template <typename T>
BlockState<T> initialState(const ad::BlockShape& s, const ad::BlockParams<T>& base,
                           const std::array<ad::LwcShape, kModuleCount>& shape, T clipLogit);

/// Applies the scales and the learned clipping to the float block `base`.
template <typename T>
Applied<T> applyState(const ad::BlockShape& s, const ad::BlockParams<T>& base,
                      const BlockState<T>& st, ad::Rounding rnd = ad::Rounding::HalfEven);

/// Mean squared error between the transformed block's output on `x` [batch·T, d] and `target`
/// (same shape); with `grads`, also its gradient with respect to γ̃, β̃ (when st.clip) and the
/// three scale vectors (straight-through estimator through every rounding).
template <typename T>
T blockLoss(const ad::BlockShape& s, const ad::BlockParams<T>& base, const BlockState<T>& st,
            const ad::RopeCache<T>& rope, const Mat<T>& x, const Mat<T>& target, int batch,
            BlockStateGrads<T>* grads, ad::Rounding rnd = ad::Rounding::HalfEven);

/// Index of the kv channel read by o's input column `col` (H query heads, KVH kv heads).
inline int kvChannel(int col, int H, int KVH, int hd) {
  return ((col / hd) / (H / KVH)) * hd + col % hd;
}

}  // namespace slmq::core::omni
