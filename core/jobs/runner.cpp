// runExperiment: ExperimentSpec -> stored run (see runner.h).
#include "core/jobs/runner.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/analysis/sensitivity.h"
#include "core/common/assets.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/eval/inference_bench.h"
#include "core/eval/kld.h"
#include "core/eval/perplexity.h"
#include "core/eval/tasks/task_eval.h"
#include "core/eval/tasks/task_loaders.h"
#include "core/jobs/run_scores.h"
#include "core/model/model.h"
#include "core/quant/kernels/pack_model.h"
#include "core/quant/quantize.h"
#include "core/store/store.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

std::string readWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, "cannot open text file " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<int> tokenizeFile(const Model& model, const std::filesystem::path& path) {
  if (!model.tokenizer())
    throw Error(ErrorKind::InvalidInput, "model " + model.config().arch_name +
                                             " has no tokenizer; cannot read " + path.string());
  return model.tokenizer()->encode(readWholeFile(path), /*addSpecial=*/false);
}

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

// ---------------------------------------------------------------------------------------------
// Method parameters from the spec into QuantizeOptions
// ---------------------------------------------------------------------------------------------

template <typename T>
void readParam(const json& params, const std::string& method, const char* key, T& out) {
  if (!params.contains(key)) return;
  try {
    out = params.at(key).get<T>();
  } catch (const json::exception&) {
    throw Error(ErrorKind::InvalidInput, "spec.methods[" + method + "].params." + key +
                                             ": wrong type (" + params.at(key).dump() + ")");
  }
}

void checkKeys(const json& params, const std::string& method,
               const std::vector<std::string>& allowed) {
  if (!params.is_object())
    throw Error(ErrorKind::InvalidInput, "spec.methods[" + method + "].params: expected an object");
  for (const auto& [k, v] : params.items())
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw Error(ErrorKind::InvalidInput,
                  "spec.methods[" + method + "].params." + k +
                      ": unknown parameter (known: " + (list.empty() ? "none" : list) + ")");
    }
}

QuantizeOptions quantizeOptionsFor(const ExperimentSpec& spec, const QuantSpec& qspec) {
  QuantizeOptions o;
  o.spec = qspec;
  o.methods.clear();
  for (const MethodStep& m : spec.methods) {
    o.methods += (o.methods.empty() ? "" : ",") + m.name;
    if (m.name == "smoothquant") {
      checkKeys(m.params, m.name, {"alpha", "min_scale"});
      readParam(m.params, m.name, "alpha", o.smoothquant.alpha);
      readParam(m.params, m.name, "min_scale", o.smoothquant.min_scale);
    } else if (m.name == "gptq") {
      checkKeys(m.params, m.name, {"damp", "act_order", "static_groups", "block_size"});
      readParam(m.params, m.name, "damp", o.gptq.damp);
      readParam(m.params, m.name, "act_order", o.gptq.act_order);
      readParam(m.params, m.name, "static_groups", o.gptq.static_groups);
      readParam(m.params, m.name, "block_size", o.gptq.block_size);
    } else if (m.name == "awq") {
      checkKeys(m.params, m.name,
                {"grid", "sample_rows", "clip", "clip_grid", "clip_max_shrink", "clip_rows"});
      readParam(m.params, m.name, "grid", o.awq.grid);
      readParam(m.params, m.name, "sample_rows", o.awq.sample_rows);
      readParam(m.params, m.name, "clip", o.awq.clip);
      readParam(m.params, m.name, "clip_grid", o.awq.clip_grid);
      readParam(m.params, m.name, "clip_max_shrink", o.awq.clip_max_shrink);
      readParam(m.params, m.name, "clip_rows", o.awq.clip_rows);
    } else {
      checkKeys(m.params, m.name, {});
    }
  }
  if (spec.calibration) {
    o.calib.text = resolveTextPath(spec.calibration->file);
    o.calib.samples = spec.calibration->n_samples;
    o.calib.seq_len = spec.calibration->seq_len;
    o.calib.seed = spec.calibration->seed;
  } else {
    o.calib.seed = spec.seed;
  }
  return o;
}

/// True when every quantized layer's activation quantizer is one the packed kernels run.
bool packable(const QuantSpec& q, int blocks) {
  if (!q.quantizesWeights()) return false;
  for (int b = 0; b < blocks; ++b)
    for (int m = 0; m < kModuleCount; ++m) {
      const LayerQuant lq = q.forLayer({b, Module(m)});
      if (!lq.weight.enabled()) continue;
      if (lq.act.enabled() && (lq.act.granularity != ActGranularity::PerToken || !lq.act.symmetric))
        return false;
    }
  return true;
}

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

