// Attention, cross-entropy and the STE quantizers of ops.h (the short ops live in the header).
#include "core/quant/autograd/ops.h"

#include <omp.h>

#include <algorithm>
#include <limits>

#include "core/common/compute_threads.h"
#include "core/common/error.h"

namespace slmq::core::ad {
namespace {

template <typename T>
using StridedMap = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstStridedMap = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;

// P [T, T] = softmax(Q Kᵀ · scale) with the causal mask (zeros above the diagonal).
template <typename T, typename MQ, typename MK>
void causalSoftmax(const MQ& Q, const MK& K, T scale, Mat<T>& P) {
  P.noalias() = Q * K.transpose();
  const Eigen::Index n = P.rows();
  for (Eigen::Index i = 0; i < n; ++i) {
    auto row = P.row(i).head(i + 1).array();
    row *= scale;
    const T mx = row.maxCoeff();
    row = (row - mx).exp();
    row /= row.sum();
    P.row(i).tail(n - i - 1).setZero();
  }
}

}  // namespace

template <typename T>
Mat<T> attentionForward(const Mat<T>& q, const Mat<T>& k, const Mat<T>& v, int batch, int tokens,
                        int H, int KVH, int hd) {
  Mat<T> out(q.rows(), q.cols());
  const int group = H / KVH;
  const T scale = T(1) / std::sqrt(T(hd));
  const Eigen::Index qc = q.cols(), kc = k.cols();
#pragma omp parallel num_threads(computeThreads())
  {
    Mat<T> P;
#pragma omp for collapse(2) schedule(dynamic)
    for (int b = 0; b < batch; ++b)
      for (int h = 0; h < H; ++h) {
        const Eigen::Index r0 = Eigen::Index(b) * tokens;
        const int kvh = h / group;
        ConstStridedMap<T> Q(q.data() + r0 * qc + h * hd, tokens, hd, Eigen::OuterStride<>(qc));
        ConstStridedMap<T> K(k.data() + r0 * kc + kvh * hd, tokens, hd, Eigen::OuterStride<>(kc));
        ConstStridedMap<T> V(v.data() + r0 * kc + kvh * hd, tokens, hd, Eigen::OuterStride<>(kc));
        StridedMap<T> O(out.data() + r0 * qc + h * hd, tokens, hd, Eigen::OuterStride<>(qc));
        causalSoftmax<T>(Q, K, scale, P);
        O.noalias() = P * V;
      }
  }
  return out;
}

template <typename T>
void attentionBackward(const Mat<T>& dout, const Mat<T>& q, const Mat<T>& k, const Mat<T>& v,
                       int batch, int tokens, int H, int KVH, int hd, Mat<T>& dq, Mat<T>& dk,
                       Mat<T>& dv) {
  dq.setZero(q.rows(), q.cols());
  dk.setZero(k.rows(), k.cols());
  dv.setZero(v.rows(), v.cols());
  const int group = H / KVH;
  const T scale = T(1) / std::sqrt(T(hd));
  const Eigen::Index qc = q.cols(), kc = k.cols();
  // One task per (sequence, kv head): the heads of a group accumulate into the same dK/dV slice.
#pragma omp parallel num_threads(computeThreads())
  {
    Mat<T> P, dP;
#pragma omp for collapse(2) schedule(dynamic)
    for (int b = 0; b < batch; ++b)
      for (int kvh = 0; kvh < KVH; ++kvh) {
        const Eigen::Index r0 = Eigen::Index(b) * tokens;
        ConstStridedMap<T> K(k.data() + r0 * kc + kvh * hd, tokens, hd, Eigen::OuterStride<>(kc));
        ConstStridedMap<T> V(v.data() + r0 * kc + kvh * hd, tokens, hd, Eigen::OuterStride<>(kc));
        StridedMap<T> dK(dk.data() + r0 * kc + kvh * hd, tokens, hd, Eigen::OuterStride<>(kc));
        StridedMap<T> dV(dv.data() + r0 * kc + kvh * hd, tokens, hd, Eigen::OuterStride<>(kc));
        for (int h = kvh * group; h < (kvh + 1) * group; ++h) {
          ConstStridedMap<T> Q(q.data() + r0 * qc + h * hd, tokens, hd, Eigen::OuterStride<>(qc));
          ConstStridedMap<T> dO(dout.data() + r0 * qc + h * hd, tokens, hd,
                                Eigen::OuterStride<>(qc));
          StridedMap<T> dQ(dq.data() + r0 * qc + h * hd, tokens, hd, Eigen::OuterStride<>(qc));
          causalSoftmax<T>(Q, K, scale, P);
          dV.noalias() += P.transpose() * dO;  // [T, T]ᵀ · [T, hd]
          dP.noalias() = dO * V.transpose();   // [T, hd] · [hd, T]
          for (Eigen::Index i = 0; i < dP.rows(); ++i) {
            const T dot = dP.row(i).dot(P.row(i));
            dP.row(i) = (P.row(i).array() * (dP.row(i).array() - dot)).matrix() * scale;
          }
          dQ.noalias() = dP * K;               // dS [T, T] · K [T, hd]
          dK.noalias() += dP.transpose() * Q;  // dSᵀ · Q
        }
      }
  }
}

template <typename T>
T crossEntropyForwardBackward(const Mat<T>& logits, const std::vector<int>& tokens, int batch,
                              Mat<T>* dlogits) {
  const Eigen::Index rows = logits.rows(), vocab = logits.cols();
  if (batch <= 0 || Eigen::Index(tokens.size()) != rows || rows % batch != 0)
    throw Error(ErrorKind::InvalidInput, "cross-entropy: " + std::to_string(tokens.size()) +
                                             " tokens do not match " + std::to_string(rows) +
                                             " logit rows in " + std::to_string(batch) +
                                             " sequences");
  const Eigen::Index T_ = rows / batch;
  const double count = double(batch) * double(T_ - 1);
  if (dlogits) dlogits->setZero(rows, vocab);
  double loss = 0;
#pragma omp parallel for reduction(+ : loss) num_threads(computeThreads())
  for (Eigen::Index r = 0; r < rows; ++r) {
    if (r % T_ == T_ - 1) continue;
    const int target = tokens[std::size_t(r + 1)];
    if (target < 0 || target >= vocab) continue;
    const auto row = logits.row(r);
    const T mx = row.maxCoeff();
    const T se = (row.array() - mx).exp().sum();
    loss += double(mx + std::log(se) - row(target));
    if (dlogits) {
      dlogits->row(r) = ((row.array() - mx).exp() / se / T(count)).matrix();
      (*dlogits)(r, target) -= T(1) / T(count);
    }
  }
  return T(loss / count);
}

template <typename T>
Mat<T> actQuantForward(const Mat<T>& x, int bits, T clip, Mat<T>* mask, Rounding rnd) {
  const T qmax = T((1 << (bits - 1)) - 1), qmin = -T(1 << (bits - 1));
  Mat<T> y(x.rows(), x.cols());
  if (mask) mask->resize(x.rows(), x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    T s = x.row(r).cwiseAbs().maxCoeff() * clip / qmax;
    if (!(s > T(0)) || !std::isfinite(s)) s = T(1);
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const T code = roundOp(x(r, c) / s, rnd);
      const bool inside = code >= qmin && code <= qmax;
      y(r, c) = std::clamp(code, qmin, qmax) * s;
      if (mask) (*mask)(r, c) = inside ? T(1) : T(0);
    }
  }
  return y;
}

