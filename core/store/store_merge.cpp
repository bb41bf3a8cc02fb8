// mergeStores (see store_merge.h): ATTACH each input to the output connection and copy rows
// with INSERT ... SELECT, remapping run and model ids. Column lists come from PRAGMA table_info
// so that later additive schema changes are copied without edits here.
#include "core/store/store_merge.h"

#include <map>
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/store/schema.h"
#include "core/store/statement.h"
#include "core/store/store.h"

namespace slmq::core {

namespace {

/// Columns of `table` in schema `db` ("main" or "src") except those in `skip`.
std::vector<std::string> columns(Connection& c, const std::string& db, const std::string& table,
                                 const std::vector<std::string>& skip) {
  std::vector<std::string> out;
  Statement st(c, "PRAGMA " + db + ".table_info(" + table + ")");
  while (st.step()) {
    const std::string name = st.columnText(1);
    bool skipped = false;
    for (const auto& s : skip) skipped = skipped || s == name;
    if (!skipped) out.push_back(name);
  }
  return out;
}

std::string joined(const std::vector<std::string>& cols, const std::string& prefix = "") {
  std::string s;
  for (const auto& c : cols) s += (s.empty() ? "" : ", ") + prefix + c;
  return s;
}

const char* const kResultTables[] = {"metrics", "layer_metrics", "distributions", "channel_stats",
                                     "artifacts"};

void mergeOne(Store& out, const std::filesystem::path& input, MergeSummary& sum) {
  {
    StoreOptions ro;
    ro.read_only = true;
    Store in = Store::open(input, ro);
    if (in.schemaVersion() != storeSchemaVersion())
      throw Error(ErrorKind::Store, "store merge: " + input.string() + " has schema version " +
                                        std::to_string(in.schemaVersion()) + ", this slmq writes " +
                                        std::to_string(storeSchemaVersion()) +
                                        " (run `slmq store info` on it once to migrate)");
  }
  Connection& c = out.connection();
  {
    Statement at(c, "ATTACH DATABASE ? AS src");
    at.bind(1, input.string());
    at.run();
  }
  struct Detach {
    Connection& c;
    ~Detach() {
      try {
        c.execScript("DETACH DATABASE src");
      } catch (...) {
      }
    }
  } detach{c};

  Transaction tx(c);
  // Models by path, datasets by (path, kind).
  {
    const auto cols = columns(c, "main", "models", {"id"});
    Statement st(c, "INSERT INTO main.models(" + joined(cols) + ") SELECT " + joined(cols) +
                        " FROM src.models WHERE path NOT IN (SELECT path FROM main.models)");
    st.run();
    sum.models_copied += c.changes();
    const auto dcols = columns(c, "main", "datasets", {"id"});
    Statement ds(c, "INSERT INTO main.datasets(" + joined(dcols) + ") SELECT " + joined(dcols) +
                        " FROM src.datasets s WHERE NOT EXISTS (SELECT 1 FROM main.datasets d "
                        "WHERE d.path = s.path AND d.kind = s.kind)");
    ds.run();
  }
  // Runs, one by one (ids remapped), then their results.
  const auto runCols = columns(c, "main", "runs", {"id", "model_id", "parent_run_id"});
  std::map<std::int64_t, std::int64_t> runMap;
  std::map<std::int64_t, std::int64_t> srcParent;
  Statement list(c,
                 "SELECT r.id, r.parent_run_id, m.path FROM src.runs r "
                 "LEFT JOIN src.models m ON m.id = r.model_id ORDER BY r.id");
  Statement dup(c,
                "SELECT d.id FROM main.runs d, src.runs s WHERE s.id = ? AND "
                "d.spec_json = s.spec_json AND d.created_at IS s.created_at AND "
                "d.started_at IS s.started_at AND d.finished_at IS s.finished_at AND "
                "d.host IS s.host AND d.status = s.status LIMIT 1");
  Statement modelId(c, "SELECT id FROM main.models WHERE path = ?");
  Statement ins(c, "INSERT INTO main.runs(model_id, " + joined(runCols) + ") SELECT ?, " +
                       joined(runCols) + " FROM src.runs WHERE id = ?");
  while (list.step()) {
    const std::int64_t oldId = list.columnInt64(0);
    if (const auto p = list.columnOptInt64(1)) srcParent[oldId] = *p;
    dup.reset();
    dup.bind(1, oldId);
    if (dup.step()) {
      runMap[oldId] = dup.columnInt64(0);
      ++sum.runs_duplicate;
      continue;
    }
    std::optional<std::int64_t> mid;
    if (!list.isNull(2)) {
      modelId.reset();
      modelId.bind(1, list.columnText(2));
      if (modelId.step()) mid = modelId.columnInt64(0);
    }
    ins.reset();
    ins.bind(1, mid);
    ins.bind(2, oldId);
    ins.run();
    const std::int64_t newId = c.lastInsertRowId();
    runMap[oldId] = newId;
    ++sum.runs_copied;
    for (const char* t : kResultTables) {
      const auto cols = columns(c, "main", t, {"id", "run_id"});
      Statement cp(c, std::string("INSERT INTO main.") + t + "(run_id, " + joined(cols) +
                          ") SELECT ?, " + joined(cols) + " FROM src." + t + " WHERE run_id = ?");
      cp.bind(1, newId);
      cp.bind(2, oldId);
      cp.run();
      sum.result_rows += c.changes();
    }
  }
  // Parent links of the copied runs.
  Statement up(c, "UPDATE main.runs SET parent_run_id = ? WHERE id = ? AND parent_run_id IS NULL");
  for (const auto& [child, parent] : srcParent) {
    const auto ic = runMap.find(child), ip = runMap.find(parent);
    if (ic == runMap.end() || ip == runMap.end()) continue;
    up.reset();
    up.bind(1, ip->second);
    up.bind(2, ic->second);
    up.run();
  }
  tx.commit();
}

}  // namespace

MergeSummary mergeStores(const std::vector<std::filesystem::path>& inputs,
                         const std::filesystem::path& output) {
  if (inputs.empty()) throw Error(ErrorKind::InvalidInput, "store merge: no input stores");
  if (std::filesystem::exists(output))
    throw Error(ErrorKind::InvalidInput,
                "store merge: output " + output.string() + " already exists (choose a new file)");
  for (const auto& in : inputs) {
    if (!std::filesystem::exists(in))
      throw Error(ErrorKind::NotFound, "store merge: input store " + in.string() + " not found");
  }
  MergeSummary sum;
  try {
    StoreOptions so;
    so.recover_interrupted = false;
    Store out = Store::open(output, so);
    for (const auto& in : inputs) mergeOne(out, in, sum);
  } catch (...) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(output.string() + suffix, ec);
    throw;
  }
  return sum;
}

}  // namespace slmq::core
