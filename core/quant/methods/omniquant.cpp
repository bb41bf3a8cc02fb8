// OmniQuant: block-wise LWC + LET training with AdamW on the block output MSE, then folding and
// quantizing with the learned clipping (omniquant.h).
#include "core/quant/methods/omniquant.h"

#include <algorithm>
#include <cmath>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/quant/methods/omniquant_block.h"

namespace slmq::core {
namespace {

using MatF = ad::Mat<float>;
using VecF = ad::Vec<float>;

/// AdamW with weight decay 0 (as OmniQuant's defaults) on one tensor: β1 0.9, β2 0.999, ε 1e-8.
template <typename M>
struct Adam {
  M m, v;
  int t = 0;
  void step(M& x, const M& g, double lr) {
    if (m.size() != x.size()) m.setZero(x.rows(), x.cols()), v.setZero(x.rows(), x.cols());
    ++t;
    m = 0.9f * m + 0.1f * g;
    v = 0.999f * v + 0.001f * g.cwiseProduct(g);
    const float c1 = 1.f - std::pow(0.9f, float(t)), c2 = 1.f - std::pow(0.999f, float(t));
    x.array() -= float(lr) * (m.array() / c1) / ((v.array() / c2).sqrt() + 1e-8f);
  }
};

/// Sets the compute threads for its lifetime and restores the previous count.
class ThreadScope {
 public:
  explicit ThreadScope(int n) : m_prev(computeThreads()), m_active(n > 0 && n != m_prev) {
    if (m_active) setComputeThreads(n);
  }
  ~ThreadScope() {
    if (m_active) setComputeThreads(m_prev);
  }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int m_prev;
  bool m_active;
};

ad::ActQuantAd actFor(const QuantSpec& spec, int block, Module m) {
  const ActQuant a = spec.forLayer({block, m}).act;
  if (a.enabled() && a.granularity != ActGranularity::PerToken)
    throw Error(ErrorKind::InvalidInput,
                "omniquant trains with per-token activation quantization; block " +
                    std::to_string(block) + " " + moduleName(m) +
                    " asks for per-tensor static scales");
  // Gradients through the dynamic scale, as OmniQuant's quantizer (LET sees the activation error).
  return a.enabled() ? ad::ActQuantAd{a.bits, double(a.clip_ratio), /*scale_grad=*/true}
                     : ad::ActQuantAd{};
}

/// Column-wise running max of |x| into `acc` (sized on first use).
void absMaxInto(const MatF& x, VecF& acc) {
  const VecF m = x.cwiseAbs().colwise().maxCoeff().transpose();
  acc = acc.size() ? acc.cwiseMax(m) : m;
}

/// SmoothQuant's s_j = max|X_j|^α / max|W_j|^(1−α) from activation and weight column absmax,
/// clamped at 1e-5 (OmniQuant's LET init); 1 where either is zero.
VecF smoothScale(const VecF& act, const VecF& wmax, double alpha) {
  VecF s(act.size());
  for (Eigen::Index j = 0; j < s.size(); ++j) {
    const double a = act(j), w = wmax(j);
    const double v = (a > 0 && w > 0) ? std::pow(a, alpha) / std::pow(w, 1 - alpha) : 1.0;
    s(j) = float(std::max(v, 1e-5));
  }
  return s;
}

/// Mean block-output MSE of `st` over all windows of `x` against `target` (no gradients).
double meanLoss(const ad::BlockShape& s, const ad::BlockParams<float>& base,
                const omni::BlockState<float>& st, const ad::RopeCache<float>& rope, const MatF& x,
                const MatF& target, int L, int batch) {
  double sum = 0;
  const Eigen::Index rows = Eigen::Index(batch) * L;
  for (Eigen::Index r0 = 0; r0 < x.rows(); r0 += rows) {
    const Eigen::Index n = std::min(rows, x.rows() - r0);
    sum += double(omni::blockLoss<float>(s, base, st, rope, x.middleRows(r0, n),
                                         target.middleRows(r0, n), int(n / L), nullptr)) *
           double(n);
  }
  return sum / double(x.rows());
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
  if (opts.epochs < 0 || !(opts.lr_lwc >= 0) || !(opts.lr_let >= 0) || opts.threads < 0)
    throw Error(ErrorKind::InvalidInput,
                "omniquant: epochs, learning rates and threads must be >= 0");
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
  const ThreadScope threads(opts.threads);

  ad::RopeCache<float> rope;
  rope.fill(L, s.inv_freq, s.rope_scaling);
  MatF xfp = model.embed(calibTokens);  // [N·L, d] float path
  MatF xq = xfp;                        // quantized path
  const int fwdBatch = std::max(1, calib.batch);
  const int kvd = s.kv_heads * s.head_dim;

  for (int b = 0; b < cfg.num_layers; ++b) {
    const double base0 = double(b) / cfg.num_layers, span = 1.0 / cfg.num_layers;
    const std::string what = "omniquant block " + std::to_string(b);
    reportProgress(progress, base0, what);
    const ad::BlockParams<float> fpParams =
        ad::BlockParams<float>::fromWeights(w.blocks[std::size_t(b)], cfg.use_rope[std::size_t(b)]);
    // Float block on the float path: the target, and the per-channel absmax of the linear inputs
    // (OmniQuant's act_scales, taken from the float model on the calibration data).
    MatF target(xfp.rows(), xfp.cols());
    VecF amaxAttn, amaxO, amaxMlp;
    for (Eigen::Index r0 = 0; r0 < xfp.rows(); r0 += Eigen::Index(fwdBatch) * L) {
      const Eigen::Index n = std::min(Eigen::Index(fwdBatch) * L, xfp.rows() - r0);
      ad::BlockTape<float> tape;
      target.middleRows(r0, n) =
          ad::blockForward<float>(s, fpParams, rope, xfp.middleRows(r0, n), int(n / L), &tape);
      absMaxInto(tape.x1, amaxAttn);
      absMaxInto(tape.x2, amaxO);
      absMaxInto(tape.x3, amaxMlp);
    }
    ad::BlockParams<float> base = fpParams;
    base.act = {actFor(spec, b, Module::Q), actFor(spec, b, Module::O),
                actFor(spec, b, Module::Gate), actFor(spec, b, Module::Down)};

    std::array<ad::LwcShape, kModuleCount> shapes;
    std::array<float, kModuleCount> clipRatio;
    bool anyWeight = false;
    for (int m = 0; m < kModuleCount; ++m) {
      const WeightQuant q = spec.forLayer({b, Module(m)}).weight;
      const int in = int(base.w[m].cols());
      const int G = q.granularity == WeightGranularity::PerGroup ? std::min(q.group_size, in) : 0;
      shapes[m] = ad::LwcShape{q.enabled() ? q.bits : 16, G, q.symmetric};
      clipRatio[m] = q.clip_ratio;
      anyWeight |= q.enabled();
    }
    // LWC: γ̃ = β̃ = 4 (σ = 0.982, OmniQuant's init). Without LWC: the spec's clip ratio, fixed
    // (with 0 epochs and LET off this is exactly RTN).
    omni::BlockState<float> st = omni::initialState<float>(s, base, shapes, 4.f);
    st.clip = opts.lwc;
    st.fixed_clip = clipRatio;
    if (opts.let) {
      // LET: SmoothQuant-style scales from the float activations (OmniQuant does not start at 1).
      VecF wAttn = VecF::Zero(s.hidden), wMlp = VecF::Zero(s.hidden), wO = VecF::Zero(kvd);
      for (Module m : {Module::Q, Module::K, Module::V})
        wAttn = wAttn.cwiseMax(base.w[int(m)].cwiseAbs().colwise().maxCoeff().transpose());
      for (Module m : {Module::Gate, Module::Up})
        wMlp = wMlp.cwiseMax(base.w[int(m)].cwiseAbs().colwise().maxCoeff().transpose());
      // v -> o per kv channel: the largest o input and o column over the heads of its group.
      const VecF oCol = base.w[int(Module::O)].cwiseAbs().colwise().maxCoeff().transpose();
      VecF aO = VecF::Zero(kvd);
      for (Eigen::Index c = 0; c < oCol.size(); ++c) {
        const int k = omni::kvChannel(int(c), s.heads, s.kv_heads, s.head_dim);
        wO(k) = std::max(wO(k), oCol(c));
        aO(k) = std::max(aO(k), amaxO(c));
      }
      st.s_attn = smoothScale(amaxAttn, wAttn, opts.let_alpha);
      st.s_mlp = smoothScale(amaxMlp, wMlp, opts.let_alpha);
      st.s_o = smoothScale(aO, wO, opts.let_alpha);
    }

    const bool train = anyWeight && opts.epochs > 0 && (opts.lwc || opts.let);
    // Training target: the float block on the float path; with aug_loss the mean of that and the
    // float block on the quantized path (same gradients as the sum of the two MSEs, halved).
    MatF trainTarget;
    if (train && opts.aug_loss) {
      trainTarget.resize(xq.rows(), xq.cols());
      for (Eigen::Index r0 = 0; r0 < xq.rows(); r0 += Eigen::Index(fwdBatch) * L) {
        const Eigen::Index n = std::min(Eigen::Index(fwdBatch) * L, xq.rows() - r0);
        trainTarget.middleRows(r0, n) =
            0.5f *
            (target.middleRows(r0, n) +
             ad::blockForward<float>(s, fpParams, rope, xq.middleRows(r0, n), int(n / L), nullptr));
      }
    }
    const MatF& tt = trainTarget.size() ? trainTarget : target;
    const double firstLoss = meanLoss(s, base, st, rope, xq, target, L, fwdBatch);
    std::vector<double> epochLoss;
    std::array<Adam<MatF>, kModuleCount> agt, abt;
    Adam<VecF> aAttn, aMlp, aO;
    for (int e = 0; train && e < opts.epochs; ++e) {
      double sum = 0;
      for (int i = 0; i < N; ++i) {  // one window per step, in order (as OmniQuant, batch 1)
        const Eigen::Index r0 = Eigen::Index(i) * L;
        omni::BlockStateGrads<float> g;
        sum += double(omni::blockLoss<float>(s, base, st, rope, xq.middleRows(r0, L),
                                             tt.middleRows(r0, L), 1, &g));
        if (opts.lwc)
          for (int m = 0; m < kModuleCount; ++m) {
            if (shapes[m].bits >= 16) continue;
            agt[m].step(st.gt[m], g.gt[m], opts.lr_lwc);
            if (!shapes[m].symmetric) abt[m].step(st.bt[m], g.bt[m], opts.lr_lwc);
          }
        if (opts.let) {
          aAttn.step(st.s_attn, g.s_attn, opts.lr_let);
          aMlp.step(st.s_mlp, g.s_mlp, opts.lr_let);
          aO.step(st.s_o, g.s_o, opts.lr_let);
          for (VecF* sc : {&st.s_attn, &st.s_mlp, &st.s_o}) *sc = sc->cwiseMax(1e-5f);
        }
        reportProgress(progress, base0 + span * (e + double(i + 1) / N) / opts.epochs, what);
      }
      epochLoss.push_back(sum / N);
    }
    const double lastLoss =
        train ? meanLoss(s, base, st, rope, xq, target, L, fwdBatch) : firstLoss;

    // Fold: norms g̃, weights Ŵ (learned clipping), v bias b̃; then advance both streams.
    const omni::Applied<float> fin = omni::applyState<float>(s, base, st);
    BlockWeights& bw = w.blocks[std::size_t(b)];
    bw.attn_norm = fin.p.attn_norm;
    bw.mlp_norm = fin.p.mlp_norm;
    for (int m = 0; m < kModuleCount; ++m) {
      Linear& lin = bw.linear(Module(m));
      lin.weight = fin.p.w[m];
      if (fin.p.b[m].size()) lin.bias = fin.p.b[m];
    }
    for (Eigen::Index r0 = 0; r0 < xq.rows(); r0 += Eigen::Index(fwdBatch) * L) {
      const Eigen::Index n = std::min(Eigen::Index(fwdBatch) * L, xq.rows() - r0);
      xq.middleRows(r0, n) =
          ad::blockForward<float>(s, fin.p, rope, xq.middleRows(r0, n), int(n / L), nullptr);
    }
    xfp = std::move(target);
    if (report) {
      report->first_loss.push_back(firstLoss);
      report->last_loss.push_back(lastLoss);
      report->epoch_loss.push_back(epochLoss);
    }
    if (log) {
      std::string line = what + ": output MSE " + std::to_string(firstLoss) + " -> " +
                         std::to_string(lastLoss) + "; training-step MSE by epoch:";
      for (double l : epochLoss) line += " " + std::to_string(l);
      if (train && opts.lwc) {  // where the learned clipping went (init σ(4) = 0.982)
        double sum = 0, lo = 1;
        Eigen::Index count = 0;
        for (int m = 0; m < kModuleCount; ++m) {
          if (shapes[m].bits >= 16) continue;
          for (const MatF* t : {&st.gt[m], &st.bt[m]}) {
            if (t == &st.bt[m] && shapes[m].symmetric) continue;
            const MatF g = (1.f / (1.f + (-t->array()).exp())).matrix();
            sum += double(g.sum());
            lo = std::min(lo, double(g.minCoeff()));
            count += g.size();
          }
        }
        if (count)
          line += "; LWC bound mean " + std::to_string(sum / double(count)) + ", min " +
                  std::to_string(lo);
      }
      log->push_back(line);
    }
  }
  if (log)
    log->push_back("omniquant: LWC " + std::string(opts.lwc ? "on" : "off") + ", LET " +
                   (opts.let ? "scales (no shift)" : "off") + (opts.aug_loss ? ", aug loss" : "") +
                   ", " + std::to_string(opts.epochs) + " epochs over " + std::to_string(N) +
                   " x " + std::to_string(L) + " tokens");
  reportProgress(progress, 1.0, "omniquant done");
}

}  // namespace slmq::core
