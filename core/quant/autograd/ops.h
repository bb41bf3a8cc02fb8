// Hand-written forward and backward of the decoder's operations on Eigen, for the methods that
// learn by gradient descent (SpinQuant, OmniQuant). Every op is a pair of free functions,
// templated on the scalar (float for training, double for finite-difference checks):
//   xxxForward(inputs...)            -> outputs (and what the backward needs)
//   xxxBackward(dOut, saved...)      -> gradients of the inputs / parameters
// Matrices are row-major [rows, features] with rows = batch·T (row r is sequence r / T, position
// r % T), as in the forward pass (core/model/forward.cpp). Each backward is checked against
// central finite differences in tests/core/quant/autograd_test.cpp.
//
// Quantizers (straight-through estimator, STE):
//  - weights with learnable clipping (OmniQuant's LWC): range [β·min W, γ·max W] per (row, group),
//    asymmetric `s = (hi − lo)/(2^b − 1)`, `z = round(−lo/s)`, `q = clamp(round(w/s) + z, 0,
//    2^b−1)`, `ŵ = (q − z)·s`. round() has gradient 1 (STE); clamp passes the gradient only inside
//    its bounds; the gradient reaches γ, β (and W through min/max) through s and z as in
//    OmniQuant's quantizer. With γ = β = 1 this is exactly fakeQuantWeightReference (DESIGN.md's
//    RTN).
//  - activations per token (symmetric, dynamic): ∂x̂/∂x = 1 where |x| ≤ clip·absmax (STE through
//    the rounding; the scale is treated as a constant), 0 where clipped.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <vector>

namespace slmq::core::ad {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// Rounding used by the quantizers: half to even (as torch.round). Tests replace it by the
/// identity to check the STE gradient plumbing against finite differences.
enum class Rounding { HalfEven, Identity };

template <typename T>
inline T roundOp(T x, Rounding r) {
  return r == Rounding::HalfEven ? std::nearbyint(x) : x;
}

// ---- RMSNorm ------------------------------------------------------------------------------------
// y [rows, d] = w ⊙ x · r,  r = 1/sqrt(mean(x²) + eps) per row. Saves r [rows].
template <typename T>
Mat<T> rmsNormForward(const Mat<T>& x, const Vec<T>& w, T eps, Vec<T>& rstd) {
  const Eigen::Index d = x.cols();
  rstd.resize(x.rows());
  Mat<T> y(x.rows(), d);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    rstd(i) = T(1) / std::sqrt(x.row(i).squaredNorm() / T(d) + eps);
    y.row(i) = x.row(i).cwiseProduct(w.transpose()) * rstd(i);
  }
  return y;
}

// dx_i = r·(w⊙dy) − r³/d · x · Σ_j (w⊙dy)_j x_j ;  dw += Σ_rows dy ⊙ x · r.  `dw` may be null.
template <typename T>
Mat<T> rmsNormBackward(const Mat<T>& dy, const Mat<T>& x, const Vec<T>& w, const Vec<T>& rstd,
                       Vec<T>* dw) {
  const Eigen::Index d = x.cols();
  Mat<T> dx(x.rows(), d);
  if (dw && dw->size() != d) dw->setZero(d);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const T r = rstd(i);
    const auto g = dy.row(i).cwiseProduct(w.transpose());
    const T dot = g.dot(x.row(i));
    dx.row(i) = r * g - (r * r * r / T(d)) * dot * x.row(i);
    if (dw) *dw += (dy.row(i).cwiseProduct(x.row(i)) * r).transpose();
  }
  return dx;
}

// ---- Linear -------------------------------------------------------------------------------------
// y [rows, out] = x [rows, in] · Wᵀ [in, out] (+ b [out]).
template <typename T>
Mat<T> linearForward(const Mat<T>& x, const Mat<T>& w, const Vec<T>& b) {
  Mat<T> y = x * w.transpose();
  if (b.size() > 0) y.rowwise() += b.transpose();
  return y;
}

