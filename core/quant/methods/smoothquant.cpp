// SmoothQuant scales and folding (see smoothquant.h and METHODS.md).
#include "core/quant/methods/smoothquant.h"

#include <cmath>

#include "core/common/error.h"

namespace slmq::core {

VectorD smoothQuantScales(const VectorD& act, const std::vector<const MatrixRM*>& weights,
                          double alpha, double minScale) {
  if (!(alpha >= 0.0 && alpha <= 1.0))
    throw Error(ErrorKind::InvalidInput,
                "SmoothQuant alpha = " + std::to_string(alpha) + " is out of range [0, 1]");
  const Eigen::Index in = act.size();
  VectorD wmax = VectorD::Zero(in);
  for (const MatrixRM* w : weights) {
    if (w->cols() != in)
      throw Error(ErrorKind::InvalidInput, "SmoothQuant: a weight has " +
                                               std::to_string(w->cols()) + " inputs, activations " +
                                               std::to_string(in));
    // max over rows of |W_ij| -> [in]
    wmax = wmax.cwiseMax(w->cwiseAbs().colwise().maxCoeff().transpose().cast<double>());
  }
  VectorD s(in);
  for (Eigen::Index j = 0; j < in; ++j) {
    if (act(j) <= 0.0 || wmax(j) <= 0.0) {
      s(j) = 1.0;
      continue;
    }
    s(j) = std::max(minScale, std::pow(act(j), alpha) / std::pow(wmax(j), 1.0 - alpha));
  }
  return s;
}

void foldSmoothScales(BlockWeights& block, BlockInput where, const VectorD& s) {
  VectorF& norm = where == BlockInput::Attn ? block.attn_norm : block.mlp_norm;
  if (where != BlockInput::Attn && where != BlockInput::Mlp)
    throw Error(ErrorKind::InvalidInput, "SmoothQuant folds only into the attention or MLP norm");
  if (norm.size() != s.size())
    throw Error(ErrorKind::InvalidInput, "SmoothQuant: norm has " + std::to_string(norm.size()) +
                                             " channels, scales " + std::to_string(s.size()));
  const VectorF sf = s.cast<float>();
  norm.array() /= sf.array();
  const Module mods[3] = {Module::Q, Module::K, Module::V};
  const Module mlp[2] = {Module::Gate, Module::Up};
  auto scaleCols = [&](Linear& l) { l.weight.array().rowwise() *= sf.transpose().array(); };
  if (where == BlockInput::Attn)
    for (Module m : mods) scaleCols(block.linear(m));
  else
    for (Module m : mlp) scaleCols(block.linear(m));
}

void smoothQuantModel(Model& model, const std::vector<int>& calibTokens,
                      const CalibrationOptions& calib, const SmoothQuantOptions& opts,
                      const ProgressFn& progress, std::vector<std::string>* log) {
  // The fold leaves the float model's function unchanged, so one float pass gives every block's
  // input ranges.
  StatsOptions so;
  auto stats = collectInputStats(model, calibTokens, calib, so, [&](double f, std::string_view st) {
    return !progress || progress(0.9 * f, st);
  });
  auto& w = model.weights();
  for (std::size_t b = 0; b < w.blocks.size(); ++b) {
    BlockWeights& blk = w.blocks[b];
    const VectorD sa = smoothQuantScales(stats[b]->stats(BlockInput::Attn).absmax,
                                         {&blk.q.weight, &blk.k.weight, &blk.v.weight}, opts.alpha,
                                         opts.min_scale);
    foldSmoothScales(blk, BlockInput::Attn, sa);
    const VectorD sm =
        smoothQuantScales(stats[b]->stats(BlockInput::Mlp).absmax,
                          {&blk.gate.weight, &blk.up.weight}, opts.alpha, opts.min_scale);
    foldSmoothScales(blk, BlockInput::Mlp, sm);
    if (log)
      log->push_back("smoothquant: block " + std::to_string(b) + " attn scales [" +
                     std::to_string(sa.minCoeff()) + ", " + std::to_string(sa.maxCoeff()) +
                     "], mlp scales [" + std::to_string(sm.minCoeff()) + ", " +
                     std::to_string(sm.maxCoeff()) + "]");
  }
  reportProgress(progress, 1.0, "smoothquant folded");
}

}  // namespace slmq::core
