// A run's model and the runner's evaluations of it (see run_model.h).
#include "core/jobs/run_model.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/eval/tasks/task_loaders.h"
#include "core/io/mmap_file.h"
#include "core/jobs/runner.h"
#include "core/quant/kernels/pack_model.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

namespace {

using nlohmann::json;

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

/// "online R4 (Hadamard n=768: sylvester 64 ⊗ paley1(q=11) [12])" or the fallback's name.
std::string r4Note(const Rotation& r) {
  if (!r.isHadamard())
    return "online R4 (dense rotation n=" + std::to_string(r.order()) + ": " + r.construction() +
           ")";
  std::string how = r.construction();
  const std::string prefix = "randomized hadamard: ";
  if (how.rfind(prefix, 0) == 0) how = how.substr(prefix.size());
  return "online R4 (Hadamard n=" + std::to_string(r.order()) + ": " + how + ")";
}

}  // namespace

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

RunModel loadRunModel(const ExperimentSpec& spec) {
  RunModel run;
  run.path = resolveModelPath(spec.model);
  run.quantized = !spec.methods.empty();
  if (run.quantized) run.quant = QuantSpec::fromJson(spec.quant);
  run.model = Model::load(run.path);
  return run;
}

void quantizeRunModel(const ExperimentSpec& spec, RunModel& run, const ProgressFn& progress) {
  if (!run.quantized) return;
  const QuantizeOptions qo = quantizeOptionsFor(spec, run.quant);
  run.quantize = quantizeModel(*run.model, qo, progress);
  run.hooks = makeEvalHooks(*run.model, run.quant, run.quantize);
  if (run.quantize.online_r4_order > 0) {
    // makeEvalHooks checked the order against the model's FFN width.
    run.online_r4 = &onlineR4(run.quantize.online_r4_order);
    run.r4_hooks = std::make_unique<OnlineR4Hooks>(run.quantize.online_r4_order);
  }
}

RunModel buildRunModel(const ExperimentSpec& spec, const ProgressFn& progress) {
  RunModel run = loadRunModel(spec);
  quantizeRunModel(spec, run, progress);
  return run;
}

std::vector<int> tokenizeTextFile(const Model& model, const std::filesystem::path& path) {
  if (!model.tokenizer())
    throw Error(ErrorKind::InvalidInput, "model " + model.config().arch_name +
                                             " has no tokenizer; cannot read " + path.string());
  return model.tokenizer()->encode(readTextFile(path, kMaxTextBytes), /*addSpecial=*/false);
}

TaskEvalResult evaluateRunTask(const RunModel& run, const TaskEval& te,
                               std::vector<MetricRecord>& out, const ProgressFn& progress) {
  const Task task = loadTaskByName(te.name);
  TaskEvalOptions to;
  to.limit = te.limit;
  TaskEvalResult r = evaluateTask(*run.model, task, to, progress, run.hooks.get());
  for (const auto& [name, v] : r.metrics.metrics)
    out.push_back({name, te.name, v.value, v.stderr_});
  out.push_back({"task_items", te.name, double(r.metrics.n), std::nullopt});
  return r;
}

KldReport evaluateRunKld(const RunModel& run, const KldEval& k, std::vector<MetricRecord>& out,
                         const ProgressFn& progress) {
  const auto reference = Model::load(run.path);  // the FP model, same tokens
  const std::vector<int> tokens = tokenizeTextFile(*reference, resolveTextPath(k.text));
  KldOptions ko;
  ko.seq_len = k.seq_len;
  ko.max_chunks = k.max_chunks;
  KldReport r = klDivergence(*reference, *run.model, tokens, ko, progress, run.hooks.get());
  const KldStats& s = r.overall;
  const std::string ds = textDatasetName(k.text);
  out.push_back({"kld_mean", ds, s.kld_mean.value, s.kld_mean.stderr_});
  out.push_back({"kld_median", ds, s.kld_median, std::nullopt});
  out.push_back({"kld_p99", ds, s.kld_p99, std::nullopt});
  out.push_back({"kld_max", ds, s.kld_max, std::nullopt});
  out.push_back({"same_top_p", ds, s.same_top.value, s.same_top.stderr_});
  out.push_back({"dp_rms", ds, s.dp_rms.value, s.dp_rms.stderr_});
  out.push_back({"kld_tokens", ds, double(s.count), std::nullopt});
  return r;
}

