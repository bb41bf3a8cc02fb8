// `slmq run SPEC.json --store DB`, `slmq sweep SWEEP.json|yaml --store DB [--shard i/n]`,
// `slmq demo --store DB` and `slmq store merge A.db B.db -o C.db`: argument parsing and progress
// wiring around core/jobs (runner, sweep, demo study) and core/store (merge).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "app/cli/job_reporter.h"
#include "core/common/error.h"
#include "core/jobs/demo_study.h"
#include "core/jobs/runner.h"
#include "core/jobs/sweep.h"
#include "core/store/store.h"
#include "core/store/store_merge.h"

namespace {

using nlohmann::json;
using namespace slmq::core;
using slmq::cli::GlobalOptions;
using slmq::cli::JobReporter;

std::string readSpecFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, "spec file not found: " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > (16u << 20))
    throw Error(ErrorKind::InvalidInput, path + ": spec file larger than 16 MiB");
  return ss.str();
}

RunnerOptions runnerOptions(const GlobalOptions& g, JobReporter& rep, Store& store) {
  RunnerOptions o;
  o.threads = g.threads;
  o.on_run_created = [&rep, &store](std::int64_t id, bool isParent) {
    rep.runStarted(id, (isParent ? "FP parent: " : "") + store.run(id).name);
  };
  o.on_log = [&rep](const std::string& m) { rep.log("info", m); };
  return o;
}

/// Runs one spec with reporting; returns the run id. Errors are reported and rethrown.
std::int64_t runOne(const ExperimentSpec& spec, Store& store, const GlobalOptions& g,
                    JobReporter& rep, RunnerOptions o) {
  std::int64_t current = 0;
  auto created = o.on_run_created;
  o.on_run_created = [&](std::int64_t id, bool isParent) {
    current = id;
    created(id, isParent);
  };
  try {
    const std::int64_t id = runExperiment(spec, store, rep.progressFn(), o);
    rep.runFinished(id, "done");
    return id;
  } catch (const Error& e) {
    rep.runFinished(current, e.kind() == ErrorKind::Cancelled ? "cancelled" : "failed", e.what());
    throw;
  }
}

