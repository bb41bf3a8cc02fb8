// Plain records of the run store, one struct per table row, plus the run status and the bundle
// of results that finishRun() commits in one transaction. No SQL here; see store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slmq::core {

/// Lifecycle of a run: pending -> running -> done | failed | cancelled.
/// (pending -> failed/cancelled is allowed too: a queued job can be cancelled before it starts.)
enum class RunStatus { Pending, Running, Done, Failed, Cancelled };

/// "pending", "running", "done", "failed", "cancelled" (the strings stored in runs.status).
const char* runStatusName(RunStatus status) noexcept;
/// Inverse of runStatusName; std::nullopt for anything else.
std::optional<RunStatus> parseRunStatus(std::string_view name) noexcept;
/// True for done, failed and cancelled.
bool isFinal(RunStatus status) noexcept;

/// A model the workspace knows (table `models`). `path` is unique.
struct ModelRecord {
  std::int64_t id = 0;          ///< assigned by the store
  std::string name;             ///< display name ("smol-ref")
  std::string path;             ///< model directory or .gguf file, as given by the user
  std::string format;           ///< "safetensors", "gguf", "llama2c"
  std::string architecture;     ///< "LlamaForCausalLM", "llama", ...
  std::int64_t n_params = 0;    ///< parameters (0 = unknown)
  std::int64_t size_bytes = 0;  ///< bytes on disk of the weights (0 = unknown)
  std::string config_json;      ///< the parsed config as JSON text ("" = none)
  std::string created_at;       ///< ISO-8601 UTC, set by the store
};

/// A text, task or calibration file the workspace knows (table `datasets`). (path, kind) unique.
struct DatasetRecord {
  std::int64_t id = 0;
  std::string name;  ///< "wikitext2_test", "arc_easy", ...
  std::string kind;  ///< "text", "task", "calibration"
  std::string path;
  std::int64_t size_bytes = 0;
  std::string checksum;   ///< caller-defined content hash ("" = none)
  std::string meta_json;  ///< free JSON text ("" = none)
  std::string created_at;
};

/// One run (table `runs`): an ExperimentSpec executed once.
struct RunRecord {
  std::int64_t id = 0;                        ///< assigned by createRun
  std::optional<std::int64_t> model_id;       ///< models.id, if the model is registered
  std::optional<std::int64_t> parent_run_id;  ///< the FP baseline run this one compares against
  std::string name;                           ///< display name ("GPTQ W4 g128 smol-ref")
  std::string method;     ///< pipeline as text ("fp", "gptq", "smoothquant,gptq")
  int w_bits = 16;        ///< weight bits (16 = not quantized); for filtering
  int a_bits = 16;        ///< activation bits (16 = not quantized)
  std::string spec_json;  ///< the ExperimentSpec as JSON text (required)
  RunStatus status = RunStatus::Pending;
  std::string error;                   ///< why it failed / was cancelled ("" = none)
  std::string created_at;              ///< ISO-8601 UTC, set by the store
  std::string started_at;              ///< set by markRunning ("" = not started)
  std::string finished_at;             ///< set by finishRun/failRun/cancelRun
  std::optional<double> wall_seconds;  ///< whole run
  std::optional<double> cpu_seconds;
  std::optional<std::int64_t> peak_rss_bytes;
  std::string timings_json;         ///< per-stage seconds, e.g. {"calibrate":1.2}
  std::string host;                 ///< host name of the process that ran it
  std::string host_info_json;       ///< CPU, cores, memory, OS of that host
  std::string tool_version;         ///< slmq version that ran it
  std::optional<std::int64_t> pid;  ///< process running it (set by markRunning)
  std::string process_start;        ///< "<boot id>:<start ticks>" of that process
};

/// Which runs runs() returns; empty fields do not filter. Newest first.
struct RunFilter {
  std::optional<std::int64_t> model_id;
  std::optional<RunStatus> status;
  std::string method;  ///< exact match
  std::optional<int> w_bits;
  std::optional<int> a_bits;
  std::optional<std::int64_t> parent_run_id;
  int limit = 0;  ///< 0 = all
};

