// SpinQuant: the loss of the rotated, fake-quantized network as a function of R1/R2, its gradient
// by the chain rule through the folded weights, Cayley SGD, and the pipeline step (spinquant.h).
#include "core/quant/methods/spinquant.h"

#include <Eigen/LU>
#include <Eigen/QR>
#include <chrono>
#include <cmath>
#include <random>

#include "core/common/error.h"
#include "core/quant/quantizer.h"
#include "core/quant/rotation/rotation.h"

namespace slmq::core {
namespace {

using ad::Mat;
using ad::Vec;

template <typename T>
Mat<T> fakeQuant(const Mat<T>& w, const WeightQuant& q) {
  if (!q.enabled()) return w;
  if constexpr (std::is_same_v<T, float>)
    return fakeQuantWeight(w, q);
  else
    return fakeQuantWeight(w.template cast<float>(), q).template cast<T>();
}

ad::ActQuantAd actFor(const QuantSpec& spec, int block, Module m) {
  const ActQuant a = spec.forLayer({block, m}).act;
  if (a.enabled() && a.granularity != ActGranularity::PerToken)
    throw Error(ErrorKind::InvalidInput,
                "spinquant trains with per-token activation quantization; block " +
                    std::to_string(block) + " " + moduleName(m) +
                    " asks for per-tensor static scales");
  return a.enabled() ? ad::ActQuantAd{a.bits, double(a.clip_ratio)} : ad::ActQuantAd{};
}

}  // namespace

template <typename T>
SpinQuantProblem<T> SpinQuantProblem<T>::fromModel(const Model& model, const QuantSpec& spec,
                                                   const Rotation* r4) {
  const ModelWeights& w = model.weights();
  const ModelConfig& c = model.config();
  if (w.tied() || !normsFolded(w))
    throw Error(ErrorKind::InvalidInput,
                "spinquant: the model must be untied with RMSNorm weights folded");
  SpinQuantProblem<T> p;
  p.shape = ad::BlockShape::fromConfig(c);
  p.embed = w.embed.cast<T>();
  p.head = w.lm_head.cast<T>();
  p.r4 = r4;
  if (r4) p.r4_dense = r4->dense().cast<T>();
  for (int b = 0; b < c.num_layers; ++b) {
    ad::BlockParams<T> bp =
        ad::BlockParams<T>::fromWeights(w.blocks[std::size_t(b)], c.use_rope[std::size_t(b)]);
    bp.act = {actFor(spec, b, Module::Q), actFor(spec, b, Module::O), actFor(spec, b, Module::Gate),
              actFor(spec, b, Module::Down)};
    p.blocks.push_back(std::move(bp));
    std::array<WeightQuant, kModuleCount> q;
    for (int m = 0; m < kModuleCount; ++m) q[m] = spec.forLayer({b, Module(m)}).weight;
    p.wq.push_back(q);
  }
  return p;
}

// Effective weights (rotations folded as core/quant/rotation/rotation.h does, then fake-quantized),
// the network's loss and gradients, and the chain rule back to R1/R2:
//   readers W' = W·R1: dR1 += Wᵀ·dW';  writers W' = R1ᵀ·W: dR1 += W·dW'ᵀ;
//   v (per kv head h) W'_h = R2ᵀ·U_h, U = W·R1: dU_h = R2·dW'_h, dR2 += U_h·dW'_hᵀ;
//   o (per query head h) V_{:,h} = W_{:,h}·R2, W' = R1ᵀ·V: dV = R1·dW', dR2 += W_{:,h}ᵀ·dV_{:,h}.
// Weight rounding is a straight-through estimator: ∂Ŵ/∂W' = I.
template <typename T>
T SpinQuantProblem<T>::lossAndGrads(const Mat<T>& r1, const std::vector<Mat<T>>& r2,
                                    const std::vector<int>& tokens, int batch, Mat<T>* dr1,
                                    std::vector<Mat<T>>* dr2) const {
  const int hd = shape.head_dim, H = shape.heads, KVH = shape.kv_heads;
  const std::size_t L = blocks.size();
  const bool withR2 = !r2.empty();
  ad::NetParams<T> net;
  net.blocks.resize(L);
  std::vector<Mat<T>> U(L), V(L);  // v's W·R1 and o's W·blockdiag(R2), kept for the chain rule
  for (std::size_t l = 0; l < L; ++l) {
    const ad::BlockParams<T>& base = blocks[l];
    ad::BlockParams<T>& e = net.blocks[l];
    e.attn_norm = base.attn_norm;
    e.mlp_norm = base.mlp_norm;
    e.rope = base.rope;
    e.act = base.act;
    e.b = base.b;
    e.down_rotation = r4 && dense_r4 ? &r4_dense : nullptr;
    e.down_rotation_fast = r4 && !dense_r4 ? r4 : nullptr;
    for (Module m : {Module::Q, Module::K, Module::Gate, Module::Up})
      e.w[int(m)] = base.w[int(m)] * r1;  // [out, d] · [d, d]
    U[l] = base.w[int(Module::V)] * r1;   // [KVH·hd, d]
    e.w[int(Module::V)] = U[l];
    V[l] = base.w[int(Module::O)];  // [d, H·hd]
    if (withR2) {
      for (int h = 0; h < KVH; ++h) {
        e.w[int(Module::V)].middleRows(h * hd, hd) =
            r2[l].transpose() * U[l].middleRows(h * hd, hd);
        if (e.b[int(Module::V)].size())
          e.b[int(Module::V)].segment(h * hd, hd) =
              r2[l].transpose() * base.b[int(Module::V)].segment(h * hd, hd);
      }
      for (int h = 0; h < H; ++h)
        V[l].middleCols(h * hd, hd) = base.w[int(Module::O)].middleCols(h * hd, hd) * r2[l];
    }
    e.w[int(Module::O)] = r1.transpose() * V[l];
    e.w[int(Module::Down)] = r1.transpose() * base.w[int(Module::Down)];
    for (Module m : {Module::O, Module::Down})
      if (e.b[int(m)].size()) e.b[int(m)] = r1.transpose() * base.b[int(m)];
    for (int m = 0; m < kModuleCount; ++m) e.w[m] = fakeQuant<T>(e.w[m], wq[l][m]);
  }
  net.final_norm = Vec<T>::Ones(shape.hidden);
  net.head = head * r1;
  Mat<T> esel(Eigen::Index(tokens.size()), shape.hidden);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const int t = tokens[i];
    if (t < 0 || t >= embed.rows())
      throw Error(ErrorKind::InvalidInput,
                  "spinquant: token id " + std::to_string(t) + " outside the vocabulary");
    esel.row(Eigen::Index(i)) = embed.row(t);
  }
  const Mat<T> h0 = esel * r1;
  if (!dr1) return ad::networkLossAndGrads<T>(shape, net, h0, tokens, batch, nullptr);

