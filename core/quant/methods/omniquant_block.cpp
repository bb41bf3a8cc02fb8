// OmniQuant's per-block state, transform and loss with gradients (omniquant_block.h).
#include "core/quant/methods/omniquant_block.h"

namespace slmq::core::omni {
namespace {

template <typename T>
Mat<T> sigmoid(const Mat<T>& x) {
  return (T(1) / (T(1) + (-x.array()).exp())).matrix();
}

// γ = σ(γ̃), or the fixed ratio everywhere when clipping is not learned.
template <typename T>
Mat<T> bound(const BlockState<T>& st, const Mat<T>& logit, int m) {
  return st.clip ? sigmoid<T>(logit)
                 : Mat<T>::Constant(logit.rows(), logit.cols(), st.fixed_clip[m]);
}

constexpr Module kAttnReaders[] = {Module::Q, Module::K, Module::V};
constexpr Module kMlpReaders[] = {Module::Gate, Module::Up};

}  // namespace

template <typename T>
BlockState<T> initialState(const ad::BlockShape& s, const ad::BlockParams<T>& base,
                           const std::array<ad::LwcShape, kModuleCount>& shape, T clipLogit) {
  BlockState<T> st;
  st.shape = shape;
  for (int m = 0; m < kModuleCount; ++m) {
    const Eigen::Index in = base.w[m].cols();
    const Eigen::Index G = shape[m].group > 0 ? std::min<Eigen::Index>(shape[m].group, in) : in;
    st.gt[m] = Mat<T>::Constant(base.w[m].rows(), (in + G - 1) / G, clipLogit);
    st.bt[m] = st.gt[m];
  }
  st.s_attn = Vec<T>::Ones(s.hidden);
  st.s_mlp = Vec<T>::Ones(s.hidden);
  st.s_o = Vec<T>::Ones(s.kv_heads * s.head_dim);
  return st;
}

template <typename T>
Applied<T> applyState(const ad::BlockShape& s, const ad::BlockParams<T>& base,
                      const BlockState<T>& st, ad::Rounding rnd) {
  Applied<T> a;
  a.p = base;
  a.p.attn_norm = base.attn_norm.cwiseQuotient(st.s_attn);
  a.p.mlp_norm = base.mlp_norm.cwiseQuotient(st.s_mlp);
  for (Module m : kAttnReaders) a.w[int(m)] = base.w[int(m)] * st.s_attn.asDiagonal();
  for (Module m : kMlpReaders) a.w[int(m)] = base.w[int(m)] * st.s_mlp.asDiagonal();
  const int V = int(Module::V), O = int(Module::O), D = int(Module::Down);
  a.w[V] = st.s_o.cwiseInverse().asDiagonal() * a.w[V];  // diag(1/s_o) · W_v [kvd, d]
  if (base.b[V].size()) a.p.b[V] = base.b[V].cwiseQuotient(st.s_o);
  // W_o [d, H·hd] · diag(s_o[kv(c)])
  Vec<T> so(base.w[O].cols());
  for (Eigen::Index c = 0; c < so.size(); ++c)
    so(c) = st.s_o(kvChannel(int(c), s.heads, s.kv_heads, s.head_dim));
  a.w[O] = base.w[O] * so.asDiagonal();
  a.w[D] = base.w[D];
  for (int m = 0; m < kModuleCount; ++m)
    a.p.w[m] = st.shape[m].bits < 16
                   ? ad::lwcForward<T>(a.w[m], bound<T>(st, st.gt[m], m), bound<T>(st, st.bt[m], m),
                                       st.shape[m], rnd)
                   : a.w[m];
  return a;
}

template <typename T>
T blockLoss(const ad::BlockShape& s, const ad::BlockParams<T>& base, const BlockState<T>& st,
            const ad::RopeCache<T>& rope, const Mat<T>& x, const Mat<T>& target, int batch,
            BlockStateGrads<T>* grads, ad::Rounding rnd) {
  const Applied<T> a = applyState<T>(s, base, st, rnd);
  ad::BlockTape<T> tape;
  const Mat<T> out = ad::blockForward<T>(s, a.p, rope, x, batch, grads ? &tape : nullptr);
  const Mat<T> diff = out - target;
  const T n = T(diff.size());
  const T loss = diff.squaredNorm() / n;
  if (!grads) return loss;

  ad::BlockGrads<T> g;
  ad::blockBackward<T>(s, a.p, rope, tape, (diff * (T(2) / n)).eval(), batch, &g);
  // Ŵ -> γ̃, β̃ (through σ) and W̃ (STE inside the clamp + the min/max paths).
  std::array<Mat<T>, kModuleCount> dwt;
  for (int m = 0; m < kModuleCount; ++m) {
    grads->gt[m].setZero(st.gt[m].rows(), st.gt[m].cols());
    grads->bt[m].setZero(st.bt[m].rows(), st.bt[m].cols());
    if (st.shape[m].bits >= 16) {
      dwt[m] = g.w[m];
      continue;
    }
    const Mat<T> gam = bound<T>(st, st.gt[m], m), bet = bound<T>(st, st.bt[m], m);
    Mat<T> dg, db;
    ad::lwcBackward<T>(g.w[m], a.w[m], gam, bet, st.shape[m], dg, db, &dwt[m], rnd);
    if (!st.clip) continue;
    grads->gt[m] = dg.cwiseProduct(gam.cwiseProduct((T(1) - gam.array()).matrix()));
    if (!st.shape[m].symmetric)
      grads->bt[m] = db.cwiseProduct(bet.cwiseProduct((T(1) - bet.array()).matrix()));
  }
  // W̃_ij = W_ij·s_j  =>  ∂/∂s_j = Σ_i dW̃_ij·W̃_ij / s_j;   g̃_j = g_j/s_j  =>  −dg̃_j·g̃_j / s_j.
  grads->s_attn = -g.attn_norm.cwiseProduct(a.p.attn_norm);
  grads->s_mlp = -g.mlp_norm.cwiseProduct(a.p.mlp_norm);
  for (Module m : kAttnReaders)
    grads->s_attn += dwt[int(m)].cwiseProduct(a.w[int(m)]).colwise().sum().transpose();
  for (Module m : kMlpReaders)
    grads->s_mlp += dwt[int(m)].cwiseProduct(a.w[int(m)]).colwise().sum().transpose();
  grads->s_attn.array() /= st.s_attn.array();
  grads->s_mlp.array() /= st.s_mlp.array();
  // s_o: v rows and v bias ∝ 1/s_o, o columns ∝ s_o of their kv channel.
  const int V = int(Module::V), O = int(Module::O);
  grads->s_o = -dwt[V].cwiseProduct(a.w[V]).rowwise().sum();
  if (g.b[V].size()) grads->s_o -= g.b[V].cwiseProduct(a.p.b[V]);
  const Vec<T> colSum = dwt[O].cwiseProduct(a.w[O]).colwise().sum().transpose();
  for (Eigen::Index c = 0; c < colSum.size(); ++c)
    grads->s_o(kvChannel(int(c), s.heads, s.kv_heads, s.head_dim)) += colSum(c);
  grads->s_o.array() /= st.s_o.array();
  return loss;
}

#define SLMQ_OMNI_INSTANTIATE(T)                                                                  \
  template BlockState<T> initialState<T>(const ad::BlockShape&, const ad::BlockParams<T>&,        \
                                         const std::array<ad::LwcShape, kModuleCount>&, T);       \
  template Applied<T> applyState<T>(const ad::BlockShape&, const ad::BlockParams<T>&,             \
                                    const BlockState<T>&, ad::Rounding);                          \
  template T blockLoss<T>(const ad::BlockShape&, const ad::BlockParams<T>&, const BlockState<T>&, \
                          const ad::RopeCache<T>&, const Mat<T>&, const Mat<T>&, int,             \
                          BlockStateGrads<T>*, ad::Rounding);

SLMQ_OMNI_INSTANTIATE(float)
SLMQ_OMNI_INSTANTIATE(double)

}  // namespace slmq::core::omni
