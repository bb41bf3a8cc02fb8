// Round trip of every table of the run store through a real file, the run lifecycle, and the
// all-or-nothing rule of finishRun.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <map>

#include "core/common/error.h"
#include "core/store/store.h"
#include "tests/testlib/test_support.h"

using namespace slmq;
using core::RunStatus;

namespace {

core::RunRecord makeRun(std::optional<std::int64_t> model_id, std::string method = "gptq") {
  core::RunRecord r;
  r.model_id = model_id;
  r.name = method + " W4 g128";
  r.method = method;
  r.w_bits = 4;
  r.a_bits = 16;
  r.spec_json = R"({"model":"smol-ref","methods":[{"name":"gptq"}]})";
  return r;
}

core::RunResults makeResults() {
  core::RunResults res;
  res.wall_seconds = 12.5;
  res.cpu_seconds = 24.25;
  res.peak_rss_bytes = 123456789;
  res.timings_json = R"({"calibrate":1.5,"quantize":9.0})";
  res.metrics = {{"ppl", "wikitext2_test", 101.25, std::nullopt},
                 {"acc", "arc_easy", 0.255, 0.0308},
                 {"ppl", "c4_heldout500", std::numeric_limits<double>::infinity(), std::nullopt},
                 {"tps", "", 3200.0, 12.0}};
  for (int layer = 0; layer < 3; ++layer) {
    for (const char* m : {"q_proj", "down_proj"}) {
      res.layer_metrics.push_back({layer, m, 4, "dppl", 0.5 * layer + (m[0] == 'q' ? 0.1 : 0.2)});
      res.layer_metrics.push_back({layer, m, 8, "dppl", 0.01 * layer});
    }
  }
  res.layer_metrics.push_back({-1, "lm_head", 4, "kld", 0.125});
  core::DistributionRecord d;
  d.layer = 2;
  d.module = "q_proj";
  d.tensor = "weight";
  d.stage = "fp";
  d.bin_edges = {-1.0, -0.5, 0.0, 0.5, 1.0};
  d.counts = {1, 10, 12, 2};
  d.n = 25;
  d.min = -0.9;
  d.max = 0.95;
  d.mean = 0.01;
  d.std = 0.3;
  d.absmax = 0.95;
  d.kurtosis = 1.5;
  res.distributions.push_back(d);
  d.stage = "quantized";
  d.counts = {0, 11, 13, 1};
  res.distributions.push_back(d);
  core::ChannelStatRecord c;
  c.layer = 2;
  c.module = "q_proj";
  c.tensor = "input";
  c.stat = "absmax";
  for (int i = 0; i < 288; ++i) c.values.push_back(0.25f * static_cast<float>(i % 17) + 1e-3f);
  c.values[7] = 85.5f;  // an outlier channel
  res.channel_stats.push_back(c);
  core::ArtifactRecord inline_art;
  inline_art.kind = "chart";
  inline_art.name = "heatmap.png";
  inline_art.mime = "image/png";
  for (int b : {0x89, 0x50, 0x4e, 0x47, 0x00, 0xff}) inline_art.data.push_back(std::byte(b));
  core::ArtifactRecord file_art;
  file_art.kind = "model";
  file_art.name = "quantized";
  file_art.path = "/tmp/quantized.safetensors";
  file_art.size_bytes = 4096;
  res.artifacts = {inline_art, file_art};
  return res;
}

core::TensorFilter tensorFilter(std::optional<int> layer, std::string module, std::string tensor,
                                std::string stage, std::string stat) {
  core::TensorFilter f;
  f.layer = layer;
  f.module = std::move(module);
  f.tensor = std::move(tensor);
  f.stage = std::move(stage);
  f.stat = std::move(stat);
  return f;
}

template <class F>
core::RunFilter runFilter(F set) {
  core::RunFilter f;
  set(f);
  return f;
}

}  // namespace