json metricsJson(Store& store, std::int64_t id) {
  json m = json::array();
  for (const auto& r : store.metrics(id)) {
    json x = {{"name", r.name}, {"dataset", r.dataset}, {"value", r.value}};
    if (r.stderr_value) x["stderr"] = *r.stderr_value;
    m.push_back(x);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------

struct RunArgs {
  std::string spec;
  std::string store;
  std::int64_t parent = 0;
  bool no_parent = false;
};

void runRun(const RunArgs& a, const GlobalOptions& g) {
  const ExperimentSpec spec = ExperimentSpec::parse(readSpecFile(a.spec), a.spec);
  Store store = Store::open(a.store);
  JobReporter rep(g, a.store);
  RunnerOptions o = runnerOptions(g, rep, store);
  o.with_parent = !a.no_parent;
  if (a.parent > 0) o.parent_run_id = a.parent;
  const std::int64_t id = runOne(spec, store, g, rep, o);
  const json out = {
      {"run_id", id}, {"name", store.run(id).name}, {"metrics", metricsJson(store, id)}};
  if (rep.jsonl()) {
    if (g.json) rep.result(out.dump());
    return;
  }
  if (g.json) {
    std::cout << out.dump() << "\n";
    return;
  }
  std::printf("run %lld done: %s\n", static_cast<long long>(id), store.run(id).name.c_str());
  for (const auto& m : store.metrics(id))
    std::printf("  %-24s %-18s %14.6g\n", m.name.c_str(), m.dataset.c_str(), m.value);
}

// ---------------------------------------------------------------------------------------------

struct SweepArgs {
  std::string spec;
  std::string store;
  std::string shard = "0/1";
  bool dry_run = false;
};

void runSweepCmd(const SweepArgs& a, const GlobalOptions& g) {
  const auto points = expandSweep(readSpecFile(a.spec), a.spec);
  const Shard shard = Shard::parse(a.shard);
  if (a.dry_run) {
    json out = json::array();
    for (std::size_t k = 0; k < points.size(); ++k)
      if (shard.contains(k))
        out.push_back(
            {{"point", k}, {"name", runDisplayName(points[k])}, {"spec", points[k].toJson()}});
    if (g.json) {
      std::cout << out.dump() << "\n";
    } else {
      for (const auto& p : out)
        std::printf("%4zu  %s\n", p["point"].get<std::size_t>(),
                    p["name"].get<std::string>().c_str());
      std::printf("%zu of %zu points in shard %s\n", out.size(), points.size(), a.shard.c_str());
    }
    return;
  }
  Store store = Store::open(a.store);
  JobReporter rep(g, a.store);
  RunnerOptions o = runnerOptions(g, rep, store);
  std::int64_t current = 0;
  auto created = o.on_run_created;
  o.on_run_created = [&](std::int64_t id, bool p) {
    current = id;
    created(id, p);
  };
  SweepCallbacks cb;
  cb.on_point = [&](std::size_t i, std::size_t n, const std::string& name) {
    rep.log("info", "point " + std::to_string(i + 1) + "/" + std::to_string(n) + ": " + name);
  };
  cb.on_result = [&](const SweepPointResult& r) {
    if (r.status == "skipped")
      rep.log("info", "skipped (done as run " + std::to_string(r.run_id) + "): " + r.name);
    else
      rep.runFinished(r.run_id ? r.run_id : current, r.status, r.error);
  };
  const auto results = runSweep(points, store, shard, rep.progressFn(), o, cb);
  json out = {{"points", points.size()}, {"shard", a.shard}, {"results", json::array()}};
  int failed = 0;
  for (const auto& r : results) {
    out["results"].push_back({{"point", r.point},
                              {"name", r.name},
                              {"status", r.status},
                              {"run_id", r.run_id},
                              {"error", r.error}});
    failed += r.status == "failed";
  }
  if (rep.jsonl()) {
    if (g.json) rep.result(out.dump());
  } else if (g.json) {
    std::cout << out.dump() << "\n";
  } else {
    for (const auto& r : results)
      std::printf("%4zu  %-9s run %-5lld %s%s%s\n", r.point, r.status.c_str(),
                  static_cast<long long>(r.run_id), r.name.c_str(), r.error.empty() ? "" : ": ",
                  r.error.c_str());
  }
  if (failed > 0)
    throw Error(ErrorKind::InvalidInput,
                std::to_string(failed) + " sweep point(s) failed (see the store for messages)");
}

// ---------------------------------------------------------------------------------------------

struct DemoArgs {
  std::string store;
  bool no_sensitivity = false;
  bool quick = false;
  bool print = false;
};

void runDemo(const DemoArgs& a, const GlobalOptions& g) {
  DemoOptions d;
  d.sensitivity = !a.no_sensitivity;
  if (a.quick) {
    d.ppl_chunks = 2;
    d.task_limit = 10;
    d.kld_chunks = 2;
    d.calib_samples = 8;
  }
  const auto specs = demoStudySpecs(d);
  if (a.print) {
    json out = json::array();
    for (const auto& s : specs) out.push_back(s.toJson());
    std::cout << out.dump(2) << "\n";
    return;
  }
  Store store = Store::open(a.store);
  JobReporter rep(g, a.store);
  RunnerOptions o = runnerOptions(g, rep, store);
  json ids = json::array();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (const auto done = findDoneRun(store, specs[i])) {
      rep.log("info",
              "already done as run " + std::to_string(*done) + ": " + runDisplayName(specs[i]));
      ids.push_back(*done);
      continue;
    }
    ids.push_back(runOne(specs[i], store, g, rep, o));
  }
  if (rep.jsonl()) {
    if (g.json) rep.result(json{{"runs", ids}}.dump());
  } else if (g.json) {
    std::cout << json{{"runs", ids}}.dump() << "\n";
  } else {
    std::printf("demo study in %s: runs %s\n", a.store.c_str(), ids.dump().c_str());
  }
}

// ---------------------------------------------------------------------------------------------

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string output;
};