template <typename T>
Mat<T> actQuantBackward(const Mat<T>& dxhat, const Mat<T>& x, int bits, T clip, Rounding rnd) {
  const T qmax = T((1 << (bits - 1)) - 1), qmin = -T(1 << (bits - 1));
  Mat<T> dx(x.rows(), x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    Eigen::Index k = 0;
    const T amax = x.row(r).cwiseAbs().maxCoeff(&k);
    T s = amax * clip / qmax;
    const bool constScale = !(s > T(0)) || !std::isfinite(s);
    if (constScale) s = T(1);
    T gs = 0;  // Σ_j dx̂_j ∂x̂_j/∂s
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const T t = x(r, c) / s, code = roundOp(t, rnd);
      const bool inside = code >= qmin && code <= qmax;
      const T g = dxhat(r, c);
      dx(r, c) = inside ? g : T(0);
      gs += g * (inside ? code - t : std::clamp(code, qmin, qmax));
    }
    if (!constScale) dx(r, k) += gs * clip / qmax * (x(r, k) < T(0) ? T(-1) : T(1));
  }
  return dx;
}

namespace {

// Range of one (row, group) span of `n` values and the quantizer built from it.
template <typename T>
struct LwcGroup {
  T m = 0, M = 0;                 // min(min w, 0), max(max w, 0)
  Eigen::Index im = -1, iM = -1;  // argmin / argmax (−1 when clamped to 0)
  T lo = 0, hi = 0, s = 1, z = 0, qmin = 0, qmax = 0;
  bool constScale = false;  // range 0: s = 1, no gradient through s