TEST(StoreRoundTrip, EveryTableSurvivesReopening) {
  test::TempDir dir;
  const auto file = dir / "ws.slmq";
  std::int64_t model_id = 0, dataset_id = 0, fp_run = 0, run_id = 0;
  const core::RunResults written = makeResults();
  {
    auto store = core::Store::open(file);
    core::ModelRecord m;
    m.name = "smol-ref";
    m.path = "/assets/models/smol-ref";
    m.format = "safetensors";
    m.architecture = "LlamaForCausalLM";
    m.n_params = 9400000;
    m.size_bytes = 18800000;
    m.config_json = R"({"hidden_size":288})";
    model_id = store.upsertModel(m);
    m.n_params = 9400001;  // same path: updated, same id
    EXPECT_EQ(store.upsertModel(m), model_id);
    core::DatasetRecord d;
    d.name = "wikitext2_test";
    d.kind = "text";
    d.path = "/assets/text/wikitext2_test.txt";
    d.size_bytes = 1234;
    d.checksum = "abc";
    dataset_id = store.upsertDataset(d);

    fp_run = store.createRun(makeRun(model_id, "fp"));
    store.markRunning(fp_run);
    store.finishRun(fp_run, core::RunResults{});
    auto r = makeRun(model_id);
    r.parent_run_id = fp_run;
    run_id = store.createRun(r);
    EXPECT_EQ(store.run(run_id).status, RunStatus::Pending);
    store.markRunning(run_id);
    store.finishRun(run_id, written);
  }
  auto store = core::Store::open(file);
  auto models = store.models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].id, model_id);
  EXPECT_EQ(models[0].name, "smol-ref");
  EXPECT_EQ(models[0].format, "safetensors");
  EXPECT_EQ(models[0].architecture, "LlamaForCausalLM");
  EXPECT_EQ(models[0].n_params, 9400001);
  EXPECT_EQ(models[0].size_bytes, 18800000);
  EXPECT_EQ(models[0].config_json, R"({"hidden_size":288})");
  EXPECT_EQ(store.findModel("/assets/models/smol-ref"), model_id);
  EXPECT_FALSE(store.findModel("/nowhere").has_value());
  auto datasets = store.datasets();
  ASSERT_EQ(datasets.size(), 1u);
  EXPECT_EQ(datasets[0].id, dataset_id);
  EXPECT_EQ(datasets[0].kind, "text");
  EXPECT_EQ(datasets[0].checksum, "abc");
  EXPECT_EQ(datasets[0].size_bytes, 1234);

  auto run = store.run(run_id);
  EXPECT_EQ(run.status, RunStatus::Done);
  EXPECT_EQ(run.parent_run_id, fp_run);
  EXPECT_EQ(run.model_id, model_id);
  EXPECT_EQ(run.method, "gptq");
  EXPECT_EQ(run.w_bits, 4);
  EXPECT_EQ(run.a_bits, 16);
  EXPECT_EQ(run.spec_json, makeRun(model_id).spec_json);
  EXPECT_EQ(run.wall_seconds, 12.5);
  EXPECT_EQ(run.cpu_seconds, 24.25);
  EXPECT_EQ(run.peak_rss_bytes, 123456789);
  EXPECT_EQ(run.timings_json, written.timings_json);
  EXPECT_EQ(run.pid, static_cast<std::int64_t>(getpid()));
  EXPECT_FALSE(run.host.empty());
  EXPECT_NE(run.host_info_json.find("logical_cores"), std::string::npos);
  EXPECT_FALSE(run.tool_version.empty());
  EXPECT_FALSE(run.created_at.empty());
  EXPECT_FALSE(run.started_at.empty());
  EXPECT_FALSE(run.finished_at.empty());
  EXPECT_LE(run.started_at, run.finished_at);  // ISO-8601 sorts as text
  EXPECT_TRUE(run.error.empty());

  auto metrics = store.metrics(run_id);
  ASSERT_EQ(metrics.size(), written.metrics.size());
  for (const auto& w : written.metrics) {
    auto it = std::find_if(metrics.begin(), metrics.end(), [&](const core::MetricRecord& m) {
      return m.name == w.name && m.dataset == w.dataset;
    });
    ASSERT_NE(it, metrics.end()) << w.name << " " << w.dataset;
    EXPECT_EQ(it->value, w.value);
    EXPECT_EQ(it->stderr_value, w.stderr_value);
  }

  EXPECT_EQ(store.layerMetrics(run_id).size(), written.layer_metrics.size());
  auto w4 = store.layerMetrics(run_id, "dppl", 4);
  ASSERT_EQ(w4.size(), 6u);
  EXPECT_EQ(w4[0].layer, 0);  // ordered by layer, module
  EXPECT_EQ(w4[0].module, "down_proj");
  EXPECT_DOUBLE_EQ(w4[0].value, 0.2);
  EXPECT_EQ(w4[5].layer, 2);
  EXPECT_EQ(w4[5].module, "q_proj");
  EXPECT_DOUBLE_EQ(w4[5].value, 1.1);
  auto kld = store.layerMetrics(run_id, "kld");
  ASSERT_EQ(kld.size(), 1u);
  EXPECT_EQ(kld[0].layer, -1);
  EXPECT_EQ(kld[0].module, "lm_head");

  auto dists = store.distributions(run_id);
  ASSERT_EQ(dists.size(), 2u);
  auto quantized = store.distributions(run_id, tensorFilter(2, "", "weight", "quantized", ""));
  ASSERT_EQ(quantized.size(), 1u);
  EXPECT_EQ(quantized[0].bin_edges, written.distributions[1].bin_edges);
  EXPECT_EQ(quantized[0].counts, written.distributions[1].counts);
  EXPECT_EQ(quantized[0].n, 25);
  EXPECT_EQ(quantized[0].min, -0.9);
  EXPECT_EQ(quantized[0].max, 0.95);
  EXPECT_EQ(quantized[0].mean, 0.01);
  EXPECT_EQ(quantized[0].std, 0.3);
  EXPECT_EQ(quantized[0].absmax, 0.95);
  EXPECT_EQ(quantized[0].kurtosis, 1.5);
  EXPECT_TRUE(store.distributions(run_id, tensorFilter(3, "", "", "", "")).empty());

  auto channels =
      store.channelStats(run_id, tensorFilter(std::nullopt, "q_proj", "", "", "absmax"));
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0].values, written.channel_stats[0].values);  // bit-exact float32
  EXPECT_EQ(channels[0].tensor, "input");

  auto arts = store.artifacts(run_id);
  ASSERT_EQ(arts.size(), 2u);
  EXPECT_TRUE(arts[0].data.empty());  // no data unless asked for
  EXPECT_EQ(arts[0].size_bytes, 6);
  auto with_data = store.artifacts(run_id, true);
  EXPECT_EQ(with_data[0].data, written.artifacts[0].data);
  EXPECT_EQ(with_data[0].mime, "image/png");
  EXPECT_EQ(with_data[1].path, "/tmp/quantized.safetensors");
  EXPECT_EQ(with_data[1].size_bytes, 4096);
  EXPECT_EQ(with_data[1].mime, "application/octet-stream");

  auto info = store.info();
  EXPECT_EQ(info.schema_version, 1);
  std::map<std::string, std::int64_t> rows(info.table_rows.begin(), info.table_rows.end());
  EXPECT_EQ(rows["models"], 1);
  EXPECT_EQ(rows["datasets"], 1);
  EXPECT_EQ(rows["runs"], 2);
  EXPECT_EQ(rows["metrics"], 4);
  EXPECT_EQ(rows["layer_metrics"], 13);
  EXPECT_EQ(rows["distributions"], 2);
  EXPECT_EQ(rows["channel_stats"], 1);
  EXPECT_EQ(rows["artifacts"], 2);
  ASSERT_EQ(info.runs_by_status.size(), 1u);
  EXPECT_EQ(info.runs_by_status[0], (std::pair<std::string, std::int64_t>("done", 2)));
  EXPECT_EQ(store.integrityCheck(), "ok");
}

