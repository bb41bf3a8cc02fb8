// The run store: one SQLite file per workspace holding models, datasets, runs and everything runs
// measure. Opens (creating and migrating) the file, records a run's lifecycle, commits each run's
// results atomically, and marks runs left `running` by a dead process as failed.
//
// Threads and processes: a Store is ONE SQLite connection. Use it from one thread at a time and
// never share it between threads; every thread and every process opens its own Store on the same
// file. SQLite's WAL mode then lets many readers read while one writer writes; readers see only
// committed transactions, so a run's results appear all at once or not at all.
//
// Crash recovery: markRunning() records the process (pid, host, boot id, start time). Opening a
// Store read-write (and recoverInterruptedRuns()) marks `failed` every `running` run whose process
// on THIS host is gone (the pid no longer exists, is a zombie, or belongs to a process started at
// another time or boot), with the error "interrupted (process N no longer running)". Runs started
// on another host are left alone: their process cannot be checked from here.
//
// A job's use of it:
//   auto store = Store::open(workspace);                  // creates + migrates if needed
//   RunRecord run;  run.spec_json = spec.dump();  run.method = spec.methodLabel();  ...
//   auto id = store.createRun(run);  store.markRunning(id);
//   try { RunResults r = ...; store.finishRun(id, r); }   // all results, one transaction
//   catch (const Error& e) { store.failRun(id, e.what()); throw; }
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/connection.h"
#include "core/store/records.h"

namespace slmq::core {

/// How Store::open behaves.
struct StoreOptions {
  bool read_only = false;           ///< no writes, no migration, no recovery; file must exist
  bool create = true;               ///< create a missing file (read-write only)
  int busy_timeout_ms = 5000;       ///< wait for another process' write lock this long
  bool recover_interrupted = true;  ///< run recoverInterruptedRuns() on open (read-write only)
};

/// Filter for distributions() and channelStats(); empty fields do not filter.
struct TensorFilter {
  std::optional<int> layer;
  std::string module;
  std::string tensor;
  std::string stage;  ///< distributions only
  std::string stat;   ///< channel stats only
};

/// One workspace store = one connection. Movable, not copyable. All failures throw
/// Error(ErrorKind::Store) naming the file (or Error(NotFound) for a missing run/model id,
/// Error(InvalidInput) for records that break the schema's rules, e.g. bin edges that do not fit
/// the counts).
class Store {
 public:
  /// Opens or creates `path`, migrates it to storeSchemaVersion() and (by default) recovers
  /// interrupted runs. A file that is not SQLite, is corrupt, belongs to another application or
  /// was written by a newer slmq gives Error(Store) naming the file.
  static Store open(const std::filesystem::path& path, const StoreOptions& options = {});

  Store(Store&&) noexcept = default;
  Store& operator=(Store&&) noexcept = default;

  const std::filesystem::path& path() const { return m_db.path(); }
  /// `PRAGMA user_version` of the file.
  int schemaVersion();

  // --- models and datasets ------------------------------------------------------------------
  /// Inserts a model, or updates the row with the same path; returns its id.
  std::int64_t upsertModel(const ModelRecord& model);
  std::vector<ModelRecord> models();
  /// Throws Error(NotFound) for an unknown id.
  ModelRecord model(std::int64_t id);
  /// Id of the model with this path, if any.
  std::optional<std::int64_t> findModel(std::string_view path);

  /// Inserts a dataset, or updates the row with the same (path, kind); returns its id.
  std::int64_t upsertDataset(const DatasetRecord& dataset);
  std::vector<DatasetRecord> datasets();

  // --- run lifecycle ------------------------------------------------------------------------
  /// Inserts a run (status Pending unless given; spec_json must be non-empty); returns its id.
  /// created_at and tool_version are filled in by the store when empty.
  std::int64_t createRun(const RunRecord& run);
  /// Pending -> Running: records started_at, this process' identity and the host info.
  void markRunning(std::int64_t run_id);
  /// Pending/Running -> results.status (Done, Failed or Cancelled), writing every result row,
  /// the timings and finished_at in ONE transaction. Throws (and writes nothing) if the run is
  /// already final, or if any record is invalid (duplicate key, bad histogram).
  void finishRun(std::int64_t run_id, const RunResults& results);
  /// Adds results to a DONE run (evaluations made later, `slmq eval|kld|bench --run`) and
  /// replaces its spec_json with `updated_spec_json` (the spec whose evaluations now include what
  /// was added), in ONE transaction. A metric, layer metric, distribution or channel stat whose
  /// unique key (e.g. metric name + dataset) is already stored is replaced, not duplicated;
  /// artifacts are added. results.status, error and the timings are ignored: the run stays done
  /// with its original timings. Throws (writing nothing) Error(NotFound) for an unknown run,
  /// Error(InvalidInput) for a run that is not done, a spec that is not JSON, a metric key given
  /// twice or an invalid histogram.
  void appendResults(std::int64_t run_id, const RunResults& results,
                     const std::string& updated_spec_json);
  /// Pending/Running -> Failed with `error`. Throws if the run is already final.
  void failRun(std::int64_t run_id, std::string_view error);
  /// Pending/Running -> Cancelled. Throws if the run is already final.
  void cancelRun(std::int64_t run_id, std::string_view reason = "cancelled by user");
  /// Marks interrupted runs failed (see the file comment); returns how many.
  int recoverInterruptedRuns();
  /// Deletes a run and (by cascade) all its results. Runs that name it as parent keep no parent.
  void deleteRun(std::int64_t run_id);
  /// Adds an artifact to an existing run (e.g. a report exported later); returns its id.
  std::int64_t addArtifact(std::int64_t run_id, const ArtifactRecord& artifact);

  // --- queries ------------------------------------------------------------------------------
  /// Runs matching `filter`, newest first.
  std::vector<RunRecord> runs(const RunFilter& filter = {});
  /// Throws Error(NotFound) for an unknown id.
  RunRecord run(std::int64_t run_id);
  std::vector<MetricRecord> metrics(std::int64_t run_id);
  /// Layer metrics of a run, optionally only one metric and/or one bit width; ordered by
  /// (bits, metric, layer, module).
  std::vector<LayerMetricRecord> layerMetrics(std::int64_t run_id, std::string_view metric = {},
                                              std::optional<int> bits = std::nullopt);
  std::vector<DistributionRecord> distributions(std::int64_t run_id,
                                                const TensorFilter& filter = {});
  std::vector<ChannelStatRecord> channelStats(std::int64_t run_id, const TensorFilter& filter = {});
  /// Artifacts of a run; inline data only when with_data.
  std::vector<ArtifactRecord> artifacts(std::int64_t run_id, bool with_data = false);
  /// Schema version, rows per table, runs per status.
  StoreInfo info();
  /// `PRAGMA integrity_check`: "ok", or SQLite's list of problems (one per line).
  std::string integrityCheck();

  /// The underlying connection (tests, `slmq store` diagnostics). Same thread rules.
  Connection& connection() { return m_db; }

 private:
  explicit Store(Connection db) : m_db(std::move(db)) {}
  void finalize(std::int64_t run_id, RunStatus status, std::string_view error);

  Connection m_db;
};

}  // namespace slmq::core