bool runPackable(const RunModel& run) {
  const int blocks = run.model->config().num_layers;
  if (!run.quantized || !packable(run.quant, blocks)) return false;
  if (run.online_r4)  // the R4 goes into the packed down_proj kernels: every one must be packed
    for (int b = 0; b < blocks; ++b)
      if (!run.quant.decoder_linears || !run.quant.forLayer({b, Module::Down}).weight.enabled())
        return false;
  return true;
}

PackSummary packRunModel(RunModel& run, const ProgressFn& progress) {
  if (run.packed) return {};
  if (!runPackable(run))
    throw Error(ErrorKind::InvalidInput,
                "packRunModel: no packed kernel for " +
                    (run.quantized ? run.quant.shortName() : std::string("an FP run")) +
                    " (needs quantized weights and per-token symmetric or no activations)");
  const PackSummary ps = packModel(
      run.model->weights(), withActClip(run.quant, run.quantize.act_clip_override), progress);
  if (run.online_r4) attachOnlineR4(run.model->weights(), *run.online_r4);
  run.packed = true;
  return ps;
}

InferenceBenchResult benchRunModel(RunModel& run, const BenchEval& b, int threads,
                                   std::vector<MetricRecord>& out, const ProgressFn& progress,
                                   const std::function<void(const std::string&)>& note) {
  std::string isaNote = "float32";
  if (runPackable(run)) {
    const bool before = run.packed;
    const PackSummary ps = packRunModel(run);
    isaNote = before ? "packed linears" : "packed " + std::to_string(ps.packed) + " linears";
  } else if (run.quantized && note) {
    note("bench: no packed kernel for " + run.quant.shortName() +
         " (static or asymmetric activations); measured with float32 weights");
  }
  InferenceBenchOptions bo;
  bo.threads = threads;
  bo.prompt_tokens = b.prompt_tokens;
  bo.context = b.prompt_tokens;
  bo.new_tokens = b.gen_tokens;
  bo.repeats = b.repetitions;
  bo.progress = progress;
  // The rotated model's online R4 in every prefill/decode call: a packed model has it in its
  // down_proj kernels, a float one runs the hooks.
  bo.hooks = run.packed ? nullptr : run.r4_hooks.get();
  if (run.online_r4) isaNote += " + " + r4Note(*run.online_r4);
  const InferenceBenchResult r = benchInference(*run.model, bo);
  out.push_back({"prefill_tokens_per_s", "", r.prefill_tokens_per_s, std::nullopt});
  if (b.gen_tokens > 0)
    out.push_back({"decode_tokens_per_s", "", r.decode_tokens_per_s, std::nullopt});
  out.push_back({"bench_peak_rss_bytes", "", double(r.peak_rss_bytes), std::nullopt});
  out.push_back({"storage_bytes", "", double(r.storage_bytes), std::nullopt});
  if (note)
    note("bench: " + isaNote + ", kernels " + r.kernel_isa + ", " + std::to_string(r.threads) +
         " threads" + (r.peak_rss_process_wide ? ", peak RSS process-wide" : ""));
  return r;
}

void exportRunGguf(const RunModel& run, const std::filesystem::path& path,
                   GgufExportOptions options) {
  options.online_r4_order = std::max(options.online_r4_order, run.quantize.online_r4_order);
  if (run.packed && options.online_r4_order == 0)
    throw Error(ErrorKind::InvalidInput,
                path.string() +
                    ": cannot export as GGUF: the run's model was packed for the "
                    "inference bench and its float weights were released");
  exportGgufModel(run.model->config(), run.model->weights(), run.model->tokenizer(), path, options);
}

}  // namespace slmq::core
