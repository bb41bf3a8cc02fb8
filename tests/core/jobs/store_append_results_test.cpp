// Store::appendResults on a real SQLite file: results added to a done run in one transaction,
// rows with the same unique key replaced (not duplicated), the spec replaced; refused (nothing
// written) for unknown, unfinished and failed runs, bad spec JSON and a key given twice.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/store/statement.h"
#include "core/store/store.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

std::int64_t rows(Store& s, const char* table) {
  Statement st = s.connection().prepare(std::string("SELECT count(*) FROM ") + table);
  st.step();
  return st.columnInt64(0);
}

std::int64_t newRun(Store& s, std::optional<RunStatus> finalStatus) {
  RunRecord r;
  r.method = "rtn";
  r.spec_json = R"({"model":"m"})";
  const std::int64_t id = s.createRun(r);
  if (!finalStatus) return id;
  s.markRunning(id);
  RunResults res;
  res.status = *finalStatus;
  if (*finalStatus == RunStatus::Done)
    res.metrics = {{"ppl", "wiki", 12.5, std::nullopt}};
  else
    res.error = "boom";
  s.finishRun(id, res);
  return id;
}

ErrorKind kindOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no Error thrown";
  return ErrorKind::Internal;
}

}  // namespace

TEST(StoreAppendResults, AddsAndReplacesByKeyAndUpdatesTheSpec) {
  slmq::test::TempDir dir;
  Store s = Store::open(dir / "w.db");
  const std::int64_t id = newRun(s, RunStatus::Done);
  const std::string before = s.run(id).finished_at;

  RunResults add;
  add.metrics = {{"acc", "arc_easy", 0.4, 0.11}, {"ppl", "wiki", 13.0, std::nullopt}};
  add.layer_metrics = {{0, "q_proj", 4, "dppl", 0.5}};
  add.status = RunStatus::Failed;  // ignored: the run stays done
  s.appendResults(id, add, R"({"model":"m","evaluations":{"tasks":[{"name":"arc_easy"}]}})");
  add.metrics = {{"acc", "arc_easy", 0.45, 0.1}};
  add.layer_metrics = {{0, "q_proj", 4, "dppl", 0.25}};
  s.appendResults(id, add, R"({"model":"m","v":2})");

  const RunRecord r = s.run(id);
  EXPECT_EQ(r.status, RunStatus::Done);
  EXPECT_EQ(r.finished_at, before);
  EXPECT_EQ(r.spec_json, R"({"model":"m","v":2})");
  EXPECT_EQ(rows(s, "metrics"), 2);  // ppl replaced, acc replaced
  EXPECT_EQ(rows(s, "layer_metrics"), 1);
  for (const auto& m : s.metrics(id)) {
    if (m.name == "acc") {
      EXPECT_EQ(m.value, 0.45);
      EXPECT_EQ(m.stderr_value, 0.1);
    } else {
      EXPECT_EQ(m.value, 13.0);
      EXPECT_FALSE(m.stderr_value.has_value());
    }
  }
  EXPECT_EQ(s.layerMetrics(id).at(0).value, 0.25);
  EXPECT_EQ(s.integrityCheck(), "ok");
}

TEST(StoreAppendResults, RefusesWithoutWriting) {
  slmq::test::TempDir dir;
  Store s = Store::open(dir / "w.db");
  const std::int64_t done = newRun(s, RunStatus::Done);
  const std::int64_t failed = newRun(s, RunStatus::Failed);
  const std::int64_t pending = newRun(s, std::nullopt);
  RunResults add;
  add.metrics = {{"acc", "arc_easy", 0.4, std::nullopt}};
  const std::string spec = R"({"model":"m"})";
  EXPECT_EQ(kindOf([&] { s.appendResults(999, add, spec); }), ErrorKind::NotFound);
  EXPECT_EQ(kindOf([&] { s.appendResults(failed, add, spec); }), ErrorKind::InvalidInput);
  EXPECT_EQ(kindOf([&] { s.appendResults(pending, add, spec); }), ErrorKind::InvalidInput);
  EXPECT_EQ(kindOf([&] { s.appendResults(done, add, "{not json"); }), ErrorKind::InvalidInput);
  EXPECT_EQ(kindOf([&] { s.appendResults(done, add, ""); }), ErrorKind::InvalidInput);
  RunResults twice = add;
  twice.metrics.push_back({"acc", "arc_easy", 0.5, std::nullopt});
  EXPECT_EQ(kindOf([&] { s.appendResults(done, twice, spec); }), ErrorKind::InvalidInput);
  // A failure in the middle (a metric without a name) rolls back the rows before it.
  RunResults broken = add;
  broken.metrics.push_back({"", "x", 1.0, std::nullopt});
  EXPECT_EQ(kindOf([&] { s.appendResults(done, broken, R"({"model":"changed"})"); }),
            ErrorKind::InvalidInput);
  EXPECT_EQ(rows(s, "metrics"), 1);  // the done run's ppl only
  EXPECT_EQ(s.run(done).spec_json, spec);
  EXPECT_EQ(s.run(failed).status, RunStatus::Failed);
  EXPECT_EQ(s.run(pending).status, RunStatus::Pending);
  EXPECT_EQ(s.integrityCheck(), "ok");
}
