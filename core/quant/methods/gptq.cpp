// GPTQ solver and sequential driver (see gptq.h and METHODS.md).
#include "core/quant/methods/gptq.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/error.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/quantizer.h"

namespace slmq::core {

namespace {

/// Per-row parameters of a column range [c0, c1) of W (double, [out, in]).
std::vector<QuantParams> rowParams(const MatrixRMd& w, Eigen::Index c0, Eigen::Index c1,
                                   const WeightQuant& q) {
  std::vector<QuantParams> p(std::size_t(w.rows()));
  for (Eigen::Index r = 0; r < w.rows(); ++r) {
    float mn = 0.f, mx = 0.f;
    for (Eigen::Index c = c0; c < c1; ++c) {
      mn = std::min(mn, float(w(r, c)));
      mx = std::max(mx, float(w(r, c)));
    }
    p[std::size_t(r)] = quantParamsFromRange(mn, mx, q.bits, q.symmetric, q.clip_ratio);
  }
  return p;
}

}  // namespace

GptqLayerReport gptqQuantizeMatrix(MatrixRM& wIn, MatrixRMd h, const WeightQuant& q,
                                   const GptqOptions& opts) {
  GptqLayerReport rep;
  if (!q.enabled()) return rep;
  const Eigen::Index rows = wIn.rows(), cols = wIn.cols();
  if (h.rows() != cols || h.cols() != cols)
    throw Error(ErrorKind::InvalidInput, "GPTQ: Hessian is " + std::to_string(h.rows()) + "x" +
                                             std::to_string(h.cols()) + " but W has " +
                                             std::to_string(cols) + " input columns");
  if (q.bits < 2 || q.bits > 8)
    throw Error(ErrorKind::InvalidInput, "GPTQ: weight bits " + std::to_string(q.bits));
  MatrixRMd w = wIn.cast<double>();

  // 2. Dead inputs: H_ii = 0 -> H_ii = 1, W[:, i] = 0.
  for (Eigen::Index i = 0; i < cols; ++i)
    if (h(i, i) == 0.0) {
      h(i, i) = 1.0;
      w.col(i).setZero();
      ++rep.dead_inputs;
    }

  // Group layout in original column order.
  const bool grouped = q.granularity == WeightGranularity::PerGroup;
  const Eigen::Index group = grouped ? std::min<Eigen::Index>(q.group_size, cols) : cols;

  // Static groups: parameters from the original W before any permutation.
  std::vector<std::vector<QuantParams>> staticParams;
  if (grouped && opts.static_groups)
    for (Eigen::Index g0 = 0; g0 < cols; g0 += group)
      staticParams.push_back(rowParams(w, g0, std::min(cols, g0 + group), q));

  // Per-tensor / per-channel: parameters once from the whole W.
  std::vector<QuantParams> fixed;
  if (q.granularity == WeightGranularity::PerChannel) fixed = rowParams(w, 0, cols, q);
  if (q.granularity == WeightGranularity::PerTensor) {
    float mn = 0.f, mx = 0.f;
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      mn = std::min(mn, float(w.data()[i]));
      mx = std::max(mx, float(w.data()[i]));
    }
    fixed.assign(std::size_t(rows),
                 quantParamsFromRange(mn, mx, q.bits, q.symmetric, q.clip_ratio));
  }

