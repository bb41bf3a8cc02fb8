// The run store's results: finishRun (every result row plus the final status in one
// transaction), appendResults (more rows on a done run, same keys replaced, with its updated
// spec), addArtifact, and the per-run result queries.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/store/store.h"
#include "core/store/store_detail.h"

namespace slmq::core {
namespace {

std::string where(const Store& s, std::int64_t run_id) {
  return "store " + s.path().string() + ", run " + std::to_string(run_id);
}

std::string tensorKey(int layer, const std::string& module, const std::string& tensor) {
  return "layer " + std::to_string(layer) + " " + module + " " + tensor;
}

/// Checks a histogram before it is written: n_bins > 0, edges = counts + 1, edges finite and
/// strictly increasing, counts finite and >= 0.
void validate(const DistributionRecord& d, const std::string& at) {
  const std::string key =
      at + ": distribution " + tensorKey(d.layer, d.module, d.tensor) + " (" + d.stage + ")";
  if (d.counts.empty()) throw Error(ErrorKind::InvalidInput, key + ": histogram has no bins");
  if (d.bin_edges.size() != d.counts.size() + 1) {
    throw Error(ErrorKind::InvalidInput, key + ": " + std::to_string(d.bin_edges.size()) +
                                             " bin edges for " + std::to_string(d.counts.size()) +
                                             " bins (need bins + 1)");
  }
  for (std::size_t i = 0; i < d.bin_edges.size(); ++i) {
    if (!std::isfinite(d.bin_edges[i]) || (i > 0 && !(d.bin_edges[i] > d.bin_edges[i - 1]))) {
      throw Error(ErrorKind::InvalidInput, key +
                                               ": bin edges must be finite and strictly "
                                               "increasing (edge " +
                                               std::to_string(i) + ")");
    }
  }
  for (double c : d.counts) {
    if (!std::isfinite(c) || c < 0) {
      throw Error(ErrorKind::InvalidInput, key + ": bin counts must be finite and >= 0");
    }
  }
  if (d.module.empty() || d.tensor.empty() || d.stage.empty()) {
    throw Error(ErrorKind::InvalidInput, key + ": module, tensor and stage must be set");
  }
}

void insertArtifact(Connection& db, std::int64_t run_id, const ArtifactRecord& a,
                    const std::string& at) {
  if (a.path.empty() && a.data.empty()) {
    throw Error(ErrorKind::InvalidInput,
                at + ": artifact '" + a.name + "' has neither a path nor inline data");
  }
  if (a.kind.empty() || a.name.empty()) {
    throw Error(ErrorKind::InvalidInput, at + ": an artifact needs a kind and a name");
  }
  Statement st = db.prepare(
      "INSERT INTO artifacts (run_id, kind, name, path, data, size_bytes, mime) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.bind(1, run_id).bind(2, a.kind).bind(3, a.name);
  detail::bindTextOrNull(st, 4, a.path);
  if (a.data.empty()) {
    st.bindNull(5);
  } else {
    st.bindBlob(5, std::span<const std::byte>(a.data));
  }
  st.bind(6, a.data.empty() ? a.size_bytes : static_cast<std::int64_t>(a.data.size()));
  st.bind(7, a.mime.empty() ? std::string("application/octet-stream") : a.mime);
  st.run();
}

/// Writes every result row of `r` (metrics, layer metrics, distributions, channel stats; not the
/// artifacts) inside the caller's transaction. `replace`: a row whose unique key is already
/// stored is overwritten (appendResults) instead of failing on the UNIQUE constraint (finishRun).
void insertResultRows(Connection& db, std::int64_t run_id, const RunResults& r,
                      const std::string& at, bool replace) {
  if (!r.metrics.empty()) {
    Statement st = db.prepare(
        std::string("INSERT INTO metrics (run_id, name, dataset, value, stderr) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)") +
        (replace ? " ON CONFLICT (run_id, name, dataset) DO UPDATE SET value = excluded.value, "
                   "stderr = excluded.stderr"
                 : ""));
    for (const auto& m : r.metrics) {
      if (m.name.empty()) throw Error(ErrorKind::InvalidInput, at + ": a metric has no name");
      st.bind(1, run_id).bind(2, m.name).bind(3, m.dataset).bind(4, m.value);
      st.bind(5, m.stderr_value);
      st.run();
      st.reset();
    }
  }
  if (!r.layer_metrics.empty()) {
    Statement st = db.prepare(
        std::string("INSERT INTO layer_metrics (run_id, layer, module, bits, metric, value) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)") +
        (replace ? " ON CONFLICT (run_id, layer, module, bits, metric) DO UPDATE SET "
                   "value = excluded.value"
                 : ""));
    for (const auto& m : r.layer_metrics) {
      st.bind(1, run_id).bind(2, m.layer).bind(3, m.module).bind(4, m.bits).bind(5, m.metric);
      st.bind(6, m.value);
      st.run();
      st.reset();
    }
  }
  if (!r.distributions.empty()) {
    Statement st = db.prepare(
        std::string(
            "INSERT INTO distributions (run_id, layer, module, tensor, stage, n_bins, bin_edges, "
            "counts, n, min, max, mean, std, absmax, kurtosis) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)") +
        (replace ? " ON CONFLICT (run_id, layer, module, tensor, stage) DO UPDATE SET "
                   "n_bins = excluded.n_bins, bin_edges = excluded.bin_edges, "
                   "counts = excluded.counts, n = excluded.n, min = excluded.min, "
                   "max = excluded.max, mean = excluded.mean, std = excluded.std, "
                   "absmax = excluded.absmax, kurtosis = excluded.kurtosis"
                 : ""));
    for (const auto& d : r.distributions) {
      st.bind(1, run_id).bind(2, d.layer).bind(3, d.module).bind(4, d.tensor).bind(5, d.stage);
      st.bind(6, static_cast<std::int64_t>(d.counts.size()));
      st.bindBlob(7, detail::asBytes(d.bin_edges)).bindBlob(8, detail::asBytes(d.counts));
      st.bind(9, d.n).bind(10, d.min).bind(11, d.max).bind(12, d.mean).bind(13, d.std);
      st.bind(14, d.absmax).bind(15, d.kurtosis);
      st.run();
      st.reset();
    }
  }
  if (!r.channel_stats.empty()) {
    Statement st = db.prepare(
        std::string(
            "INSERT INTO channel_stats (run_id, layer, module, tensor, stat, n_channels, data) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") +
        (replace ? " ON CONFLICT (run_id, layer, module, tensor, stat) DO UPDATE SET "
                   "n_channels = excluded.n_channels, data = excluded.data"
                 : ""));
    for (const auto& c : r.channel_stats) {
      st.bind(1, run_id).bind(2, c.layer).bind(3, c.module).bind(4, c.tensor).bind(5, c.stat);
      st.bind(6, static_cast<std::int64_t>(c.values.size()));
      st.bindBlob(7, detail::asBytes(c.values));
      st.run();
      st.reset();
    }
  }
}

}  // namespace

void Store::finishRun(std::int64_t run_id, const RunResults& r) {
  const std::string at = where(*this, run_id);
  if (!isFinal(r.status)) {
    throw Error(ErrorKind::InvalidInput,
                at + ": finishRun needs a final status (done, failed or cancelled), got " +
                    runStatusName(r.status));
  }
  for (const auto& d : r.distributions) validate(d, at);
  detail::requireJsonOrEmpty(r.timings_json, at, "timings_json");

  Transaction tx(m_db);
  {
    Statement st = m_db.prepare("SELECT status FROM runs WHERE id = ?");
    st.bind(1, run_id);
    if (!st.step()) throw Error(ErrorKind::NotFound, at + ": no such run");
    auto status = parseRunStatus(st.columnText(0));
    if (!status || isFinal(*status)) {
      throw Error(ErrorKind::Store,
                  at + ": cannot record results: the run is already " + st.columnText(0));
    }
  }
  insertResultRows(m_db, run_id, r, at, /*replace=*/false);
  for (const auto& a : r.artifacts) insertArtifact(m_db, run_id, a, at);
  {
    Statement st = m_db.prepare(
        "UPDATE runs SET status = ?2, error = ?3, wall_seconds = ?4, cpu_seconds = ?5, "
        "peak_rss_bytes = ?6, timings_json = ?7, "
        "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1");
    st.bind(1, run_id).bind(2, runStatusName(r.status));
    detail::bindTextOrNull(st, 3, r.error);
    st.bind(4, r.wall_seconds).bind(5, r.cpu_seconds).bind(6, r.peak_rss_bytes);
    detail::bindTextOrNull(st, 7, r.timings_json);
    st.run();
  }
  tx.commit();
}

void Store::appendResults(std::int64_t run_id, const RunResults& r,
                          const std::string& updated_spec_json) {
  const std::string at = where(*this, run_id);
  for (const auto& d : r.distributions) validate(d, at);
  if (updated_spec_json.empty() || !nlohmann::json::accept(updated_spec_json))
    throw Error(ErrorKind::InvalidInput, at + ": appendResults needs the run's updated spec JSON");
  {
    // Within one call a key twice is a caller bug, not a replacement.
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& m : r.metrics)
      if (!keys.insert({m.name, m.dataset}).second)
        throw Error(ErrorKind::InvalidInput,
                    at + ": metric " + m.name + " (dataset '" + m.dataset + "') given twice");
  }