// dx = dy · W; dW += dyᵀ · x; db += Σ_rows dy. `dw`/`db` may be null (frozen).
template <typename T>
Mat<T> linearBackward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& w, Mat<T>* dw, Vec<T>* db) {
  if (dw) {
    if (dw->rows() != w.rows() || dw->cols() != w.cols()) dw->setZero(w.rows(), w.cols());
    dw->noalias() += dy.transpose() * x;
  }
  if (db) {
    if (db->size() != w.rows()) db->setZero(w.rows());
    *db += dy.colwise().sum().transpose();
  }
  return dy * w;
}

// ---- SwiGLU -------------------------------------------------------------------------------------
// h [rows, ff] = silu(g) ⊙ u,  silu(g) = g·σ(g).
template <typename T>
Mat<T> swigluForward(const Mat<T>& g, const Mat<T>& u) {
  return (g.array() / (T(1) + (-g.array()).exp()) * u.array()).matrix();
}

// dg = dh ⊙ u ⊙ σ(g)(1 + g(1 − σ(g))),  du = dh ⊙ silu(g).
template <typename T>
void swigluBackward(const Mat<T>& dh, const Mat<T>& g, const Mat<T>& u, Mat<T>& dg, Mat<T>& du) {
  const auto sig = (T(1) / (T(1) + (-g.array()).exp())).eval();
  du = (dh.array() * g.array() * sig).matrix();
  dg = (dh.array() * u.array() * sig * (T(1) + g.array() * (T(1) - sig))).matrix();
}

// ---- RoPE ---------------------------------------------------------------------------------------
/// cos/sin [T, hd/2] for positions 0..T-1 from inv_freq [hd/2] (ropeInvFreq) and the attention
/// scaling (ropeAttentionScaling), computed in T's precision.
template <typename T>
struct RopeCache {
  Mat<T> cos, sin;  ///< [T, half]
  void fill(int tokens, const std::vector<float>& invFreq, float scaling) {
    const int half = int(invFreq.size());
    cos.resize(tokens, half);
    sin.resize(tokens, half);
    for (int t = 0; t < tokens; ++t)
      for (int j = 0; j < half; ++j) {
        const T a = T(t) * T(invFreq[std::size_t(j)]);
        cos(t, j) = std::cos(a) * T(scaling);
        sin(t, j) = std::sin(a) * T(scaling);
      }
  }
};

// In place on x [rows, heads·hd], every head of row r at position r % T:
// x1' = x1·cos − x2·sin, x2' = x2·cos + x1·sin (rotate_half). `inverse` applies the transpose
// (sin → −sin), which is the backward of this linear map.
template <typename T>
void ropeApply(Mat<T>& x, int heads, int hd, int tokens, const RopeCache<T>& rc, bool inverse) {
  const int half = hd / 2;
  const T sgn = inverse ? T(-1) : T(1);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const int t = int(r % tokens);
    for (int h = 0; h < heads; ++h) {
      T* p = x.row(r).data() + h * hd;
      for (int j = 0; j < half; ++j) {
        const T c = rc.cos(t, j), s = sgn * rc.sin(t, j);
        const T a = p[j], b = p[j + half];
        p[j] = a * c - b * s;
        p[j + half] = b * c + a * s;
      }
    }
  }
}

// ---- causal GQA attention -----------------------------------------------------------------------
// For sequence b, query head h (kv head h / (H/KVH)):
//   S [T, T] = Q_h K_kvᵀ / sqrt(hd), causal mask, P = softmax(S) per row, O_h [T, hd] = P V_kv.
// q, o [rows, H·hd]; k, v [rows, KVH·hd]; rows = batch·T.
template <typename T>
Mat<T> attentionForward(const Mat<T>& q, const Mat<T>& k, const Mat<T>& v, int batch, int tokens,
                        int H, int KVH, int hd);

