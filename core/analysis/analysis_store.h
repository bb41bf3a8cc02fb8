// Writing analyses to the run store: a run per analysis (method "sensitivity", "stats" or
// "allocate") whose spec JSON is an ExperimentSpec (core/jobs/experiment_spec.h form, written by
// hand here because jobs sits above analysis), and whose results are layer_metrics /
// distributions / channel_stats rows plus an inline JSON artifact with the whole result (the
// allocator reads a sensitivity scan back from it).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/analysis/activation_stats.h"
#include "core/analysis/mixed_precision.h"
#include "core/analysis/sensitivity.h"
#include "core/store/store.h"

namespace slmq::core {

class Model;

/// Registers the model (by path) and creates + marks running a run. Returns its id.
std::int64_t beginAnalysisRun(Store& store, const Model& model, const std::string& modelPath,
                              const std::string& method, const std::string& name,
                              const nlohmann::json& spec, int wBits = 16, int aBits = 16,
                              std::optional<std::int64_t> parent = std::nullopt);

/// Runs `work` (which fills the results) and commits them; on an Error marks the run failed
/// (or cancelled) and rethrows.
void completeAnalysisRun(Store& store, std::int64_t runId, const std::function<RunResults()>& work);

/// ExperimentSpec JSON of a sensitivity scan.
nlohmann::json sensitivitySpecJson(const std::string& modelPath, const SensitivityOptions& o,
                                   const std::string& text);
/// Results rows of a scan: layer_metrics, metrics (fp_ppl, all-quantized per setting, wall
/// time), artifact "sensitivity.json".
RunResults sensitivityRunResults(const SensitivityResult& r, const std::string& dataset);
/// Reads a scan back from a run's "sensitivity.json" artifact. Throws Error(NotFound) if the run
/// has none.
SensitivityResult loadSensitivityRun(Store& store, std::int64_t runId);

/// Results rows of stats stages: distributions of every stage; channel_stats of the first stage
/// under their tensor names and of later stages as "<tensor>_<stage>"; metrics
/// "massive_activations_<stage>"; artifact "massive_activations.json".
RunResults statsRunResults(const std::vector<const StatsReport*>& stages,
                           const std::string& dataset);

}  // namespace slmq::core