void addKld(std::vector<MetricRecord>& out, const KldStats& s, const std::string& ds) {
  out.push_back({"kld_mean", ds, s.kld_mean.value, s.kld_mean.stderr_});
  out.push_back({"kld_median", ds, s.kld_median, std::nullopt});
  out.push_back({"kld_p99", ds, s.kld_p99, std::nullopt});
  out.push_back({"kld_max", ds, s.kld_max, std::nullopt});
  out.push_back({"same_top_p", ds, s.same_top.value, s.same_top.stderr_});
  out.push_back({"dp_rms", ds, s.dp_rms.value, s.dp_rms.stderr_});
  out.push_back({"kld_tokens", ds, double(s.count), std::nullopt});
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
  if (!run.parent_run_id) return {};
  const auto parent = store.metrics(*run.parent_run_id);
  const auto ref = findRtnReference(store, spec, run_id);
  std::vector<MetricRecord> refMetrics;
  if (ref) refMetrics = store.metrics(*ref);
  return slmqScores(own, parent, ref ? &refMetrics : nullptr);
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
Executed execute(const ExperimentSpec& spec, Store& store, std::int64_t runId,
                 std::optional<std::int64_t> parentId, const std::filesystem::path& modelPath,
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
  const QuantSpec qspec = quantized ? QuantSpec::fromJson(spec.quant) : QuantSpec{};
  const auto& ev = spec.evaluations;

  std::vector<std::pair<std::string, double>> plan = {{"load", 1}};
  if (spec.analyses.sensitivity) plan.push_back({"sensitivity", 30});
  if (quantized) plan.push_back({"quantize", 20});
  if (ev.perplexity) plan.push_back({"perplexity", 8});
  if (!ev.tasks.empty()) plan.push_back({"tasks", 10});
  if (ev.kld && quantized) plan.push_back({"kld", 6});
  if (ev.bench) plan.push_back({"bench", 6});
  prog.plan(plan);

  std::unique_ptr<Model> model;
  timed("load", [&] {
    prog.report("load", 0, "load model");
    model = Model::load(modelPath);
    prog.report("load", 1, "model loaded");
  });

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
          tokenizeFile(*model, resolveTextPath(s.text.empty() ? "wikitext2_valid.txt" : s.text));
      const int available = int(tokens.size() / std::size_t(std::max(s.seq_len, 2)));
      so.chunks = s.max_chunks > 0 ? std::min(s.max_chunks, available) : available;
      if (so.chunks < 1)
        throw Error(ErrorKind::InvalidInput,
                    "spec.analyses.sensitivity: text " + s.text + " has fewer than seq_len tokens");
      const SensitivityResult r = measureSensitivity(*model, tokens, so, prog.stage("sensitivity"));
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
  std::unique_ptr<FakeQuantHooks> hooks;
  if (quantized) {
    QuantizeResult qr;
    timed("quantize", [&] {
      const QuantizeOptions qo = quantizeOptionsFor(spec, qspec);
      qr = quantizeModel(*model, qo, prog.stage("quantize"));
    });
    for (const auto& l : qr.log) note(l);
    hooks = makeEvalHooks(*model, qspec, qr);
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
        po.hooks = hooks.get();
        auto stage = prog.stage("perplexity");
        const std::string ds = textDatasetName(pe.texts[i]);
        po.progress = [&, i](double f, std::string_view) {
          return stage((double(i) + f) / n, "perplexity " + ds);
        };
        const PerplexityResult r = evaluatePerplexityFile(*model, resolveTextPath(pe.texts[i]), po);
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
        const Task task = loadTaskByName(te.name);
        TaskEvalOptions to;
        to.limit = te.limit;
        auto stage = prog.stage("tasks");
        const TaskEvalResult r = evaluateTask(
            *model, task, to,
            [&, i](double f, std::string_view) {
              return stage((double(i) + f) / n, "task " + te.name);
            },
            hooks.get());
        for (const auto& [name, v] : r.metrics.metrics)
          res.metrics.push_back({name, te.name, v.value, v.stderr_});
        res.metrics.push_back({"task_items", te.name, double(r.metrics.n), std::nullopt});
      }
    });
  }

  if (ev.kld && quantized) {
    timed("kld", [&] {
      const KldEval& k = *ev.kld;
      const auto reference = Model::load(modelPath);  // the FP model, same tokens
      const std::vector<int> tokens = tokenizeFile(*reference, resolveTextPath(k.text));
      KldOptions ko;
      ko.seq_len = k.seq_len;
      ko.max_chunks = k.max_chunks;
      const KldReport r =
          klDivergence(*reference, *model, tokens, ko, prog.stage("kld"), hooks.get());
      addKld(res.metrics, r.overall, textDatasetName(k.text));
    });
  } else if (ev.kld) {
    note("kld skipped: an FP run has no FP parent to compare against (it would be 0)");
  }

  if (ev.bench) {
    timed("bench", [&] {
      const BenchEval& b = *ev.bench;
      std::string isaNote = "float32";
      if (quantized && packable(qspec, model->config().num_layers)) {
        const PackSummary ps = packModel(model->weights(), qspec);
        isaNote = "packed " + std::to_string(ps.packed) + " linears";
      } else if (quantized) {
        note("bench: no packed kernel for " + qspec.shortName() +
             " (static or asymmetric activations); measured with float32 weights");
      }
      InferenceBenchOptions bo;
      bo.threads = options.threads;
      bo.prompt_tokens = b.prompt_tokens;
      bo.context = b.prompt_tokens;
      bo.new_tokens = b.gen_tokens;
      bo.repeats = b.repetitions;
      bo.progress = prog.stage("bench");
      const InferenceBenchResult r = benchInference(*model, bo);
      res.metrics.push_back({"prefill_tokens_per_s", "", r.prefill_tokens_per_s, std::nullopt});
      if (b.gen_tokens > 0)
        res.metrics.push_back({"decode_tokens_per_s", "", r.decode_tokens_per_s, std::nullopt});
      res.metrics.push_back({"bench_peak_rss_bytes", "", double(r.peak_rss_bytes), std::nullopt});
      res.metrics.push_back({"storage_bytes", "", double(r.storage_bytes), std::nullopt});
      note("bench: " + isaNote + ", kernels " + r.kernel_isa + ", " + std::to_string(r.threads) +
           " threads" + (r.peak_rss_process_wide ? ", peak RSS process-wide" : ""));
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
    Executed ex = execute(spec, store, runId, parentId, modelPath, prog, options);
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