/// A scalar result (table `metrics`), unique per (run, name, dataset).
struct MetricRecord {
  std::string name;     ///< "ppl", "acc", "acc_norm", "kld_mean", "tps", ...
  std::string dataset;  ///< "wikitext2_test", "arc_easy", ... ("" = not per dataset)
  double value = 0.0;
  std::optional<double> stderr_value;  ///< standard error, if known
};

/// A per-layer, per-module result (table `layer_metrics`), e.g. sensitivity dPPL of quantizing
/// only layer 3's q_proj to 4 bits. Unique per (run, layer, module, bits, metric).
struct LayerMetricRecord {
  int layer = 0;       ///< block index; -1 = not a block (embeddings, lm_head)
  std::string module;  ///< "q_proj", "k_proj", ..., "down_proj", or "block"
  int bits = 0;        ///< weight bits of the setting measured
  std::string metric;  ///< "dppl", "kld", "mse", ...
  double value = 0.0;
};

/// A histogram with summary statistics (table `distributions`). Unique per
/// (run, layer, module, tensor, stage).
struct DistributionRecord {
  int layer = 0;
  std::string module;
  std::string tensor;             ///< "weight", "input", "output"
  std::string stage;              ///< "fp", "smoothed", "rotated", "quantized", ...
  std::vector<double> bin_edges;  ///< size counts.size() + 1, increasing
  std::vector<double> counts;     ///< per bin (double: allows weighted/normalised histograms)
  std::int64_t n = 0;             ///< values summarised
  double min = 0, max = 0, mean = 0, std = 0;
  double absmax = 0;
  double kurtosis = 0;  ///< excess kurtosis (0 for a Gaussian)
};

/// Per-channel statistics as float32 (table `channel_stats`). Unique per
/// (run, layer, module, tensor, stat).
struct ChannelStatRecord {
  int layer = 0;
  std::string module;
  std::string tensor;         ///< "weight" (per output or input channel), "input", ...
  std::string stat;           ///< "absmax", "mean_abs", "rms", "smooth_scale", ...
  std::vector<float> values;  ///< one per channel
};

/// A file or blob produced by a run (table `artifacts`): a report, a chart, a quantized model.
/// Either `path` or `data` is set (both allowed).
struct ArtifactRecord {
  std::int64_t id = 0;
  std::string kind;  ///< "report", "chart", "model", "log", ...
  std::string name;
  std::string path;             ///< file on disk ("" = stored inline)
  std::vector<std::byte> data;  ///< inline bytes (empty unless asked for or stored inline)
  std::int64_t size_bytes = 0;  ///< size of data, or of the file when it was recorded
  std::string mime;             ///< "text/html", "image/png", ...
  std::string created_at;
};

/// Everything a run produces, committed by Store::finishRun in ONE transaction together with the
/// final status: either all of it is visible to readers, or none.
struct RunResults {
  RunStatus status = RunStatus::Done;  ///< Done, Failed or Cancelled
  std::string error;                   ///< for Failed / Cancelled
  std::optional<double> wall_seconds;
  std::optional<double> cpu_seconds;
  std::optional<std::int64_t> peak_rss_bytes;
  std::string timings_json;  ///< per-stage seconds as JSON text ("" = none)
  std::vector<MetricRecord> metrics;
  std::vector<LayerMetricRecord> layer_metrics;
  std::vector<DistributionRecord> distributions;
  std::vector<ChannelStatRecord> channel_stats;
  std::vector<ArtifactRecord> artifacts;
};

/// What `slmq store info` prints.
struct StoreInfo {
  std::string path;
  int schema_version = 0;
  std::vector<std::pair<std::string, std::int64_t>> table_rows;      ///< table -> row count
  std::vector<std::pair<std::string, std::int64_t>> runs_by_status;  ///< status -> runs
};

}  // namespace slmq::core
