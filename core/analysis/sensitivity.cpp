// Per-layer sensitivity scan (see sensitivity.h): settings parsing, the incremental evaluator and
// the worker pool over units.
#include "core/analysis/sensitivity.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/quantizer.h"

namespace slmq::core {

// ---- names
// ----------------------------------------------------------------------------------------

const char* sensitivityMetricName(SensitivityMetric m) noexcept {
  switch (m) {
    case SensitivityMetric::DeltaPerplexity:
      return "dppl";
    case SensitivityMetric::Kld:
      return "kld";
    case SensitivityMetric::BlockMse:
      return "mse";
  }
  return "?";
}

SensitivityMetric sensitivityMetricFromName(const std::string& name) {
  if (name == "dppl" || name == "ppl" || name == "delta_ppl")
    return SensitivityMetric::DeltaPerplexity;
  if (name == "kld") return SensitivityMetric::Kld;
  if (name == "mse") return SensitivityMetric::BlockMse;
  throw Error(ErrorKind::InvalidInput,
              "sensitivity: unknown metric '" + name + "' (expected dppl, kld or mse)");
}

const char* sensitivityModeName(SensitivityMode m) noexcept {
  return m == SensitivityMode::OnlyThis ? "only_this" : "all_but_this";
}

SensitivityMode sensitivityModeFromName(const std::string& name) {
  if (name == "only_this" || name == "only") return SensitivityMode::OnlyThis;
  if (name == "all_but_this" || name == "all-but" || name == "all_but")
    return SensitivityMode::AllButThis;
  throw Error(ErrorKind::InvalidInput,
              "sensitivity: unknown mode '" + name + "' (expected only or all-but)");
}

std::string storeModuleName(Module m) {
  return std::string(moduleName(m)) + "_proj";
}

std::vector<SensitivitySetting> parseSensitivitySettings(const std::string& list) {
  std::vector<SensitivitySetting> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    std::string lower = item;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    SensitivitySetting s;
    const bool shortForm = lower.size() >= 2 && (lower[0] == 'w' || lower[0] == 'a') &&
                           lower.find_first_not_of("0123456789", 1) == std::string::npos;
    if (shortForm) {
      const int bits = std::stoi(lower.substr(1));
      s.name = lower;
      if (lower[0] == 'w') {
        s.weight.bits = bits;
        s.weight.granularity = WeightGranularity::PerGroup;
        s.weight.group_size = 128;
        s.weight.symmetric = false;
      } else {
        s.act.bits = bits;
        s.act.granularity = ActGranularity::PerToken;
        s.act.symmetric = true;
      }
    } else {
      std::string text = item;
      std::replace(text.begin(), text.end(), ';', ' ');
      std::replace(text.begin(), text.end(), '+', ' ');
      const QuantSpec spec = QuantSpec::parse(text);
      s.name = spec.shortName();
      s.weight = spec.weight;
      s.act = spec.act;
    }
    QuantSpec check;
    check.weight = s.weight;
    check.act = s.act;
    try {
      check.validate();
    } catch (const Error& e) {
      throw Error(ErrorKind::InvalidInput,
                  "sensitivity setting '" + item + "': " + std::string(e.what()));
    }
    if (!s.weight.enabled() && !s.act.enabled())
      throw Error(ErrorKind::InvalidInput, "sensitivity setting '" + item +
                                               "' quantizes nothing (16-bit weights and "
                                               "activations)");
    if (s.act.enabled() && s.act.granularity == ActGranularity::PerTensorStatic)
      throw Error(ErrorKind::Unsupported,
                  "sensitivity setting '" + item +
                      "': static activation scales need calibration; use per-token activations");
    out.push_back(s);
  }
  if (out.empty())
    throw Error(ErrorKind::InvalidInput, "sensitivity: no settings given in '" + list + "'");
  return out;
}

// ---- unit specs -------------------------------------------------------------------------------

