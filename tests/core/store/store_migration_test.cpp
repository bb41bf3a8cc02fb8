// PRAGMA user_version migrations: an empty (v0) file becomes v1; an older-version file is brought
// forward keeping its data; a failing step rolls back; newer, foreign and non-SQLite files are
// refused with an error naming the file.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <fstream>
#include <random>
#include <string>

#include "core/common/error.h"
#include "core/store/schema.h"
#include "core/store/store.h"
#include "tests/testlib/test_support.h"

using namespace slmq;

namespace {

/// Runs raw SQL on a file with the plain SQLite C API (not the store's code).
void rawExec(const std::string& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::int64_t rawInt(const std::string& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sql;
  std::int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/// Expects Store::open(file) to throw Error(Store) whose message names the file and contains
/// `needle`.
void expectRefused(const std::string& file, const std::string& needle) {
  try {
    core::Store::open(file);
    ADD_FAILURE() << "expected " << file << " to be refused";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::Store) << e.what();
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

core::RunRecord someRun() {
  core::RunRecord r;
  r.method = "rtn";
  r.spec_json = R"({"model":"m"})";
  return r;
}

}  // namespace

TEST(StoreMigration, EmptyFileBecomesVersionOne) {
  test::TempDir dir;
  const std::string file = (dir / "empty.slmq").string();
  test::writeFile(file, "");  // a zero-byte file is an empty SQLite database: version 0
  EXPECT_EQ(rawInt(file, "PRAGMA user_version"), 0);
  auto store = core::Store::open(file);
  EXPECT_EQ(store.schemaVersion(), 1);
  EXPECT_EQ(core::storeSchemaVersion(), 1);
  EXPECT_EQ(rawInt(file, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 8);
  EXPECT_GE(rawInt(file,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                   "name NOT LIKE 'sqlite_autoindex%'"),
            8);
  // Opening again migrates nothing and keeps the data.
  auto id = store.createRun(someRun());
  auto again = core::Store::open(file);
  EXPECT_EQ(again.run(id).method, "rtn");
  // A missing file is created; a read-only open of a missing file is NotFound.
  EXPECT_EQ(core::Store::open((dir / "new.slmq").string()).schemaVersion(), 1);
  core::StoreOptions ro;
  ro.read_only = true;
  try {
    core::Store::open(dir / "missing.slmq", ro);
    FAIL() << "expected NotFound";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::NotFound);
  }
}

TEST(StoreMigration, OlderVersionFileIsMigratedKeepingItsData) {
  // A v1 file with data, migrated by a list that adds a v2 step (what a future schema change
  // will look like): the data stays, the new column exists, user_version is 2.
  test::TempDir dir;
  const std::string file = (dir / "v1.slmq").string();
  std::int64_t id = 0;
  {
    auto store = core::Store::open(file);
    id = store.createRun(someRun());
    core::RunResults res;
    res.metrics = {{"ppl", "wikitext2_test", 33.0, {}}};
    store.finishRun(id, res);
  }
  ASSERT_EQ(rawInt(file, "PRAGMA user_version"), 1);
  auto migrations = core::storeMigrations();
  migrations.push_back({2, "add runs.notes", [](core::Connection& c) {
                          c.execScript("ALTER TABLE runs ADD COLUMN notes TEXT DEFAULT 'none'");
                        }});
  {
    core::Connection c(file);
    EXPECT_EQ(core::migrate(c, migrations), 1);
    EXPECT_EQ(c.pragmaInt("user_version"), 2);
    EXPECT_EQ(core::migrate(c, migrations), 2);  // idempotent
  }
  EXPECT_EQ(
      rawInt(file, "SELECT count(*) FROM runs WHERE notes = 'none' AND id = " + std::to_string(id)),
      1);
  EXPECT_EQ(rawInt(file, "SELECT count(*) FROM metrics WHERE value = 33.0"), 1);
  // This build knows only version 1: the v2 file is refused, not misread.
  expectRefused(file, "schema version 2 was written by a newer slmq");
}

TEST(StoreMigration, FailingStepRollsBackToThePreviousVersion) {
  test::TempDir dir;
  const std::string file = (dir / "v1.slmq").string();
  { core::Store::open(file).createRun(someRun()); }
  auto migrations = core::storeMigrations();
  migrations.push_back({2, "half-broken step", [](core::Connection& c) {
                          c.execScript("CREATE TABLE extra (x INTEGER)");
                          c.execScript("INSERT INTO no_such_table VALUES (1)");
                        }});
  {
    core::Connection c(file);
    try {
      core::migrate(c, migrations);
      FAIL() << "expected the migration to fail";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.kind(), core::ErrorKind::Store);
      EXPECT_NE(std::string(e.what()).find("migration to version 2 (half-broken step) failed"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(rawInt(file, "PRAGMA user_version"), 1);
  EXPECT_EQ(rawInt(file, "SELECT count(*) FROM sqlite_master WHERE name = 'extra'"), 0);
  EXPECT_EQ(rawInt(file, "SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(core::Store::open(file).integrityCheck(), "ok");
}

TEST(StoreMigration, FirstStepFailureLeavesAnEmptyFile) {
  test::TempDir dir;
  const std::string file = (dir / "v0.slmq").string();
  std::vector<core::Migration> broken = {
      {1, "broken v1", [](core::Connection& c) {
         c.execScript("CREATE TABLE a (x INTEGER); CREATE TABLE a (y INTEGER)");
       }}};
  {
    core::Connection c(file);
    EXPECT_THROW(core::migrate(c, broken), core::Error);
  }
  EXPECT_EQ(rawInt(file, "PRAGMA user_version"), 0);
  EXPECT_EQ(rawInt(file, "SELECT count(*) FROM sqlite_master"), 0);
  EXPECT_EQ(core::Store::open(file).schemaVersion(), 1);  // the real list still works
}

TEST(StoreMigration, ForeignAndNewerDatabasesAreRefused) {
  test::TempDir dir;
  const std::string other_app = (dir / "other.db").string();
  rawExec(other_app, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');");
  expectRefused(other_app, "not an slmq store");
  EXPECT_EQ(rawInt(other_app, "SELECT count(*) FROM notes"), 1);  // untouched

  const std::string app_id = (dir / "appid.db").string();
  rawExec(app_id, "PRAGMA application_id = 1234");
  expectRefused(app_id, "not an slmq store (application_id 1234)");

  const std::string newer = (dir / "newer.slmq").string();
  { core::Store::open(newer); }
  rawExec(newer, "PRAGMA user_version = 7");
  expectRefused(newer, "schema version 7 was written by a newer slmq");
}

TEST(StoreMigration, ReadOnlyOpenDoesNotMigrate) {
  test::TempDir dir;
  core::StoreOptions ro;
  ro.read_only = true;
  const std::string file2 = (dir / "v0b.slmq").string();
  test::writeFile(file2, "");
  try {
    core::Store::open(file2, ro);
    FAIL() << "expected a refusal";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs migrating to 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rawInt(file2, "PRAGMA user_version"), 0);
}

TEST(StoreMigration, NonSqliteAndCorruptFilesGiveAClearError) {
  test::TempDir dir;
  const std::string text = (dir / "notes.txt").string();
  test::writeFile(text, "This is a text file, not a store.\n" + std::string(5000, 'x'));
  expectRefused(text, "not an SQLite database");
  EXPECT_EQ(test::readFile(text).substr(0, 10), "This is a ");  // not overwritten

  const std::string noise = (dir / "noise.slmq").string();
  std::mt19937 rng(7);
  std::string bytes(64 * 1024, '\0');
  for (auto& b : bytes) b = static_cast<char>(rng());
  test::writeFile(noise, bytes);
  expectRefused(noise, "not an SQLite database");

  // A real store whose schema pages are damaged (bytes 100.. of page 1 overwritten).
  const std::string damaged = (dir / "damaged.slmq").string();
  {
    auto store = core::Store::open(damaged);
    store.createRun(someRun());
    store.connection().execScript("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  std::string content = test::readFile(damaged);
  ASSERT_GT(content.size(), 4096u);
  for (std::size_t i = 100; i < 4096; ++i) content[i] = static_cast<char>(0xA5);
  test::writeFile(damaged, content);
  expectRefused(damaged, "store " + damaged);

  // A truncated store (half of its pages gone).
  const std::string truncated = (dir / "truncated.slmq").string();
  {
    auto store = core::Store::open(truncated);
    for (int i = 0; i < 200; ++i) {
      auto id = store.createRun(someRun());
      core::RunResults res;
      for (int l = 0; l < 30; ++l) res.layer_metrics.push_back({l, "q_proj", 4, "dppl", 0.1 * l});
      store.finishRun(id, res);
    }
    store.connection().execScript("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  content = test::readFile(truncated);
  test::writeFile(truncated, content.substr(0, content.size() / 2));
  bool refused_or_reported = false;
  try {
    auto store = core::Store::open(truncated);
    // Opening may succeed (the header and schema are intact); reading then fails, or the
    // integrity check names the problem. Never a crash, never silently whole.
    try {
      auto runs = store.runs();
      for (const auto& r : runs) store.layerMetrics(r.id);
      refused_or_reported = store.integrityCheck() != "ok";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.kind(), core::ErrorKind::Store);
      EXPECT_NE(std::string(e.what()).find(truncated), std::string::npos) << e.what();
      refused_or_reported = true;
    }
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find(truncated), std::string::npos) << e.what();
    refused_or_reported = true;
  }
  EXPECT_TRUE(refused_or_reported);

  const std::string folder = (dir / "folder.slmq").string();
  std::filesystem::create_directory(folder);
  expectRefused(folder, "is a directory");
}