  void init(const T* w, Eigen::Index n, T gamma, T beta, const LwcShape& shape, Rounding rnd) {
    for (Eigen::Index i = 0; i < n; ++i) {
      if (w[i] < m) m = w[i], im = i;
      if (w[i] > M) M = w[i], iM = i;
    }
    if (shape.symmetric) {
      qmax = T((1 << (shape.bits - 1)) - 1);
      qmin = -T(1 << (shape.bits - 1));
      if (-m > M) M = -m, iM = im;  // absmax; sign handled by the caller through w[iM]
      hi = gamma * M;
      s = hi / qmax;
      z = 0;
    } else {
      qmin = 0;
      qmax = T((1 << shape.bits) - 1);
      lo = beta * m;
      hi = gamma * M;
      s = (hi - lo) / qmax;
    }
    if (!(s > T(0)) || !std::isfinite(s)) s = T(1), constScale = true;
    if (!shape.symmetric) z = roundOp(-lo / s, rnd);
  }
};

template <typename T>
Eigen::Index groupSize(const LwcShape& s, Eigen::Index in) {
  return s.group > 0 ? std::min<Eigen::Index>(s.group, in) : in;
}

}  // namespace

template <typename T>
Mat<T> lwcForward(const Mat<T>& w, const Mat<T>& gamma, const Mat<T>& beta, const LwcShape& s,
                  Rounding rnd) {
  const Eigen::Index in = w.cols(), G = groupSize<T>(s, in);
  const Eigen::Index groups = (in + G - 1) / G;
  if (gamma.rows() != w.rows() || gamma.cols() != groups)
    throw Error(ErrorKind::InvalidInput, "LWC: gamma has shape [" + std::to_string(gamma.rows()) +
                                             ", " + std::to_string(gamma.cols()) + "], expected [" +
                                             std::to_string(w.rows()) + ", " +
                                             std::to_string(groups) + "]");
  Mat<T> out(w.rows(), in);
#pragma omp parallel for num_threads(computeThreads()) if (w.rows() >= 64)
  for (Eigen::Index r = 0; r < w.rows(); ++r)
    for (Eigen::Index g = 0; g < groups; ++g) {
      const Eigen::Index c0 = g * G, n = std::min(G, in - c0);
      const T* p = w.row(r).data() + c0;
      LwcGroup<T> q;
      q.init(p, n, gamma(r, g), s.symmetric ? T(1) : beta(r, g), s, rnd);
      for (Eigen::Index i = 0; i < n; ++i) {
        const T code = std::clamp(roundOp(p[i] / q.s, rnd) + q.z, q.qmin, q.qmax);
        out(r, c0 + i) = (code - q.z) * q.s;
      }
    }
  return out;
}

