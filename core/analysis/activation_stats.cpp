// Outlier and distribution collector and the stage preparation (see activation_stats.h).
#include "core/analysis/activation_stats.h"

#include <nlohmann/json.hpp>

#include "core/analysis/sensitivity.h"
#include "core/common/error.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/hadamard.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/methods/smoothquant.h"

namespace slmq::core {

// ---- collector ------------------------------------------------------------------------------

ActivationStatsCollector::ActivationStatsCollector(const ActivationStatsOptions& options,
                                                   int tokensPerSequence)
    : m_opts(options), m_tokens(tokensPerSequence) {
  if (m_opts.histogram_bins < 1)
    throw Error(ErrorKind::InvalidInput, "activation stats: histogram_bins must be >= 1");
}

bool ActivationStatsCollector::wanted(int layer) const {
  return m_opts.blocks.empty() ||
         std::find(m_opts.blocks.begin(), m_opts.blocks.end(), layer) != m_opts.blocks.end();
}

void ActivationStatsCollector::add(int layer, const std::string& module, const std::string& tensor,
                                   const MatrixRM& x) {
  const auto key = std::make_tuple(layer, module, tensor);
  if (m_tensors.count(key))
    throw Error(ErrorKind::InvalidInput,
                "activation stats: block " + std::to_string(layer) + " " + module + " " + tensor +
                    " was seen twice; pass every evaluation window in one forward call");
  if (x.size() == 0) return;
  TensorStatistics t;
  t.layer = layer;
  t.module = module;
  t.tensor = tensor;
  t.channels = channelStats(x);
  t.summary = tensorSummary(x);
  t.min = double(x.minCoeff());
  t.max = double(x.maxCoeff());
  t.linear = Histogram::linearOver(x, m_opts.histogram_bins);
  t.log10abs = Histogram::log10MagnitudeOver(x, m_opts.histogram_bins);
  t.massive = findMassiveActivations(x, m_opts.massive_factor, m_opts.massive_positions);
  m_tensors.emplace(key, std::move(t));
}

void ActivationStatsCollector::blockInput(int block, MatrixRM& hidden) {
  if (m_opts.residual && wanted(block)) add(block, "block", "residual", hidden);
}

void ActivationStatsCollector::linearInput(const LinearId& id, MatrixRM& x) {
  if (m_opts.inputs && wanted(id.block)) add(id.block, storeModuleName(id.module), "input", x);
}

void ActivationStatsCollector::linearOutput(const LinearId& id, const MatrixRM&, MatrixRM& y) {
  if (m_opts.outputs && wanted(id.block)) add(id.block, storeModuleName(id.module), "output", y);
}

void ActivationStatsCollector::addWeights(const Model& model) {
  if (!m_opts.weights) return;
  for (int b = 0; b < model.config().num_layers; ++b) {
    if (!wanted(b)) continue;
    for (int m = 0; m < kModuleCount; ++m) {
      const Linear& lin = model.weights().linear({b, Module(m)});
      if (lin.weight.size() == 0)
        throw Error(ErrorKind::Unsupported, "activation stats: block " + std::to_string(b) + " " +
                                                moduleName(Module(m)) +
                                                " has no float weight (packed model)");
      add(b, storeModuleName(Module(m)), "weight", lin.weight);
    }
  }
}

std::vector<DistributionRecord> ActivationStatsCollector::distributionRecords(
    const std::string& stage) const {
  std::vector<DistributionRecord> out;
  for (const auto& [key, t] : m_tensors) {
    DistributionRecord r;
    r.layer = t.layer;
    r.module = t.module;
    r.tensor = t.tensor;
    r.stage = stage;
    r.n = t.summary.count;
    r.min = t.min;
    r.max = t.max;
    r.mean = t.summary.mean;
    r.std = t.summary.std;
    r.absmax = t.summary.absmax;
    r.kurtosis = t.summary.kurtosis - 3.0;
    r.bin_edges = t.linear.edges();
    r.counts.assign(t.linear.counts().begin(), t.linear.counts().end());
    out.push_back(r);
    DistributionRecord l = r;
    l.tensor = t.tensor + "_log10abs";
    l.bin_edges = t.log10abs.edges();
    l.counts.assign(t.log10abs.counts().begin(), t.log10abs.counts().end());
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<ChannelStatRecord> ActivationStatsCollector::channelStatRecords() const {
  std::vector<ChannelStatRecord> out;
  for (const auto& [key, t] : m_tensors) {
    auto push = [&](const char* stat, const VectorD& v, double offset = 0) {
      ChannelStatRecord r{t.layer, t.module, t.tensor, stat, {}};
      r.values.resize(std::size_t(v.size()));
      for (Eigen::Index i = 0; i < v.size(); ++i) r.values[std::size_t(i)] = float(v[i] + offset);
      out.push_back(std::move(r));
    };
    const ChannelStats& c = t.channels;
    push("absmax", c.absmax);
    push("mean", c.mean);
    push("std", c.std);
    push("kurtosis", c.kurtosis, -3.0);
    if (c.p999_abs.size()) push("p999", c.p999_abs);
    if (!c.count_6sigma.empty()) {
      VectorD n(Eigen::Index(c.count_6sigma.size()));
      for (std::size_t i = 0; i < c.count_6sigma.size(); ++i)
        n[Eigen::Index(i)] = double(c.count_6sigma[i]);
      push("count_6sigma", n);
    }
  }
  return out;
}

nlohmann::json ActivationStatsCollector::massiveJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, t] : m_tensors) {
    if (t.massive.count == 0 || t.tensor == "weight") continue;
    nlohmann::json pos = nlohmann::json::array();
    for (const auto& a : t.massive.largest)
      pos.push_back({{"sequence", m_tokens > 0 ? a.row / m_tokens : 0},
                     {"token", m_tokens > 0 ? a.row % m_tokens : a.row},
                     {"channel", a.channel},
                     {"value", a.value}});
    out.push_back({{"layer", t.layer},
                   {"module", t.module},
                   {"tensor", t.tensor},
                   {"median_abs", t.massive.median_abs},
                   {"threshold", t.massive.threshold},
                   {"count", t.massive.count},
                   {"largest", pos}});
  }
  return out;
}