  ad::NetGrads<T> g;
  const T loss = ad::networkLossAndGrads<T>(shape, net, h0, tokens, batch, &g);
  Mat<T>& d1 = *dr1;
  d1.noalias() = esel.transpose() * g.h0;  // embedding rows
  d1.noalias() += head.transpose() * g.head;
  if (dr2) dr2->assign(withR2 ? L : 0, Mat<T>::Zero(hd, hd));
  for (std::size_t l = 0; l < L; ++l) {
    const ad::BlockParams<T>& base = blocks[l];
    const ad::BlockGrads<T>& bg = g.blocks[l];
    for (Module m : {Module::Q, Module::K, Module::Gate, Module::Up})
      d1.noalias() += base.w[int(m)].transpose() * bg.w[int(m)];
    // v
    Mat<T> dU = bg.w[int(Module::V)];
    if (withR2)
      for (int h = 0; h < KVH; ++h) {
        const auto dW = bg.w[int(Module::V)].middleRows(h * hd, hd);
        dU.middleRows(h * hd, hd) = r2[l] * dW;
        if (dr2) {
          (*dr2)[l].noalias() += U[l].middleRows(h * hd, hd) * dW.transpose();
          if (base.b[int(Module::V)].size())
            (*dr2)[l].noalias() += base.b[int(Module::V)].segment(h * hd, hd) *
                                   bg.b[int(Module::V)].segment(h * hd, hd).transpose();
        }
      }
    d1.noalias() += base.w[int(Module::V)].transpose() * dU;
    // o and down (writers)
    d1.noalias() += V[l] * bg.w[int(Module::O)].transpose();
    d1.noalias() += base.w[int(Module::Down)] * bg.w[int(Module::Down)].transpose();
    for (Module m : {Module::O, Module::Down})
      if (base.b[int(m)].size()) d1.noalias() += base.b[int(m)] * bg.b[int(m)].transpose();
    if (withR2 && dr2) {
      const Mat<T> dV = r1 * bg.w[int(Module::O)];  // [d, H·hd]
      for (int h = 0; h < H; ++h)
        (*dr2)[l].noalias() +=
            base.w[int(Module::O)].middleCols(h * hd, hd).transpose() * dV.middleCols(h * hd, hd);
    }
  }
  return loss;
}

