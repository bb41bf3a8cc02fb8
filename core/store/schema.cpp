// Schema v1 of the run store (DESIGN.md "Store") and the user_version migration runner.
#include "core/store/schema.h"

#include <string>

#include "core/common/error.h"

namespace slmq::core {
namespace {

// Timestamps are ISO-8601 UTC with milliseconds: 2026-11-27T16:41:07.123Z.
// NaN values are stored as NULL (SQLite has no NaN), hence nullable REAL result columns.
// Blobs are little-endian float64 (histograms) or float32 (channel stats).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE models (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  path          TEXT NOT NULL UNIQUE,
  format        TEXT NOT NULL DEFAULT '',
  architecture  TEXT NOT NULL DEFAULT '',
  n_params      INTEGER NOT NULL DEFAULT 0,
  size_bytes    INTEGER NOT NULL DEFAULT 0,
  config_json   TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE datasets (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL,
  path          TEXT NOT NULL,
  size_bytes    INTEGER NOT NULL DEFAULT 0,
  checksum      TEXT,
  meta_json     TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (path, kind)
);

CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  model_id        INTEGER REFERENCES models(id) ON DELETE RESTRICT,
  parent_run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  name            TEXT NOT NULL DEFAULT '',
  method          TEXT NOT NULL DEFAULT '',
  w_bits          INTEGER NOT NULL DEFAULT 16 CHECK (w_bits BETWEEN 1 AND 32),
  a_bits          INTEGER NOT NULL DEFAULT 16 CHECK (a_bits BETWEEN 1 AND 32),
  spec_json       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  error           TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at      TEXT,
  finished_at     TEXT,
  wall_seconds    REAL,
  cpu_seconds     REAL,
  peak_rss_bytes  INTEGER,
  timings_json    TEXT,
  host            TEXT,
  host_info_json  TEXT,
  tool_version    TEXT,
  pid             INTEGER,
  process_start   TEXT
);
CREATE INDEX runs_status ON runs(status);
CREATE INDEX runs_model ON runs(model_id, created_at);
CREATE INDEX runs_parent ON runs(parent_run_id);
CREATE INDEX runs_method_bits ON runs(method, w_bits, a_bits);

CREATE TABLE metrics (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  dataset   TEXT NOT NULL DEFAULT '',
  value     REAL,
  stderr    REAL,
  UNIQUE (run_id, name, dataset)
);
CREATE INDEX metrics_name ON metrics(name, dataset);

CREATE TABLE layer_metrics (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  layer     INTEGER NOT NULL,
  module    TEXT NOT NULL,
  bits      INTEGER NOT NULL,
  metric    TEXT NOT NULL,
  value     REAL,
  UNIQUE (run_id, layer, module, bits, metric)
);
CREATE INDEX layer_metrics_lookup ON layer_metrics(run_id, metric, bits);

CREATE TABLE distributions (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  layer       INTEGER NOT NULL,
  module      TEXT NOT NULL,
  tensor      TEXT NOT NULL,
  stage       TEXT NOT NULL,
  n_bins      INTEGER NOT NULL CHECK (n_bins > 0),
  bin_edges   BLOB NOT NULL CHECK (length(bin_edges) = 8 * (n_bins + 1)),
  counts      BLOB NOT NULL CHECK (length(counts) = 8 * n_bins),
  n           INTEGER NOT NULL DEFAULT 0,
  min         REAL,
  max         REAL,
  mean        REAL,
  std         REAL,
  absmax      REAL,
  kurtosis    REAL,
  UNIQUE (run_id, layer, module, tensor, stage)
);
CREATE INDEX distributions_stage ON distributions(run_id, tensor, stage);

CREATE TABLE channel_stats (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  layer       INTEGER NOT NULL,
  module      TEXT NOT NULL,
  tensor      TEXT NOT NULL,
  stat        TEXT NOT NULL,
  n_channels  INTEGER NOT NULL CHECK (n_channels >= 0),
  data        BLOB NOT NULL CHECK (length(data) = 4 * n_channels),
  UNIQUE (run_id, layer, module, tensor, stat)
);
CREATE INDEX channel_stats_stat ON channel_stats(run_id, tensor, stat);

CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  path        TEXT,
  data        BLOB,
  size_bytes  INTEGER NOT NULL DEFAULT 0,
  mime        TEXT NOT NULL DEFAULT 'application/octet-stream',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (path IS NOT NULL OR data IS NOT NULL)
);
CREATE INDEX artifacts_run ON artifacts(run_id, kind);
)sql";

std::string storeName(const Connection& c) {
  return "store " + c.path().string();
}

}  // namespace

const std::vector<Migration>& storeMigrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "create schema v1 (models, datasets, runs, metrics, layer_metrics, distributions, "
       "channel_stats, artifacts)",
       [](Connection& c) { c.execScript(kSchemaV1); }},
  };
  return migrations;
}

int storeSchemaVersion() {
  return storeMigrations().back().version;
}

int migrate(Connection& connection, const std::vector<Migration>& migrations) {
  const int target = migrations.empty() ? 0 : migrations.back().version;
  auto check = [&](std::int64_t version) {
    std::int64_t app = connection.pragmaInt("application_id");
    if (app != 0 && app != kStoreApplicationId) {
      throw Error(ErrorKind::Store, storeName(connection) + ": not an slmq store (application_id " +
                                        std::to_string(app) + ")");
    }
    if (version > target) {
      throw Error(ErrorKind::Store,
                  storeName(connection) + ": schema version " + std::to_string(version) +
                      " was written by a newer slmq; this build knows up to version " +
                      std::to_string(target) + ". Update slmq to open it.");
    }
    if (version == 0) {
      Statement st = connection.prepare(
          "SELECT group_concat(name, ', ') FROM sqlite_master "
          "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
      if (st.step() && !st.isNull(0)) {
        throw Error(ErrorKind::Store, storeName(connection) +
                                          ": not an slmq store (an SQLite database with "
                                          "schema version 0 that holds: " +
                                          st.columnText(0).substr(0, 300) + ")");
      }
    }
  };
  const std::int64_t before = connection.pragmaInt("user_version");
  check(before);
  if (before == target) return static_cast<int>(before);
  if (connection.readOnly()) {
    throw Error(ErrorKind::Store, storeName(connection) + ": schema version " +
                                      std::to_string(before) + " needs migrating to " +
                                      std::to_string(target) +
                                      "; open it read-write once (slmq store init)");
  }
  for (const Migration& m : migrations) {
    if (m.version <= before) continue;
    Transaction tx(connection);
    // Another process may have migrated while we waited for the write lock.
    std::int64_t now = connection.pragmaInt("user_version");
    check(now);
    if (now >= m.version) continue;
    if (now != m.version - 1) {
      throw Error(
          ErrorKind::Internal,
          storeName(connection) + ": migration list has a gap before " + std::to_string(m.version));
    }
    try {
      m.apply(connection);
      // Integers from this list, not input: formatting them into the pragma is safe.
      connection.execScript("PRAGMA user_version = " + std::to_string(m.version));
      connection.execScript("PRAGMA application_id = " + std::to_string(kStoreApplicationId));
      tx.commit();
    } catch (const Error& e) {
      throw Error(ErrorKind::Store, storeName(connection) + ": migration to version " +
                                        std::to_string(m.version) + " (" + m.description +
                                        ") failed and was rolled back: " + e.what());
    }
  }
  return static_cast<int>(before);
}

}  // namespace slmq::core
