// runExperiment: ExperimentSpec -> stored run (see runner.h). The model and the evaluations are
// built by run_model.h's functions, shared with the later evaluation of a stored run.
#include "core/jobs/runner.h"

#include <algorithm>
#include <exception>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/analysis/sensitivity.h"
#include "core/common/assets.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/eval/perplexity.h"
#include "core/jobs/run_model.h"
#include "core/jobs/run_scores.h"
#include "core/model/model.h"
#include "core/quant/quantize.h"
#include "core/store/store.h"

namespace slmq::core {

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Progress: the run is split into weighted stages; each stage's own fraction is mapped into
// [begin, end) of the whole.
// ---------------------------------------------------------------------------------------------

class StagedProgress {
 public:
  StagedProgress(const ProgressFn& outer, double begin, double end)
      : m_outer(outer), m_begin(begin), m_end(end) {}
  /// Plans stages with relative weights; call before stage().
  void plan(const std::vector<std::pair<std::string, double>>& stages) {
    double total = 0;
    for (const auto& s : stages) total += s.second;
    double at = 0;
    for (const auto& [name, w] : stages) {
      m_spans[name] = {at / total, (at + w) / total};
      at += w;
    }
  }
  /// A ProgressFn for stage `name` (its fraction in [0,1] mapped onto the stage's span).
  ProgressFn stage(const std::string& name) {
    const auto it = m_spans.find(name);
    const auto span = it == m_spans.end() ? std::pair<double, double>{0, 0} : it->second;
    return [this, span, name](double f, std::string_view label) {
      const double g = span.first + std::clamp(f, 0.0, 1.0) * (span.second - span.first);
      if (!m_outer) return true;
      return m_outer(m_begin + g * (m_end - m_begin), label.empty() ? name : label);
    };
  }
  void report(const std::string& name, double f, std::string_view label) {
    reportProgress(stage(name), f, label);
  }