  // 4. Act-order: columns by decreasing diag(H).
  std::vector<Eigen::Index> perm(static_cast<std::size_t>(cols));
  std::iota(perm.begin(), perm.end(), 0);
  if (opts.act_order) {
    std::stable_sort(perm.begin(), perm.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return h(a, a) > h(b, b); });
    MatrixRMd wp(rows, cols), hp(cols, cols);
    for (Eigen::Index j = 0; j < cols; ++j) wp.col(j) = w.col(perm[std::size_t(j)]);
    for (Eigen::Index i = 0; i < cols; ++i)
      for (Eigen::Index j = 0; j < cols; ++j)
        hp(i, j) = h(perm[std::size_t(i)], perm[std::size_t(j)]);
    w.swap(wp);
    h.swap(hp);
  }

  // 3. Damping and 5. U = cholesky(H⁻¹)ᵀ (upper): H⁻¹ = Uᵀ U.
  const double meanDiag = h.diagonal().mean();
  MatrixRMd u;
  for (double factor = 1.0; factor <= 100.0; factor *= 10.0) {
    MatrixRMd hd = h;
    rep.damp_used = opts.damp * factor * meanDiag;
    hd.diagonal().array() += rep.damp_used;
    Eigen::LLT<MatrixRMd> llt(hd);
    if (llt.info() != Eigen::Success) continue;
    const MatrixRMd hinv = llt.solve(MatrixRMd::Identity(cols, cols));
    Eigen::LLT<MatrixRMd> llt2(hinv);
    if (llt2.info() != Eigen::Success) continue;
    u = llt2.matrixU();
    break;
  }
  if (u.size() == 0)
    throw Error(ErrorKind::Internal,
                "GPTQ: the damped Hessian is not positive definite even with "
                "100x damping; the calibration inputs may contain NaN/Inf");

  const Eigen::Index bs = std::max(1, opts.block_size);
  std::vector<QuantParams> cur = fixed;
  for (Eigen::Index i1 = 0; i1 < cols; i1 += bs) {
    const Eigen::Index i2 = std::min(cols, i1 + bs), count = i2 - i1;
    MatrixRMd err(rows, count);
    for (Eigen::Index i = 0; i < count; ++i) {
      const Eigen::Index col = i1 + i;  // position in (possibly permuted) order
      if (grouped) {
        if (opts.static_groups) {
          cur = staticParams[std::size_t(perm[std::size_t(col)] / group)];
        } else if (col % group == 0) {
          // The group's parameters from the current, already error-compensated W.
          cur = rowParams(w, col, std::min(cols, col + group), q);
        }
      }
      const double d = u(col, col);
      for (Eigen::Index r = 0; r < rows; ++r) {
        const QuantParams& p = cur[std::size_t(r)];
        const double wv = w(r, col);
        const double qv = dequantizeValue(quantizeValue(float(wv), p, q.bits), p);
        w(r, col) = qv;
        const double e = (wv - qv) / d;
        err(r, i) = e;
        rep.error += e * e;
      }
      // W[:, col+1 : i2] −= e · U[col, col+1 : i2]
      if (i + 1 < count)
        w.block(0, col + 1, rows, count - i - 1).noalias() -=
            err.col(i) * u.block(col, col + 1, 1, count - i - 1);
    }
    // W[:, i2:] −= E · U[i1:i2, i2:]
    if (i2 < cols) w.rightCols(cols - i2).noalias() -= err * u.block(i1, i2, count, cols - i2);
  }

  // Undo the permutation.
  if (opts.act_order)
    for (Eigen::Index j = 0; j < cols; ++j) wIn.col(perm[std::size_t(j)]) = w.col(j).cast<float>();
  else
    wIn = w.cast<float>();
  return rep;
}

void gptqModel(Model& model, const std::vector<int>& calibTokens, const CalibrationOptions& calib,
               const QuantSpec& spec, const GptqOptions& opts, const ProgressFn& progress,
               std::vector<std::string>* log, const Rotation* onlineR4) {
  spec.validate();
  BlockwiseCalibration run(model, calibTokens, calib.samples, calib.seq_len, calib.batch);
  const int blocks = model.config().num_layers;
  StatsOptions so;
  so.hessian = true;
  so.expected_rows = run.rows();
  FakeQuantHooks act(spec, blocks);
  act.setOnlineR4(onlineR4);
  // The hooks also carry the online R4, so they run whenever there is one.
  const bool actQuant = spec.quantizesActivations() || onlineR4 != nullptr;
  for (int b = 0; b < blocks; ++b) {
    const double f0 = double(b) / blocks, f1 = double(b + 1) / blocks;
    InputStatsHooks stats(b, so);
    FakeQuantHooks actThenStats(spec, blocks, &stats);
    actThenStats.setOnlineR4(onlineR4);
    run.run(b, actQuant ? static_cast<ForwardHooks*>(&actThenStats) : &stats, false, progress, f0,
            f0 + 0.4 * (f1 - f0));
    stats.finish();
    for (int m = 0; m < kModuleCount; ++m) {
      const LinearId id{b, Module(m)};
      const WeightQuant wq = spec.forLayer(id).weight;
      if (!wq.enabled()) continue;
      reportProgress(progress, f0 + (0.4 + 0.4 * m / kModuleCount) * (f1 - f0),
                     "gptq block " + std::to_string(b) + " " + moduleName(Module(m)));
      const GptqLayerReport r = gptqQuantizeMatrix(model.weights().linear(id).weight,
                                                   stats.stats(Module(m)).hessian, wq, opts);
      if (log && r.dead_inputs > 0)
        log->push_back("gptq: block " + std::to_string(b) + " " + moduleName(Module(m)) + ": " +
                       std::to_string(r.dead_inputs) + " dead inputs zeroed");
    }
    // Advance the stream through the quantized block (with activation quantization if any).
    run.run(b, actQuant ? static_cast<ForwardHooks*>(&act) : nullptr, true, progress,
            f0 + 0.8 * (f1 - f0), f1);
  }
}

}  // namespace slmq::core