template struct SpinQuantProblem<float>;
template struct SpinQuantProblem<double>;

double cayleyStep(MatrixRMd& r, const MatrixRMd& g, double lr) {
  const Eigen::Index n = r.rows();
  // optimizer.py's variables: X = Rᵀ [n, p], M = −Gᵀ (momentum 0).
  const MatrixRMd X = r.transpose();
  const MatrixRMd M = -g.transpose();
  const MatrixRMd MX = M * r;      // M·Xᵀ [n, n]
  const MatrixRMd XMX = r * MX;    // Xᵀ·M·Xᵀ [p, n]
  const MatrixRMd XXMX = X * XMX;  // X·(Xᵀ·M·Xᵀ) [n, n]
  const MatrixRMd What = MX - 0.5 * XXMX;
  const MatrixRMd W = What - What.transpose();  // skew-symmetric
  const double norm1 = W.cwiseAbs().colwise().sum().maxCoeff();
  const double alpha = std::min(lr, 1.0 / (norm1 + 1e-8));
  const MatrixRMd I = MatrixRMd::Identity(n, n);
  // Exact Cayley transform: (I − α/2·W)·Y = (I + α/2·W)·X.
  const MatrixRMd Y = (I - 0.5 * alpha * W).partialPivLu().solve((I + 0.5 * alpha * W) * X);
  r = Y.transpose();
  if ((r.transpose() * r - I).cwiseAbs().maxCoeff() > 1e-10) {
    Eigen::HouseholderQR<MatrixRMd> qr(r);
    MatrixRMd q = qr.householderQ();
    const MatrixRMd R = qr.matrixQR().triangularView<Eigen::Upper>();
    for (Eigen::Index i = 0; i < n; ++i)
      if (R(i, i) < 0) q.col(i) *= -1;
    r = q;
  }
  return alpha;
}

double cosineLr(double lr, int step, int steps) {
  return 0.5 * lr * (1 + std::cos(M_PI * double(step) / double(std::max(1, steps))));
}

SpinQuantSetup prepareSpinQuant(Model& model, const QuantSpec& specIn, const SpinQuantOptions& opts,
                                std::vector<std::string>* log) {
  ModelWeights& w = model.weights();
  const ModelConfig& cfg = model.config();
  for (int b = 0; b < int(w.blocks.size()); ++b)
    for (int m = 0; m < kModuleCount; ++m)
      if (w.blocks[std::size_t(b)].linear(Module(m)).kernel)
        throw Error(ErrorKind::InvalidInput,
                    "spinquant: block " + std::to_string(b) + " " + moduleName(Module(m)) +
                        " already runs a packed kernel; rotate the float model before packing");
  (void)ad::BlockShape::fromConfig(cfg);  // refuses q/k-norm models before anything changes
  QuantSpec spec = specIn;
  if (spec.act.enabled() && spec.act.clip_ratio == 1.f) spec.act.clip_ratio = opts.act_clip_ratio;
  for (auto& o : spec.overrides)
    if (o.act && o.act->enabled() && o.act->clip_ratio == 1.f)
      o.act->clip_ratio = opts.act_clip_ratio;

  untieEmbeddings(w);
  foldNorms(w);
  Rotations start = randomHadamardRotations(cfg, opts.seed, log);
  applyRotation(w, cfg, Rotations{MatrixRM(), {}, true});  // R4 into down_proj (fixed)
  const Rotation* r4 = &onlineR4(cfg.intermediate_size);
  SpinQuantSetup s{
      SpinQuantProblem<float>::fromModel(model, spec, r4), start.r1.cast<double>(), {}, r4};
  for (const auto& r : start.r2) s.r2.push_back(r.cast<double>());
  return s;
}

