// Real `slmq` child processes on a real SQLite store (smol-ref, small budgets):
//   - `eval|kld|bench --run N` rebuild a stored run's model and add their results to the run;
//     the stored numbers equal an independent in-process computation (RTN by applyRtn, not the
//     runner's pipeline) and the MODEL form's output, and the updated spec (`show --spec`) run
//     again with `slmq run` reproduces every stored evaluation metric;
//   - the KLD of an FP run against itself is 0 with 100 % top-1 agreement;
//   - bad run ids, failed runs and runs whose model is gone are refused (exit 2 / 4) with the
//     store unchanged;
//   - `slmq --progress jsonl sensitivity --store` speaks the progress protocol and SIGTERM
//     cancels the run with nothing partial stored.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/eval/tasks/task_eval.h"
#include "core/eval/tasks/task_loaders.h"
#include "core/jobs/experiment_spec.h"
#include "core/jobs/progress_protocol.h"
#include "core/jobs/runner.h"
#include "core/model/model.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/quant_spec.h"
#include "core/store/statement.h"
#include "core/store/store.h"
#include "tests/testlib/slmq_child.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;
using nlohmann::json;

namespace {

using Child = slmq::test::SlmqChild;

struct Result {
  int code = -1;
  std::string out, err;
};

/// Runs `slmq args...` to the end (at most ~5 minutes).
Result runSlmq(const slmq::test::TempDir& dir, const std::vector<std::string>& args) {
  const auto errFile = dir / "stderr.txt";
  Child c(args, errFile);
  Result r;
  for (int i = 0; i < 3000 && !c.eof(); ++i) r.out += c.read(100);
  r.code = c.wait();
  r.err = slmq::test::readFile(errFile);
  return r;
}

json parseJson(const Result& r) {
  const json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout: " << r.out << "\nstderr: " << r.err;
  return j;
}

const std::string kW4 = "w4";  // QuantSpec short name of the RTN runs and of `--quant`

std::string model() {
  return slmq::test::asset("models/smol-ref").string();
}

/// The first ~16 KB of WikiText-2 test (whole lines) as dir/wikitext2_head.txt: every command
/// tokenizes its whole text file, and 2 chunks of 128 tokens need only this much.
std::string headText(const slmq::test::TempDir& dir) {
  const auto path = dir / "wikitext2_head.txt";
  if (!std::filesystem::exists(path)) {
    const std::string all = slmq::test::readFile(slmq::test::asset("text/wikitext2_test.txt"));
    slmq::test::writeFile(path, all.substr(0, all.rfind('\n', 16000) + 1));
  }
  return path.string();
}

/// The spec of the test runs: 2 chunks of 128 tokens of perplexity; RTN at kW4 when quantized.
std::string writeSpec(const slmq::test::TempDir& dir, const std::string& name, bool quantized,
                      std::string pplText = {}) {
  if (pplText.empty()) pplText = headText(dir);
  ExperimentSpec s;
  s.model = model();
  s.evaluations.perplexity = PerplexityEval{{pplText}, 128, 2};
  if (quantized) {
    s.methods = {{"rtn", json::object()}};
    s.quant = QuantSpec::parse(kW4).toJson();
  }
  const auto path = dir / name;
  slmq::test::writeFile(path, s.dump());
  return path.string();
}

/// `slmq run SPEC --store DB`; returns the new run's id.
std::int64_t runSpec(const slmq::test::TempDir& dir, const std::string& db,
                     const std::string& spec) {
  const Result r = runSlmq(dir, {"--json", "-q", "--progress", "text", "run", spec, "--store", db});
  EXPECT_EQ(r.code, 0) << r.err;
  return parseJson(r).value("run_id", std::int64_t{0});
}

std::map<std::pair<std::string, std::string>, MetricRecord> metricMap(Store& s, std::int64_t id) {
  std::map<std::pair<std::string, std::string>, MetricRecord> out;
  for (const auto& m : s.metrics(id)) out[{m.name, m.dataset}] = m;
  return out;
}

std::int64_t countRows(Store& s, const char* table) {
  Statement st = s.connection().prepare(std::string("SELECT count(*) FROM ") + table);
  st.step();
  return st.columnInt64(0);
}

}  // namespace