// ---- stages ---------------------------------------------------------------------------------

const char* statsStageName(StatsStage s) noexcept {
  switch (s) {
    case StatsStage::Fp:
      return "fp";
    case StatsStage::SmoothQuant:
      return "smoothquant";
    case StatsStage::Rotated:
      return "rotated";
    case StatsStage::Quantized:
      return "quantized";
  }
  return "?";
}

StatsStage statsStageFromName(const std::string& name) {
  for (StatsStage s :
       {StatsStage::Fp, StatsStage::SmoothQuant, StatsStage::Rotated, StatsStage::Quantized})
    if (name == statsStageName(s)) return s;
  throw Error(ErrorKind::InvalidInput, "stats: unknown stage '" + name +
                                           "' (expected fp, smoothquant, rotated or quantized)");
}

namespace {

/// Rotates the inputs of q/k/v/gate/up by R1 and of down by R4 (the weights were rotated to
/// match), shows the residual stream rotated by R1 to `next`, then forwards every tap.
class RotationHooks : public ForwardHooks {
 public:
  RotationHooks(Rotation r1, Rotation r4, ForwardHooks* next)
      : m_r1(std::move(r1)), m_r4(std::move(r4)), m_next(next) {}
  void blockInput(int block, MatrixRM& h) override {
    if (!m_next) return;
    MatrixRM r = h;
    m_r1.applyRows(r);
    m_next->blockInput(block, r);
  }
  void blockOutput(int block, MatrixRM& h) override {
    if (m_next) {
      MatrixRM r = h;
      m_r1.applyRows(r);
      m_next->blockOutput(block, r);
    }
  }
  void linearInput(const LinearId& id, MatrixRM& x) override {
    if (id.module == Module::Down)
      m_r4.applyRows(x);
    else if (id.module != Module::O)
      m_r1.applyRows(x);
    if (m_next) m_next->linearInput(id, x);
  }
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override {
    if (m_next) m_next->linearOutput(id, x, y);
  }
  bool modifiesLinearInputs() const override { return true; }