TEST(StoreRoundTrip, NaNMetricIsKeptAsNaN) {
  // A W2 run may blow up to NaN: that is a result to show, not an error. SQLite has no NaN.
  test::TempDir dir;
  auto store = core::Store::open(dir / "ws.slmq");
  auto id = store.createRun(makeRun(std::nullopt));
  core::RunResults res;
  res.metrics = {{"ppl", "wikitext2_test", std::numeric_limits<double>::quiet_NaN(), {}}};
  res.layer_metrics = {{0, "q_proj", 2, "dppl", std::numeric_limits<double>::quiet_NaN()}};
  store.finishRun(id, res);
  EXPECT_TRUE(std::isnan(store.metrics(id).at(0).value));
  EXPECT_TRUE(std::isnan(store.layerMetrics(id).at(0).value));
}

TEST(StoreRoundTrip, LifecycleTransitions) {
  test::TempDir dir;
  auto store = core::Store::open(dir / "ws.slmq");
  auto a = store.createRun(makeRun(std::nullopt));
  store.markRunning(a);
  EXPECT_EQ(store.run(a).status, RunStatus::Running);
  EXPECT_THROW(store.markRunning(a), core::Error);  // not pending any more
  store.failRun(a, "model.safetensors: truncated at byte 1024");
  auto ra = store.run(a);
  EXPECT_EQ(ra.status, RunStatus::Failed);
  EXPECT_EQ(ra.error, "model.safetensors: truncated at byte 1024");
  EXPECT_FALSE(ra.finished_at.empty());
  EXPECT_THROW(store.finishRun(a, {}), core::Error);  // already final
  EXPECT_THROW(store.cancelRun(a), core::Error);

  auto b = store.createRun(makeRun(std::nullopt, "awq"));
  store.cancelRun(b);  // a queued job cancelled before it started
  EXPECT_EQ(store.run(b).status, RunStatus::Cancelled);
  EXPECT_EQ(store.run(b).error, "cancelled by user");

  auto c = store.createRun(makeRun(std::nullopt, "rtn"));
  core::RunResults cancelled;
  cancelled.status = RunStatus::Cancelled;
  cancelled.error = "cancelled at 40%";
  cancelled.metrics = {{"ppl", "wikitext2_test", 150.0, {}}};
  store.finishRun(c, cancelled);
  EXPECT_EQ(store.run(c).status, RunStatus::Cancelled);
  EXPECT_EQ(store.metrics(c).size(), 1u);

  core::RunResults not_final;
  not_final.status = RunStatus::Running;
  auto d = store.createRun(makeRun(std::nullopt));
  EXPECT_THROW(store.finishRun(d, not_final), core::Error);

  try {
    store.run(999);
    FAIL() << "expected NotFound";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("999"), std::string::npos);
  }
  core::RunRecord no_spec = makeRun(std::nullopt);
  no_spec.spec_json.clear();
  EXPECT_THROW(store.createRun(no_spec), core::Error);
  core::RunRecord bad_spec = makeRun(std::nullopt);
  bad_spec.spec_json = "{not json";
  EXPECT_THROW(store.createRun(bad_spec), core::Error);
  EXPECT_THROW(store.createRun(makeRun(std::int64_t{42})), core::Error);  // no model 42
}

