// AWQ scale search, folding and clipping search (see awq.h and METHODS.md).
#include "core/quant/methods/awq.h"

#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/quant/quantizer.h"

namespace slmq::core {

namespace {

/// Ŵ = Q(W·diag(s))·diag(s)⁻¹: what the layer computes on the unscaled input after folding.
MatrixRM scaledFakeQuant(const MatrixRM& w, const VectorF& s, const WeightQuant& q) {
  MatrixRM ws = w.array().rowwise() * s.transpose().array();
  fakeQuantWeightInPlace(ws, q);
  ws.array().rowwise() /= s.transpose().array();
  return ws;
}

void scaleColumns(MatrixRM& w, const VectorF& s) {
  w.array().rowwise() *= s.transpose().array();
}

void divideRows(Linear& l, const VectorF& s) {
  l.weight.array().colwise() /= s.array();
  if (l.bias.size() == s.size()) l.bias.array() /= s.array();
}

}  // namespace

VectorD awqSearchScale(const MatrixRM& x, const VectorD& meanAbs,
                       const std::vector<const MatrixRM*>& weights,
                       const std::vector<WeightQuant>& q, int grid, double* bestAlphaOut,
                       double* bestErrOut) {
  const Eigen::Index in = x.cols();
  if (meanAbs.size() != in || weights.size() != q.size())
    throw Error(ErrorKind::InvalidInput, "AWQ: inputs and statistics disagree in width");
  // Reference outputs Y_m = X W_mᵀ [n, out_m].
  std::vector<MatrixRM> ref;
  for (const MatrixRM* w : weights) ref.push_back(x * w->transpose());
  double bestErr = std::numeric_limits<double>::infinity(), bestAlpha = 0;
  VectorD best = VectorD::Ones(in);
  for (int i = 0; i < std::max(1, grid); ++i) {
    const double alpha = double(i) / std::max(1, grid);
    VectorD s = meanAbs.array().pow(alpha).max(1e-4);
    s /= std::sqrt(s.maxCoeff() * s.minCoeff());
    const VectorF sf = s.cast<float>();
    double err = 0;
    for (std::size_t m = 0; m < weights.size(); ++m) {
      const MatrixRM wq = scaledFakeQuant(*weights[m], sf, q[m]);
      err += (x * wq.transpose() - ref[m]).squaredNorm() / double(ref[m].size());
    }
    if (err < bestErr) {
      bestErr = err;
      bestAlpha = alpha;
      best = s;
    }
  }
  if (bestAlphaOut) *bestAlphaOut = bestAlpha;
  if (bestErrOut) *bestErrOut = bestErr;
  return best;
}

double awqClipSearch(MatrixRM& w, const MatrixRM& x, const WeightQuant& q, int grid,
                     double maxShrink) {
  const Eigen::Index out = w.rows(), in = w.cols();
  const Eigen::Index g =
      q.granularity == WeightGranularity::PerGroup ? std::min<Eigen::Index>(q.group_size, in) : in;
  if (q.granularity == WeightGranularity::PerTensor) return 1.0;  // one range: nothing per group
  const int steps = int(std::floor(maxShrink * grid + 1e-9));
  double shrinkSum = 0;
  std::int64_t count = 0;
  WeightQuant gq = q;  // each candidate row-group is quantized as one group of its own
  gq.granularity = WeightGranularity::PerChannel;
  for (Eigen::Index c0 = 0; c0 < in; c0 += g) {
    const Eigen::Index n = std::min(g, in - c0);
    const MatrixRM xg = x.middleCols(c0, n);  // [tokens, n]
    const MatrixRM wg = w.middleCols(c0, n);  // [out, n]
    const VectorF orgMax = wg.cwiseAbs().rowwise().maxCoeff();
    VectorD bestErr = VectorD::Constant(out, std::numeric_limits<double>::infinity());
    VectorF bestMax = orgMax;
    for (int i = 0; i <= steps; ++i) {
      const float f = 1.f - float(i) / float(grid);
      const VectorF mx = orgMax * f;
      MatrixRM cw(out, n);
      for (Eigen::Index r = 0; r < out; ++r) cw.row(r) = wg.row(r).cwiseMax(-mx(r)).cwiseMin(mx(r));
      fakeQuantWeightInPlace(cw, gq);
      // error per row: ‖X_g (w − q)ᵀ‖² over tokens
      const MatrixRM d = xg * (wg - cw).transpose();  // [tokens, out]
      const VectorD e = d.cwiseAbs2().colwise().sum().transpose().cast<double>();
      for (Eigen::Index r = 0; r < out; ++r)
        if (e(r) < bestErr(r)) {
          bestErr(r) = e(r);
          bestMax(r) = mx(r);
        }
    }
    for (Eigen::Index r = 0; r < out; ++r) {
      w.row(r).segment(c0, n) = w.row(r).segment(c0, n).cwiseMax(-bestMax(r)).cwiseMin(bestMax(r));
      if (orgMax(r) > 0) {
        shrinkSum += bestMax(r) / orgMax(r);
        ++count;
      }
    }
  }
  return count ? shrinkSum / double(count) : 1.0;
}

void awqModel(Model& model, const std::vector<int>& calibTokens, const CalibrationOptions& calib,
              const QuantSpec& spec, const AwqOptions& opts, const ProgressFn& progress,
              std::vector<std::string>* log) {
  spec.validate();
  const ModelConfig& cfg = model.config();
  BlockwiseCalibration run(model, calibTokens, calib.samples, calib.seq_len, calib.batch);
  const int blocks = cfg.num_layers;
  StatsOptions so;
  so.sample_rows = std::max(opts.sample_rows, opts.clip_rows);
  so.expected_rows = run.rows();
  const bool voFoldable = cfg.num_heads == cfg.num_kv_heads;
  if (log && !voFoldable)
    log->push_back("awq: v -> o scaling skipped: grouped-query attention (" +
                   std::to_string(cfg.num_heads) + " query / " + std::to_string(cfg.num_kv_heads) +
                   " key-value heads) shares each v channel among several o inputs");
  auto say = [&](const std::string& s) {
    if (log) log->push_back(s);
  };
  for (int b = 0; b < blocks; ++b) {
    const double f0 = double(b) / blocks, f1 = double(b + 1) / blocks;
    InputStatsHooks stats(b, so);
    run.run(b, &stats, false, progress, f0, f0 + 0.3 * (f1 - f0));
    BlockWeights& blk = model.weights().blocks[std::size_t(b)];
    auto wq = [&](Module m) { return spec.forLayer({b, m}).weight; };
    auto rows = [&](BlockInput i, int n) {
      const MatrixRM& s = stats.stats(i).samples;
      // evenly spaced subset of the collected rows
      if (s.rows() <= n) return MatrixRM(s);
      MatrixRM out(n, s.cols());
      for (int r = 0; r < n; ++r) out.row(r) = s.row(Eigen::Index(r) * s.rows() / n);
      return out;
    };

    struct Group {
      BlockInput input;
      std::vector<Module> mods;
    };
    const std::vector<Group> groups = {{BlockInput::Attn, {Module::Q, Module::K, Module::V}},
                                       {BlockInput::Mlp, {Module::Gate, Module::Up}},
                                       {BlockInput::Down, {Module::Down}},
                                       {BlockInput::O, {Module::O}}};
    std::vector<VectorF> applied(kBlockInputCount);
    for (const Group& g : groups) {
      reportProgress(progress, f0 + 0.3 * (f1 - f0), "awq block " + std::to_string(b));
      bool anyQuant = false;
      std::vector<const MatrixRM*> ws;
      std::vector<WeightQuant> qs;
      for (Module m : g.mods) {
        ws.push_back(&blk.linear(m).weight);
        qs.push_back(wq(m));
        anyQuant = anyQuant || qs.back().enabled();
      }
      if (!anyQuant) continue;
      if (g.input == BlockInput::O && !voFoldable) continue;
      const MatrixRM x = rows(g.input, opts.sample_rows);
      double alpha = 0, err = 0;
      const VectorD s =
          awqSearchScale(x, stats.stats(g.input).meanAbs(), ws, qs, opts.grid, &alpha, &err);
      const VectorF sf = s.cast<float>();
      switch (g.input) {
        case BlockInput::Attn:
          blk.attn_norm.array() /= sf.array();
          break;
        case BlockInput::Mlp:
          blk.mlp_norm.array() /= sf.array();
          break;
        case BlockInput::Down:
          divideRows(blk.up, sf);
          break;
        case BlockInput::O:
          divideRows(blk.v, sf);
          break;
      }
      for (Module m : g.mods) scaleColumns(blk.linear(m).weight, sf);
      applied[int(g.input)] = sf;
      say("awq: block " + std::to_string(b) + " " + moduleName(g.mods.front()) + ": alpha " +
          std::to_string(alpha) + ", output mse " + std::to_string(err));
    }
    if (opts.clip) {
      reportProgress(progress, f0 + 0.6 * (f1 - f0), "awq clip block " + std::to_string(b));
      // q and k are skipped as in the reference implementation (their error is amplified by the
      // softmax in ways the per-layer output error does not see).
      for (Module m : {Module::V, Module::O, Module::Gate, Module::Up, Module::Down}) {
        const WeightQuant q = wq(m);
        if (!q.enabled()) continue;
        MatrixRM x = rows(blockInputOf(m), opts.clip_rows);
        const VectorF& s = applied[int(blockInputOf(m))];
        if (s.size() == x.cols()) x.array().rowwise() /= s.transpose().array();  // scaled inputs
        const double shrink =
            awqClipSearch(blk.linear(m).weight, x, q, opts.clip_grid, opts.clip_max_shrink);
        say("awq: block " + std::to_string(b) + " " + moduleName(m) + ": mean clip " +
            std::to_string(shrink));
      }
    }
    // The next block sees this block's (scaled, clipped, float) output, as in the reference.
    run.run(b, nullptr, true, progress, f0 + 0.8 * (f1 - f0), f1);
  }
}

}  // namespace slmq::core