 private:
  ProgressFn m_outer;
  double m_begin, m_end;
  std::map<std::string, std::pair<double, double>> m_spans;
};

std::vector<Module> modulesFromNames(const std::vector<std::string>& names) {
  std::vector<Module> out;
  for (const auto& n : names) {
    bool found = false;
    for (int m = 0; m < kModuleCount; ++m)
      if (storeModuleName(Module(m)) == n || std::string(moduleName(Module(m))) == n) {
        out.push_back(Module(m));
        found = true;
      }
    if (!found)
      throw Error(ErrorKind::InvalidInput,
                  "spec.analyses.sensitivity.modules: unknown module \"" + n + "\"");
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public helpers
// ---------------------------------------------------------------------------------------------

std::filesystem::path resolveModelPath(const std::string& model) {
  if (model.empty()) throw Error(ErrorKind::InvalidInput, "spec.model: empty model path");
  if (std::filesystem::exists(model)) return model;
  for (const std::string& cand : {model, "models/" + model})
    if (assetExists(cand)) return assetPath(cand);
  throw Error(ErrorKind::NotFound, "model not found: " + model +
                                       " (neither a path nor an asset in " + assetsRoot().string() +
                                       "/models)");
}

std::filesystem::path resolveTextPath(const std::string& text) {
  if (text.empty()) throw Error(ErrorKind::InvalidInput, "empty text file name in spec");
  if (std::filesystem::exists(text)) return text;
  for (const std::string& cand : {text, "text/" + text, "text/" + text + ".txt"})
    if (assetExists(cand)) return assetPath(cand);
  throw Error(ErrorKind::NotFound, "text file not found: " + text +
                                       " (neither a path nor an asset under " +
                                       (assetsRoot() / "text").string() + ")");
}

std::string textDatasetName(const std::string& text) {
  return std::filesystem::path(text).stem().string();
}

std::string runDisplayName(const ExperimentSpec& spec) {
  if (!spec.name.empty()) return spec.name;
  std::string name = spec.methodLabel();
  if (!spec.methods.empty()) {
    try {
      name += " " + QuantSpec::fromJson(spec.quant).shortName();
    } catch (const Error&) {
    }
  }
  return name + " " + std::filesystem::path(spec.model).filename().string();
}

std::optional<std::int64_t> findDoneRun(Store& store, const ExperimentSpec& spec) {
  RunFilter f;
  f.status = RunStatus::Done;
  f.method = spec.methodLabel();
  for (const RunRecord& r : store.runs(f)) {
    try {
      if (ExperimentSpec::parse(r.spec_json) == spec) return r.id;
    } catch (const Error&) {
      // a run stored by another version whose spec no longer parses: not a match
    }
  }
  return std::nullopt;
}

std::vector<MetricRecord> computeRunScores(Store& store, std::int64_t run_id) {
  const RunRecord run = store.run(run_id);
  const ExperimentSpec spec = ExperimentSpec::parse(run.spec_json);
  const auto own = store.metrics(run_id);
  if (spec.methods.empty()) return slmqScores(own, own, &own);
  return quantizedRunScores(store, run, spec, own);
}

// ---------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------

namespace {

struct Executed {
  RunResults results;
  std::vector<std::string> notes;
};

/// Everything between markRunning and finishRun. Throws on failure/cancellation.
Executed execute(const ExperimentSpec& spec, Store& store, std::optional<std::int64_t> parentId,
                 StagedProgress& prog, const RunnerOptions& options) {
  Executed ex;
  RunResults& res = ex.results;
  auto note = [&](const std::string& m) {
    ex.notes.push_back(m);
    if (options.on_log) options.on_log(m);
  };
  const ResourceMeter whole;
  json timings = json::object();
  auto timed = [&](const std::string& stage, const auto& fn) {
    const ResourceMeter m;
    fn();
    timings[stage] = m.wallSeconds();
  };

  const bool quantized = !spec.methods.empty();
  const auto& ev = spec.evaluations;

  std::vector<std::pair<std::string, double>> plan = {{"load", 1}};
  if (spec.analyses.sensitivity) plan.push_back({"sensitivity", 30});
  if (quantized) plan.push_back({"quantize", 20});
  if (ev.perplexity) plan.push_back({"perplexity", 8});
  if (!ev.tasks.empty()) plan.push_back({"tasks", 10});
  if (ev.kld && quantized) plan.push_back({"kld", 6});
  if (ev.bench) plan.push_back({"bench", 6});
  prog.plan(plan);

  RunModel run;
  timed("load", [&] {
    prog.report("load", 0, "load model");
    run = loadRunModel(spec);
    prog.report("load", 1, "model loaded");
  });
  Model& model = *run.model;

  // Analyses on the float model (before any method changes it).
  if (spec.analyses.sensitivity) {
    timed("sensitivity", [&] {
      const SensitivitySpec& s = *spec.analyses.sensitivity;
      SensitivityOptions so;
      std::string list;
      for (int b : s.bits) list += (list.empty() ? "w" : ",w") + std::to_string(b);
      so.settings = parseSensitivitySettings(list);
      so.metric = sensitivityMetricFromName(s.metric);
      so.mode = sensitivityModeFromName(s.mode);
      so.modules = modulesFromNames(s.modules);
      so.seq_len = s.seq_len;
      const std::vector<int> tokens =
          tokenizeTextFile(model, resolveTextPath(s.text.empty() ? "wikitext2_valid.txt" : s.text));
      const int available = int(tokens.size() / std::size_t(std::max(s.seq_len, 2)));
      so.chunks = s.max_chunks > 0 ? std::min(s.max_chunks, available) : available;
      if (so.chunks < 1)
        throw Error(ErrorKind::InvalidInput,
                    "spec.analyses.sensitivity: text " + s.text + " has fewer than seq_len tokens");
      const SensitivityResult r = measureSensitivity(model, tokens, so, prog.stage("sensitivity"));
      res.layer_metrics = r.toLayerMetrics();
      if (so.metric == SensitivityMetric::DeltaPerplexity)
        res.metrics.push_back(
            {"sensitivity_fp_ppl", textDatasetName(s.text), r.fp_perplexity, std::nullopt});
      ArtifactRecord a;
      a.kind = "analysis";
      a.name = "sensitivity.json";
      a.mime = "application/json";
      const std::string text = r.toJson().dump();
      a.data.resize(text.size());
      std::transform(text.begin(), text.end(), a.data.begin(),
                     [](char c) { return std::byte(static_cast<unsigned char>(c)); });
      a.size_bytes = std::int64_t(text.size());
      res.artifacts.push_back(std::move(a));
    });
  }
  if (spec.analyses.stats)
    note(
        "analyses.stats is not executed by this runner version (use the GUI's distribution "
        "view or `slmq stats`); the spec keeps it for later");

  // Calibrate + quantize (fake quantization: float weights holding dequantized values).
  if (quantized) {
    timed("quantize", [&] { quantizeRunModel(spec, run, prog.stage("quantize")); });
    const QuantizeResult& qr = run.quantize;
    for (const auto& l : qr.log) note(l);
    res.metrics.push_back({"quant_wall_seconds", "", qr.cost.wall_seconds, std::nullopt});
    res.metrics.push_back({"quant_cpu_seconds", "", qr.cost.cpu_seconds, std::nullopt});
    res.metrics.push_back(
        {"quant_peak_rss_bytes", "", double(qr.cost.peak_rss_bytes), std::nullopt});
    res.metrics.push_back(
        {"calibration_tokens", "", double(qr.cost.calibration_tokens), std::nullopt});
  }

  if (ev.perplexity) {
    timed("perplexity", [&] {
      const auto& pe = *ev.perplexity;
      const double n = double(pe.texts.size());
      for (std::size_t i = 0; i < pe.texts.size(); ++i) {
        PerplexityOptions po;
        po.seq_len = pe.seq_len;
        po.max_chunks = pe.max_chunks;
        po.hooks = run.hooks.get();
        auto stage = prog.stage("perplexity");
        const std::string ds = textDatasetName(pe.texts[i]);
        po.progress = [&, i](double f, std::string_view) {
          return stage((double(i) + f) / n, "perplexity " + ds);
        };
        const PerplexityResult r = evaluatePerplexityFile(model, resolveTextPath(pe.texts[i]), po);
        res.metrics.push_back({"ppl", ds, r.perplexity(), std::nullopt});
        res.metrics.push_back({"ppl_tokens", ds, double(r.n_predicted), std::nullopt});
      }
    });
  }

  if (!ev.tasks.empty()) {
    timed("tasks", [&] {
      const double n = double(ev.tasks.size());
      for (std::size_t i = 0; i < ev.tasks.size(); ++i) {
        const TaskEval& te = ev.tasks[i];
        auto stage = prog.stage("tasks");
        evaluateRunTask(run, te, res.metrics, [&, i](double f, std::string_view) {
          return stage((double(i) + f) / n, "task " + te.name);
        });
      }
    });
  }

  if (ev.kld && quantized) {
    timed("kld", [&] { evaluateRunKld(run, *ev.kld, res.metrics, prog.stage("kld")); });
  } else if (ev.kld) {
    note("kld skipped: an FP run has no FP parent to compare against (it would be 0)");
  }

  if (ev.bench) {
    timed("bench", [&] {
      benchRunModel(run, *ev.bench, options.threads, res.metrics, prog.stage("bench"), note);
    });
  }

  // Scores against the FP parent (and the RTN reference for the consumption track).
  if (quantized && parentId) {
    const auto parent = store.metrics(*parentId);
    const bool isRtn = spec.methodLabel() == "rtn";
    const auto ref = isRtn ? std::nullopt : findRtnReference(store, spec, 0);
    std::vector<MetricRecord> refMetrics = isRtn ? res.metrics : std::vector<MetricRecord>{};
    if (ref) refMetrics = store.metrics(*ref);
    for (auto& m : slmqScores(res.metrics, parent, (ref || isRtn) ? &refMetrics : nullptr))
      res.metrics.push_back(std::move(m));
    if (!ref && !isRtn)
      note("slmq_cons not computed: no done RTN run with the same model and quantization");
  }

  res.status = RunStatus::Done;
  res.wall_seconds = whole.wallSeconds();
  res.cpu_seconds = whole.cpuSeconds();
  res.peak_rss_bytes = std::int64_t(whole.peakBytes());
  json t = {{"stages", timings}, {"notes", ex.notes}};
  res.timings_json = t.dump();
  return ex;
}

}  // namespace

std::int64_t runExperiment(const ExperimentSpec& spec, Store& store, const ProgressFn& progress,
                           const RunnerOptions& options) {
  // Validate up front: nothing is written for a spec that cannot run.
  const std::filesystem::path modelPath = resolveModelPath(spec.model);
  const bool quantized = !spec.methods.empty();
  QuantSpec qspec;
  if (quantized) {
    qspec = QuantSpec::fromJson(spec.quant);
    qspec.validate();
    parseMethods(spec.methodLabel());
    quantizeOptionsFor(spec, qspec);
  }
  setComputeThreads(options.threads);

  // FP parent: reuse or run first (it takes the first 40% of the progress range).
  double begin = 0.0;
  std::optional<std::int64_t> parentId = options.parent_run_id;
  if (quantized && options.with_parent && !parentId) {
    const ExperimentSpec fp = fpParentSpec(spec);
    parentId = findDoneRun(store, fp);
    if (parentId) {
      if (options.on_log) options.on_log("FP parent: reusing run " + std::to_string(*parentId));
    } else {
      RunnerOptions po = options;
      po.with_parent = false;
      po.on_run_created = [&](std::int64_t id, bool) {
        if (options.on_run_created) options.on_run_created(id, true);
      };
      ProgressFn pp;
      if (progress)
        pp = [&](double f, std::string_view s) {
          return progress(0.4 * f, "FP parent: " + std::string(s));
        };
      parentId = runExperiment(fp, store, pp, po);
      begin = 0.4;
    }
  }

  ModelRecord mr;
  mr.path = spec.model;
  mr.name = std::filesystem::path(spec.model).filename().string();
  mr.format = std::filesystem::is_directory(modelPath) ? "safetensors"
              : modelPath.extension() == ".gguf"       ? "gguf"
                                                       : "llama2c";
  RunRecord rr;
  rr.model_id = store.upsertModel(mr);
  rr.parent_run_id = parentId;
  rr.name = runDisplayName(spec);
  rr.method = spec.methodLabel();
  rr.w_bits = quantized && qspec.quantizesWeights() ? qspec.weight.bits : 16;
  rr.a_bits = quantized && qspec.quantizesActivations() ? qspec.act.bits : 16;
  rr.spec_json = spec.dump(-1);
  const std::int64_t runId = store.createRun(rr);
  store.markRunning(runId);
  if (options.on_run_created) options.on_run_created(runId, false);

  StagedProgress prog(progress, begin, 1.0);
  try {
    Executed ex = execute(spec, store, parentId, prog, options);
    if (progress) progress(1.0, "store results");
    store.finishRun(runId, ex.results);
  } catch (const Error& e) {
    try {
      if (e.kind() == ErrorKind::Cancelled)
        store.cancelRun(runId, e.what());
      else
        store.failRun(runId, e.what());
    } catch (const Error&) {
      // the run is already final (finishRun raced a kill?): keep the original error
    }
    throw;
  } catch (const std::exception& e) {
    const std::string msg = std::string("internal error: ") + e.what();
    try {
      store.failRun(runId, msg);
    } catch (const Error&) {
    }
    throw Error(ErrorKind::Internal, msg);
  }
  return runId;
}

}  // namespace slmq::core