TEST(StoreRoundTrip, FinishRunIsAllOrNothing) {
  test::TempDir dir;
  auto store = core::Store::open(dir / "ws.slmq");
  auto id = store.createRun(makeRun(std::nullopt));
  store.markRunning(id);
  core::RunResults res = makeResults();
  res.layer_metrics.push_back(res.layer_metrics.front());  // duplicate key, late in the write
  EXPECT_THROW(store.finishRun(id, res), core::Error);
  EXPECT_EQ(store.run(id).status, RunStatus::Running);
  EXPECT_TRUE(store.metrics(id).empty());
  EXPECT_TRUE(store.layerMetrics(id).empty());
  EXPECT_TRUE(store.distributions(id).empty());

  core::RunResults bad_hist = makeResults();
  bad_hist.distributions[0].bin_edges.pop_back();
  try {
    store.finishRun(id, bad_hist);
    FAIL() << "expected InvalidInput";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("4 bin edges for 4 bins"), std::string::npos) << e.what();
  }
  bad_hist = makeResults();
  bad_hist.distributions[0].bin_edges = {0.0, 1.0, 1.0, 2.0, 3.0};
  EXPECT_THROW(store.finishRun(id, bad_hist), core::Error);
  EXPECT_EQ(store.info().table_rows[3].second, 0);  // no metrics anywhere

  store.finishRun(id, makeResults());  // the run can still be finished properly
  EXPECT_EQ(store.metrics(id).size(), 4u);
}