namespace {

std::vector<int> resolveBlocks(const std::vector<int>& blocks, int numBlocks) {
  std::vector<int> out = blocks;
  if (out.empty())
    for (int b = 0; b < numBlocks; ++b) out.push_back(b);
  for (int b : out)
    if (b < 0 || b >= numBlocks)
      throw Error(ErrorKind::InvalidInput, "sensitivity: block " + std::to_string(b) +
                                               " out of range [0, " + std::to_string(numBlocks) +
                                               ")");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Module> resolveModules(const std::vector<Module>& modules) {
  std::vector<Module> out = modules;
  if (out.empty())
    for (int m = 0; m < kModuleCount; ++m) out.push_back(Module(m));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

QuantSpec sensitivityUnitSpec(const SensitivitySetting& setting, SensitivityMode mode, int block,
                              Module module, int numBlocks, const std::vector<int>& blocks,
                              const std::vector<Module>& modules) {
  QuantSpec spec;
  spec.decoder_linears = false;
  LayerOverride on{-1, std::nullopt, setting.weight, setting.act};
  if (mode == SensitivityMode::OnlyThis) {
    on.block = block;
    on.module = module;
    spec.overrides.push_back(on);
    return spec;
  }
  const std::vector<int> bs = resolveBlocks(blocks, numBlocks);
  const std::vector<Module> ms = resolveModules(modules);
  if (blocks.empty() && modules.empty()) {
    spec.overrides.push_back(on);  // every decoder linear
  } else {
    for (int b : bs)
      for (Module m : ms) spec.overrides.push_back({b, m, setting.weight, setting.act});
  }
  spec.overrides.push_back({block, module, WeightQuant{}, ActQuant{}});  // the unit stays FP
  return spec;
}

// ---- result accessors -------------------------------------------------------------------------

double SensitivityResult::value(int block, Module module, int s) const {
  for (const auto& e : entries)
    if (e.block == block && e.module == module && e.setting == s) return e.value;
  return std::numeric_limits<double>::quiet_NaN();
}

std::vector<LayerMetricRecord> SensitivityResult::toLayerMetrics() const {
  std::vector<LayerMetricRecord> out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    const SensitivitySetting& s = settings.at(std::size_t(e.setting));
    std::string metricName = sensitivityMetricName(metric);
    if (s.activationOnly()) metricName += "_act";
    out.push_back({e.block, storeModuleName(e.module), s.bits(), metricName, e.value});
  }
  return out;
}

nlohmann::json SensitivityResult::toJson() const {
  using nlohmann::json;
  json settingsJ = json::array();
  for (const auto& s : settings) {
    QuantSpec q;
    q.weight = s.weight;
    q.act = s.act;
    settingsJ.push_back({{"name", s.name}, {"bits", s.bits()}, {"spec", q.toJson()}});
  }
  json entriesJ = json::array();
  for (const auto& e : entries)
    entriesJ.push_back({{"block", e.block},
                        {"module", moduleName(e.module)},
                        {"setting", e.setting},
                        {"value", e.value},
                        {"raw", e.raw}});
  return {{"metric", sensitivityMetricName(metric)},
          {"mode", sensitivityModeName(mode)},
          {"settings", settingsJ},
          {"seq_len", seq_len},
          {"chunks", chunks},
          {"predicted_tokens", predicted_tokens},
          {"fp_perplexity", fp_perplexity},
          {"all_quantized", all_quantized},
          {"wall_seconds", wall_seconds},
          {"threads", threads},
          {"entries", entriesJ}};
}

SensitivityResult SensitivityResult::fromJson(const nlohmann::json& j) {
  SensitivityResult r;
  auto field = [&](const nlohmann::json& o, const char* key) -> const nlohmann::json& {
    if (!o.is_object() || !o.contains(key))
      throw Error(ErrorKind::InvalidInput,
                  std::string("sensitivity JSON: missing field '") + key + "'");
    return o.at(key);
  };
  try {
    r.metric = sensitivityMetricFromName(field(j, "metric").get<std::string>());
    r.mode = sensitivityModeFromName(field(j, "mode").get<std::string>());
    for (const auto& s : field(j, "settings")) {
      SensitivitySetting st;
      st.name = field(s, "name").get<std::string>();
      const QuantSpec q = QuantSpec::fromJson(field(s, "spec"));
      st.weight = q.weight;
      st.act = q.act;
      r.settings.push_back(st);
    }
    r.seq_len = j.value("seq_len", 0);
    r.chunks = j.value("chunks", 0);
    r.predicted_tokens = j.value("predicted_tokens", std::int64_t(0));
    r.fp_perplexity = j.value("fp_perplexity", 0.0);
    if (j.contains("all_quantized"))
      r.all_quantized = j.at("all_quantized").get<std::vector<double>>();
    r.wall_seconds = j.value("wall_seconds", 0.0);
    r.threads = j.value("threads", 1);
    for (const auto& e : field(j, "entries")) {
      SensitivityEntry en;
      en.block = field(e, "block").get<int>();
      en.module = moduleFromName(field(e, "module").get<std::string>());
      en.setting = field(e, "setting").get<int>();
      if (en.setting < 0 || en.setting >= int(r.settings.size()))
        throw Error(ErrorKind::InvalidInput, "sensitivity JSON: entry setting index " +
                                                 std::to_string(en.setting) + " out of range");
      en.value = field(e, "value").get<double>();
      en.raw = e.value("raw", en.value);
      r.entries.push_back(en);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::InvalidInput, std::string("sensitivity JSON: ") + e.what());
  }
  return r;
}

// ---- evaluation -----------------------------------------------------------------------------

namespace {

/// Sets computeThreads() for a scope and restores it.
class ComputeThreadsScope {
 public:
  explicit ComputeThreadsScope(int n) : m_old(computeThreads()) { setComputeThreads(n); }
  ~ComputeThreadsScope() { setComputeThreads(m_old); }

 private:
  int m_old;
};

/// log Σ exp(row) of one logit row, with a double accumulator over vectorised float exp.
double logSumExp(const float* row, int n) {
  Eigen::Map<const Eigen::ArrayXf> r(row, n);
  const float mx = r.maxCoeff();
  const Eigen::ArrayXf e = (r - mx).exp();
  return double(mx) + std::log(e.cast<double>().sum());
}

/// Everything shared by the workers of one scan (read-only while workers run).
struct ScanData {
  const Model* model = nullptr;
  int L = 0, len = 0, chunks = 0, vocab = 0;
  std::vector<int> ids;        ///< [chunks·len]
  std::vector<MatrixRM> fp;    ///< FP residual entering block b; [L] = after the last block
  MatrixRM fpLogProbs;         ///< [rows, vocab] (kld only)
  std::vector<MatrixRM> base;  ///< baseline residual (all-but, not mse); empty = use fp
  std::vector<int> blocks;
  std::vector<Module> modules;
};

/// Σ NLL (dppl) or Σ KLD (kld) over the predicted positions, from final hidden states.
double scoreHidden(const Model& m, const ScanData& d, const MatrixRM& h, SensitivityMetric metric) {
  double total = 0;
  for (int c = 0; c < d.chunks; ++c) {
    const MatrixRM logits = m.logitsFromHidden(h.middleRows(Eigen::Index(c) * d.len, d.len));
    for (int t = 0; t + 1 < d.len; ++t) {
      const float* row = logits.row(t).data();
      const double lse = logSumExp(row, d.vocab);
      if (metric == SensitivityMetric::DeltaPerplexity) {
        const int target = d.ids[std::size_t(c) * std::size_t(d.len) + std::size_t(t) + 1];
        total += lse - double(row[target]);
      } else {
        // KL(P‖Q) = Σ p (log p − log q), P from the FP log-probabilities.
        Eigen::Map<const Eigen::ArrayXf> lp(d.fpLogProbs.row(Eigen::Index(c) * d.len + t).data(),
                                            d.vocab);
        Eigen::Map<const Eigen::ArrayXf> q(row, d.vocab);
        const Eigen::ArrayXd lpd = lp.cast<double>();
        const Eigen::ArrayXd lq = q.cast<double>() - lse;
        total += (lpd.exp() * (lpd - lq)).sum();
      }
    }
  }
  return total;
}

/// One worker's private model: a copy whose scanned units hold the baseline weights.
struct Worker {
  std::unique_ptr<Model> model;
  int setting = -1;
};

struct Job {
  int block;
  Module module;
};

}  // namespace

SensitivityResult measureSensitivity(const Model& model, const std::vector<int>& tokens,
                                     const SensitivityOptions& opt, const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const ModelConfig& cfg = model.config();
  if (opt.settings.empty())
    throw Error(ErrorKind::InvalidInput, "sensitivity: no settings to measure");
  if (opt.seq_len < 2 || opt.chunks < 1)
    throw Error(ErrorKind::InvalidInput, "sensitivity: seq_len must be >= 2 and chunks >= 1");
  const std::size_t need = std::size_t(opt.seq_len) * std::size_t(opt.chunks);
  if (tokens.size() < need)
    throw Error(ErrorKind::InvalidInput, "sensitivity: the evaluation text has " +
                                             std::to_string(tokens.size()) +
                                             " tokens, fewer than " + std::to_string(opt.chunks) +
                                             " chunks of " + std::to_string(opt.seq_len));
  for (const auto& b : model.weights().blocks)
    for (int m = 0; m < kModuleCount; ++m)
      if (b.linear(Module(m)).weight.size() == 0)
        throw Error(ErrorKind::Unsupported,
                    "sensitivity: the model's float weights were freed (packed model); load it "
                    "again unpacked");

  ScanData d;
  d.model = &model;
  d.L = cfg.num_layers;
  d.len = opt.seq_len;
  d.chunks = opt.chunks;
  d.vocab = cfg.vocab_size;
  d.ids.assign(tokens.begin(), tokens.begin() + std::ptrdiff_t(need));
  d.blocks = resolveBlocks(opt.blocks, d.L);
  d.modules = resolveModules(opt.modules);
  const SensitivityMetric metric = opt.metric;
  const SensitivityMode mode = opt.mode;
  const int nThreads = std::max(1, opt.threads > 0 ? opt.threads : computeThreads());

  SensitivityResult res;
  res.metric = metric;
  res.mode = mode;
  res.settings = opt.settings;
  res.seq_len = d.len;
  res.chunks = d.chunks;
  res.predicted_tokens = std::int64_t(d.chunks) * (d.len - 1);
  res.threads = nThreads;

  const std::vector<Job> units = [&] {
    std::vector<Job> u;
    for (int b : d.blocks)
      for (Module m : d.modules) u.push_back({b, m});
    return u;
  }();
  const double totalSteps = double(opt.settings.size() * (units.size() + 1)) + 1;
  double stepsDone = 0;
  reportProgress(progress, 0.0, "sensitivity: FP reference");

  // FP residual stream entering every block, the FP perplexity and (kld) log-probabilities.
  d.fp.resize(std::size_t(d.L) + 1);
  d.fp[0] = model.embed(d.ids);
  for (int b = 0; b < d.L; ++b) {
    d.fp[std::size_t(b) + 1] = d.fp[std::size_t(b)];
    model.forwardBlock(b, d.fp[std::size_t(b) + 1], d.chunks);
  }
  if (metric == SensitivityMetric::Kld) {
    d.fpLogProbs.resize(Eigen::Index(need), d.vocab);
    for (int c = 0; c < d.chunks; ++c) {
      const MatrixRM logits =
          model.logitsFromHidden(d.fp[std::size_t(d.L)].middleRows(Eigen::Index(c) * d.len, d.len));
      for (int t = 0; t < d.len; ++t) {
        const double lse = logSumExp(logits.row(t).data(), d.vocab);
        d.fpLogProbs.row(Eigen::Index(c) * d.len + t) =
            (logits.row(t).cast<double>().array() - lse).cast<float>().matrix();
      }
    }
  }
  const double denomTokens = double(res.predicted_tokens);
  if (metric == SensitivityMetric::DeltaPerplexity)
    res.fp_perplexity =
        std::exp(scoreHidden(model, d, d.fp[std::size_t(d.L)], metric) / denomTokens);
  stepsDone += 1;

  // Raw score -> reported value.
  auto toValue = [&](double raw) {
    return metric == SensitivityMetric::DeltaPerplexity ? raw - res.fp_perplexity : raw;
  };
  auto rawFromHidden = [&](const Model& m, const MatrixRM& h) {
    const double s = scoreHidden(m, d, h, metric);
    return metric == SensitivityMetric::DeltaPerplexity ? std::exp(s / denomTokens)
                                                        : s / denomTokens;
  };

  // Workers' private copies of the model.
  std::vector<Worker> workers(static_cast<std::size_t>(nThreads));
  for (auto& w : workers) w.model = std::make_unique<Model>(model);

  for (std::size_t si = 0; si < opt.settings.size(); ++si) {
    const SensitivitySetting& setting = opt.settings[si];
    const std::string stage = "sensitivity " + setting.name;
    // Quantized weights of every scanned unit at this setting.
    std::map<std::pair<int, int>, MatrixRM> qW;
    if (setting.weight.enabled())
      for (const Job& u : units)
        qW[{u.block, int(u.module)}] =
            fakeQuantWeight(model.weights().linear({u.block, u.module}).weight, setting.weight);
    // Baseline weights of the workers: FP (only this) or every scanned unit quantized.
    for (auto& w : workers)
      for (const Job& u : units) {
        const LinearId id{u.block, u.module};
        w.model->weights().linear(id).weight =
            (mode == SensitivityMode::AllButThis && setting.weight.enabled())
                ? qW.at({u.block, int(u.module)})
                : model.weights().linear(id).weight;
      }
    // All-but baseline: the residual stream with every scanned unit quantized.
    d.base.clear();
    if (mode == SensitivityMode::AllButThis) {
      QuantSpec all;
      all.decoder_linears = false;
      for (const Job& u : units)
        all.overrides.push_back({u.block, u.module, setting.weight, setting.act});
      FakeQuantHooks hooks(all, d.L);
      ForwardHooks* hk = setting.act.enabled() ? &hooks : nullptr;
      const Model& bm = *workers[0].model;
      if (metric == SensitivityMetric::BlockMse) {
        double se = 0;
        for (int b : d.blocks) {
          MatrixRM h = d.fp[std::size_t(b)];
          bm.forwardBlock(b, h, d.chunks, hk);
          se += (h - d.fp[std::size_t(b) + 1]).squaredNorm() / double(h.size());
        }
        res.all_quantized.push_back(se / double(d.blocks.size()));
      } else {
        d.base.resize(std::size_t(d.L) + 1);
        d.base[0] = d.fp[0];
        for (int b = 0; b < d.L; ++b) {
          d.base[std::size_t(b) + 1] = d.base[std::size_t(b)];
          bm.forwardBlock(b, d.base[std::size_t(b) + 1], d.chunks, hk);
        }
        res.all_quantized.push_back(toValue(rawFromHidden(bm, d.base[std::size_t(d.L)])));
      }
    }
    stepsDone += 1;
    reportProgress(progress, stepsDone / totalSteps, stage);

    // One unit on one worker.
    auto evaluate = [&](Worker& w, const Job& u) -> SensitivityEntry {
      const LinearId id{u.block, u.module};
      MatrixRM& wt = w.model->weights().linear(id).weight;
      if (setting.weight.enabled())
        wt = mode == SensitivityMode::OnlyThis ? qW.at({u.block, int(u.module)})
                                               : model.weights().linear(id).weight;
      std::unique_ptr<FakeQuantHooks> hooks;
      if (setting.act.enabled())
        hooks = std::make_unique<FakeQuantHooks>(
            sensitivityUnitSpec(setting, mode, u.block, u.module, d.L, opt.blocks, opt.modules),
            d.L);
      double raw;
      if (metric == SensitivityMetric::BlockMse) {
        MatrixRM h = d.fp[std::size_t(u.block)];
        w.model->forwardBlock(u.block, h, d.chunks, hooks.get());
        raw = (h - d.fp[std::size_t(u.block) + 1]).squaredNorm() / double(h.size());
      } else {
        const std::vector<MatrixRM>& cache = d.base.empty() ? d.fp : d.base;
        const int start = opt.incremental ? u.block : 0;
        MatrixRM h = cache[std::size_t(start)];
        for (int b = start; b < d.L; ++b) w.model->forwardBlock(b, h, d.chunks, hooks.get());
        raw = rawFromHidden(*w.model, h);
      }
      // Restore the baseline weight.
      if (setting.weight.enabled())
        wt = mode == SensitivityMode::OnlyThis ? model.weights().linear(id).weight
                                               : qW.at({u.block, int(u.module)});
      return {u.block, u.module, int(si), toValue(raw), raw};
    };

    std::vector<SensitivityEntry> out(units.size());
    if (nThreads == 1) {
      for (std::size_t i = 0; i < units.size(); ++i) {
        out[i] = evaluate(workers[0], units[i]);
        stepsDone += 1;
        reportProgress(progress, stepsDone / totalSteps, stage);
      }
    } else {
      std::atomic<std::size_t> next{0};
      std::atomic<bool> stop{false};
      std::mutex mu;
      std::condition_variable cv;
      std::size_t finished = 0;
      std::exception_ptr failure;
      {
        ComputeThreadsScope one(1);
        std::vector<std::thread> pool;
        for (int t = 0; t < nThreads; ++t)
          pool.emplace_back([&, t] {
            for (;;) {
              if (stop) break;
              const std::size_t i = next++;
              if (i >= units.size()) break;
              try {
                out[i] = evaluate(workers[std::size_t(t)], units[i]);
              } catch (...) {
                std::lock_guard<std::mutex> lk(mu);
                if (!failure) failure = std::current_exception();
                stop = true;
              }
              {
                std::lock_guard<std::mutex> lk(mu);
                ++finished;
              }
              cv.notify_one();
            }
          });
        std::size_t reported = 0;
        std::exception_ptr cancel;
        for (;;) {
          std::unique_lock<std::mutex> lk(mu);
          cv.wait_for(lk, std::chrono::milliseconds(200));
          const std::size_t f = finished;
          const bool done = f >= units.size() || (stop && !cancel);
          lk.unlock();
          if (f != reported && !cancel) {
            reported = f;
            try {
              reportProgress(progress, (stepsDone + double(f)) / totalSteps, stage);
            } catch (...) {
              cancel = std::current_exception();
              stop = true;
            }
          }
          if (done || cancel) break;
        }
        for (auto& th : pool) th.join();
        if (cancel) std::rethrow_exception(cancel);
        if (failure) std::rethrow_exception(failure);
      }
      stepsDone += double(units.size());
    }
    res.entries.insert(res.entries.end(), out.begin(), out.end());
  }
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reportProgress(progress, 1.0, "sensitivity done");
  return res;
}

}  // namespace slmq::core
