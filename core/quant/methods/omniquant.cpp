// OmniQuant: block-wise LWC + LET training with AdamW on the block output MSE, then folding and
// quantizing with the learned clipping (omniquant.h).
#include "core/quant/methods/omniquant.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/common/error.h"
#include "core/quant/autograd/decoder_grad.h"

namespace slmq::core {
namespace {

using ad::Mat;
using ad::Vec;
using MatF = Mat<float>;
using VecF = Vec<float>;

/// Adam without weight decay on one tensor (β1 0.9, β2 0.999, ε 1e-8).
struct Adam {
  MatF m, v;
  int t = 0;
  void step(MatF& x, const MatF& g, double lr) {
    if (m.size() != x.size()) m.setZero(x.rows(), x.cols()), v.setZero(x.rows(), x.cols());
    ++t;
    m = 0.9f * m + 0.1f * g;
    v = 0.999f * v + 0.001f * g.cwiseProduct(g);
    const float c1 = 1.f - std::pow(0.9f, float(t)), c2 = 1.f - std::pow(0.999f, float(t));
    x.array() -= float(lr) * (m.array() / c1) / ((v.array() / c2).sqrt() + 1e-8f);
  }
};

MatF sigmoid(const MatF& x) {
  return (1.f / (1.f + (-x.array()).exp())).matrix();
}

/// The learnable state of one block.
struct OmniBlockState {
  std::array<MatF, kModuleCount> gt, bt;  // γ̃, β̃ [out, groups]
  std::array<ad::LwcShape, kModuleCount> shape;
  MatF s_attn, s_mlp, s_o;  // [n, 1] (matrices so that Adam handles them uniformly)
  std::array<Adam, kModuleCount> agt, abt;
  Adam a_attn, a_mlp, a_o;
};

/// Effective pre-quantization tensors W̃ and norm weights g̃ of the block under the LET scales.
struct LetApplied {
  std::array<MatF, kModuleCount> w;  // W̃ before quantization
  ad::BlockParams<float> p;          // quantized weights Ŵ, g̃, b̃ (what the forward uses)
};

int kvIndex(int col, int H, int KVH, int hd) {
  const int h = col / hd, j = col % hd;
  return (h / (H / KVH)) * hd + j;
}

LetApplied applyLet(const ad::BlockParams<float>& base, const OmniBlockState& st,
                    const ad::BlockShape& s) {
  LetApplied a;
  a.p = base;
  const VecF sa = st.s_attn.col(0), sm = st.s_mlp.col(0), so = st.s_o.col(0);
  a.p.attn_norm = base.attn_norm.cwiseQuotient(sa);
  a.p.mlp_norm = base.mlp_norm.cwiseQuotient(sm);
  for (Module m : {Module::Q, Module::K, Module::V})
    a.w[int(m)] = base.w[int(m)] * sa.asDiagonal();  // W [out, d] · diag(s)
  for (Module m : {Module::Gate, Module::Up}) a.w[int(m)] = base.w[int(m)] * sm.asDiagonal();
  a.w[int(Module::V)] = so.cwiseInverse().asDiagonal() * a.w[int(Module::V)];
  if (base.b[int(Module::V)].size())
    a.p.b[int(Module::V)] = base.b[int(Module::V)].cwiseQuotient(so);
  a.w[int(Module::O)] = base.w[int(Module::O)];
  for (Eigen::Index c = 0; c < a.w[int(Module::O)].cols(); ++c)
    a.w[int(Module::O)].col(c) *= so(kvIndex(int(c), s.heads, s.kv_heads, s.head_dim));
  a.w[int(Module::Down)] = base.w[int(Module::Down)];
  for (int m = 0; m < kModuleCount; ++m)
    a.p.w[m] = st.shape[m].bits < 16 ? ad::lwcForward<float>(a.w[m], sigmoid(st.gt[m]),
                                                             sigmoid(st.bt[m]), st.shape[m])
                                     : a.w[m];
  return a;
}

ad::ActQuantAd actFor(const QuantSpec& spec, int block, Module m) {
  const ActQuant a = spec.forLayer({block, m}).act;
  if (a.enabled() && a.granularity != ActGranularity::PerToken)
    throw Error(ErrorKind::InvalidInput,
                "omniquant trains with per-token activation quantization; block " +
                    std::to_string(block) + " " + moduleName(m) +
                    " asks for per-tensor static scales");
  return a.enabled() ? ad::ActQuantAd{a.bits, double(a.clip_ratio)} : ad::ActQuantAd{};
}

/// Runs `p` over every window of `x` [N·L, d] (windows of L rows), `batch` windows at a time.
MatF blockOverWindows(const ad::BlockShape& s, const ad::BlockParams<float>& p,
                      const ad::RopeCache<float>& rope, const MatF& x, int L, int batch) {
  MatF out(x.rows(), x.cols());
  const Eigen::Index rows = Eigen::Index(batch) * L;
  for (Eigen::Index r0 = 0; r0 < x.rows(); r0 += rows) {
    const Eigen::Index n = std::min(rows, x.rows() - r0);
    out.middleRows(r0, n) =
        ad::blockForward<float>(s, p, rope, x.middleRows(r0, n), int(n / L), nullptr);
  }
  return out;
}

}  // namespace

void omniQuantModel(Model& model, const std::vector<int>& calibTokens,
                    const CalibrationOptions& calib, const QuantSpec& spec,
                    const OmniQuantOptions& opts, const ProgressFn& progress,
                    std::vector<std::string>* log, OmniQuantReport* report) {
  const ModelConfig& cfg = model.config();
  const ad::BlockShape s = ad::BlockShape::fromConfig(cfg);
  const int L = calib.seq_len;
  const int N = int(calibTokens.size() / std::size_t(std::max(1, L)));
  if (L < 2 || N < 1 || calibTokens.size() != std::size_t(N) * std::size_t(L))
    throw Error(ErrorKind::InvalidInput, "omniquant: " + std::to_string(calibTokens.size()) +
                                             " calibration tokens are not whole windows of " +
                                             std::to_string(L));
  if (opts.epochs < 0 || !(opts.lr_lwc >= 0) || !(opts.lr_let >= 0))
    throw Error(ErrorKind::InvalidInput, "omniquant: epochs and learning rates must be >= 0");
  ModelWeights& w = model.weights();
  for (int b = 0; b < cfg.num_layers; ++b)
    for (int m = 0; m < kModuleCount; ++m) {
      if (w.blocks[std::size_t(b)].linear(Module(m)).kernel)
        throw Error(ErrorKind::InvalidInput, "omniquant: block " + std::to_string(b) + " " +
                                                 moduleName(Module(m)) +
                                                 " already runs a packed kernel");
      if (spec.forLayer({b, Module(m)}).weight.enabled() &&
          spec.forLayer({b, Module(m)}).weight.granularity == WeightGranularity::PerTensor)
        throw Error(ErrorKind::InvalidInput,
                    "omniquant learns clipping per output row or group; per-tensor weight "
                    "quantization is not supported");
    }

  ad::RopeCache<float> rope;
  rope.fill(L, s.inv_freq, s.rope_scaling);
  MatF xfp = model.embed(calibTokens);  // [N·L, d] float path
  MatF xq = xfp;                        // quantized path
  const int fwdBatch = std::max(1, calib.batch);
  std::mt19937_64 rng(calib.seed ^ 0x0a1b2c3dULL);
  std::vector<int> order(static_cast<std::size_t>(N));
  std::iota(order.begin(), order.end(), 0);

  for (int b = 0; b < cfg.num_layers; ++b) {
    const double base0 = double(b) / cfg.num_layers, span = 1.0 / cfg.num_layers;
    reportProgress(progress, base0, "omniquant block " + std::to_string(b));
    ad::BlockParams<float> fpParams =
        ad::BlockParams<float>::fromWeights(w.blocks[std::size_t(b)], cfg.use_rope[std::size_t(b)]);
    const MatF target = blockOverWindows(s, fpParams, rope, xfp, L, fwdBatch);  // [N·L, d]
    ad::BlockParams<float> base = fpParams;
    base.act = {actFor(spec, b, Module::Q), actFor(spec, b, Module::O),
                actFor(spec, b, Module::Gate), actFor(spec, b, Module::Down)};

    OmniBlockState st;
    bool anyWeight = false;
    for (int m = 0; m < kModuleCount; ++m) {
      const WeightQuant q = spec.forLayer({b, Module(m)}).weight;
      const int in = int(base.w[m].cols());
      const int G = q.granularity == WeightGranularity::PerGroup ? std::min(q.group_size, in) : 0;
      st.shape[m] = ad::LwcShape{q.enabled() ? q.bits : 16, G, q.symmetric};
      const int groups = G > 0 ? (in + G - 1) / G : 1;
      st.gt[m] = MatF::Constant(base.w[m].rows(), groups, 4.f);
      st.bt[m] = st.gt[m];
      anyWeight |= q.enabled();
    }
    // LET initialisation from the quantized path's norm outputs (SmoothQuant, α = let_alpha).
    st.s_attn = MatF::Ones(s.hidden, 1);
    st.s_mlp = MatF::Ones(s.hidden, 1);
    st.s_o = MatF::Ones(s.kv_heads * s.head_dim, 1);
    if (opts.let) {
      ad::BlockParams<float> probe = fpParams;
      const Eigen::Index rows = std::min<Eigen::Index>(xq.rows(), Eigen::Index(fwdBatch) * L);
      ad::BlockTape<float> tape;
      ad::blockForward<float>(s, probe, rope, xq.topRows(rows), int(rows / L), &tape);
      auto init = [&](const MatF& x, std::initializer_list<Module> readers, MatF& out) {
        for (Eigen::Index j = 0; j < x.cols(); ++j) {
          const double a = x.col(j).cwiseAbs().maxCoeff();
          double wm = 0;
          for (Module m : readers)
            wm = std::max(wm, double(base.w[int(m)].col(j).cwiseAbs().maxCoeff()));
          const double v = (a > 0 && wm > 0)
                               ? std::pow(a, opts.let_alpha) / std::pow(wm, 1 - opts.let_alpha)
                               : 1.0;
          out(j, 0) = float(std::max(v, 1e-5));
        }
      };
      init(tape.x1, {Module::Q, Module::K, Module::V}, st.s_attn);
      init(tape.x3, {Module::Gate, Module::Up}, st.s_mlp);
    }

    const bool train = anyWeight && opts.epochs > 0 && (opts.lwc || opts.let);
    double firstLoss = 0, lastLoss = 0;
    for (int e = 0; train && e < opts.epochs; ++e) {
      std::shuffle(order.begin(), order.end(), rng);
      double sum = 0;
      for (int i = 0; i < N; ++i) {
        const Eigen::Index r0 = Eigen::Index(order[std::size_t(i)]) * L;
        const LetApplied a = applyLet(base, st, s);
        ad::BlockTape<float> tape;
        const MatF out = ad::blockForward<float>(s, a.p, rope, xq.middleRows(r0, L), 1, &tape);
        const MatF diff = out - target.middleRows(r0, L);
        const double loss = double(diff.squaredNorm()) / double(diff.size());
        sum += loss;
        const MatF dout = diff * (2.f / float(diff.size()));
        ad::BlockGrads<float> g;
        ad::blockBackward<float>(s, a.p, rope, tape, dout, 1, &g);
        // LWC: dŴ -> dγ, dβ and dW̃ (STE + min/max paths).
        std::array<MatF, kModuleCount> dwt;
        for (int m = 0; m < kModuleCount; ++m) {
          if (st.shape[m].bits >= 16) {
            dwt[m] = g.w[m];
            continue;
          }
          MatF dg, db;
          const MatF gam = sigmoid(st.gt[m]), bet = sigmoid(st.bt[m]);
          ad::lwcBackward<float>(g.w[m], a.w[m], gam, bet, st.shape[m], dg, db, &dwt[m]);
          if (opts.lwc) {
            st.agt[m].step(st.gt[m],
                           dg.cwiseProduct(gam.cwiseProduct((1.f - gam.array()).matrix())),
                           opts.lr_lwc);
            if (!st.shape[m].symmetric)
              st.abt[m].step(st.bt[m],
                             db.cwiseProduct(bet.cwiseProduct((1.f - bet.array()).matrix())),
                             opts.lr_lwc);
          }
        }
        if (opts.let) {
          // W̃_ij ∝ s_j  =>  ∂/∂s_j = Σ_i dW̃_ij W̃_ij / s_j;  g̃_j = g_j / s_j  =>  −dg̃_j g̃_j / s_j.
          MatF ds_attn = MatF::Zero(s.hidden, 1), ds_mlp = MatF::Zero(s.hidden, 1),
               ds_o = MatF::Zero(s.kv_heads * s.head_dim, 1);
          for (Module m : {Module::Q, Module::K, Module::V})
            ds_attn.col(0) += dwt[int(m)].cwiseProduct(a.w[int(m)]).colwise().sum().transpose();
          for (Module m : {Module::Gate, Module::Up})
            ds_mlp.col(0) += dwt[int(m)].cwiseProduct(a.w[int(m)]).colwise().sum().transpose();
          ds_attn.col(0) -= g.attn_norm.cwiseProduct(a.p.attn_norm);
          ds_mlp.col(0) -= g.mlp_norm.cwiseProduct(a.p.mlp_norm);
          ds_attn.array() /= st.s_attn.array();
          ds_mlp.array() /= st.s_mlp.array();
          // s_o: v rows ∝ 1/s_o, v bias ∝ 1/s_o, o columns ∝ s_o of their kv channel.
          ds_o.col(0) -= dwt[int(Module::V)].cwiseProduct(a.w[int(Module::V)]).rowwise().sum();
          if (g.b[int(Module::V)].size())
            ds_o.col(0) -= g.b[int(Module::V)].cwiseProduct(a.p.b[int(Module::V)]);
          const VecF colSum =
              dwt[int(Module::O)].cwiseProduct(a.w[int(Module::O)]).colwise().sum().transpose();
          for (Eigen::Index c = 0; c < colSum.size(); ++c)
            ds_o(kvIndex(int(c), s.heads, s.kv_heads, s.head_dim), 0) += colSum(c);
          ds_o.array() /= st.s_o.array();
          st.a_attn.step(st.s_attn, ds_attn, opts.lr_let);
          st.a_mlp.step(st.s_mlp, ds_mlp, opts.lr_let);
          st.a_o.step(st.s_o, ds_o, opts.lr_let);
          for (MatF* sc : {&st.s_attn, &st.s_mlp, &st.s_o}) *sc = sc->cwiseMax(1e-5f);
        }
        reportProgress(progress, base0 + span * (e + double(i + 1) / N) / opts.epochs,
                       "omniquant block " + std::to_string(b));
      }
      if (e == 0) firstLoss = sum / N;
      lastLoss = sum / N;
    }
    // Fold: norms g̃, weights Ŵ (learned clipping), v bias b̃; then advance both streams.
    const LetApplied fin = applyLet(base, st, s);
    BlockWeights& bw = w.blocks[std::size_t(b)];
    bw.attn_norm = fin.p.attn_norm;
    bw.mlp_norm = fin.p.mlp_norm;
    for (int m = 0; m < kModuleCount; ++m) {
      Linear& lin = bw.linear(Module(m));
      lin.weight = st.shape[m].bits < 16 ? fin.p.w[m] : fin.w[m];
      if (fin.p.b[m].size()) lin.bias = fin.p.b[m];
    }
    ad::BlockParams<float> qParams = fin.p;
    for (int m = 0; m < kModuleCount; ++m) qParams.w[m] = bw.linear(Module(m)).weight;
    xq = blockOverWindows(s, qParams, rope, xq, L, fwdBatch);
    xfp = target;
    if (report) {
      report->first_loss.push_back(firstLoss);
      report->last_loss.push_back(lastLoss);
    }
    if (log && train)
      log->push_back("omniquant block " + std::to_string(b) + ": output MSE " +
                     std::to_string(firstLoss) + " (epoch 1) -> " + std::to_string(lastLoss) +
                     " (epoch " + std::to_string(opts.epochs) + ")");
  }
  if (log)
    log->push_back("omniquant: LWC " + std::string(opts.lwc ? "on" : "off") + ", LET " +
                   (opts.let ? "scales (no shift)" : "off") + ", " + std::to_string(opts.epochs) +
                   " epochs over " + std::to_string(N) + " x " + std::to_string(L) + " tokens");
  reportProgress(progress, 1.0, "omniquant done");
}

}  // namespace slmq::core