TEST(StoreRoundTrip, RunFiltersAndDeletion) {
  test::TempDir dir;
  auto store = core::Store::open(dir / "ws.slmq");
  core::ModelRecord m;
  m.name = "qwen-ref";
  m.path = "/m/qwen";
  auto qwen = store.upsertModel(m);
  m.path = "/m/smol";
  auto smol = store.upsertModel(m);
  auto fp = store.createRun([&] {
    auto r = makeRun(smol, "fp");
    r.w_bits = 16;
    return r;
  }());
  store.finishRun(fp, {});
  auto g4 = store.createRun([&] {
    auto r = makeRun(smol, "gptq");
    r.parent_run_id = fp;
    return r;
  }());
  auto r8 = store.createRun([&] {
    auto r = makeRun(qwen, "rtn");
    r.w_bits = 8;
    r.a_bits = 8;
    return r;
  }());
  store.finishRun(g4, makeResults());

  auto all = store.runs();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, r8);  // newest first
  EXPECT_EQ(store.runs(runFilter([&](auto& f) { f.model_id = smol; })).size(), 2u);
  EXPECT_EQ(store.runs(runFilter([](auto& f) { f.status = RunStatus::Pending; })).at(0).id, r8);
  EXPECT_EQ(store.runs(runFilter([](auto& f) { f.method = "gptq"; })).at(0).id, g4);
  EXPECT_EQ(store
                .runs(runFilter([](auto& f) {
                  f.w_bits = 8;
                  f.a_bits = 8;
                }))
                .at(0)
                .id,
            r8);
  EXPECT_EQ(store.runs(runFilter([&](auto& f) { f.parent_run_id = fp; })).at(0).id, g4);
  EXPECT_EQ(store.runs(runFilter([](auto& f) { f.limit = 1; })).size(), 1u);
  EXPECT_TRUE(store
                  .runs(runFilter([&](auto& f) {
                    f.model_id = qwen;
                    f.method = "gptq";
                  }))
                  .empty());

  // A model with runs cannot be deleted behind the store's back (foreign keys are on).
  {
    core::Statement del = store.connection().prepare("DELETE FROM models WHERE id = ?");
    del.bind(1, smol);
    EXPECT_THROW(del.run(), core::Error);
  }
  // Deleting the FP run keeps its children, without a parent; deleting a run drops its results.
  store.deleteRun(fp);
  EXPECT_FALSE(store.run(g4).parent_run_id.has_value());
  store.deleteRun(g4);
  auto info = store.info();
  for (const auto& [table, rows] : info.table_rows) {
    if (table != "models" && table != "runs") {
      EXPECT_EQ(rows, 0) << table;
    }
  }
  EXPECT_THROW(store.deleteRun(g4), core::Error);

  core::ArtifactRecord report;
  report.kind = "report";
  report.name = "r.html";
  report.path = "/tmp/r.html";
  auto art = store.addArtifact(r8, report);
  EXPECT_GT(art, 0);
  EXPECT_EQ(store.artifacts(r8).at(0).name, "r.html");
  report.path.clear();  // neither path nor data
  EXPECT_THROW(store.addArtifact(r8, report), core::Error);
}

TEST(StoreRoundTrip, FileSettingsAreWalForeignKeysAndVersioned) {
  // Checked with the plain SQLite C API on the file, independently of the store's own reader.
  test::TempDir dir;
  const auto file = dir / "ws.slmq";
  { auto store = core::Store::open(file); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sql;
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sql;
    std::string v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");  // persistent in the file
  EXPECT_EQ(scalar("PRAGMA user_version"), "1");
  EXPECT_EQ(scalar("PRAGMA application_id"), std::to_string(0x534C4D51));
  // The tables of DESIGN.md with the columns it names.
  for (auto [table, columns] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"models", {"name", "path"}},
           {"datasets", {"name", "kind", "path"}},
           {"runs",
            {"spec_json", "status", "error", "wall_seconds", "host", "host_info_json",
             "tool_version", "parent_run_id", "created_at", "started_at", "finished_at", "pid"}},
           {"metrics", {"run_id", "name", "dataset", "value", "stderr"}},
           {"layer_metrics", {"run_id", "layer", "module", "bits", "metric", "value"}},
           {"distributions",
            {"run_id", "layer", "module", "tensor", "stage", "bin_edges", "counts", "mean", "std"}},
           {"channel_stats", {"run_id", "layer", "module", "tensor", "stat", "data"}},
           {"artifacts", {"run_id", "kind", "name", "path", "data", "mime"}}}) {
    for (const auto& col : columns) {
      std::string sql =
          "SELECT count(*) FROM pragma_table_info('" + table + "') WHERE name = '" + col + "'";
      EXPECT_EQ(scalar(sql.c_str()), "1") << table << "." << col;
    }
  }
  sqlite3_close(db);
  auto store = core::Store::open(file);
  EXPECT_EQ(store.connection().pragmaInt("foreign_keys"), 1);
  EXPECT_EQ(store.connection().pragmaInt("synchronous"), 1);  // NORMAL
  EXPECT_EQ(store.connection().pragmaInt("busy_timeout"), 5000);
}