// Recomputes P and returns dq, dk, dv:
//   dV = Pᵀ dO;  dP = dO Vᵀ;  dS = P ⊙ (dP − rowsum(dP ⊙ P));  dQ = dS K / sqrt(hd);
//   dK = dSᵀ Q / sqrt(hd)  (kv-head gradients summed over the heads of their group).
template <typename T>
void attentionBackward(const Mat<T>& dout, const Mat<T>& q, const Mat<T>& k, const Mat<T>& v,
                       int batch, int tokens, int H, int KVH, int hd, Mat<T>& dq, Mat<T>& dk,
                       Mat<T>& dv);

// ---- cross-entropy ------------------------------------------------------------------------------
/// Mean next-token NLL over predicted positions: for every sequence b and t < T−1, the target of
/// row b·T + t is tokens[b·T + t + 1]. logits [batch·T, vocab]. Returns the loss; fills dlogits
/// (same shape) with ∂loss/∂logits = (softmax − onehot) / count (zero on the last row of each
/// sequence).
template <typename T>
T crossEntropyForwardBackward(const Mat<T>& logits, const std::vector<int>& tokens, int batch,
                              Mat<T>* dlogits);

// ---- quantizers (STE) ---------------------------------------------------------------------------

/// Per-token symmetric fake-quant of x [rows, in] with `bits` and clip ratio; `mask` (optional)
/// receives 1 where the gradient passes (|x| ≤ clip·absmax), 0 elsewhere.
template <typename T>
Mat<T> actQuantForward(const Mat<T>& x, int bits, T clip, Mat<T>* mask,
                       Rounding rnd = Rounding::HalfEven);

/// Backward of actQuantForward including the path through the dynamic scale, as autograd sees
/// OmniQuant's per-token quantizer (its scale is computed from x, not detached). Per row, with
/// s = clip·max|x|/qmax, code_i = round(x_i/s) (STE) and ĉ_i = clamp(code_i, qmin, qmax):
///   ∂x̂_i/∂x_i = 1 inside the range, 0 when clamped;  ∂x̂_i/∂s = ĉ_i − x_i/s inside, ĉ_i clamped;
///   ∂s/∂x_k = clip/qmax · sign(x_k) for k = argmax|x|.
/// So dx_i = dx̂_i·[inside_i] + [i = k]·sign(x_k)·clip/qmax · Σ_j dx̂_j ∂x̂_j/∂s. This is what lets
/// a learned transform (LET) see that shrinking a token's largest channel refines the grid for
/// all others; the mask-only STE is blind to the activation rounding error.
template <typename T>
Mat<T> actQuantBackward(const Mat<T>& dxhat, const Mat<T>& x, int bits, T clip,
                        Rounding rnd = Rounding::HalfEven);

/// Learnable-clipping weight quantizer parameters per (row, group) of W [out, in]: the range is
/// [β·min(min W, 0), γ·max(max W, 0)] (symmetric: γ·absmax, β unused).
struct LwcShape {
  int bits = 4;
  int group = 0;  ///< input columns per group; 0 = per output row (one group)
  bool symmetric = false;
};

/// Ŵ [out, in] from W with γ, β [out, groups] (already through the sigmoid).
template <typename T>
Mat<T> lwcForward(const Mat<T>& w, const Mat<T>& gamma, const Mat<T>& beta, const LwcShape& s,
                  Rounding rnd = Rounding::HalfEven);

/// Given dŴ, accumulates dγ, dβ [out, groups] and (if non-null) dW [out, in] (STE inside the
/// clamp, plus the paths through min/max), as OmniQuant's autograd would.
template <typename T>
void lwcBackward(const Mat<T>& dwhat, const Mat<T>& w, const Mat<T>& gamma, const Mat<T>& beta,
                 const LwcShape& s, Mat<T>& dgamma, Mat<T>& dbeta, Mat<T>* dw,
                 Rounding rnd = Rounding::HalfEven);

}  // namespace slmq::core::ad
