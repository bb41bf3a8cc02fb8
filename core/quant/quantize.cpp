// The quantization pipeline: method list, calibration, transforms, quantizer, cost (quantize.h).
#include "core/quant/quantize.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/quantizer.h"
#include "core/quant/rotation/rotation.h"

namespace slmq::core {

std::vector<std::string> parseMethods(const std::string& methods) {
  static const std::set<std::string> known = {"rtn",    "gptq",      "awq",      "smoothquant",
                                              "quarot", "spinquant", "omniquant"};
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(methods);
  while (std::getline(in, item, ',')) {
    item.erase(std::remove_if(item.begin(), item.end(), ::isspace), item.end());
    std::transform(item.begin(), item.end(), item.begin(), ::tolower);
    if (item == "sq") item = "smoothquant";
    if (item.empty()) continue;
    if (!known.count(item))
      throw Error(ErrorKind::InvalidInput,
                  "unknown quantization method '" + item +
                      "' (expected rtn, gptq, awq, smoothquant, quarot, spinquant, omniquant)");
    if (std::find(out.begin(), out.end(), item) != out.end())
      throw Error(ErrorKind::InvalidInput,
                  "method '" + item + "' is listed twice in '" + methods + "'");
    out.push_back(item);
  }
  if (out.empty()) throw Error(ErrorKind::InvalidInput, "no quantization method given");
  const bool rtn = std::count(out.begin(), out.end(), "rtn") > 0;
  const bool gptq = std::count(out.begin(), out.end(), "gptq") > 0;
  if (rtn && gptq)
    throw Error(ErrorKind::InvalidInput,
                "'" + methods + "' names two weight quantizers (rtn and gptq); choose one");
  const bool quarot = std::count(out.begin(), out.end(), "quarot") > 0;
  if (quarot && out.size() > 1 + (rtn || gptq ? 1 : 0))
    throw Error(ErrorKind::InvalidInput,
                "'" + methods + "': quarot combines only with a weight quantizer (rtn or gptq)");
  const bool spin = std::count(out.begin(), out.end(), "spinquant") > 0;
  if (spin && out.size() > 1 + (rtn || gptq ? 1 : 0))
    throw Error(ErrorKind::InvalidInput,
                "'" + methods + "': spinquant combines only with a weight quantizer (rtn or gptq)");
  // OmniQuant quantizes the weights itself (learned clipping): it runs alone.
  if (std::count(out.begin(), out.end(), "omniquant") > 0) {
    if (out.size() > 1)
      throw Error(ErrorKind::InvalidInput, "'" + methods +
                                               "': omniquant is its own weight quantizer and "
                                               "combines with no other method");
    return out;
  }
  // The weight quantizer runs last.
  const std::string q = gptq ? "gptq" : "rtn";
  out.erase(std::remove(out.begin(), out.end(), q), out.end());
  out.push_back(q);
  return out;
}

QuantSpec withActClip(QuantSpec spec, float clip) {
  if (clip <= 0.f) return spec;
  if (spec.act.enabled() && spec.act.clip_ratio == 1.f) spec.act.clip_ratio = clip;
  for (auto& o : spec.overrides)
    if (o.act && o.act->enabled() && o.act->clip_ratio == 1.f) o.act->clip_ratio = clip;
  return spec;
}

namespace {

bool needsStaticScales(const QuantSpec& spec, int blocks) {
  for (int b = 0; b < blocks; ++b)
    for (int m = 0; m < kModuleCount; ++m) {
      const ActQuant a = spec.forLayer({b, Module(m)}).act;
      if (a.enabled() && a.granularity == ActGranularity::PerTensorStatic) return true;
    }
  return false;
}

/// Progress sub-range [from, to] of a parent callback.
ProgressFn subRange(const ProgressFn& p, double from, double to) {
  if (!p) return {};
  return [p, from, to](double f, std::string_view s) { return p(from + (to - from) * f, s); };
}

}  // namespace

QuantizeResult quantizeModel(Model& model, const QuantizeOptions& opts,
                             const ProgressFn& progress) {
  opts.spec.validate();
  QuantizeResult res;
  res.methods = parseMethods(opts.methods);
  const int blocks = model.config().num_layers;
  const bool quarot =
      std::find(res.methods.begin(), res.methods.end(), "quarot") != res.methods.end();
  if (quarot && opts.spec.quantizesActivations())
    res.act_clip_override = opts.quarot.act_clip_ratio;
  const bool spin =
      std::find(res.methods.begin(), res.methods.end(), "spinquant") != res.methods.end();
  if (spin && opts.spec.quantizesActivations())
    res.act_clip_override = opts.spinquant.act_clip_ratio;
  // The spec the quantizers and calibration actually apply (with the method's activation clip).
  const QuantSpec spec = withActClip(opts.spec, res.act_clip_override);
  const bool staticAct = needsStaticScales(opts.spec, blocks);
  if ((quarot || spin) && staticAct)
    throw Error(
        ErrorKind::InvalidInput,
        "quarot/spinquant with per-tensor static activation scales is not supported (the scales "
        "would have to be calibrated after the online R4); use per-token activations");
  const Rotation* r4 = nullptr;
  const bool needCalib =
      staticAct || std::any_of(res.methods.begin(), res.methods.end(), [](const std::string& m) {
        // quarot's rotations are data-free
        return m != "rtn" && m != "quarot";
      });
  ResourceMeter meter;
  std::vector<int> calibTokens;
  if (needCalib) {
    if (!model.tokenizer())
      throw Error(ErrorKind::InvalidInput, "calibration needs a tokenizer, and " +
                                               model.sourcePath().string() +
                                               " was loaded without one");
    reportProgress(progress, 0.0, "tokenize calibration text");
    calibTokens = drawCalibrationTokens(*model.tokenizer(), opts.calib);
    res.cost.calibration_seconds = meter.wallSeconds();
    res.cost.calibration_tokens = std::int64_t(calibTokens.size());
  }
  const double n = double(res.methods.size()) + (staticAct ? 1 : 0);
  double at = 0;
  for (const std::string& m : res.methods) {
    const ProgressFn p = subRange(progress, at / n, (at + 1) / n);
    if (m == "quarot") {
      reportProgress(p, 0.0, "quarot: fold norms and rotate");
      r4 = quarotModel(model, opts.quarot, &res.log);
      if (r4) res.online_r4_order = r4->order();
      if (res.act_clip_override > 0.f)
        res.log.push_back("quarot: activation clip ratio " +
                          std::to_string(res.act_clip_override).substr(0, 4) +
                          " where the spec gives none");
    } else if (m == "spinquant") {
      r4 = spinQuantModel(model, calibTokens, opts.calib.seq_len, opts.spec, opts.spinquant, p,
                          &res.log);
      res.online_r4_order = r4->order();
    } else if (m == "omniquant") {
      omniQuantModel(model, calibTokens, opts.calib, spec, opts.omniquant, p, &res.log);
      // Embeddings / LM head opt-ins are plain RTN.
      if (opts.spec.embeddings || opts.spec.lm_head) {
        QuantSpec rest = opts.spec;
        rest.decoder_linears = false;
        rest.overrides.clear();
        applyRtn(model.weights(), rest);
      }
    } else if (m == "smoothquant") {
      smoothQuantModel(model, calibTokens, opts.calib, opts.smoothquant, p, &res.log);
    } else if (m == "awq") {
      awqModel(model, calibTokens, opts.calib, opts.spec, opts.awq, p, &res.log);
    } else if (m == "gptq") {
      gptqModel(model, calibTokens, opts.calib, spec, opts.gptq, p, &res.log, r4);
      // GPTQ covers the decoder linears; embeddings / LM head opt-ins are plain RTN.
      if (opts.spec.embeddings || opts.spec.lm_head) {
        QuantSpec rest = opts.spec;
        rest.decoder_linears = false;
        rest.overrides.clear();
        applyRtn(model.weights(), rest);
      }
    } else {
      applyRtn(model.weights(), spec, p);
    }
    at += 1;
  }
  if (staticAct) {
    // Per-tensor static activation scales from the quantized model's linear inputs.
    auto stats = collectInputStats(model, calibTokens, opts.calib, StatsOptions{},
                                   subRange(progress, at / n, 1.0));
    res.static_scales.assign(std::size_t(blocks) * kModuleCount, 0.f);
    for (int b = 0; b < blocks; ++b)
      for (int m = 0; m < kModuleCount; ++m) {
        const ActQuant a = opts.spec.forLayer({b, Module(m)}).act;
        if (!a.enabled() || a.granularity != ActGranularity::PerTensorStatic) continue;
        const double absmax = stats[std::size_t(b)]->stats(Module(m)).absmax.maxCoeff();
        res.static_scales[std::size_t(b) * kModuleCount + m] =
            quantParamsFromRange(-float(absmax), float(absmax), a.bits, true, a.clip_ratio).scale;
      }
  }
  res.cost.wall_seconds = meter.wallSeconds();
  res.cost.cpu_seconds = meter.cpuSeconds();
  res.cost.peak_rss_bytes = meter.peakBytes();
  reportProgress(progress, 1.0, "quantized");
  return res;
}

std::unique_ptr<FakeQuantHooks> makeEvalHooks(const Model& model, const QuantSpec& spec,
                                              const QuantizeResult& result) {
  if (!spec.quantizesActivations() && result.online_r4_order == 0) return nullptr;
  const int blocks = model.config().num_layers;
  auto hooks =
      std::make_unique<FakeQuantHooks>(withActClip(spec, result.act_clip_override), blocks);
  if (result.online_r4_order > 0) {
    if (result.online_r4_order != model.config().intermediate_size)
      throw Error(ErrorKind::InvalidInput,
                  "makeEvalHooks: the run rotated down_proj inputs of order " +
                      std::to_string(result.online_r4_order) + " but the model's FFN width is " +
                      std::to_string(model.config().intermediate_size));
    hooks->setOnlineR4(&onlineR4(result.online_r4_order));
  }
  for (int b = 0; b < blocks; ++b)
    for (int m = 0; m < kModuleCount; ++m) {
      const std::size_t i = std::size_t(b) * kModuleCount + m;
      if (i < result.static_scales.size() && result.static_scales[i] > 0.f)
        hooks->setStaticScale({b, Module(m)}, result.static_scales[i]);
    }
  return hooks;
}

nlohmann::json QuantizeResult::toJson() const {
  return {{"methods", methods},
          {"cost",
           {{"wall_seconds", cost.wall_seconds},
            {"cpu_seconds", cost.cpu_seconds},
            {"peak_rss_bytes", cost.peak_rss_bytes},
            {"calibration_seconds", cost.calibration_seconds},
            {"calibration_tokens", cost.calibration_tokens}}},
          {"online_r4_order", online_r4_order},
          {"act_clip_override", act_clip_override},
          {"log", log}};
}

}  // namespace slmq::core
