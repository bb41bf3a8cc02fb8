// `slmq sensitivity`, `slmq stats` and `slmq allocate`: per-layer sensitivity scans, outlier and
// distribution statistics, and mixed-precision allocation from a scan (core/analysis). Without
// --store: results on stdout (text or one JSON object with --json), progress on stderr. With
// --store the analysis is a stored run reported like `slmq run` (JobReporter: the JSON-lines
// protocol on stdout with --progress jsonl or a non-terminal stdout, else text with ETA on
// stderr; SIGTERM/SIGINT cancel the run). Parsing and wiring only.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/job_reporter.h"
#include "core/analysis/analysis_store.h"
#include "core/analysis/mixed_precision.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/io/mmap_file.h"
#include "core/jobs/run_model.h"
#include "core/jobs/runner.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"

namespace {

using nlohmann::json;
using namespace slmq::core;

slmq::core::ProgressFn progressPrinter(const slmq::cli::GlobalOptions& g) {
  return [&g](double f, std::string_view stage) {
    if (g.quiet) return true;
    if (g.json)
      std::fprintf(stderr, "%s\n",
                   json{{"progress", f}, {"stage", std::string(stage)}}.dump().c_str());
    else
      std::fprintf(stderr, "\r[%5.1f%%] %-48.48s", 100 * f, std::string(stage).c_str());
    return true;
  };
}

void finishProgress(const slmq::cli::GlobalOptions& g) {
  if (!g.quiet && !g.json) std::fprintf(stderr, "\n");
}

/// How an analysis command reports. Without a store: progressPrinter on stderr and the result on
/// stdout, as always. With a store: a JobReporter (protocol or text, signal -> cancel) around the
/// stored run, with exactly one finished event (also for a failure before the run exists).
class AnalysisJob {
 public:
  AnalysisJob(const slmq::cli::GlobalOptions& g, const std::string& store) : m_g(g) {
    if (!store.empty()) m_rep.emplace(g, store);
  }

  /// Runs the command body; a failure is reported as the job's error and finished event.
  void guard(const std::function<void()>& body) {
    try {
      body();
    } catch (const Error& e) {
      if (m_rep && !m_finished) {
        m_finished = true;
        m_rep->runFinished(m_run, e.kind() == ErrorKind::Cancelled ? "cancelled" : "failed",
                           e.what());
      }
      throw;
    }
  }
  /// The ProgressFn of the work: the reporter's (cancels after a signal) or the stderr printer.
  ProgressFn progress() { return m_rep ? m_rep->progressFn() : progressPrinter(m_g); }
  /// Ends the text progress line (stderr printer only; the reporter handles its own).
  void endProgress() const {
    if (!m_rep) finishProgress(m_g);
  }
  /// Runs `work` as stored run `runId` (begun with beginAnalysisRun): started, the work with its
  /// results committed in one transaction (or the run marked failed/cancelled), finished.
  void complete(Store& store, std::int64_t runId, const std::string& name,
                const std::function<RunResults()>& work) {
    m_run = runId;
    m_rep->runStarted(runId, name);
    completeAnalysisRun(store, runId, work);
    m_finished = true;
    m_rep->runFinished(runId, "done");
  }
  /// Prints the result object: as a protocol log event (jsonl, with --json), on stdout (--json)
  /// or not at all. Returns true when the caller should print nothing else (no text table).
  bool emit(const json& out) {
    if (m_rep && m_rep->jsonl()) {
      if (m_g.json) m_rep->result(out.dump());
      return true;
    }
    if (m_g.json) {
      std::cout << out.dump() << "\n";
      return true;
    }
    return false;
  }

