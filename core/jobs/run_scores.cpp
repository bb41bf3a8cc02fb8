// Which stored metrics feed which SLMQ score (see run_scores.h).
#include "core/jobs/run_scores.h"

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "core/eval/scores.h"
#include "core/store/store.h"

namespace slmq::core {

namespace {

using Key = std::pair<std::string, std::string>;  // (name, dataset)

std::map<Key, double> byKey(const std::vector<MetricRecord>& ms) {
  std::map<Key, double> out;
  for (const auto& m : ms) out[{m.name, m.dataset}] = m.value;
  return out;
}

bool positive(double v) {
  return std::isfinite(v) && v > 0;
}

std::optional<double> get(const std::map<Key, double>& m, const std::string& name,
                          const std::string& ds = "") {
  const auto it = m.find({name, ds});
  if (it == m.end() || !positive(it->second)) return std::nullopt;
  return it->second;
}

}  // namespace

std::vector<MetricRecord> slmqScores(const std::vector<MetricRecord>& run,
                                     const std::vector<MetricRecord>& parent,
                                     const std::vector<MetricRecord>* rtn_reference) {
  const auto q = byKey(run), fp = byKey(parent);
  std::vector<MetricRecord> out;

  // Compression track: perplexities (inverted) and task accuracies.
  std::vector<PerfTerm> terms;
  std::set<std::string> taskDatasets;
  for (const auto& [k, v] : q)
    if (k.first == "acc" || k.first == "acc_norm") taskDatasets.insert(k.second);
  for (const auto& [k, v] : q) {
    if (k.first != "ppl") continue;
    const auto a = get(fp, "ppl", k.second), b = get(q, "ppl", k.second);
    if (a && b) terms.push_back({k.second + "/ppl", *a, *b, true});
  }
  for (const auto& ds : taskDatasets) {
    const std::string name = q.count({"acc_norm", ds}) ? "acc_norm" : "acc";
    const auto a = get(fp, name, ds), b = get(q, name, ds);
    if (a && b) terms.push_back({ds + "/" + name, *a, *b, false});
  }
  if (!terms.empty()) out.push_back({"slmq_perf", "", slmqPerf(terms), std::nullopt});

  // Inference track.
  const char* tps =
      q.count({"decode_tokens_per_s", ""}) ? "decode_tokens_per_s" : "prefill_tokens_per_s";
  const auto mf = get(fp, "bench_peak_rss_bytes"), mq = get(q, "bench_peak_rss_bytes");
  const auto tf = get(fp, tps), tq = get(q, tps);
  const auto sf = get(fp, "storage_bytes"), sq = get(q, "storage_bytes");
  if (mf && mq && tf && tq && sf && sq)
    out.push_back({"slmq_infer", "", slmqInfer({*mf, *tf, *sf}, {*mq, *tq, *sq}), std::nullopt});

  // Consumption track against RTN on the same model.
  if (rtn_reference) {
    const auto r = byKey(*rtn_reference);
    const auto tr = get(r, "quant_wall_seconds"), mr = get(r, "quant_peak_rss_bytes");
    const auto tm = get(q, "quant_wall_seconds"), mm = get(q, "quant_peak_rss_bytes");
    if (tr && mr && tm && mm)
      out.push_back({"slmq_cons", "", slmqCons({*tr, *mr}, {*tm, *mm}), std::nullopt});
  }
  return out;
}

std::optional<std::int64_t> findRtnReference(Store& store, const ExperimentSpec& spec,
                                             std::int64_t self) {
  if (spec.methodLabel() == "rtn" && self != 0) return self;
  RunFilter f;
  f.status = RunStatus::Done;
  f.method = "rtn";
  for (const RunRecord& r : store.runs(f)) {
    if (r.id == self) continue;
    try {
      const ExperimentSpec s = ExperimentSpec::parse(r.spec_json);
      if (s.model == spec.model && s.quant == spec.quant) return r.id;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::vector<MetricRecord> quantizedRunScores(Store& store, const RunRecord& run,
                                             const ExperimentSpec& spec,
                                             const std::vector<MetricRecord>& own) {
  if (!run.parent_run_id) return {};
  const auto parent = store.metrics(*run.parent_run_id);
  const auto ref = findRtnReference(store, spec, run.id);
  std::vector<MetricRecord> refMetrics;
  if (ref) refMetrics = *ref == run.id ? own : store.metrics(*ref);
  return slmqScores(own, parent, ref ? &refMetrics : nullptr);
}

}  // namespace slmq::core