  Transaction tx(m_db);
  {
    Statement st = m_db.prepare("SELECT status FROM runs WHERE id = ?");
    st.bind(1, run_id);
    if (!st.step()) throw Error(ErrorKind::NotFound, at + ": no such run");
    const std::string status = st.columnText(0);
    if (parseRunStatus(status) != RunStatus::Done)
      throw Error(ErrorKind::InvalidInput,
                  at + ": results can be added only to a done run; this one is " + status);
  }
  insertResultRows(m_db, run_id, r, at, /*replace=*/true);
  for (const auto& a : r.artifacts) insertArtifact(m_db, run_id, a, at);
  {
    Statement st = m_db.prepare("UPDATE runs SET spec_json = ?2 WHERE id = ?1");
    st.bind(1, run_id).bind(2, updated_spec_json);
    st.run();
  }
  tx.commit();
}

std::int64_t Store::addArtifact(std::int64_t run_id, const ArtifactRecord& artifact) {
  const std::string at = where(*this, run_id);
  Transaction tx(m_db);
  {
    Statement st = m_db.prepare("SELECT 1 FROM runs WHERE id = ?");
    st.bind(1, run_id);
    if (!st.step()) throw Error(ErrorKind::NotFound, at + ": no such run");
  }
  insertArtifact(m_db, run_id, artifact, at);
  std::int64_t id = m_db.lastInsertRowId();
  tx.commit();
  return id;
}

std::vector<MetricRecord> Store::metrics(std::int64_t run_id) {
  Statement st = m_db.prepare(
      "SELECT name, dataset, value, stderr FROM metrics WHERE run_id = ? ORDER BY dataset, name");
  st.bind(1, run_id);
  std::vector<MetricRecord> out;
  while (st.step()) {
    MetricRecord m;
    m.name = st.columnText(0);
    m.dataset = st.columnText(1);
    m.value = detail::columnDoubleOrNaN(st, 2);
    m.stderr_value = st.columnOptDouble(3);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<LayerMetricRecord> Store::layerMetrics(std::int64_t run_id, std::string_view metric,
                                                   std::optional<int> bits) {
  std::string sql =
      "SELECT layer, module, bits, metric, value FROM layer_metrics WHERE run_id = ?1";
  if (!metric.empty()) sql += " AND metric = ?2";
  if (bits) sql += " AND bits = ?3";
  sql += " ORDER BY bits, metric, layer, module";
  Statement st = m_db.prepare(sql);
  st.bind(1, run_id);
  if (!metric.empty()) st.bind(2, metric);
  if (bits) st.bind(3, *bits);
  std::vector<LayerMetricRecord> out;
  while (st.step()) {
    LayerMetricRecord m;
    m.layer = static_cast<int>(st.columnInt64(0));
    m.module = st.columnText(1);
    m.bits = static_cast<int>(st.columnInt64(2));
    m.metric = st.columnText(3);
    m.value = detail::columnDoubleOrNaN(st, 4);
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

/// Appends the filter's conditions (fixed fragments, numbered parameters from 2).
std::string tensorConditions(const TensorFilter& f, bool with_stage, bool with_stat) {
  std::string sql;
  if (f.layer) sql += " AND layer = ?2";
  if (!f.module.empty()) sql += " AND module = ?3";
  if (!f.tensor.empty()) sql += " AND tensor = ?4";
  if (with_stage && !f.stage.empty()) sql += " AND stage = ?5";
  if (with_stat && !f.stat.empty()) sql += " AND stat = ?5";
  return sql;
}

void bindTensorFilter(Statement& st, std::int64_t run_id, const TensorFilter& f, bool with_stage,
                      bool with_stat) {
  st.bind(1, run_id);
  if (f.layer) st.bind(2, *f.layer);
  if (!f.module.empty()) st.bind(3, f.module);
  if (!f.tensor.empty()) st.bind(4, f.tensor);
  if (with_stage && !f.stage.empty()) st.bind(5, f.stage);
  if (with_stat && !f.stat.empty()) st.bind(5, f.stat);
}

}  // namespace

std::vector<DistributionRecord> Store::distributions(std::int64_t run_id,
                                                     const TensorFilter& filter) {
  std::string sql =
      "SELECT id, layer, module, tensor, stage, n_bins, bin_edges, counts, n, min, max, mean, "
      "std, absmax, kurtosis FROM distributions WHERE run_id = ?1" +
      tensorConditions(filter, true, false) + " ORDER BY layer, module, tensor, stage";
  Statement st = m_db.prepare(sql);
  bindTensorFilter(st, run_id, filter, true, false);
  std::vector<DistributionRecord> out;
  while (st.step()) {
    DistributionRecord d;
    const std::string row =
        where(*this, run_id) + ", distributions row " + std::to_string(st.columnInt64(0));
    d.layer = static_cast<int>(st.columnInt64(1));
    d.module = st.columnText(2);
    d.tensor = st.columnText(3);
    d.stage = st.columnText(4);
    std::int64_t bins = st.columnInt64(5);
    if (bins <= 0 || bins > (std::int64_t{1} << 28)) {
      throw Error(ErrorKind::Store, row + ": absurd bin count " + std::to_string(bins));
    }
    d.bin_edges = detail::decodeBlob<double>(st.columnBlob(6), static_cast<std::size_t>(bins) + 1,
                                             row + " bin_edges");
    d.counts = detail::decodeBlob<double>(st.columnBlob(7), static_cast<std::size_t>(bins),
                                          row + " counts");
    d.n = st.columnInt64(8);
    d.min = detail::columnDoubleOrNaN(st, 9);
    d.max = detail::columnDoubleOrNaN(st, 10);
    d.mean = detail::columnDoubleOrNaN(st, 11);
    d.std = detail::columnDoubleOrNaN(st, 12);
    d.absmax = detail::columnDoubleOrNaN(st, 13);
    d.kurtosis = detail::columnDoubleOrNaN(st, 14);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<ChannelStatRecord> Store::channelStats(std::int64_t run_id,
                                                   const TensorFilter& filter) {
  std::string sql =
      "SELECT id, layer, module, tensor, stat, n_channels, data FROM channel_stats "
      "WHERE run_id = ?1" +
      tensorConditions(filter, false, true) + " ORDER BY layer, module, tensor, stat";
  Statement st = m_db.prepare(sql);
  bindTensorFilter(st, run_id, filter, false, true);
  std::vector<ChannelStatRecord> out;
  while (st.step()) {
    ChannelStatRecord c;
    const std::string row =
        where(*this, run_id) + ", channel_stats row " + std::to_string(st.columnInt64(0));
    c.layer = static_cast<int>(st.columnInt64(1));
    c.module = st.columnText(2);
    c.tensor = st.columnText(3);
    c.stat = st.columnText(4);
    std::int64_t n = st.columnInt64(5);
    if (n < 0 || n > (std::int64_t{1} << 30)) {
      throw Error(ErrorKind::Store, row + ": absurd channel count " + std::to_string(n));
    }
    c.values = detail::decodeBlob<float>(st.columnBlob(6), static_cast<std::size_t>(n), row);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ArtifactRecord> Store::artifacts(std::int64_t run_id, bool with_data) {
  Statement st = m_db.prepare(
      with_data ? "SELECT id, kind, name, path, size_bytes, mime, created_at, data FROM artifacts "
                  "WHERE run_id = ? ORDER BY id"
                : "SELECT id, kind, name, path, size_bytes, mime, created_at FROM artifacts "
                  "WHERE run_id = ? ORDER BY id");
  st.bind(1, run_id);
  std::vector<ArtifactRecord> out;
  while (st.step()) {
    ArtifactRecord a;
    a.id = st.columnInt64(0);
    a.kind = st.columnText(1);
    a.name = st.columnText(2);
    a.path = st.columnText(3);
    a.size_bytes = st.columnInt64(4);
    a.mime = st.columnText(5);
    a.created_at = st.columnText(6);
    if (with_data) a.data = st.columnBlob(7);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace slmq::core
