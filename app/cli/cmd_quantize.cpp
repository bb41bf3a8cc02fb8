// `slmq quantize MODEL --method rtn|gptq|awq|smoothquant|quarot[,gptq|rtn] ...`: quantizes a model
// with core/quant's pipeline, optionally evaluates perplexity, prints the result (text or --json)
// and writes the run, its spec, perplexity and cost to a store. Parsing and wiring only.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/eval/perplexity.h"
#include "core/jobs/experiment_spec.h"
#include "core/jobs/runner.h"
#include "core/model/model.h"
#include "core/quant/quantize.h"
#include "core/store/store.h"

namespace {

using nlohmann::json;
using namespace slmq::core;

struct QuantizeArgs {
  std::string model;
  std::string method = "rtn";
  std::string scheme;  ///< short name; overrides the bit/group flags when given
  int w_bits = 4;
  int group = 128;  ///< 0 = per output channel, -1 = per tensor
  bool asym = false;
  int a_bits = 16;
  bool a_static = false;
  float clip = 1.f;
  std::string calib;
  int calib_samples = 128;
  int calib_len = 512;
  std::uint64_t seed = 0;
  double alpha = 0.5;
  bool act_order = false;
  bool static_groups = false;
  float quarot_aclip = 0.9f;
  slmq::core::SpinQuantOptions spin;
  slmq::core::OmniQuantOptions omni;
  bool spin_fixed_r2 = false;
  bool omni_no_lwc = false;
  bool omni_no_let = false;
  std::vector<std::string> eval_ppl;
  int chunks = 0;
  bool with_fp = false;
  std::string store;
};

QuantSpec specFrom(const QuantizeArgs& a) {
  if (!a.scheme.empty()) return QuantSpec::parse(a.scheme);
  QuantSpec s;
  s.weight.bits = a.w_bits;
  s.weight.symmetric = !a.asym;
  s.weight.clip_ratio = a.clip;
  if (a.group > 0) {
    s.weight.granularity = WeightGranularity::PerGroup;
    s.weight.group_size = a.group;
  } else {
    s.weight.granularity =
        a.group == 0 ? WeightGranularity::PerChannel : WeightGranularity::PerTensor;
  }
  s.act.bits = a.a_bits;
  s.act.granularity = a.a_static ? ActGranularity::PerTensorStatic : ActGranularity::PerToken;
  s.validate();
  return s;
}

std::string stem(const std::filesystem::path& p) {
  return p.stem().string();
}

void runQuantize(const QuantizeArgs& a, const slmq::cli::GlobalOptions& g) {
  setComputeThreads(g.threads);
  QuantizeOptions opts;
  opts.methods = a.method;
  opts.spec = specFrom(a);
  opts.calib.text = a.calib.empty() ? std::filesystem::path() : resolveTextPath(a.calib);
  opts.calib.samples = a.calib_samples;
  opts.calib.seq_len = a.calib_len;
  opts.calib.seed = a.seed;
  opts.smoothquant.alpha = a.alpha;
  opts.gptq.act_order = a.act_order;
  opts.gptq.static_groups = a.static_groups;
  opts.quarot.seed = a.seed;
  opts.quarot.act_clip_ratio = a.quarot_aclip;
  opts.spinquant = a.spin;
  opts.spinquant.seed = a.seed;
  opts.spinquant.act_clip_ratio = a.quarot_aclip;
  opts.spinquant.learn_r2 = !a.spin_fixed_r2;
  opts.omniquant = a.omni;
  opts.omniquant.lwc = !a.omni_no_lwc;
  opts.omniquant.let = !a.omni_no_let;
  const std::vector<std::string> methods = parseMethods(a.method);

  // The experiment spec stored with the run (reproduces it).
  ExperimentSpec es;
  es.model = a.model;
  es.seed = a.seed;
  for (const auto& m : methods) {
    MethodStep step{m, json::object()};
    if (m == "smoothquant") step.params = {{"alpha", a.alpha}};
    if (m == "gptq") step.params = {{"act_order", a.act_order}, {"static_groups", a.static_groups}};
    if (m == "quarot") step.params = {{"seed", a.seed}, {"act_clip_ratio", a.quarot_aclip}};
    if (m == "spinquant")
      step.params = {{"steps", a.spin.steps},           {"lr", a.spin.lr},
                     {"batch", a.spin.batch},           {"seq_len", a.spin.seq_len},
                     {"learn_r2", !a.spin_fixed_r2},    {"seed", a.seed},
                     {"act_clip_ratio", a.quarot_aclip}};
    if (m == "omniquant")
      step.params = {{"epochs", a.omni.epochs},
                     {"lr_lwc", a.omni.lr_lwc},
                     {"lr_let", a.omni.lr_let},
                     {"lwc", !a.omni_no_lwc},
                     {"let", !a.omni_no_let}};
    es.methods.push_back(step);
  }
  es.quant = opts.spec.toJson();
  if (methods != std::vector<std::string>{"rtn"})
    es.calibration = CalibrationSpec{
        opts.calib.text.empty() ? "text/wikitext2_valid.txt" : opts.calib.text.string(),
        a.calib_samples, a.calib_len, a.seed};
  std::vector<std::filesystem::path> texts;
  for (const auto& t : a.eval_ppl) texts.push_back(resolveTextPath(t));
  if (!texts.empty()) {
    PerplexityEval pe;
    for (const auto& t : texts) pe.texts.push_back(t.string());
    pe.max_chunks = a.chunks;
    es.evaluations.perplexity = pe;
  }

  auto progress = [&](double f, std::string_view stage) {
    if (!g.quiet && !g.json)
      std::fprintf(stderr, "\r[%5.1f%%] %-40.40s", 100 * f, std::string(stage).c_str());
    if (!g.quiet && g.json)
      std::fprintf(stderr, "%s\n",
                   json{{"progress", f}, {"stage", std::string(stage)}}.dump().c_str());
    return true;
  };

  std::optional<Store> store;
  std::int64_t runId = 0;
  if (!a.store.empty()) store.emplace(Store::open(a.store));

  auto model = Model::load(a.model);
  if (store) {
    ModelRecord mr;
    mr.name = std::filesystem::path(a.model).filename().string();
    mr.path = a.model;
    mr.architecture = model->config().arch_name;
    mr.n_params = std::int64_t(model->weights().parameterCount());
    mr.format = std::filesystem::is_directory(a.model) ? "safetensors" : "file";
    RunRecord rr;
    rr.model_id = store->upsertModel(mr);
    rr.name = es.methodLabel() + " " + opts.spec.shortName() + " " + mr.name;
    rr.method = es.methodLabel();
    rr.w_bits = opts.spec.weight.bits;
    rr.a_bits = opts.spec.act.bits;
    rr.spec_json = es.dump(-1);
    runId = store->createRun(rr);
    store->markRunning(runId);
  }

  json out = {{"model", a.model},
              {"methods", methods},
              {"scheme", opts.spec.shortName()},
              {"spec", es.toJson()}};
  RunResults results;
  try {
    PerplexityOptions po;
    po.max_chunks = a.chunks;
    if (a.with_fp)
      for (const auto& t : texts) {
        const double p = evaluatePerplexityFile(*model, t, po).perplexity();
        out["fp_perplexity"][stem(t)] = p;
        results.metrics.push_back({"ppl_fp", stem(t), p, std::nullopt});
      }
    const QuantizeResult qr = quantizeModel(*model, opts, progress);
    if (!g.quiet && !g.json) std::fprintf(stderr, "\n");
    out["result"] = qr.toJson();
    const auto hooks = makeEvalHooks(*model, opts.spec, qr);
    po.hooks = hooks.get();
    for (const auto& t : texts) {
      const PerplexityResult pr = evaluatePerplexityFile(*model, t, po);
      out["perplexity"][stem(t)] = pr.perplexity();
      out["chunks"][stem(t)] = pr.chunk_nll.size();
      results.metrics.push_back({"ppl", stem(t), pr.perplexity(), std::nullopt});
    }
    results.wall_seconds = qr.cost.wall_seconds;
    results.cpu_seconds = qr.cost.cpu_seconds;
    results.peak_rss_bytes = std::int64_t(qr.cost.peak_rss_bytes);
    results.timings_json = json{{"quantize", qr.cost.wall_seconds},
                                {"calibration_tokenize", qr.cost.calibration_seconds}}
                               .dump();
    results.metrics.push_back({"quant_wall_seconds", "", qr.cost.wall_seconds, std::nullopt});
    results.metrics.push_back({"quant_cpu_seconds", "", qr.cost.cpu_seconds, std::nullopt});
    results.metrics.push_back(
        {"quant_peak_rss_bytes", "", double(qr.cost.peak_rss_bytes), std::nullopt});
    if (store) {
      store->finishRun(runId, results);
      out["run_id"] = runId;
    }
  } catch (const Error& e) {
    if (store) {
      if (e.kind() == ErrorKind::Cancelled)
        store->cancelRun(runId, e.what());
      else
        store->failRun(runId, e.what());
    }
    throw;
  }

  if (g.json) {
    std::cout << out.dump() << "\n";
    return;
  }
  const auto& cost = out["result"]["cost"];
  std::printf("%s  %s  %s\n", a.model.c_str(), es.methodLabel().c_str(),
              opts.spec.shortName().c_str());
  std::printf("  quantize: %.2f s wall, %.2f s cpu, peak RSS %.1f MiB\n",
              cost["wall_seconds"].get<double>(), cost["cpu_seconds"].get<double>(),
              cost["peak_rss_bytes"].get<double>() / (1024.0 * 1024.0));
  for (const auto& t : texts) {
    std::printf("  ppl %-20s %.4f", stem(t).c_str(), out["perplexity"][stem(t)].get<double>());
    if (a.with_fp) std::printf("  (fp %.4f)", out["fp_perplexity"][stem(t)].get<double>());
    std::printf("\n");
  }
  for (const auto& line : out["result"]["log"])
    std::printf("  note: %s\n", line.get<std::string>().c_str());
  if (store)
    std::printf("  stored as run %lld in %s\n", static_cast<long long>(runId), a.store.c_str());
}

slmq::cli::CommandRegistration reg(30, [](CLI::App& app, slmq::cli::GlobalOptions& g) {
  auto args = std::make_shared<QuantizeArgs>();
  auto* c = app.add_subcommand("quantize",
                               "Quantize a model (RTN, GPTQ, AWQ, SmoothQuant, QuaRot) and "
                               "measure perplexity and the cost of quantizing");
  c->add_option("model", args->model, "Model directory or .gguf file")->required();
  c->add_option("--method", args->method,
                "Methods, comma-separated: rtn, gptq, awq, smoothquant, quarot, spinquant, "
                "omniquant (e.g. smoothquant,gptq, quarot,gptq or spinquant,gptq)");
  c->add_option("--scheme", args->scheme,
                "QuantSpec short name, e.g. \"w4a8 g128 asym\" (overrides the bit/group flags)");
  c->add_option("--w-bits", args->w_bits, "Weight bits (2-8, 16 = off)");
  c->add_option("--group", args->group,
                "Group size along the input (0 = per channel, -1 = per tensor)");
  c->add_flag("--asym", args->asym, "Asymmetric weights (min/max with zero point)");
  c->add_option("--a-bits", args->a_bits, "Activation bits (4-8, 16 = off)");
  c->add_flag("--a-static", args->a_static, "Per-tensor static activation scales (else per token)");
  c->add_option("--clip", args->clip, "Weight clip ratio in (0, 1]");
  c->add_option("--calib", args->calib, "Calibration text (default wikitext2_valid.txt)");
  c->add_option("--calib-samples", args->calib_samples, "Calibration windows N");
  c->add_option("--calib-len", args->calib_len, "Tokens per calibration window L");
  c->add_option("--seed", args->seed, "Seed of the calibration windows");
  c->add_option("--alpha", args->alpha, "SmoothQuant migration strength");
  c->add_flag("--act-order", args->act_order,
              "GPTQ: quantize columns by decreasing Hessian diagonal");
  c->add_flag("--static-groups", args->static_groups, "GPTQ: group parameters before reordering");
  c->add_option("--quarot-aclip", args->quarot_aclip,
                "QuaRot: activation clip ratio where the scheme sets none (default 0.9; R1/R2 "
                "are seeded by --seed)");
  c->add_option("--spin-steps", args->spin.steps, "SpinQuant: Cayley SGD steps (default 100)");
  c->add_option("--spin-lr", args->spin.lr, "SpinQuant: initial learning rate, cosine (1.5)");
  c->add_option("--spin-batch", args->spin.batch, "SpinQuant: sequences per step (default 4)");
  c->add_option("--spin-len", args->spin.seq_len,
                "SpinQuant: tokens per sequence (default 256, <= --calib-len)");
  c->add_flag("--spin-fixed-r2", args->spin_fixed_r2, "SpinQuant: learn R1 only");
  c->add_option("--omni-epochs", args->omni.epochs,
                "OmniQuant: epochs per block over the calibration windows (default 2)");
  c->add_option("--omni-lr-lwc", args->omni.lr_lwc, "OmniQuant: LWC learning rate (1e-2)");
  c->add_option("--omni-lr-let", args->omni.lr_let, "OmniQuant: LET learning rate (5e-3)");
  c->add_flag("--omni-no-lwc", args->omni_no_lwc, "OmniQuant: no learnable weight clipping");
  c->add_flag("--omni-no-let", args->omni_no_let, "OmniQuant: no learnable equivalent transform");
  c->add_option("--eval-ppl", args->eval_ppl, "Text file(s) for perplexity after quantizing");
  c->add_option("--chunks", args->chunks, "Evaluate only the first K chunks (0 = all)");
  c->add_flag("--with-fp", args->with_fp, "Also evaluate the unquantized model");
  c->add_option("--store", args->store, "Workspace store (SQLite) to write the run to");
  c->callback([args, &g]() { runQuantize(*args, g); });
});

}  // namespace