TEST(StoredRunCli, EvalKldBenchAddToTheRunAndTheSpecReproducesThem) {
  slmq::test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  const std::int64_t fp = runSpec(dir, db, writeSpec(dir, "fp.json", false));
  const std::int64_t w4 = runSpec(dir, db, writeSpec(dir, "w4.json", true));
  ASSERT_GT(fp, 0);
  ASSERT_GT(w4, fp);
  const std::string run = "run:" + std::to_string(w4);

  // --- eval: the stored acc/acc_norm are those of RTN-W4 smol-ref computed in-process ------
  const Result ev = runSlmq(
      dir, {"--json", "-q", "eval", run, "--store", db, "--tasks", "arc_easy", "--limit", "20"});
  ASSERT_EQ(ev.code, 0) << ev.err;
  const json evj = parseJson(ev);
  EXPECT_EQ(evj.at("run"), w4);
  TaskEvalResult ref;
  {
    auto m = Model::load(model());
    applyRtn(m->weights(), QuantSpec::parse(kW4));
    TaskEvalOptions o;
    o.limit = 20;
    ref = evaluateTask(*m, loadTaskByName("arc_easy"), o);
  }
  ASSERT_EQ(ref.metrics.n, 20);
  const Result modelForm = runSlmq(dir, {"--json", "-q", "eval", model(), "--quant", kW4, "--tasks",
                                         "arc_easy", "--limit", "20"});
  ASSERT_EQ(modelForm.code, 0) << modelForm.err;
  const json mfj = parseJson(modelForm);
  {
    Store s = Store::open(db);
    auto m = metricMap(s, w4);
    for (const char* name : {"acc", "acc_norm"}) {
      const double want = ref.metrics.metrics.at(name).value;
      ASSERT_TRUE(m.count({name, "arc_easy"})) << name;
      EXPECT_EQ(m.at({name, "arc_easy"}).value, want) << name;  // exactly
      EXPECT_EQ(evj["tasks"]["arc_easy"][name].get<double>(), want) << name;
      EXPECT_EQ(mfj["tasks"]["arc_easy"][name].get<double>(), want) << name;
    }
    EXPECT_EQ(m.at({"task_items", "arc_easy"}).value, 20);
    EXPECT_TRUE(m.count({"slmq_perf", ""}));  // recomputed (FP parent lacks arc_easy: ppl only)
  }

  // --- kld: FP run against itself is 0 (not stored); W4 run > 0 and equal to the MODEL form ----
  const std::vector<std::string> kldArgs = {"--text", headText(dir), "--seq-len",
                                            "128",    "--chunks",    "2"};
  auto withKld = [&](std::vector<std::string> a) {
    a.insert(a.end(), kldArgs.begin(), kldArgs.end());
    return a;
  };
  const Result kfp =
      runSlmq(dir, withKld({"--json", "-q", "kld", "run:" + std::to_string(fp), "--store", db}));
  ASSERT_EQ(kfp.code, 0) << kfp.err;
  const json kfpj = parseJson(kfp);
  EXPECT_EQ(kfpj.at("kld_mean").get<double>(), 0.0);
  EXPECT_EQ(kfpj.at("kld_max").get<double>(), 0.0);
  EXPECT_EQ(kfpj.at("same_top").get<double>(), 1.0);
  EXPECT_EQ(kfpj.at("positions").get<int>(), 2 * 127);
  EXPECT_FALSE(kfpj.at("stored").get<bool>());
  const Result kq = runSlmq(dir, withKld({"--json", "-q", "kld", run, "--store", db}));
  ASSERT_EQ(kq.code, 0) << kq.err;
  const json kqj = parseJson(kq);
  const Result kmodel = runSlmq(dir, {"--json", "-q", "kld", model(), "--quant", kW4, "--text",
                                      headText(dir), "--seq-len", "128", "--chunks", "2"});
  ASSERT_EQ(kmodel.code, 0) << kmodel.err;
  const json kmj = parseJson(kmodel);
  EXPECT_GT(kqj.at("kld_mean").get<double>(), 0.0);
  EXPECT_LT(kqj.at("same_top").get<double>(), 1.0);
  for (const char* k : {"kld_mean", "kld_median", "kld_p99", "kld_max", "same_top", "dp_rms"})
    EXPECT_EQ(kqj.at(k).get<double>(), kmj.at(k).get<double>()) << k;
  {
    Store s = Store::open(db);
    auto m = metricMap(s, w4);
    EXPECT_EQ(m.at({"kld_mean", "wikitext2_head"}).value, kqj.at("kld_mean").get<double>());
    EXPECT_EQ(m.at({"same_top_p", "wikitext2_head"}).value, kqj.at("same_top").get<double>());
    EXPECT_EQ(metricMap(s, fp).count({"kld_mean", "wikitext2_head"}), 0u);
  }

  // --- bench: packed kernels, size below the FP's; FP first, so the W4 run's slmq_infer appears
  const std::vector<std::string> benchArgs = {"--prompt", "32", "--new", "8", "--repeats", "1"};
  std::int64_t metricRows = 0;
  for (const std::int64_t id : {fp, w4, w4}) {  // w4 twice: replaced, not duplicated
    if (metricRows == 0 && id == w4) {
      Store s = Store::open(db);
      if (metricMap(s, w4).count({"storage_bytes", ""})) metricRows = countRows(s, "metrics");
    }
    std::vector<std::string> a = {"--json",           "-q",      "bench", "--run",
                                  std::to_string(id), "--store", db};
    a.insert(a.end(), benchArgs.begin(), benchArgs.end());
    const Result b = runSlmq(dir, a);
    ASSERT_EQ(b.code, 0) << b.err;
    EXPECT_EQ(parseJson(b).at("run"), id);
  }
  {
    Store s = Store::open(db);
    auto mf = metricMap(s, fp), mq = metricMap(s, w4);
    for (auto* m : {&mf, &mq})
      for (const char* k : {"prefill_tokens_per_s", "decode_tokens_per_s", "bench_peak_rss_bytes",
                            "storage_bytes"}) {
        ASSERT_TRUE(m->count({k, ""})) << k;
        EXPECT_GT(m->at({k, ""}).value, 0) << k;
      }
    // FP: every parameter as float32 (tied embedding counted once).
    EXPECT_EQ(mf.at({"storage_bytes", ""}).value,
              4.0 * double(Model::load(model())->weights().parameterCount()));
    EXPECT_LT(mq.at({"storage_bytes", ""}).value, 0.5 * mf.at({"storage_bytes", ""}).value);
    ASSERT_TRUE(mq.count({"slmq_infer", ""}));
    EXPECT_EQ(countRows(s, "metrics"), metricRows);
    for (const auto& sc : computeRunScores(s, w4))
      EXPECT_DOUBLE_EQ(mq.at({sc.name, ""}).value, sc.value) << sc.name;
    EXPECT_EQ(s.integrityCheck(), "ok");
  }

  // --- the updated spec (`show --spec`) reproduces every stored evaluation metric -------------
  const Result shown = runSlmq(dir, {"show", std::to_string(w4), "--store", db, "--spec"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  const ExperimentSpec spec = ExperimentSpec::parse(shown.out);
  ASSERT_EQ(spec.evaluations.tasks.size(), 1u);
  EXPECT_EQ(spec.evaluations.tasks[0], (TaskEval{"arc_easy", 20}));
  ASSERT_TRUE(spec.evaluations.kld && spec.evaluations.bench);
  EXPECT_EQ(spec.evaluations.bench->prompt_tokens, 32);
  slmq::test::writeFile(dir / "again.json", shown.out);
  const std::string db2 = (dir / "again.db").string();
  const Result again = runSlmq(dir, {"--json", "-q", "--progress", "text", "run",
                                     (dir / "again.json").string(), "--store", db2, "--no-parent"});
  ASSERT_EQ(again.code, 0) << again.err;
  Store s1 = Store::open(db), s2 = Store::open(db2);
  const auto first = metricMap(s1, w4);
  const auto second = metricMap(s2, parseJson(again).at("run_id").get<std::int64_t>());
  int compared = 0;
  for (const auto& [key, m] : first) {
    const std::string& n = key.first;
    if (n.rfind("slmq_", 0) == 0 || n.rfind("quant_", 0) == 0 || key.second.empty()) continue;
    ASSERT_TRUE(second.count(key)) << n << " " << key.second;
    EXPECT_EQ(second.at(key).value, m.value) << n << " " << key.second;
    ++compared;
  }
  EXPECT_GE(compared, 12);  // ppl x2, tasks x3 (acc, acc_norm, items), kld x7
}

TEST(StoredRunCli, BadRunsAreRefusedAndTheStoreIsUnchanged) {
  slmq::test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  const std::int64_t fp = runSpec(dir, db, writeSpec(dir, "fp.json", false));
  ASSERT_GT(fp, 0);
  // A failed run, made by `slmq run` (its perplexity text does not exist).
  const Result bad = runSlmq(
      dir, {"-q", "--progress", "text", "run", writeSpec(dir, "bad.json", true, "no_such_text.txt"),
            "--store", db, "--parent", std::to_string(fp)});
  ASSERT_NE(bad.code, 0);
  std::int64_t failed = 0, gone = 0;
  {
    Store s = Store::open(db);
    for (const auto& r : s.runs())
      if (r.status == RunStatus::Failed) failed = r.id;
    // A done run whose model path no longer exists.
    RunRecord rr;
    rr.method = "fp";
    rr.spec_json = R"({"model": ")" + (dir / "deleted-model").string() + R"("})";
    gone = s.createRun(rr);
    s.markRunning(gone);
    s.finishRun(gone, RunResults{});
  }
  ASSERT_GT(failed, 0);
  auto snapshot = [&] {
    Store s = Store::open(db);
    EXPECT_EQ(s.integrityCheck(), "ok");
    std::string specs;
    for (const auto& r : s.runs()) specs += r.spec_json + "|" + runStatusName(r.status) + "\n";
    return std::make_pair(countRows(s, "metrics"), specs);
  };
  const auto before = snapshot();

  const Result noRun =
      runSlmq(dir, {"eval", "--run", "999", "--store", db, "--tasks", "arc_easy", "--limit", "5"});
  EXPECT_EQ(noRun.code, 2);
  EXPECT_NE(noRun.err.find("no run 999"), std::string::npos) << noRun.err;
  EXPECT_NE(noRun.err.find(db), std::string::npos) << noRun.err;

  const Result failedRun = runSlmq(dir, {"kld", "run:" + std::to_string(failed), "--store", db,
                                         "--text", headText(dir), "--chunks", "1"});
  EXPECT_EQ(failedRun.code, 2);
  EXPECT_NE(failedRun.err.find("is failed"), std::string::npos) << failedRun.err;
  EXPECT_NE(failedRun.err.find("no_such_text"), std::string::npos) << failedRun.err;

  const Result goneRun = runSlmq(dir, {"bench", "--run", std::to_string(gone), "--store", db});
  EXPECT_EQ(goneRun.code, 4);
  EXPECT_NE(goneRun.err.find("deleted-model"), std::string::npos) << goneRun.err;
  EXPECT_NE(goneRun.err.find("no longer exists"), std::string::npos) << goneRun.err;

  const Result both = runSlmq(dir, {"eval", model(), "--run", std::to_string(fp), "--store", db});
  EXPECT_EQ(both.code, 2);
  const Result noStore = runSlmq(dir, {"eval", "run:" + std::to_string(fp)});
  EXPECT_EQ(noStore.code, 2);
  const Result notExpressible = runSlmq(
      dir, {"eval", "run:" + std::to_string(fp), "--store", db, "--tasks", "mmlu", "--shots", "5"});
  EXPECT_EQ(notExpressible.code, 2);

  EXPECT_EQ(snapshot(), before);
}

TEST(StoredRunCli, SensitivityWithStoreSpeaksTheProtocolAndSigtermCancels) {
  slmq::test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  const std::vector<std::string> scan = {"--progress",  "jsonl",      "--json", "sensitivity",
                                         model(),       "--settings", "w4",     "--tokens",
                                         "128",         "--chunks",   "2",      "--text",
                                         headText(dir), "--store",    db};
  // A small complete scan: every line is a protocol event; result as a log event.
  {
    std::vector<std::string> a = scan;
    a.insert(a.end(), {"--blocks", "0,1"});
    const Result r = runSlmq(dir, a);
    ASSERT_EQ(r.code, 0) << r.err;
    std::vector<ProgressEvent> events;
    std::size_t start = 0;
    while (start < r.out.size()) {
      const std::size_t nl = r.out.find('\n', start);
      ASSERT_NE(nl, std::string::npos) << "unterminated line";
      events.push_back(parseProgressEvent(std::string_view(r.out).substr(start, nl - start)));
      start = nl + 1;
    }
    ASSERT_GE(events.size(), 4u);
    EXPECT_EQ(events.front().type, ProgressEventType::Started);
    const std::int64_t run = events.front().run;
    ASSERT_GT(run, 0);
    int progress = 0, finished = 0;
    json result;
    for (const auto& e : events) {
      EXPECT_EQ(e.run, run);
      progress += e.type == ProgressEventType::Progress;
      if (e.type == ProgressEventType::Finished) {
        ++finished;
        EXPECT_EQ(e.status, "done");
      }
      if (e.type == ProgressEventType::Log) result = json::parse(e.message);
    }
    EXPECT_GT(progress, 2);
    EXPECT_EQ(finished, 1);
    EXPECT_EQ(result.at("run_id"), run);
    EXPECT_EQ(result.at("entries").size(), 2u * 7u);  // 2 blocks x 7 modules, one setting
    Store s = Store::open(db);
    EXPECT_EQ(s.run(run).status, RunStatus::Done);
    EXPECT_EQ(s.layerMetrics(run).size(), result.at("entries").size());
  }
  // The whole model, terminated once a third is done.
  Child c(scan, dir / "stderr.txt");
  ProgressLineParser parser;
  std::int64_t run = 0;
  std::vector<ProgressEvent> events;
  for (int i = 0; i < 1200 && !c.eof() && run == 0; ++i)
    for (const auto& e : parser.feed(c.read(100))) {
      events.push_back(e);
      if (e.type == ProgressEventType::Progress && e.fraction > 0.3) run = e.run;
    }
  ASSERT_GT(run, 0);
  c.signal(SIGTERM);
  while (!c.eof())
    for (const auto& e : parser.feed(c.read(5000))) events.push_back(e);
  EXPECT_EQ(c.wait(), 6);
  for (const auto& e : parser.finish()) events.push_back(e);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, ProgressEventType::Finished);
  EXPECT_EQ(events.back().status, "cancelled");
  for (const auto& e : events) EXPECT_NE(e.level, "raw") << e.message;
  Store s = Store::open(db);
  EXPECT_EQ(s.run(run).status, RunStatus::Cancelled);
  EXPECT_TRUE(s.metrics(run).empty());
  EXPECT_TRUE(s.layerMetrics(run).empty());
  EXPECT_TRUE(s.artifacts(run).empty());
  EXPECT_EQ(s.integrityCheck(), "ok");
}
