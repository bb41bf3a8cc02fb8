// `slmq eval MODEL --tasks ...` (zero-shot tasks, lm-evaluation-harness conventions) and
// `slmq kld REFERENCE MODEL --text FILE` (KL divergence with llama.cpp's statistics); with
// `--run N` (or `run:N`) and `--store WS` both evaluate a stored run's model as the runner built
// it and add the results to the run. Argument parsing and printing only; the work is in
// core/eval and core/jobs/stored_run_eval.h.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/run_target.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/eval/kld.h"
#include "core/eval/tasks/task_eval.h"
#include "core/eval/tasks/task_file_readers.h"
#include "core/eval/tasks/task_loaders.h"
#include "core/jobs/stored_run_eval.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/gptq.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/quant_spec.h"
#include "core/store/store.h"
#include "core/tokenizer/tokenizer.h"

namespace {

using nlohmann::json;
using slmq::cli::GlobalOptions;
using namespace slmq::core;

ProgressFn progressFor(const GlobalOptions& g, const std::string& label) {
  if (g.quiet) return {};
  if (g.json)
    return [label](double f, std::string_view stage) {
      std::cerr << json{{"progress", f}, {"stage", label + " " + std::string(stage)}}.dump()
                << std::endl;
      return true;
    };
  return [label](double f, std::string_view) {
    std::fprintf(stderr, "\r%-14s %5.1f%%", label.c_str(), 100.0 * f);
    if (f >= 1.0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
    return true;
  };
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

/// Optional fake quantization of the evaluated model (a quick quantized evaluation without a
/// stored run): weights by RTN or GPTQ in place, activations through FakeQuantHooks.
struct QuantArgs {
  std::string spec;  ///< QuantSpec short name ("w8a8", "w4 g128 asym"); empty = FP
  std::string method = "rtn";
  int calib_samples = 128;
  int calib_seq_len = 512;

  void add(CLI::App* c) {
    c->add_option("--quant", spec, "Fake-quantize first, e.g. \"w8a8\" or \"w4 g128 asym\"");
    c->add_option("--method", method, "Weight quantizer for --quant: rtn or gptq")
        ->check(CLI::IsMember({"rtn", "gptq"}))
        ->capture_default_str();
    c->add_option("--calib-samples", calib_samples, "GPTQ calibration windows (wikitext2_valid)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    c->add_option("--calib-seq-len", calib_seq_len, "GPTQ calibration window length")
        ->check(CLI::Range(2, 65536))
        ->capture_default_str();
  }

  /// Quantizes `model` in place; returns the activation hooks (null for FP or weight-only).
  std::unique_ptr<FakeQuantHooks> apply(Model& model, const GlobalOptions& g) const {
    if (spec.empty()) return nullptr;
    const QuantSpec q = QuantSpec::parse(spec);
    q.validate();
    if (method == "gptq") {
      CalibrationOptions calib;
      calib.samples = calib_samples;
      calib.seq_len = calib_seq_len;
      if (!model.tokenizer())
        throw Error(ErrorKind::InvalidInput, "GPTQ calibration needs the model's tokenizer");
      const auto tokens = drawCalibrationTokens(*model.tokenizer(), calib);
      gptqModel(model, tokens, calib, q, GptqOptions{}, progressFor(g, "gptq"));
    } else {
      applyRtn(model.weights(), q, progressFor(g, "rtn"));
    }
    if (!q.quantizesActivations()) return nullptr;
    return std::make_unique<FakeQuantHooks>(q, model.config().num_layers);
  }
};

void printTaskHeader(const GlobalOptions& g) {
  if (!g.json) std::printf("%-14s %6s  %-10s %8s  %8s\n", "task", "n", "metric", "value", "stderr");
}

/// One task's JSON object ({n, requests, seconds, <metric>, <metric>_stderr}); prints its table
/// rows unless --json.
json taskJson(const std::string& name, const TaskEvalResult& r, const GlobalOptions& g) {
  json t = {{"n", r.metrics.n}, {"requests", r.requests}, {"seconds", r.seconds}};
  for (const auto& [metric, v] : r.metrics.metrics) {
    t[metric] = v.value;
    t[metric + "_stderr"] = v.stderr_;
    if (!g.json)
      std::printf("%-14s %6d  %-10s %8.4f  %8.4f\n", name.c_str(), r.metrics.n, metric.c_str(),
                  v.value, v.stderr_);
  }
  return t;
}

struct EvalArgs {
  QuantArgs quant;
  slmq::cli::RunTarget target;
  std::string model;
  std::string tasks = "arc_easy,arc_challenge,piqa,hellaswag,mmlu";
  int limit = 0;
  int shots = 0;
  int max_length = 0;
  int batch_tokens = 2048;
  std::string tasks_dir;
};

void runEval(const EvalArgs& a, const GlobalOptions& g) {
  setComputeThreads(g.threads);
  auto model = Model::load(a.model);
  auto hooks = a.quant.apply(*model, g);
  TaskEvalOptions opt;
  opt.limit = a.limit;
  opt.scorer.max_length = a.max_length;
  opt.scorer.max_batch_tokens = a.batch_tokens;
  TaskLoadOptions lo;
  lo.mmlu_shots = a.shots;
  if (!a.tasks_dir.empty()) lo.tasks_dir = a.tasks_dir;
  json out = {
      {"model", a.model}, {"limit", a.limit}, {"mmlu_shots", a.shots}, {"tasks", json::object()}};
  printTaskHeader(g);
  for (const auto& name : splitList(a.tasks)) {
    const Task task = loadTaskByName(name, lo);
    const auto r = evaluateTask(*model, task, opt, progressFor(g, name), hooks.get());
    out["tasks"][name] = taskJson(name, r, g);
  }
  if (g.json) std::cout << out.dump() << std::endl;
}

/// `eval --run N`: the stored run's model, the runner's task evaluation, results added to the run.
void runEvalOnRun(const EvalArgs& a, const GlobalOptions& g) {
  if (!a.quant.spec.empty() || a.shots != 0 || a.max_length != 0 || !a.tasks_dir.empty() ||
      a.batch_tokens != ScorerOptions{}.max_batch_tokens)
    throw Error(ErrorKind::InvalidInput,
                "eval --run: --quant, --shots, --max-length, --tasks-dir and --batch-tokens are "
                "for the MODEL form only (the run's stored spec could not reproduce them)");
  Store store = a.target.openStore();
  RunAdditions add;
  for (const auto& name : splitList(a.tasks)) add.tasks.push_back({name, a.limit});
  if (add.tasks.empty()) throw Error(ErrorKind::InvalidInput, "eval: --tasks is empty");
  StoredRunEvalOptions o;
  o.threads = g.threads;
  o.on_log = slmq::cli::storedRunNotes(g);
  const StoredRunEvalResult r = evaluateStoredRun(
      store, a.target.run, add, progressFor(g, "run " + std::to_string(a.target.run)), o);
  json out = {{"model", r.spec.model},   {"limit", a.limit}, {"mmlu_shots", 0},
              {"tasks", json::object()}, {"run", r.run_id},  {"stored_metrics", r.stored.size()}};
  printTaskHeader(g);
  for (const auto& [name, t] : r.tasks) out["tasks"][name] = taskJson(name, t, g);
  if (g.json) {
    std::cout << out.dump() << std::endl;
    return;
  }
  std::printf("stored %zu metrics on run %lld in %s\n", r.stored.size(),
              static_cast<long long>(r.run_id), a.target.store.c_str());
}

struct KldArgs {
  QuantArgs quant;
  slmq::cli::RunTarget target;
  std::string reference, model, text;
  int seq_len = 512;
  int chunks = 0;
};

/// Prints a KLD report: one JSON object (`head` plus the statistics) with --json, else
/// llama.cpp's table.
void printKld(const KldReport& r, json head, int seqLen, const GlobalOptions& g) {
  const KldStats& s = r.overall;
  if (g.json) {
    json chunks = json::array();
    for (const auto& c : r.chunks)
      chunks.push_back({{"kld_mean", c.kld_mean.value},
                        {"same_top", c.same_top.value},
                        {"dp_rms", c.dp_rms.value},
                        {"ppl_q", c.ppl_q.value},
                        {"ppl_ref", c.ppl_ref.value}});
    head.update(json{{"positions", s.count},
                     {"kld_mean", s.kld_mean.value},
                     {"kld_mean_stderr", s.kld_mean.stderr_},
                     {"kld_median", s.kld_median},
                     {"kld_max", s.kld_max},
                     {"kld_min", s.kld_min},
                     {"kld_p99_9", s.kld_p999},
                     {"kld_p99", s.kld_p99},
                     {"kld_p95", s.kld_p95},
                     {"kld_p90", s.kld_p90},
                     {"kld_p10", s.kld_p10},
                     {"kld_p5", s.kld_p05},
                     {"kld_p1", s.kld_p01},
                     {"kld_p0_1", s.kld_p001},
                     {"same_top", s.same_top.value},
                     {"same_top_stderr", s.same_top.stderr_},
                     {"dp_mean", s.dp_mean.value},
                     {"dp_rms", s.dp_rms.value},
                     {"dp_rms_stderr", s.dp_rms.stderr_},
                     {"ppl_q", s.ppl_q.value},
                     {"ppl_ref", s.ppl_ref.value},
                     {"chunks", chunks}});
    std::cout << head.dump() << std::endl;
    return;
  }
  std::printf("positions scored : %zu (%zu chunks of %d, positions 1..%d predicted)\n", s.count,
              r.chunks.size(), seqLen, seqLen - 1);
  std::printf("PPL(Q) %.4f ± %.4f   PPL(base) %.4f ± %.4f\n", s.ppl_q.value, s.ppl_q.stderr_,
              s.ppl_ref.value, s.ppl_ref.stderr_);
  std::printf("Mean    KLD: %10.6f ± %10.6f\n", s.kld_mean.value, s.kld_mean.stderr_);
  std::printf("Maximum KLD: %10.6f\n99.9%%   KLD: %10.6f\n99.0%%   KLD: %10.6f\n", s.kld_max,
              s.kld_p999, s.kld_p99);
  std::printf("95.0%%   KLD: %10.6f\n90.0%%   KLD: %10.6f\nMedian  KLD: %10.6f\n", s.kld_p95,
              s.kld_p90, s.kld_median);
  std::printf("10.0%%   KLD: %10.6f\n 5.0%%   KLD: %10.6f\n 1.0%%   KLD: %10.6f\n", s.kld_p10,
              s.kld_p05, s.kld_p01);
  std::printf(" 0.1%%   KLD: %10.6f\nMinimum KLD: %10.6f\n", s.kld_p001, s.kld_min);
  std::printf("Mean    Δp: %6.3f ± %5.3f %%\nRMS Δp    : %6.3f ± %5.3f %%\n", 100 * s.dp_mean.value,
              100 * s.dp_mean.stderr_, 100 * s.dp_rms.value, 100 * s.dp_rms.stderr_);
  std::printf("Same top p: %6.3f ± %5.3f %%\n", 100 * s.same_top.value, 100 * s.same_top.stderr_);
}

void runKld(const KldArgs& a, const GlobalOptions& g) {
  setComputeThreads(g.threads);
  if (a.reference.empty())
    throw Error(ErrorKind::InvalidInput, "kld: give REFERENCE (or a stored run: --run N)");
  auto ref = Model::load(a.reference);
  if (a.model.empty() && a.quant.spec.empty())
    throw Error(ErrorKind::InvalidInput, "kld: give MODEL or --quant (or both)");
  auto q = Model::load(a.model.empty() ? a.reference : a.model);
  auto hooks = a.quant.apply(*q, g);
  if (!ref->tokenizer())
    throw Error(ErrorKind::InvalidInput, a.reference + ": the reference model has no tokenizer");
  const std::string text = readTaskFile(a.text);
  const auto tokens = ref->tokenizer()->encode(text, false);
  KldOptions opt;
  opt.seq_len = a.seq_len;
  opt.max_chunks = a.chunks;
  const auto r = klDivergence(*ref, *q, tokens, opt, progressFor(g, "kld"), hooks.get());
  printKld(
      r, {{"reference", a.reference}, {"model", a.model}, {"text", a.text}, {"seq_len", a.seq_len}},
      a.seq_len, g);
}

/// `kld --run N`: the stored run's model against its FP model (the spec's model, unquantized),
/// stored on the run (a quantized run; an FP run's KLD is 0 by definition and not stored).
void runKldOnRun(const KldArgs& a, const GlobalOptions& g) {
  if (!a.model.empty() || !a.quant.spec.empty())
    throw Error(ErrorKind::InvalidInput,
                "kld --run: the run is compared with its own FP model; MODEL and --quant are for "
                "the REFERENCE MODEL form only");
  Store store = a.target.openStore();
  RunAdditions add;
  // A text given as an existing path is stored absolute, so that the spec reproduces it from
  // anywhere; an asset name is stored as given.
  const std::string text = std::filesystem::exists(a.text)
                               ? std::filesystem::absolute(a.text).lexically_normal().string()
                               : a.text;
  add.kld = KldEval{text, a.seq_len, a.chunks};
  StoredRunEvalOptions o;
  o.threads = g.threads;
  o.on_log = slmq::cli::storedRunNotes(g);
  const StoredRunEvalResult r = evaluateStoredRun(
      store, a.target.run, add, progressFor(g, "run " + std::to_string(a.target.run)), o);
  printKld(*r.kld,
           {{"reference", r.spec.model},
            {"model", "run:" + std::to_string(r.run_id)},
            {"text", text},
            {"seq_len", a.seq_len},
            {"run", r.run_id},
            {"stored", r.kld_stored},
            {"stored_metrics", r.stored.size()}},
           a.seq_len, g);
  if (!g.json)
    std::printf("%s on run %lld in %s\n",
                r.kld_stored ? ("stored " + std::to_string(r.stored.size()) + " metrics").c_str()
                             : "FP run: nothing stored",
                static_cast<long long>(r.run_id), a.target.store.c_str());
}

slmq::cli::CommandRegistration reg(40, [](CLI::App& app, GlobalOptions& g) {
  {
    auto args = std::make_shared<EvalArgs>();
    std::string known;
    for (const auto& n : loadableTaskNames()) known += (known.empty() ? "" : ",") + n;
    auto* c = app.add_subcommand("eval", "Zero-shot tasks (lm-evaluation-harness conventions)");
    c->add_option("model", args->model, "Model directory or .gguf, or run:N (a stored run)");
    c->add_option("--tasks", args->tasks, "Comma-separated tasks from: " + known)
        ->capture_default_str();
    c->add_option("--limit", args->limit, "Only the first N items of each task (0 = all)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--shots", args->shots, "MMLU few-shot examples from dev (0-5)")
        ->check(CLI::Range(0, 5));
    c->add_option("--max-length", args->max_length,
                  "Window for left truncation (default: the model's max positions)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--batch-tokens", args->batch_tokens, "Padded tokens per forward call")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    c->add_option("--tasks-dir", args->tasks_dir, "Folder laid out like shared/assets/tasks");
    args->quant.add(c);
    args->target.add(c);
    c->callback([args, &g] {
      if (args->target.resolve(args->model, "eval")) return runEvalOnRun(*args, g);
      if (args->model.empty())
        throw Error(ErrorKind::InvalidInput, "eval: give MODEL, or a stored run (--run N)");
      runEval(*args, g);
    });
  }
  {
    auto args = std::make_shared<KldArgs>();
    auto* c = app.add_subcommand(
        "kld", "KL divergence of MODEL's next-token distributions against REFERENCE's");
    c->add_option("reference", args->reference,
                  "FP model (directory or .gguf), or run:N (a stored run against its FP model)");
    c->add_option("model", args->model,
                  "Model to compare (same vocabulary); default REFERENCE when --quant is given");
    args->quant.add(c);
    c->add_option("--text", args->text, "Text file")->required();
    c->add_option("--seq-len", args->seq_len, "Chunk length in tokens")
        ->check(CLI::Range(2, 1 << 20))
        ->capture_default_str();
    c->add_option("--chunks", args->chunks, "At most K chunks (0 = all)")
        ->check(CLI::NonNegativeNumber);
    args->target.add(c);
    c->callback([args, &g] {
      if (args->target.resolve(args->reference, "kld")) return runKldOnRun(*args, g);
      runKld(*args, g);
    });
  }
});

}  // namespace