template <typename T>
void lwcBackward(const Mat<T>& dwhat, const Mat<T>& w, const Mat<T>& gamma, const Mat<T>& beta,
                 const LwcShape& s, Mat<T>& dgamma, Mat<T>& dbeta, Mat<T>* dw, Rounding rnd) {
  const Eigen::Index in = w.cols(), G = groupSize<T>(s, in);
  const Eigen::Index groups = (in + G - 1) / G;
  if (dgamma.rows() != w.rows() || dgamma.cols() != groups) dgamma.setZero(w.rows(), groups);
  if (dbeta.rows() != w.rows() || dbeta.cols() != groups) dbeta.setZero(w.rows(), groups);
  if (dw && (dw->rows() != w.rows() || dw->cols() != in)) dw->setZero(w.rows(), in);
#pragma omp parallel for num_threads(computeThreads()) if (w.rows() >= 64)
  for (Eigen::Index r = 0; r < w.rows(); ++r)
    for (Eigen::Index g = 0; g < groups; ++g) {
      const Eigen::Index c0 = g * G, n = std::min(G, in - c0);
      const T* p = w.row(r).data() + c0;
      const T gam = gamma(r, g), bet = s.symmetric ? T(1) : beta(r, g);
      LwcGroup<T> q;
      q.init(p, n, gam, bet, s, rnd);
      // ŵ_i = (code_i − z)·s, code_i = clamp(round(w_i/s) + z): accumulate ∂/∂s and ∂/∂z.
      T gs = 0, gz = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const T gi = dwhat(r, c0 + i);
        const T raw = roundOp(p[i] / q.s, rnd) + q.z;
        const bool inside = raw >= q.qmin && raw <= q.qmax;
        const T code = std::clamp(raw, q.qmin, q.qmax);
        gs += gi * ((code - q.z) + (inside ? -p[i] / q.s : T(0)));
        if (!inside) gz += -gi * q.s;
        if (dw) (*dw)(r, c0 + i) += inside ? gi : T(0);
      }
      if (q.constScale) continue;
      T ghi = 0, glo = 0;
      if (s.symmetric) {
        ghi = gs / q.qmax;  // s = hi / qmax
      } else {
        // z = round(−lo/s): ∂z/∂lo = −1/s, ∂z/∂s = lo/s²; s = (hi − lo)/qmax.
        gs += gz * q.lo / (q.s * q.s);
        glo = -gz / q.s - gs / q.qmax;
        ghi = gs / q.qmax;
      }
      dgamma(r, g) += ghi * q.M;
      if (!s.symmetric) dbeta(r, g) += glo * q.m;
      if (dw) {
        if (q.iM >= 0) (*dw)(r, c0 + q.iM) += ghi * gam * (p[q.iM] < 0 ? T(-1) : T(1));
        if (!s.symmetric && q.im >= 0) (*dw)(r, c0 + q.im) += glo * bet;
      }
    }
}

#define SLMQ_AD_INSTANTIATE(T)                                                                     \
  template Mat<T> attentionForward<T>(const Mat<T>&, const Mat<T>&, const Mat<T>&, int, int, int,  \
                                      int, int);                                                   \
  template void attentionBackward<T>(const Mat<T>&, const Mat<T>&, const Mat<T>&, const Mat<T>&,   \
                                     int, int, int, int, int, Mat<T>&, Mat<T>&, Mat<T>&);          \
  template T crossEntropyForwardBackward<T>(const Mat<T>&, const std::vector<int>&, int, Mat<T>*); \
  template Mat<T> actQuantForward<T>(const Mat<T>&, int, T, Mat<T>*, Rounding);                    \
  template Mat<T> actQuantBackward<T>(const Mat<T>&, const Mat<T>&, int, T, Rounding);             \
  template Mat<T> lwcForward<T>(const Mat<T>&, const Mat<T>&, const Mat<T>&, const LwcShape&,      \
                                Rounding);                                                         \
  template void lwcBackward<T>(const Mat<T>&, const Mat<T>&, const Mat<T>&, const Mat<T>&,         \
                               const LwcShape&, Mat<T>&, Mat<T>&, Mat<T>*, Rounding);

SLMQ_AD_INSTANTIATE(float)
SLMQ_AD_INSTANTIATE(double)

}  // namespace slmq::core::ad