 private:
  const slmq::cli::GlobalOptions& m_g;
  std::optional<slmq::cli::JobReporter> m_rep;
  std::int64_t m_run = 0;
  bool m_finished = false;
};

std::vector<Module> parseModules(const std::string& list) {
  std::vector<Module> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(moduleFromName(item));
  return out;
}

// ---- sensitivity ----------------------------------------------------------------------------

struct SensitivityArgs {
  std::string model, settings = "w2,w3,w4,w8", metric = "dppl", mode = "only",
                     text = "wikitext2_valid";
  std::string modules, store;
  std::vector<int> blocks;
  int tokens = 512, chunks = 8;
};

void sensitivity(const SensitivityArgs& a, const slmq::cli::GlobalOptions& g, AnalysisJob& job) {
  setComputeThreads(g.threads);
  SensitivityOptions o;
  o.settings = parseSensitivitySettings(a.settings);
  o.metric = sensitivityMetricFromName(a.metric);
  o.mode = sensitivityModeFromName(a.mode);
  o.modules = parseModules(a.modules);
  o.blocks = a.blocks;
  o.seq_len = a.tokens;
  o.chunks = a.chunks;
  o.threads = g.threads;
  const auto textPath = resolveTextPath(a.text);
  auto model = Model::load(a.model);
  const auto ids = tokenizeTextFile(*model, textPath);
  const std::string dataset = textPath.stem().string();
  std::optional<Store> store;
  std::int64_t runId = 0;
  SensitivityResult r;
  auto work = [&] {
    r = measureSensitivity(*model, ids, o, job.progress());
    job.endProgress();
    return sensitivityRunResults(r, dataset);
  };
  if (!a.store.empty()) {
    store.emplace(Store::open(a.store));
    const std::string name = "sensitivity " + std::string(sensitivityMetricName(o.metric)) + " " +
                             sensitivityModeName(o.mode) + " " + a.settings + " " +
                             std::filesystem::path(a.model).filename().string();
    runId = beginAnalysisRun(*store, *model, a.model, "sensitivity", name,
                             sensitivitySpecJson(a.model, o, textPath.string()));
    job.complete(*store, runId, name, work);
  } else {
    work();
  }
  json out = r.toJson();
  out["model"] = a.model;
  out["text"] = textPath.string();
  if (store) out["run_id"] = runId;
  if (job.emit(out)) return;
  std::printf("%s %s on %s: %d × %d tokens, %zu units in %.1f s (%d threads)\n",
              sensitivityMetricName(r.metric), sensitivityModeName(r.mode), dataset.c_str(),
              r.chunks, r.seq_len, r.entries.size(), r.wall_seconds, r.threads);
  if (r.metric == SensitivityMetric::DeltaPerplexity)
    std::printf("FP perplexity %.4f\n", r.fp_perplexity);
  for (std::size_t s = 0; s < r.settings.size(); ++s) {
    std::printf("\n%s (%s)\nblock", r.settings[s].name.c_str(), sensitivityMetricName(r.metric));
    for (Module m : o.modules.empty()
                        ? std::vector<Module>{Module::Q, Module::K, Module::V, Module::O,
                                              Module::Gate, Module::Up, Module::Down}
                        : o.modules)
      std::printf(" %10s", moduleName(m));
    int last = -1;
    for (const auto& e : r.entries) {
      if (e.setting != int(s)) continue;
      if (e.block != last) {
        std::printf("\n%5d", e.block);
        last = e.block;
      }
      std::printf(" %10.4g", e.value);
    }
    std::printf("\n");
  }
  if (store) std::printf("stored as run %lld in %s\n", (long long)runId, a.store.c_str());
}

void runSensitivity(const SensitivityArgs& a, const slmq::cli::GlobalOptions& g) {
  AnalysisJob job(g, a.store);
  job.guard([&] { sensitivity(a, g, job); });
}

// ---- stats ------------------------------------------------------------------------------------

struct StatsArgs {
  std::string model, stages = "fp", text = "wikitext2_valid", store, quant = "w4a8 g128 asym";
  int windows = 4, tokens = 512, bins = 128;
  double alpha = 0.5;
};

void stats(const StatsArgs& a, const slmq::cli::GlobalOptions& g, AnalysisJob& job) {
  setComputeThreads(g.threads);
  const auto textPath = resolveTextPath(a.text);
  auto model = Model::load(a.model);
  const auto ids = tokenizeTextFile(*model, textPath);
  std::vector<StatsStage> stages;
  {
    std::stringstream ss(a.stages);
    std::string s;
    while (std::getline(ss, s, ','))
      if (!s.empty()) stages.push_back(statsStageFromName(s));
  }
  if (stages.empty()) throw Error(ErrorKind::InvalidInput, "stats: no --stage given");
  ActivationStatsOptions ao;
  ao.histogram_bins = a.bins;
  StatsStageOptions so;
  so.smoothquant_alpha = a.alpha;
  so.quant = QuantSpec::parse(a.quant);
  std::vector<StatsReport> reports;
  auto work = [&] {
    for (StatsStage s : stages)
      reports.push_back(
          collectActivationStats(*model, ids, a.windows, a.tokens, s, ao, so, job.progress()));
    job.endProgress();
    std::vector<const StatsReport*> ptrs;
    for (const auto& r : reports) ptrs.push_back(&r);
    return statsRunResults(ptrs, textPath.stem().string());
  };
  std::optional<Store> store;
  std::int64_t runId = 0;
  if (!a.store.empty()) {
    store.emplace(Store::open(a.store));
    json methods = json::array();
    for (StatsStage s : stages) {
      if (s == StatsStage::SmoothQuant)
        methods.push_back({{"name", "smoothquant"}, {"params", {{"alpha", a.alpha}}}});
      if (s == StatsStage::Rotated)
        methods.push_back({{"name", "quarot"}, {"params", json::object()}});
      if (s == StatsStage::Quantized)
        methods.push_back({{"name", "rtn"}, {"params", json::object()}});
    }
    json spec = {{"version", 1},
                 {"name", "stats " + a.stages},
                 {"model", a.model},
                 {"methods", methods},
                 {"quant", so.quant.toJson()},
                 {"analyses",
                  {{"stats",
                    {{"histogram_bins", a.bins},
                     {"channel_stats", true},
                     {"tensors", {"weight", "input", "output"}},
                     {"layers", json::array()}}}}},
                 {"seed", 0}};
    const std::string name =
        "stats " + a.stages + " " + std::filesystem::path(a.model).filename().string();
    runId = beginAnalysisRun(*store, *model, a.model, "stats", name, spec);
    job.complete(*store, runId, name, work);
  } else {
    work();
  }
  json out = {{"model", a.model}, {"text", textPath.string()}, {"stages", json::array()}};
  if (store) out["run_id"] = runId;
  for (const auto& r : reports) {
    json st = {{"stage", statsStageName(r.stage)},
               {"log", r.log},
               {"massive", r.collector->massiveJson()}};
    json inputs = json::array();
    for (const auto& [key, t] : r.collector->tensors()) {
      if (t.tensor != "input" && t.tensor != "residual") continue;
      Eigen::Index ch;
      const double amax = t.channels.absmax.maxCoeff(&ch);
      const double kmax = t.channels.kurtosis.maxCoeff();
      inputs.push_back({{"layer", t.layer},
                        {"module", t.module},
                        {"tensor", t.tensor},
                        {"absmax", amax},
                        {"absmax_channel", ch},
                        {"max_channel_kurtosis", kmax},
                        {"massive", t.massive.count}});
    }
    st["inputs"] = inputs;
    out["stages"].push_back(st);
  }
  if (job.emit(out)) return;
  for (const auto& st : out["stages"]) {
    std::printf("stage %s\n", st["stage"].get<std::string>().c_str());
    for (const auto& l : st["log"]) std::printf("  %s\n", l.get<std::string>().c_str());
    for (const auto& i : st["inputs"])
      std::printf("  block %d %-9s %-8s absmax %8.3f @ch %4lld  max kurtosis %8.1f  massive %lld\n",
                  i["layer"].get<int>(), i["module"].get<std::string>().c_str(),
                  i["tensor"].get<std::string>().c_str(), i["absmax"].get<double>(),
                  (long long)i["absmax_channel"].get<std::int64_t>(),
                  i["max_channel_kurtosis"].get<double>(),
                  (long long)i["massive"].get<std::int64_t>());
  }
  if (store) std::printf("stored as run %lld in %s\n", (long long)runId, a.store.c_str());
}

void runStats(const StatsArgs& a, const slmq::cli::GlobalOptions& g) {
  AnalysisJob job(g, a.store);
  job.guard([&] { stats(a, g, job); });
}

// ---- allocate ---------------------------------------------------------------------------------

struct AllocateArgs {
  std::string model, fromJson, store, evalText, bits = "2,3,4,8";
  std::int64_t runId = 0;
  double avgBits = 3.5;
  bool overhead = false;
  int chunks = 0, tokens = 512;
};

void allocate(const AllocateArgs& a, const slmq::cli::GlobalOptions& g, AnalysisJob& job) {
  setComputeThreads(g.threads);
  if ((a.runId > 0) == !a.fromJson.empty())
    throw Error(ErrorKind::InvalidInput,
                "allocate: give exactly one of --sensitivity-run and --from-json");
  auto model = Model::load(a.model);
  std::optional<Store> store;
  if (!a.store.empty()) store.emplace(Store::open(a.store));
  SensitivityResult scan;
  if (a.runId > 0) {
    if (!store) throw Error(ErrorKind::InvalidInput, "allocate: --sensitivity-run needs --store");
    scan = loadSensitivityRun(*store, a.runId);
  } else {
    const auto j = json::parse(readTextFile(a.fromJson, 1ull << 28), nullptr, false);
    if (j.is_discarded()) throw Error(ErrorKind::InvalidInput, a.fromJson + ": not valid JSON");
    scan = SensitivityResult::fromJson(j);
  }
  AllocationOptions o;
  o.avg_bits = a.avgBits;
  o.count_overhead = a.overhead;
  o.bits.clear();
  {
    std::stringstream ss(a.bits);
    std::string s;
    while (std::getline(ss, s, ','))
      if (!s.empty()) o.bits.push_back(std::stoi(s));
  }
  // The scan's weight quantizer (granularity, symmetry) is the allocator's.
  for (const auto& s : scan.settings)
    if (s.weight.enabled()) {
      o.quantizer = s.weight;
      break;
    }
  Allocation alloc;
  json out;
  auto work = [&] {
    alloc = allocateBits(allocationUnits(*model, scan, o.bits), o);
    out = alloc.toJson();
    RunResults rr;
    rr.layer_metrics = alloc.toLayerMetrics(sensitivityMetricName(scan.metric));
    rr.metrics.push_back({"avg_bits", "", alloc.avg_bits, std::nullopt});
    rr.metrics.push_back({"predicted_cost", "", alloc.predicted_cost, std::nullopt});
    if (!a.evalText.empty()) {
      const auto textPath = resolveTextPath(a.evalText);
      const auto ids = tokenizeTextFile(*model, textPath);
      const std::string ds = textPath.stem().string();
      const double pa = rtnPerplexity(*model, alloc.spec, ids, a.tokens, a.chunks, job.progress());
      out["perplexity"] = {{"allocation", pa}};
      rr.metrics.push_back({"ppl", ds, pa, std::nullopt});
      int lo = *std::min_element(o.bits.begin(), o.bits.end());
      std::set<int> uniform;
      uniform.insert(int(std::floor(a.avgBits)));
      uniform.insert(int(std::ceil(a.avgBits)));
      for (int b : uniform) {
        if (b < lo || b > 8) continue;
        const double p =
            rtnPerplexity(*model, uniformSpec(b, o), ids, a.tokens, a.chunks, job.progress());
        out["perplexity"]["uniform_w" + std::to_string(b)] = p;
        rr.metrics.push_back({"ppl_uniform_w" + std::to_string(b), ds, p, std::nullopt});
      }
      out["perplexity"]["fp"] =
          rtnPerplexity(*model, QuantSpec{}, ids, a.tokens, a.chunks, job.progress());
      rr.metrics.push_back({"ppl_fp", ds, out["perplexity"]["fp"].get<double>(), std::nullopt});
      job.endProgress();
    }
    ArtifactRecord art;
    art.kind = "log";
    art.name = "allocation.json";
    art.mime = "application/json";
    const std::string text = out.dump();
    art.data.resize(text.size());
    std::memcpy(art.data.data(), text.data(), text.size());
    art.size_bytes = std::int64_t(text.size());
    rr.artifacts.push_back(std::move(art));
    return rr;
  };
  std::int64_t runId = 0;
  if (store) {
    json spec = {{"version", 1},
                 {"name", "allocate " + std::to_string(a.avgBits) + " bits"},
                 {"model", a.model},
                 {"methods", {{{"name", "rtn"}, {"params", json::object()}}}},
                 {"quant", json::object()},
                 {"seed", 0}};
    const std::string name = "allocate " + std::to_string(a.avgBits).substr(0, 4) + " bits " +
                             std::filesystem::path(a.model).filename().string();
    runId = beginAnalysisRun(*store, *model, a.model, "allocate", name, spec,
                             int(std::round(a.avgBits)), 16,
                             a.runId > 0 ? std::optional<std::int64_t>(a.runId) : std::nullopt);
    job.complete(*store, runId, name, work);
    out["run_id"] = runId;
  } else {
    work();
  }
  if (job.emit(out)) return;
  std::printf(
      "budget %.3f bits/weight -> achieved %.4f (codes %.4f); predicted summed "
      "sensitivity %.4g\nspec: %s\nbits per unit:",
      a.avgBits, alloc.avg_bits, alloc.code_avg_bits, alloc.predicted_cost,
      alloc.spec.shortName().c_str());
  int last = -1;
  for (const auto& u : alloc.units) {
    if (u.block != last) std::printf("\n  block %d:", last = u.block);
    std::printf(" %s=%d", moduleName(u.module), u.chosen_bits);
  }
  std::printf("\n");
  if (out.contains("perplexity"))
    for (const auto& [k, v] : out["perplexity"].items())
      std::printf("ppl %-12s %.4f\n", k.c_str(), v.get<double>());
  if (store) std::printf("stored as run %lld in %s\n", (long long)runId, a.store.c_str());
}

void runAllocate(const AllocateArgs& a, const slmq::cli::GlobalOptions& g) {
  AnalysisJob job(g, a.store);
  job.guard([&] { allocate(a, g, job); });
}

slmq::cli::CommandRegistration reg(60, [](CLI::App& app, slmq::cli::GlobalOptions& g) {
  {
    auto args = std::make_shared<SensitivityArgs>();
    auto* c = app.add_subcommand("sensitivity",
                                 "Per-layer sensitivity scan (quantize one unit at a time)");
    c->add_option("model", args->model, "Model directory or .gguf")->required();
    c->add_option("--settings", args->settings,
                  "Comma list: wN (N-bit weights, g128 asym), aN (N-bit per-token activations) "
                  "or QuantSpec short names with ';' between tokens");
    c->add_option("--metric", args->metric, "dppl | kld | mse");
    c->add_option("--mode", args->mode, "only | all-but");
    c->add_option("--text", args->text, "Evaluation text (path or asset name)");
    c->add_option("--tokens", args->tokens, "Tokens per chunk");
    c->add_option("--chunks", args->chunks, "Chunks evaluated (from the start of the text)");
    c->add_option("--modules", args->modules, "Comma list of modules (q,k,v,o,gate,up,down)");
    c->add_option("--blocks", args->blocks, "Blocks to scan (default all)")->delimiter(',');
    c->add_option("--store", args->store, "Workspace store to record the run in");
    c->callback([args, &g] { runSensitivity(*args, g); });
  }
  {
    auto args = std::make_shared<StatsArgs>();
    auto* c = app.add_subcommand("stats",
                                 "Outlier and distribution statistics of weights and activations");
    c->add_option("model", args->model, "Model directory or .gguf")->required();
    c->add_option("--stage", args->stages, "fp | smoothquant | rotated | quantized (comma list)");
    c->add_option("--text", args->text, "Text the activations are taken from");
    c->add_option("--windows", args->windows, "Windows (sequences) of --tokens tokens");
    c->add_option("--tokens", args->tokens, "Tokens per window");
    c->add_option("--bins", args->bins, "Histogram bins");
    c->add_option("--alpha", args->alpha, "SmoothQuant migration strength");
    c->add_option("--quant", args->quant, "QuantSpec of the quantized stage (RTN)");
    c->add_option("--store", args->store, "Workspace store to record the run in");
    c->callback([args, &g] { runStats(*args, g); });
  }
  {
    auto args = std::make_shared<AllocateArgs>();
    auto* c =
        app.add_subcommand("allocate", "Mixed-precision bits per unit from a sensitivity scan");
    c->add_option("model", args->model, "Model directory or .gguf")->required();
    c->add_option("--sensitivity-run", args->runId, "Sensitivity run id in --store");
    c->add_option("--from-json", args->fromJson,
                  "Sensitivity result JSON (slmq sensitivity --json)");
    c->add_option("--avg-bits", args->avgBits, "Budget in average bits per weight");
    c->add_option("--bits", args->bits, "Candidate widths (comma list)");
    c->add_flag("--count-overhead", args->overhead, "Charge scales and zero points to the budget");
    c->add_option("--eval-ppl", args->evalText,
                  "Evaluate the allocation and uniform neighbours on this text");
    c->add_option("--eval-chunks", args->chunks, "Chunks of the evaluation (0 = all)");
    c->add_option("--store", args->store, "Workspace store");
    c->callback([args, &g] { runAllocate(*args, g); });
  }
});

}  // namespace