void runMerge(const MergeArgs& a, const GlobalOptions& g) {
  std::vector<std::filesystem::path> in(a.inputs.begin(), a.inputs.end());
  const MergeSummary s = mergeStores(in, a.output);
  if (g.json) {
    std::cout << json{{"output", a.output},
                      {"runs_copied", s.runs_copied},
                      {"runs_duplicate", s.runs_duplicate},
                      {"models_copied", s.models_copied},
                      {"result_rows", s.result_rows}}
                     .dump()
              << "\n";
    return;
  }
  std::printf("%s: %lld runs copied, %lld duplicates skipped, %lld models, %lld result rows\n",
              a.output.c_str(), static_cast<long long>(s.runs_copied),
              static_cast<long long>(s.runs_duplicate), static_cast<long long>(s.models_copied),
              static_cast<long long>(s.result_rows));
}

slmq::cli::CommandRegistration reg(35, [](CLI::App& app, GlobalOptions& g) {
  {
    auto a = std::make_shared<RunArgs>();
    auto* c = app.add_subcommand("run", "Run one ExperimentSpec (JSON) and store it as a run");
    c->add_option("spec", a->spec, "ExperimentSpec JSON file")->required();
    c->add_option("--store", a->store, "Workspace store (SQLite)")->required();
    c->add_option("--parent", a->parent, "FP parent run id (default: found or run first)");
    c->add_flag("--no-parent", a->no_parent, "Do not find or run an FP parent (no scores)");
    c->callback([a, &g] { runRun(*a, g); });
  }
  {
    auto a = std::make_shared<SweepArgs>();
    auto* c = app.add_subcommand(
        "sweep", "Run a grid models x methods x settings x evaluations as independent runs");
    c->add_option("spec", a->spec,
                  "Sweep file: JSON, or YAML if it ends in .yaml/.yml (docs/cli.md)")
        ->required();
    c->add_option("--store", a->store, "Workspace store (SQLite)");
    c->add_option("--shard", a->shard, "Run only shard i of n (i/n, from 0)");
    c->add_flag("--dry-run", a->dry_run, "List the shard's points without running them");
    c->callback([a, &g] {
      if (!a->dry_run && a->store.empty())
        throw Error(ErrorKind::InvalidInput, "sweep: --store is required (or use --dry-run)");
      runSweepCmd(*a, g);
    });
  }
  {
    auto a = std::make_shared<DemoArgs>();
    auto* c = app.add_subcommand("demo", "Run the default demo study on smol-ref into a store");
    c->add_option("--store", a->store, "Workspace store (SQLite)");
    c->add_flag("--no-sensitivity", a->no_sensitivity, "Skip the sensitivity-grid run");
    c->add_flag("--quick", a->quick, "Smaller budgets (seconds instead of minutes)");
    c->add_flag("--print", a->print, "Print the demo's specs as JSON instead of running them");
    c->callback([a, &g] {
      if (!a->print && a->store.empty())
        throw Error(ErrorKind::InvalidInput, "demo: --store is required (or use --print)");
      runDemo(*a, g);
    });
  }
});

// After cmd_store's registration (order 90): adds `store merge`.
slmq::cli::CommandRegistration regMerge(91, [](CLI::App& app, GlobalOptions& g) {
  auto* store = app.get_subcommand("store");
  auto a = std::make_shared<MergeArgs>();
  auto* c = store->add_subcommand("merge", "Merge stores into a new one without duplicate runs");
  c->add_option("inputs", a->inputs, "Input stores")->required()->expected(1, -1);
  c->add_option("-o,--output", a->output, "Output store (must not exist)")->required();
  c->callback([a, &g] { runMerge(*a, g); });
});

}  // namespace
