// The run store: opening and migrating, models and datasets, the run lifecycle (create, running,
// failed/cancelled, crash recovery) and run queries. Results are in store_results.cpp.
#include "core/store/store.h"

#include <string>

#include <spdlog/spdlog.h>

#include "core/common/assets.h"
#include "core/common/error.h"
#include "core/store/process_identity.h"
#include "core/store/schema.h"
#include "core/store/store_detail.h"

namespace slmq::core {

namespace detail {

RunRecord readRun(const Statement& st, const std::string& store_name) {
  RunRecord r;
  r.id = st.columnInt64(0);
  r.model_id = st.columnOptInt64(1);
  r.parent_run_id = st.columnOptInt64(2);
  r.name = st.columnText(3);
  r.method = st.columnText(4);
  r.w_bits = static_cast<int>(st.columnInt64(5));
  r.a_bits = static_cast<int>(st.columnInt64(6));
  r.spec_json = st.columnText(7);
  std::string status = st.columnText(8);
  auto parsed = parseRunStatus(status);
  if (!parsed) {
    throw Error(ErrorKind::Store, store_name + ": run " + std::to_string(r.id) +
                                      " has an unknown status '" + status + "'");
  }
  r.status = *parsed;
  r.error = st.columnText(9);
  r.created_at = st.columnText(10);
  r.started_at = st.columnText(11);
  r.finished_at = st.columnText(12);
  r.wall_seconds = st.columnOptDouble(13);
  r.cpu_seconds = st.columnOptDouble(14);
  r.peak_rss_bytes = st.columnOptInt64(15);
  r.timings_json = st.columnText(16);
  r.host = st.columnText(17);
  r.host_info_json = st.columnText(18);
  r.tool_version = st.columnText(19);
  r.pid = st.columnOptInt64(20);
  r.process_start = st.columnText(21);
  return r;
}

}  // namespace detail

namespace {

std::string name(const Store& s) {
  return "store " + s.path().string();
}

}  // namespace

Store Store::open(const std::filesystem::path& path, const StoreOptions& options) {
  ConnectionOptions co;
  co.read_only = options.read_only;
  co.create = options.create;
  co.busy_timeout_ms = options.busy_timeout_ms;
  Store store(Connection(path, co));
  migrate(store.m_db, storeMigrations());
  if (!options.read_only && options.recover_interrupted) {
    try {
      store.recoverInterruptedRuns();
    } catch (const Error& e) {
      // Another writer held the lock past the busy timeout: the store is still usable, and the
      // next open (or an explicit recoverInterruptedRuns()) retries.
      spdlog::warn("{}", e.what());
    }
  }
  return store;
}

int Store::schemaVersion() {
  return static_cast<int>(m_db.pragmaInt("user_version"));
}

// --- models and datasets ------------------------------------------------------------------------

std::int64_t Store::upsertModel(const ModelRecord& m) {
  if (m.path.empty()) throw Error(ErrorKind::InvalidInput, name(*this) + ": model path is empty");
  detail::requireJsonOrEmpty(m.config_json, name(*this) + ", model " + m.path, "config_json");
  Statement st = m_db.prepare(
      "INSERT INTO models (name, path, format, architecture, n_params, size_bytes, config_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT(path) DO UPDATE SET name = excluded.name, format = excluded.format, "
      "architecture = excluded.architecture, n_params = excluded.n_params, "
      "size_bytes = excluded.size_bytes, config_json = excluded.config_json "
      "RETURNING id");
  st.bind(1, m.name.empty() ? m.path : m.name).bind(2, m.path).bind(3, m.format);
  st.bind(4, m.architecture).bind(5, m.n_params).bind(6, m.size_bytes);
  detail::bindTextOrNull(st, 7, m.config_json);
  if (!st.step()) m_db.fail("upsert of model " + m.path + " returned no id");
  std::int64_t id = st.columnInt64(0);
  st.reset();
  return id;
}

namespace {
constexpr const char* kModelColumns =
    "id, name, path, format, architecture, n_params, size_bytes, config_json, created_at";

ModelRecord readModel(const Statement& st) {
  ModelRecord m;
  m.id = st.columnInt64(0);
  m.name = st.columnText(1);
  m.path = st.columnText(2);
  m.format = st.columnText(3);
  m.architecture = st.columnText(4);
  m.n_params = st.columnInt64(5);
  m.size_bytes = st.columnInt64(6);
  m.config_json = st.columnText(7);
  m.created_at = st.columnText(8);
  return m;
}
}  // namespace

std::vector<ModelRecord> Store::models() {
  Statement st = m_db.prepare(std::string("SELECT ") + kModelColumns + " FROM models ORDER BY id");
  std::vector<ModelRecord> out;
  while (st.step()) out.push_back(readModel(st));
  return out;
}

ModelRecord Store::model(std::int64_t id) {
  Statement st = m_db.prepare(std::string("SELECT ") + kModelColumns + " FROM models WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) {
    throw Error(ErrorKind::NotFound, name(*this) + ": no model with id " + std::to_string(id));
  }
  return readModel(st);
}

std::optional<std::int64_t> Store::findModel(std::string_view path) {
  Statement st = m_db.prepare("SELECT id FROM models WHERE path = ?");
  st.bind(1, path);
  if (!st.step()) return std::nullopt;
  return st.columnInt64(0);
}

std::int64_t Store::upsertDataset(const DatasetRecord& d) {
  if (d.path.empty() || d.kind.empty()) {
    throw Error(ErrorKind::InvalidInput, name(*this) + ": dataset path and kind must be set");
  }
  detail::requireJsonOrEmpty(d.meta_json, name(*this) + ", dataset " + d.path, "meta_json");
  Statement st = m_db.prepare(
      "INSERT INTO datasets (name, kind, path, size_bytes, checksum, meta_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT(path, kind) DO UPDATE SET name = excluded.name, "
      "size_bytes = excluded.size_bytes, checksum = excluded.checksum, "
      "meta_json = excluded.meta_json RETURNING id");
  st.bind(1, d.name.empty() ? d.path : d.name).bind(2, d.kind).bind(3, d.path);
  st.bind(4, d.size_bytes);
  detail::bindTextOrNull(st, 5, d.checksum);
  detail::bindTextOrNull(st, 6, d.meta_json);
  if (!st.step()) m_db.fail("upsert of dataset " + d.path + " returned no id");
  std::int64_t id = st.columnInt64(0);
  st.reset();
  return id;
}

std::vector<DatasetRecord> Store::datasets() {
  Statement st = m_db.prepare(
      "SELECT id, name, kind, path, size_bytes, checksum, meta_json, created_at FROM datasets "
      "ORDER BY id");
  std::vector<DatasetRecord> out;
  while (st.step()) {
    DatasetRecord d;
    d.id = st.columnInt64(0);
    d.name = st.columnText(1);
    d.kind = st.columnText(2);
    d.path = st.columnText(3);
    d.size_bytes = st.columnInt64(4);
    d.checksum = st.columnText(5);
    d.meta_json = st.columnText(6);
    d.created_at = st.columnText(7);
    out.push_back(std::move(d));
  }
  return out;
}

// --- run lifecycle ------------------------------------------------------------------------------

namespace {

RunStatus currentStatus(Connection& db, std::int64_t run_id) {
  Statement st = db.prepare("SELECT status FROM runs WHERE id = ?");
  st.bind(1, run_id);
  if (!st.step()) {
    throw Error(ErrorKind::NotFound,
                "store " + db.path().string() + ": no run with id " + std::to_string(run_id));
  }
  auto s = parseRunStatus(st.columnText(0));
  if (!s) {
    throw Error(ErrorKind::Store, "store " + db.path().string() + ": run " +
                                      std::to_string(run_id) + " has an unknown status");
  }
  return *s;
}

void requireNotFinal(Connection& db, std::int64_t run_id, RunStatus status, const char* action) {
  if (isFinal(status)) {
    throw Error(ErrorKind::Store, "store " + db.path().string() + ": cannot " + action + " run " +
                                      std::to_string(run_id) + ": it is already " +
                                      runStatusName(status));
  }
}

void setRunning(Connection& db, std::int64_t run_id) {
  ProcessIdentity me = currentProcessIdentity();
  Statement st = db.prepare(
      "UPDATE runs SET status = 'running', started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
      "pid = ?2, host = ?3, process_start = ?4, host_info_json = ?5 WHERE id = ?1");
  st.bind(1, run_id).bind(2, static_cast<std::int64_t>(me.pid)).bind(3, me.host);
  st.bind(4, me.start).bind(5, hostInfoJson());
  st.run();
}

}  // namespace

std::int64_t Store::createRun(const RunRecord& run) {
  if (run.spec_json.empty()) {
    throw Error(ErrorKind::InvalidInput, name(*this) + ": a run needs its spec JSON");
  }
  detail::requireJsonOrEmpty(run.spec_json, name(*this) + ", new run", "spec_json");
  if (isFinal(run.status)) {
    throw Error(ErrorKind::InvalidInput,
                name(*this) +
                    ": createRun takes a pending or running run; record results "
                    "with finishRun");
  }
  Transaction tx(m_db);
  Statement st = m_db.prepare(
      "INSERT INTO runs (model_id, parent_run_id, name, method, w_bits, a_bits, spec_json, "
      "tool_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  st.bind(1, run.model_id).bind(2, run.parent_run_id).bind(3, run.name).bind(4, run.method);
  st.bind(5, run.w_bits).bind(6, run.a_bits).bind(7, run.spec_json);
  st.bind(8, run.tool_version.empty() ? std::string(versionString()) : run.tool_version);
  st.run();
  std::int64_t id = m_db.lastInsertRowId();
  if (run.status == RunStatus::Running) setRunning(m_db, id);
  tx.commit();
  return id;
}

void Store::markRunning(std::int64_t run_id) {
  Transaction tx(m_db);
  RunStatus s = currentStatus(m_db, run_id);
  if (s != RunStatus::Pending) {
    throw Error(ErrorKind::Store, name(*this) + ": cannot start run " + std::to_string(run_id) +
                                      ": it is " + runStatusName(s) + ", not pending");
  }
  setRunning(m_db, run_id);
  tx.commit();
}

void Store::finalize(std::int64_t run_id, RunStatus status, std::string_view error) {
  Transaction tx(m_db);
  requireNotFinal(m_db, run_id, currentStatus(m_db, run_id),
                  status == RunStatus::Failed ? "fail" : "cancel");
  Statement st = m_db.prepare(
      "UPDATE runs SET status = ?2, error = ?3, "
      "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1");
  st.bind(1, run_id).bind(2, runStatusName(status)).bind(3, error);
  st.run();
  tx.commit();
}

void Store::failRun(std::int64_t run_id, std::string_view error) {
  finalize(run_id, RunStatus::Failed, error.empty() ? "failed" : error);
}

void Store::cancelRun(std::int64_t run_id, std::string_view reason) {
  finalize(run_id, RunStatus::Cancelled, reason.empty() ? "cancelled" : reason);
}

int Store::recoverInterruptedRuns() {
  if (m_db.readOnly()) return 0;
  // Read first without a write lock: the common case (nothing interrupted, or runs of live
  // processes) never waits for another writer.
  Statement select =
      m_db.prepare("SELECT id, pid, host, process_start FROM runs WHERE status = 'running'");
  std::vector<std::pair<std::int64_t, std::string>> dead;
  while (select.step()) {
    ProcessIdentity who;
    auto pid = select.columnOptInt64(1);
    who.pid = pid ? static_cast<long>(*pid) : 0;
    who.host = select.columnText(2);
    who.start = select.columnText(3);
    if (processLiveness(who) == ProcessLiveness::Dead) {
      dead.emplace_back(select.columnInt64(0),
                        pid ? "interrupted (process " + std::to_string(*pid) + " no longer running)"
                            : "interrupted (no process recorded)");
    }
  }
  select.reset();
  if (dead.empty()) return 0;
  Transaction tx(m_db);
  Statement update = m_db.prepare(
      "UPDATE runs SET status = 'failed', error = ?2, "
      "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 AND status = 'running'");
  int n = 0;  // a run that finished meanwhile is no longer 'running' and is left alone
  for (const auto& [id, error] : dead) {
    update.bind(1, id).bind(2, error);
    update.run();
    n += m_db.changes();
    update.reset();
  }
  tx.commit();
  return n;
}

void Store::deleteRun(std::int64_t run_id) {
  Transaction tx(m_db);
  currentStatus(m_db, run_id);  // NotFound for an unknown id
  Statement st = m_db.prepare("DELETE FROM runs WHERE id = ?");
  st.bind(1, run_id);
  st.run();
  tx.commit();
}

// --- run queries --------------------------------------------------------------------------------

std::vector<RunRecord> Store::runs(const RunFilter& f) {
  std::string sql = std::string("SELECT ") + detail::kRunColumns + " FROM runs WHERE 1";
  // Each condition is a fixed SQL fragment with a numbered parameter; values are bound.
  if (f.model_id) sql += " AND model_id = ?1";
  if (f.status) sql += " AND status = ?2";
  if (!f.method.empty()) sql += " AND method = ?3";
  if (f.w_bits) sql += " AND w_bits = ?4";
  if (f.a_bits) sql += " AND a_bits = ?5";
  if (f.parent_run_id) sql += " AND parent_run_id = ?6";
  sql += " ORDER BY id DESC";
  if (f.limit > 0) sql += " LIMIT ?7";
  Statement st = m_db.prepare(sql);
  if (f.model_id) st.bind(1, *f.model_id);
  if (f.status) st.bind(2, runStatusName(*f.status));
  if (!f.method.empty()) st.bind(3, f.method);
  if (f.w_bits) st.bind(4, *f.w_bits);
  if (f.a_bits) st.bind(5, *f.a_bits);
  if (f.parent_run_id) st.bind(6, *f.parent_run_id);
  if (f.limit > 0) st.bind(7, f.limit);
  std::vector<RunRecord> out;
  const std::string where = name(*this);
  while (st.step()) out.push_back(detail::readRun(st, where));
  return out;
}

RunRecord Store::run(std::int64_t run_id) {
  Statement st =
      m_db.prepare(std::string("SELECT ") + detail::kRunColumns + " FROM runs WHERE id = ?");
  st.bind(1, run_id);
  if (!st.step()) {
    throw Error(ErrorKind::NotFound, name(*this) + ": no run with id " + std::to_string(run_id));
  }
  return detail::readRun(st, name(*this));
}

StoreInfo Store::info() {
  StoreInfo info;
  info.path = path().string();
  info.schema_version = schemaVersion();
  // Table names come from this fixed list, never from input.
  for (const char* table : {"models", "datasets", "runs", "metrics", "layer_metrics",
                            "distributions", "channel_stats", "artifacts"}) {
    Statement st = m_db.prepare(std::string("SELECT count(*) FROM ") + table);
    st.step();
    info.table_rows.emplace_back(table, st.columnInt64(0));
  }
  Statement st = m_db.prepare("SELECT status, count(*) FROM runs GROUP BY status ORDER BY status");
  while (st.step()) info.runs_by_status.emplace_back(st.columnText(0), st.columnInt64(1));
  return info;
}

std::string Store::integrityCheck() {
  Statement st = m_db.prepare("PRAGMA integrity_check");
  std::string out;
  while (st.step()) {
    if (!out.empty()) out += "\n";
    out += st.columnText(0);
  }
  return out;
}

}  // namespace slmq::core