void trainSpinQuantRotations(const SpinQuantProblem<float>& problem, MatrixRMd& r1,
                             std::vector<MatrixRMd>& r2,
                             const std::function<std::vector<int>(int)>& batchOf,
                             const SpinQuantOptions& opts, const ProgressFn& progress,
                             SpinQuantReport* report) {
  for (int step = 0; step < opts.steps; ++step) {
    const std::vector<int> tokens = batchOf(step);
    if (tokens.size() != std::size_t(opts.batch) * std::size_t(opts.seq_len))
      throw Error(ErrorKind::InvalidInput, "spinquant: a training batch has " +
                                               std::to_string(tokens.size()) +
                                               " tokens, expected " + std::to_string(opts.batch) +
                                               " x " + std::to_string(opts.seq_len));
    std::vector<Mat<float>> r2f, dr2;
    for (const auto& r : r2) r2f.push_back(r.cast<float>());
    Mat<float> dr1;
    const float loss = problem.lossAndGrads(r1.cast<float>(), r2f, tokens, opts.batch, &dr1,
                                            opts.learn_r2 ? &dr2 : nullptr);
    if (!std::isfinite(loss))
      throw Error(ErrorKind::Internal, "spinquant: the training loss became " +
                                           std::to_string(loss) + " at step " +
                                           std::to_string(step));
    if (report) report->loss.push_back(loss);
    const double lr = cosineLr(opts.lr, step, opts.steps);
    const double alpha = cayleyStep(r1, dr1.cast<double>(), lr);
    if (report) {
      report->lr.push_back(lr);
      report->alpha_r1.push_back(alpha);
    }
    if (opts.learn_r2 && !dr2.empty())
      for (std::size_t l = 0; l < r2.size(); ++l) cayleyStep(r2[l], dr2[l].cast<double>(), lr);
    reportProgress(progress, double(step + 1) / std::max(1, opts.steps),
                   "spinquant step " + std::to_string(step + 1) + " loss " +
                       std::to_string(loss).substr(0, 6));
  }
}

const Rotation* spinQuantModel(Model& model, const std::vector<int>& calibTokens, int windowLen,
                               const QuantSpec& specIn, const SpinQuantOptions& opts,
                               const ProgressFn& progress, std::vector<std::string>* log,
                               SpinQuantReport* report) {
  const auto t0 = std::chrono::steady_clock::now();
  if (opts.steps < 0 || opts.batch < 1 || opts.seq_len < 2 || !(opts.lr >= 0))
    throw Error(ErrorKind::InvalidInput,
                "spinquant: steps must be >= 0, batch >= 1, seq_len >= "
                "2 and lr >= 0");
  if (windowLen < opts.seq_len || calibTokens.size() < std::size_t(windowLen) || windowLen < 1)
    throw Error(ErrorKind::InvalidInput,
                "spinquant: calibration windows of " + std::to_string(windowLen) +
                    " tokens are shorter than the training sequence length " +
                    std::to_string(opts.seq_len));
  SpinQuantSetup setup = prepareSpinQuant(model, specIn, opts, log);

  const std::size_t windows = calibTokens.size() / std::size_t(windowLen);
  std::mt19937_64 rng(opts.seed ^ 0x5b1d7ULL);
  auto draw = [&](int) {
    std::vector<int> tokens(std::size_t(opts.batch) * std::size_t(opts.seq_len));
    for (int b = 0; b < opts.batch; ++b) {
      const std::size_t win = rng() % windows;
      const std::size_t off = rng() % std::size_t(windowLen - opts.seq_len + 1);
      const auto src = calibTokens.begin() + std::ptrdiff_t(win * std::size_t(windowLen) + off);
      std::copy(src, src + opts.seq_len, tokens.begin() + std::ptrdiff_t(b) * opts.seq_len);
    }
    return tokens;
  };
  const MatrixRMd r1Start = setup.r1;
  trainSpinQuantRotations(setup.problem, setup.r1, setup.r2, draw, opts, progress, report);
  if (report) report->r1_moved = (setup.r1 - r1Start).cwiseAbs().maxCoeff();

  Rotations learned;
  learned.r1 = setup.r1.cast<float>();
  for (const auto& r : setup.r2) learned.r2.push_back(r.cast<float>());
  applyRotation(model.weights(), model.config(), learned);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report) report->seconds = secs;
  if (log) {
    log->push_back("spinquant: " + std::to_string(opts.steps) + " Cayley SGD steps of " +
                   std::to_string(opts.batch) + " x " + std::to_string(opts.seq_len) +
                   " tokens, lr " + std::to_string(opts.lr).substr(0, 4) + " (cosine), R2 " +
                   (opts.learn_r2 ? "learned" : "fixed") + ", " +
                   std::to_string(secs).substr(0, 6) + " s");
  }
  return setup.r4;
}

}  // namespace slmq::core