 private:
  Rotation m_r1, m_r4;
  ForwardHooks* m_next;
};

/// W ← W·diag(γ)·R (columns scaled by the folded norm weight, then rotated).
void foldAndRotate(MatrixRM& w, const VectorF& gamma, const Rotation& r) {
  if (gamma.size()) w = w * gamma.asDiagonal();
  r.applyRows(w);
}

}  // namespace

PreparedStage prepareStatsStage(const Model& fp, StatsStage stage,
                                const std::vector<int>& calibTokens,
                                const StatsStageOptions& options, ForwardHooks* next) {
  PreparedStage p;
  p.model = std::make_unique<Model>(fp);
  Model& m = *p.model;
  switch (stage) {
    case StatsStage::Fp:
      break;
    case StatsStage::SmoothQuant: {
      CalibrationOptions calib;
      calib.samples = options.calibration_windows;
      calib.seq_len = 512;
      calib.seed = options.seed;
      const std::vector<int> windows = drawCalibrationWindows(calibTokens, calib, "stats text");
      SmoothQuantOptions so;
      so.alpha = options.smoothquant_alpha;
      smoothQuantModel(m, windows, calib, so, {}, &p.log);
      break;
    }
    case StatsStage::Rotated: {
      const ModelConfig& c = m.config();
      Rotation r1 = Rotation::random(c.hidden_size, options.seed);
      Rotation r4 = Rotation::random(c.intermediate_size, options.seed + 1);
      p.log.push_back("rotated: R1 " + r1.construction() + ", R4 " + r4.construction());
      for (auto& blk : m.weights().blocks) {
        for (Linear* l : {&blk.q, &blk.k, &blk.v}) foldAndRotate(l->weight, blk.attn_norm, r1);
        for (Linear* l : {&blk.gate, &blk.up}) foldAndRotate(l->weight, blk.mlp_norm, r1);
        r4.applyRows(blk.down.weight);
        blk.attn_norm.setOnes();
        blk.mlp_norm.setOnes();
      }
      p.hooks = std::make_unique<RotationHooks>(std::move(r1), std::move(r4), next);
      break;
    }
    case StatsStage::Quantized: {
      options.quant.validate();
      if (options.quant.quantizesActivations() &&
          options.quant.act.granularity == ActGranularity::PerTensorStatic)
        throw Error(ErrorKind::Unsupported,
                    "stats: the quantized stage supports per-token activations only");
      applyRtn(m.weights(), options.quant);
      p.log.push_back("quantized: RTN " + options.quant.shortName());
      if (options.quant.quantizesActivations())
        p.hooks = std::make_unique<FakeQuantHooks>(options.quant, m.config().num_layers, next);
      break;
    }
  }
  return p;
}

StatsReport collectActivationStats(const Model& fp, const std::vector<int>& tokens, int windows,
                                   int seqLen, StatsStage stage,
                                   const ActivationStatsOptions& options,
                                   const StatsStageOptions& stageOptions,
                                   const ProgressFn& progress) {
  if (windows < 1 || seqLen < 1 || tokens.size() < std::size_t(windows) * std::size_t(seqLen))
    throw Error(ErrorKind::InvalidInput, "stats: need " + std::to_string(windows) + " windows of " +
                                             std::to_string(seqLen) + " tokens, the text has " +
                                             std::to_string(tokens.size()));
  StatsReport r;
  r.stage = stage;
  r.collector = std::make_unique<ActivationStatsCollector>(options, seqLen);
  reportProgress(progress, 0.0, std::string("stats: preparing ") + statsStageName(stage));
  PreparedStage p = prepareStatsStage(fp, stage, tokens, stageOptions, r.collector.get());
  r.log = p.log;
  reportProgress(progress, 0.3, std::string("stats: forward ") + statsStageName(stage));
  const std::vector<int> ids(tokens.begin(), tokens.begin() + std::ptrdiff_t(windows) * seqLen);
  ForwardHooks* hooks = p.hooks ? p.hooks.get() : r.collector.get();
  p.model->forwardHidden(ids, windows, hooks);
  reportProgress(progress, 0.8, "stats: weights");
  r.collector->addWeights(*p.model);
  reportProgress(progress, 1.0, "stats done");
  return r;
}

}  // namespace slmq::core
