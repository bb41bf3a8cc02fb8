// Analyses -> run store (see analysis_store.h).
#include "core/analysis/analysis_store.h"

#include <cstring>
#include <filesystem>
#include <set>

#include "core/common/error.h"
#include "core/model/model.h"

namespace slmq::core {

namespace {

ArtifactRecord jsonArtifact(const std::string& name, const nlohmann::json& j) {
  ArtifactRecord a;
  a.kind = "log";
  a.name = name;
  a.mime = "application/json";
  const std::string text = j.dump();
  a.data.resize(text.size());
  std::memcpy(a.data.data(), text.data(), text.size());
  a.size_bytes = std::int64_t(text.size());
  return a;
}

}  // namespace

std::int64_t beginAnalysisRun(Store& store, const Model& model, const std::string& modelPath,
                              const std::string& method, const std::string& name,
                              const nlohmann::json& spec, int wBits, int aBits,
                              std::optional<std::int64_t> parent) {
  ModelRecord mr;
  mr.name = std::filesystem::path(modelPath).filename().string();
  mr.path = modelPath;
  mr.architecture = model.config().arch_name;
  mr.n_params = std::int64_t(model.weights().parameterCount());
  mr.format = std::filesystem::is_directory(modelPath) ? "safetensors" : "file";
  RunRecord rr;
  rr.model_id = store.upsertModel(mr);
  rr.parent_run_id = parent;
  rr.name = name;
  rr.method = method;
  rr.w_bits = wBits;
  rr.a_bits = aBits;
  rr.spec_json = spec.dump();
  const std::int64_t id = store.createRun(rr);
  store.markRunning(id);
  return id;
}

void completeAnalysisRun(Store& store, std::int64_t runId,
                         const std::function<RunResults()>& work) {
  try {
    const RunResults r = work();
    store.finishRun(runId, r);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Cancelled)
      store.cancelRun(runId, e.what());
    else
      store.failRun(runId, e.what());
    throw;
  }
}

nlohmann::json sensitivitySpecJson(const std::string& modelPath, const SensitivityOptions& o,
                                   const std::string& text) {
  std::set<int> bits;
  for (const auto& s : o.settings)
    if (s.weight.enabled()) bits.insert(s.weight.bits);
  nlohmann::json modules = nlohmann::json::array();
  for (Module m : o.modules) modules.push_back(storeModuleName(m));
  return {{"version", 1},
          {"name", "sensitivity"},
          {"model", modelPath},
          {"methods", nlohmann::json::array()},
          {"analyses",
           {{"sensitivity",
             {{"metric", sensitivityMetricName(o.metric)},
              {"bits", std::vector<int>(bits.begin(), bits.end())},
              {"mode", sensitivityModeName(o.mode)},
              {"modules", modules},
              {"text", text},
              {"seq_len", o.seq_len},
              {"max_chunks", o.chunks}}}}},
          {"seed", 0}};
}

RunResults sensitivityRunResults(const SensitivityResult& r, const std::string& dataset) {
  RunResults out;
  out.layer_metrics = r.toLayerMetrics();
  if (r.metric == SensitivityMetric::DeltaPerplexity)
    out.metrics.push_back({"ppl_fp", dataset, r.fp_perplexity, std::nullopt});
  for (std::size_t s = 0; s < r.all_quantized.size(); ++s)
    out.metrics.push_back(
        {std::string(sensitivityMetricName(r.metric)) + "_all_quantized_" + r.settings[s].name,
         dataset, r.all_quantized[s], std::nullopt});
  out.metrics.push_back({"sensitivity_wall_seconds", "", r.wall_seconds, std::nullopt});
  out.wall_seconds = r.wall_seconds;
  out.timings_json = nlohmann::json{{"sensitivity", r.wall_seconds}}.dump();
  out.artifacts.push_back(jsonArtifact("sensitivity.json", r.toJson()));
  return out;
}

SensitivityResult loadSensitivityRun(Store& store, std::int64_t runId) {
  for (const auto& a : store.artifacts(runId, true))
    if (a.name == "sensitivity.json") {
      const std::string text(reinterpret_cast<const char*>(a.data.data()), a.data.size());
      const auto j = nlohmann::json::parse(text, nullptr, false);
      if (j.is_discarded())
        throw Error(ErrorKind::InvalidInput,
                    "run " + std::to_string(runId) + ": sensitivity.json is not valid JSON");
      return SensitivityResult::fromJson(j);
    }
  throw Error(ErrorKind::NotFound, "run " + std::to_string(runId) +
                                       " has no sensitivity.json artifact (not a "
                                       "sensitivity run?)");
}

RunResults statsRunResults(const std::vector<const StatsReport*>& stages,
                           const std::string& dataset) {
  RunResults out;
  nlohmann::json massive = nlohmann::json::object();
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const StatsReport& s = *stages[i];
    const std::string stage = statsStageName(s.stage);
    auto d = s.collector->distributionRecords(stage);
    out.distributions.insert(out.distributions.end(), d.begin(), d.end());
    for (auto c : s.collector->channelStatRecords()) {
      if (i > 0) c.tensor += "_" + stage;
      out.channel_stats.push_back(std::move(c));
    }
    const auto m = s.collector->massiveJson();
    std::int64_t count = 0;
    for (const auto& e : m) count += e.at("count").get<std::int64_t>();
    out.metrics.push_back({"massive_activations_" + stage, dataset, double(count), std::nullopt});
    massive[stage] = m;
  }
  out.artifacts.push_back(jsonArtifact("massive_activations.json", massive));
  return out;
}

}  // namespace slmq::core
