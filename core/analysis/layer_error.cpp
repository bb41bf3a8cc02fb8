// Per-layer error of a quantized model against FP (see layer_error.h).
#include "core/analysis/layer_error.h"

#include <cmath>
#include <limits>
#include <map>

#include "core/analysis/sensitivity.h"
#include "core/common/error.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"

namespace slmq::core {

ErrorStats compareTensors(const MatrixRM& ref, const MatrixRM& test) {
  if (ref.rows() != test.rows() || ref.cols() != test.cols() || ref.size() == 0)
    throw Error(ErrorKind::InvalidInput,
                "layer error: shapes differ or are empty ([" + std::to_string(ref.rows()) + ", " +
                    std::to_string(ref.cols()) + "] vs [" + std::to_string(test.rows()) + ", " +
                    std::to_string(test.cols()) + "])");
  ErrorStats e;
  double se = 0, sr = 0, cos = 0;
  for (Eigen::Index r = 0; r < ref.rows(); ++r) {
    const Eigen::VectorXd a = ref.row(r).cast<double>().transpose();
    const Eigen::VectorXd b = test.row(r).cast<double>().transpose();
    se += (a - b).squaredNorm();
    sr += a.squaredNorm();
    const double na = a.norm(), nb = b.norm();
    cos += (na == 0 && nb == 0) ? 1.0 : (na == 0 || nb == 0) ? 0.0 : a.dot(b) / (na * nb);
  }
  e.mse = se / double(ref.size());
  e.cosine = cos / double(ref.rows());
  e.sqnr_db = se == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(sr / se);
  return e;
}

std::vector<LayerMetricRecord> LayerErrorReport::toLayerMetrics(int bits) const {
  std::vector<LayerMetricRecord> out;
  for (const auto& e : entries) {
    out.push_back({e.layer, e.module, bits, "mse_" + e.view, e.error.mse});
    out.push_back({e.layer, e.module, bits, "cos_" + e.view, e.error.cosine});
    if (std::isfinite(e.error.sqnr_db))
      out.push_back({e.layer, e.module, bits, "sqnr_" + e.view, e.error.sqnr_db});
  }
  return out;
}

namespace {

/// Keeps every linear output of the current block.
class OutputTap : public ForwardHooks {
 public:
  void linearOutput(const LinearId& id, const MatrixRM&, MatrixRM& y) override {
    outputs[int(id.module)] = y;
  }
  bool modifiesLinearInputs() const override { return false; }
  std::map<int, MatrixRM> outputs;
};

}  // namespace

LayerErrorReport measureLayerError(const Model& fp, const Model& quantized,
                                   const std::vector<int>& tokens, int windows, int seqLen,
                                   ForwardHooks* quantizedHooks, const ProgressFn& progress) {
  const ModelConfig &a = fp.config(), &b = quantized.config();
  if (a.num_layers != b.num_layers || a.hidden_size != b.hidden_size)
    throw Error(ErrorKind::InvalidInput, "layer error: the two models differ in shape");
  if (windows < 1 || seqLen < 1 || tokens.size() < std::size_t(windows) * std::size_t(seqLen))
    throw Error(ErrorKind::InvalidInput, "layer error: need " + std::to_string(windows) +
                                             " windows of " + std::to_string(seqLen) +
                                             " tokens, have " + std::to_string(tokens.size()));
  const std::vector<int> ids(tokens.begin(), tokens.begin() + std::ptrdiff_t(windows) * seqLen);
  LayerErrorReport rep;
  MatrixRM hFp = fp.embed(ids);
  MatrixRM hQ = quantized.embed(ids);
  for (int blk = 0; blk < a.num_layers; ++blk) {
    reportProgress(progress, double(blk) / a.num_layers,
                   "layer error block " + std::to_string(blk));
    OutputTap tFp, tLocal, tProp;
    MatrixRM local = hFp;
    fp.forwardBlock(blk, hFp, windows, &tFp);
    ChainedHooks cl(quantizedHooks, &tLocal), cp(quantizedHooks, &tProp);
    quantized.forwardBlock(blk, local, windows, &cl);
    quantized.forwardBlock(blk, hQ, windows, &cp);
    rep.entries.push_back({blk, "block", "local", compareTensors(hFp, local)});
    rep.entries.push_back({blk, "block", "propagated", compareTensors(hFp, hQ)});
    for (const auto& [m, y] : tFp.outputs) {
      const std::string name = storeModuleName(Module(m));
      rep.entries.push_back({blk, name, "local", compareTensors(y, tLocal.outputs.at(m))});
      rep.entries.push_back({blk, name, "propagated", compareTensors(y, tProp.outputs.at(m))});
    }
  }
  reportProgress(progress, 1.0, "layer error done");
  return rep;
}

}  // namespace slmq::core
