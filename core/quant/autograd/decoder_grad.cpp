// Decoder block and whole-network forward/backward (decoder_grad.h).
#include "core/quant/autograd/decoder_grad.h"

#include "core/common/error.h"
#include "core/model/rope.h"

namespace slmq::core::ad {
namespace {

// x̂ = Qa(x) with its gradient mask (left empty when nothing can be clipped).
template <typename T>
Mat<T> quantInput(const Mat<T>& x, const ActQuantAd& a, Mat<T>& mask) {
  mask.resize(0, 0);
  if (a.bits >= 16) return x;
  return actQuantForward<T>(x, a.bits, T(a.clip), a.clip < 1.0 && !a.scale_grad ? &mask : nullptr,
                            a.rounding);
}

template <typename T>
void applyMask(Mat<T>& g, const Mat<T>& mask) {
  if (mask.size() > 0) g.array() *= mask.array();
}

// Backward of quantInput: the mask (STE), or the full per-token quantizer backward given the
// pre-quantization input `x` when scale_grad is on.
template <typename T>
void quantInputBack(Mat<T>& g, const ActQuantAd& a, const Mat<T>& mask, const Mat<T>& x) {
  if (a.bits < 16 && a.scale_grad)
    g = actQuantBackward<T>(g, x, a.bits, T(a.clip), a.rounding);
  else
    applyMask<T>(g, mask);
}

template <typename T>
bool keepInput(const ActQuantAd& a) {
  return a.bits < 16 && a.scale_grad;
}

template <typename T>
Mat<T> linBack(const Mat<T>& dy, const Mat<T>& x, const BlockParams<T>& p, Module m,
               BlockGrads<T>* grads) {
  const int i = int(m);
  return linearBackward<T>(dy, x, p.w[i], grads ? &grads->w[i] : nullptr,
                           grads && p.b[i].size() > 0 ? &grads->b[i] : nullptr);
}

}  // namespace

BlockShape BlockShape::fromConfig(const ModelConfig& c) {
  if (c.qk_norm)
    throw Error(ErrorKind::Unsupported,
                "the backward pass does not cover per-head q/k RMSNorm (" + c.arch_name + ")");
  BlockShape s;
  s.hidden = c.hidden_size;
  s.heads = c.num_heads;
  s.kv_heads = c.num_kv_heads;
  s.head_dim = c.head_dim;
  s.ffn = c.intermediate_size;
  s.eps = c.rms_norm_eps;
  s.inv_freq = ropeInvFreq(c.rope, c.head_dim);
  s.rope_scaling = ropeAttentionScaling(c.rope);
  return s;
}

template <typename T>
BlockParams<T> BlockParams<T>::fromWeights(const BlockWeights& bw, bool rope) {
  BlockParams<T> p;
  p.attn_norm = bw.attn_norm.cast<T>();
  p.mlp_norm = bw.mlp_norm.cast<T>();
  for (int m = 0; m < kModuleCount; ++m) {
    const Linear& l = bw.linear(Module(m));
    p.w[m] = l.weight.cast<T>();
    if (l.bias.size() > 0) p.b[m] = l.bias.cast<T>();
  }
  p.rope = rope;
  return p;
}

template <typename T>
Mat<T> blockForward(const BlockShape& s, const BlockParams<T>& p, const RopeCache<T>& rope,
                    const Mat<T>& h, int batch, BlockTape<T>* tape) {
  BlockTape<T> local;
  BlockTape<T>& t = tape ? *tape : local;
  const int T_ = int(h.rows() / batch);
  const auto W = [&](Module m) -> const Mat<T>& { return p.w[int(m)]; };
  const auto B = [&](Module m) -> const Vec<T>& { return p.b[int(m)]; };
  // attention: [rows, d] -> q [rows, H·hd], k/v [rows, KVH·hd] -> a [rows, H·hd]
  t.h = h;
  const Mat<T> n1 = rmsNormForward<T>(h, p.attn_norm, T(s.eps), t.rstd1);
  t.x1 = quantInput<T>(n1, p.act[0], t.mask1);
  if (keepInput<T>(p.act[0])) t.n1 = n1;
  t.q = linearForward<T>(t.x1, W(Module::Q), B(Module::Q));
  t.k = linearForward<T>(t.x1, W(Module::K), B(Module::K));
  t.v = linearForward<T>(t.x1, W(Module::V), B(Module::V));
  if (p.rope) {
    ropeApply<T>(t.q, s.heads, s.head_dim, T_, rope, false);
    ropeApply<T>(t.k, s.kv_heads, s.head_dim, T_, rope, false);
  }
  t.a = attentionForward<T>(t.q, t.k, t.v, batch, T_, s.heads, s.kv_heads, s.head_dim);
  t.x2 = quantInput<T>(t.a, p.act[1], t.mask2);
  t.h1 = h + linearForward<T>(t.x2, W(Module::O), B(Module::O));
  // MLP: [rows, d] -> g, u [rows, ff] -> [rows, d]
  const Mat<T> n2 = rmsNormForward<T>(t.h1, p.mlp_norm, T(s.eps), t.rstd2);
  t.x3 = quantInput<T>(n2, p.act[2], t.mask3);
  if (keepInput<T>(p.act[2])) t.n2 = n2;
  t.g = linearForward<T>(t.x3, W(Module::Gate), B(Module::Gate));
  t.u = linearForward<T>(t.x3, W(Module::Up), B(Module::Up));
  Mat<T> m = swigluForward<T>(t.g, t.u);
  if (p.down_rotation)
    m = m * *p.down_rotation;  // [rows, ff] · R4 [ff, ff]
  else if (p.down_rotation_fast)
    p.down_rotation_fast->applyRows(m);  // same, fast transform
  t.x4 = quantInput<T>(m, p.act[3], t.mask4);
  if (keepInput<T>(p.act[3])) t.m = m;
  return t.h1 + linearForward<T>(t.x4, W(Module::Down), B(Module::Down));
}

template <typename T>
Mat<T> blockBackward(const BlockShape& s, const BlockParams<T>& p, const RopeCache<T>& rope,
                     const BlockTape<T>& t, const Mat<T>& dout, int batch, BlockGrads<T>* grads) {
  const int T_ = int(dout.rows() / batch);
  if (grads) {
    if (grads->attn_norm.size() != s.hidden) grads->attn_norm.setZero(s.hidden);
    if (grads->mlp_norm.size() != s.hidden) grads->mlp_norm.setZero(s.hidden);
  }
  // MLP
  Mat<T> dm = linBack<T>(dout, t.x4, p, Module::Down, grads);  // [rows, ff]
  quantInputBack<T>(dm, p.act[3], t.mask4, t.m);
  if (p.down_rotation)
    dm = dm * p.down_rotation->transpose();
  else if (p.down_rotation_fast)
    p.down_rotation_fast->applyRowsTransposed(dm);  // dm ← dm·R4ᵀ
  Mat<T> dg, du;
  swigluBackward<T>(dm, t.g, t.u, dg, du);
  Mat<T> dn2 = linBack<T>(dg, t.x3, p, Module::Gate, grads);
  dn2 += linBack<T>(du, t.x3, p, Module::Up, grads);
  quantInputBack<T>(dn2, p.act[2], t.mask3, t.n2);
  Mat<T> dh1 =
      dout + rmsNormBackward<T>(dn2, t.h1, p.mlp_norm, t.rstd2, grads ? &grads->mlp_norm : nullptr);
  // attention
  Mat<T> da = linBack<T>(dh1, t.x2, p, Module::O, grads);  // [rows, H·hd]
  quantInputBack<T>(da, p.act[1], t.mask2, t.a);
  Mat<T> dq, dk, dv;
  attentionBackward<T>(da, t.q, t.k, t.v, batch, T_, s.heads, s.kv_heads, s.head_dim, dq, dk, dv);
  if (p.rope) {
    ropeApply<T>(dq, s.heads, s.head_dim, T_, rope, true);
    ropeApply<T>(dk, s.kv_heads, s.head_dim, T_, rope, true);
  }
  Mat<T> dn1 = linBack<T>(dq, t.x1, p, Module::Q, grads);
  dn1 += linBack<T>(dk, t.x1, p, Module::K, grads);
  dn1 += linBack<T>(dv, t.x1, p, Module::V, grads);
  quantInputBack<T>(dn1, p.act[0], t.mask1, t.n1);
  return dh1 +
         rmsNormBackward<T>(dn1, t.h, p.attn_norm, t.rstd1, grads ? &grads->attn_norm : nullptr);
}

template <typename T>
T networkLossAndGrads(const BlockShape& s, const NetParams<T>& p, const Mat<T>& h0,
                      const std::vector<int>& tokens, int batch, NetGrads<T>* grads) {
  const int T_ = int(h0.rows() / batch);
  RopeCache<T> rope;
  rope.fill(T_, s.inv_freq, s.rope_scaling);
  const std::size_t L = p.blocks.size();
  std::vector<BlockTape<T>> tapes(grads ? L : 0);
  Mat<T> h = h0;
  for (std::size_t l = 0; l < L; ++l)
    h = blockForward<T>(s, p.blocks[l], rope, h, batch, grads ? &tapes[l] : nullptr);
  Vec<T> rstd;
  const Mat<T> n = rmsNormForward<T>(h, p.final_norm, T(s.eps), rstd);
  const Mat<T> logits = n * p.head.transpose();  // [rows, d] · [d, vocab]
  Mat<T> dlogits;
  const T loss = crossEntropyForwardBackward<T>(logits, tokens, batch, grads ? &dlogits : nullptr);
  if (!grads) return loss;
  grads->head = dlogits.transpose() * n;  // [vocab, rows] · [rows, d]
  Mat<T> dn = dlogits * p.head;           // [rows, vocab] · [vocab, d]
  grads->final_norm.setZero(s.hidden);
  Mat<T> dh = rmsNormBackward<T>(dn, h, p.final_norm, rstd, &grads->final_norm);
  grads->blocks.assign(L, BlockGrads<T>{});
  for (std::size_t l = L; l-- > 0;) {
    dh = blockBackward<T>(s, p.blocks[l], rope, tapes[l], dh, batch, &grads->blocks[l]);
    tapes[l] = BlockTape<T>{};  // free as we go
  }
  grads->h0 = std::move(dh);
  return loss;
}

#define SLMQ_AD_BLOCK_INSTANTIATE(T)                                                              \
  template struct BlockParams<T>;                                                                 \
  template Mat<T> blockForward<T>(const BlockShape&, const BlockParams<T>&, const RopeCache<T>&,  \
                                  const Mat<T>&, int, BlockTape<T>*);                             \
  template Mat<T> blockBackward<T>(const BlockShape&, const BlockParams<T>&, const RopeCache<T>&, \
                                   const BlockTape<T>&, const Mat<T>&, int, BlockGrads<T>*);      \
  template T networkLossAndGrads<T>(const BlockShape&, const NetParams<T>&, const Mat<T>&,        \
                                    const std::vector<int>&, int, NetGrads<T>*);

SLMQ_AD_BLOCK_INSTANTIATE(float)
SLMQ_AD_BLOCK_INSTANTIATE(double)

}  // namespace slmq::core::ad
