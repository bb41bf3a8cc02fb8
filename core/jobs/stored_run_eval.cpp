// Evaluating a stored run later (see stored_run_eval.h).
#include "core/jobs/stored_run_eval.h"

#include <algorithm>
#include <map>

#include "core/common/error.h"
#include "core/jobs/run_model.h"
#include "core/jobs/run_scores.h"
#include "core/jobs/runner.h"
#include "core/store/store.h"

namespace slmq::core {

namespace {

std::string runName(const Store& store, std::int64_t id) {
  return "run " + std::to_string(id) + " in store " + store.path().string();
}

/// `base` with `add` laid over it: same (name, dataset) replaced.
std::vector<MetricRecord> overlay(const std::vector<MetricRecord>& base,
                                  const std::vector<MetricRecord>& add) {
  std::map<std::pair<std::string, std::string>, MetricRecord> m;
  for (const auto& r : base) m[{r.name, r.dataset}] = r;
  for (const auto& r : add) m[{r.name, r.dataset}] = r;
  std::vector<MetricRecord> out;
  for (auto& [k, v] : m) out.push_back(v);
  return out;
}

}  // namespace

ExperimentSpec storedRunSpec(Store& store, std::int64_t run_id) {
  RunRecord run;
  try {
    run = store.run(run_id);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::NotFound) throw;
    throw Error(ErrorKind::InvalidInput, "store " + store.path().string() + " has no run " +
                                             std::to_string(run_id) + " (see `slmq list --store " +
                                             store.path().string() + "`)");
  }
  if (run.status != RunStatus::Done)
    throw Error(ErrorKind::InvalidInput, runName(store, run_id) + " is " +
                                             runStatusName(run.status) +
                                             (run.error.empty() ? "" : " (" + run.error + ")") +
                                             "; evaluations can be added only to a done run");
  ExperimentSpec spec;
  try {
    spec = ExperimentSpec::parse(run.spec_json);
  } catch (const Error& e) {
    throw Error(ErrorKind::InvalidInput,
                runName(store, run_id) + ": its stored spec does not parse: " + e.what());
  }
  try {
    resolveModelPath(spec.model);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::NotFound) throw;
    throw Error(ErrorKind::NotFound, runName(store, run_id) + ": its model " + spec.model +
                                         " no longer exists (" + e.what() + ")");
  }
  return spec;
}

ExperimentSpec mergeEvaluations(const ExperimentSpec& spec, const RunAdditions& add) {
  ExperimentSpec out = spec;
  EvaluationSpec& ev = out.evaluations;
  for (const TaskEval& t : add.tasks) {
    const auto it = std::find_if(ev.tasks.begin(), ev.tasks.end(),
                                 [&](const TaskEval& x) { return x.name == t.name; });
    if (it != ev.tasks.end())
      *it = t;
    else
      ev.tasks.push_back(t);
  }
  if (add.kld) {
    if (ev.kld && textDatasetName(ev.kld->text) != textDatasetName(add.kld->text))
      throw Error(ErrorKind::InvalidInput,
                  "the run's spec already holds a KLD evaluation on " + ev.kld->text +
                      " and a spec holds one; KLD on " + add.kld->text +
                      " would leave the stored one without an evaluation that reproduces it "
                      "(use the same text, or the KLD MODEL form without storing)");
    if (!spec.methods.empty()) ev.kld = add.kld;
  }
  if (add.bench) ev.bench = add.bench;
  // Validate the merged spec exactly as a stored spec is read back.
  return ExperimentSpec::parse(out.dump(-1));
}

StoredRunEvalResult evaluateStoredRun(Store& store, std::int64_t run_id, const RunAdditions& add,
                                      const ProgressFn& progress,
                                      const StoredRunEvalOptions& options) {
  StoredRunEvalResult res;
  res.run_id = run_id;
  const ExperimentSpec spec = storedRunSpec(store, run_id);
  res.run = store.run(run_id);
  res.spec = mergeEvaluations(spec, add);
  const bool quantized = !spec.methods.empty();
  if (add.kld) resolveTextPath(add.kld->text);  // a missing text fails before the model is built
  auto note = [&](const std::string& m) {
    if (options.on_log) options.on_log(m);
  };

  // Progress: weighted stages mapped onto [0, 1].
  std::vector<std::pair<std::string, double>> plan = {{"build", quantized ? 20.0 : 1.0}};
  if (!add.tasks.empty()) plan.push_back({"tasks", 10});
  if (add.kld) plan.push_back({"kld", 6});
  if (add.bench) plan.push_back({"bench", 6});
  double total = 0;
  for (const auto& p : plan) total += p.second;
  std::map<std::string, std::pair<double, double>> spans;
  for (double at = 0; const auto& [name, w] : plan) {
    spans[name] = {at / total, (at + w) / total};
    at += w;
  }
  auto stage = [&](const std::string& name) -> ProgressFn {
    const auto span = spans.at(name);
    return [&progress, span, name](double f, std::string_view label) {
      if (!progress) return true;
      return progress(span.first + std::clamp(f, 0.0, 1.0) * (span.second - span.first),
                      label.empty() ? std::string_view(name) : label);
    };
  };

  reportProgress(stage("build"), 0, "load model");
  RunModel run = loadRunModel(spec);
  quantizeRunModel(spec, run, stage("build"));
  reportProgress(stage("build"), 1, "model rebuilt");

  std::vector<MetricRecord> metrics;
  for (std::size_t i = 0; i < add.tasks.size(); ++i) {
    const TaskEval& te = add.tasks[i];
    const double n = double(add.tasks.size());
    auto st = stage("tasks");
    res.tasks.emplace_back(te.name,
                           evaluateRunTask(run, te, metrics, [&, i](double f, std::string_view) {
                             return st((double(i) + f) / n, "task " + te.name);
                           }));
  }
  if (add.kld) {
    std::vector<MetricRecord> kldMetrics;
    res.kld = evaluateRunKld(run, *add.kld, kldMetrics, stage("kld"));
    res.kld_stored = quantized;
    if (quantized)
      metrics.insert(metrics.end(), kldMetrics.begin(), kldMetrics.end());
    else
      note(
          "kld of an FP run is against itself (0 by definition); not stored, as `slmq run` "
          "does not store it either");
  }
  if (add.bench)
    res.bench = benchRunModel(run, *add.bench, options.threads, metrics, stage("bench"), note);

  // Scores where the runner stores them: a quantized run with an FP parent.
  if (quantized && !metrics.empty())
    for (auto& m :
         quantizedRunScores(store, res.run, spec, overlay(store.metrics(run_id), metrics)))
      metrics.push_back(std::move(m));

  reportProgress(progress, 1.0, "store results");
  if (!metrics.empty()) {
    RunResults r;
    r.metrics = metrics;
    store.appendResults(run_id, r, res.spec.dump(-1));
  }
  res.stored = std::move(metrics);

  // An FP run is the parent of quantized runs whose stored scores compare against it: refresh
  // them (each its own transaction; their specs unchanged).
  if (!quantized && !res.stored.empty()) {
    RunFilter f;
    f.parent_run_id = run_id;
    f.status = RunStatus::Done;
    for (const RunRecord& child : store.runs(f)) {
      try {
        RunResults r;
        r.metrics = computeRunScores(store, child.id);
        if (r.metrics.empty()) continue;
        store.appendResults(child.id, r, child.spec_json);
        res.children_rescored.push_back(child.id);
      } catch (const Error& e) {
        note("scores of child run " + std::to_string(child.id) + " not refreshed: " + e.what());
      }
    }
  }
  return res;
}

}  // namespace slmq::core
