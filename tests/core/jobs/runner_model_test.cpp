// runExperiment end to end on smol-ref into a temporary store, with small budgets: the FP parent
// is created and its perplexity matches transformers' per-chunk NLLs (fixtures), RTN W8A8's
// perplexity matches the fixture's fake-quantized transformers run, task accuracy matches the
// fixture's per-item log-likelihoods, cost and bench are recorded, the stored spec round-trips and
// reproduces the perplexity, SLMQ scores equal the paper's formulas computed by hand from the
// stored metrics, cancellation marks the run cancelled and a failure marks it failed without
// touching earlier runs; sweeps resume.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/jobs/run_scores.h"
#include "core/jobs/runner.h"
#include "core/jobs/sweep.h"
#include "core/quant/quant_spec.h"
#include "core/store/store.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

constexpr int kChunks = 2;  // 512-token chunks of wikitext2_test

ExperimentSpec smallSpec() {
  ExperimentSpec s;
  s.model = slmq::test::asset("models/smol-ref").string();
  s.methods = {{"rtn", nlohmann::json::object()}};
  // The fixture's "w8a8_perchannel_pertoken_sym": per-channel symmetric W8, per-token A8.
  s.quant = QuantSpec::parse("w8a8 pc sym").toJson();
  PerplexityEval pe;
  pe.texts = {"wikitext2_test.txt"};
  pe.seq_len = 512;
  pe.max_chunks = kChunks;
  s.evaluations.perplexity = pe;
  s.evaluations.tasks = {{"arc_easy", 20}};
  s.evaluations.kld = KldEval{"wikitext2_test.txt", 128, 2};
  s.evaluations.bench = BenchEval{16, 4, 1};
  return s;
}

std::map<std::pair<std::string, std::string>, MetricRecord> byKey(
    const std::vector<MetricRecord>& ms) {
  std::map<std::pair<std::string, std::string>, MetricRecord> out;
  for (const auto& m : ms) out[{m.name, m.dataset}] = m;
  return out;
}

double fixturePpl(const std::string& scheme) {
  SafetensorsFile ref(slmq::test::asset("fixtures/smol-ref/reference.safetensors"));
  const auto nll = ref.readFloat64("chunk_nll.wikitext2_test." + scheme);
  double s = 0;
  for (int i = 0; i < kChunks; ++i) s += nll[std::size_t(i)];
  return std::exp(s / (kChunks * 511.0));
}

/// acc and acc_norm of the first n arc_easy items from transformers' log-likelihoods.
std::pair<double, double> fixtureArc(int n) {
  const auto ref = nlohmann::json::parse(
      slmq::test::readFile(slmq::test::asset("fixtures/smol-ref/tasks.json")));
  const auto& items = ref.at("tasks").at("arc_easy").at("items");
  double acc = 0, accNorm = 0;
  for (int i = 0; i < n; ++i) {
    const auto ll = items[std::size_t(i)].at("ll").get<std::vector<double>>();
    const auto chars = items[std::size_t(i)].at("choice_chars").get<std::vector<double>>();
    const int gold = items[std::size_t(i)].at("gold");
    int a = 0, b = 0;
    for (int j = 1; j < int(ll.size()); ++j) {
      if (ll[std::size_t(j)] > ll[std::size_t(a)]) a = j;
      if (ll[std::size_t(j)] / chars[std::size_t(j)] > ll[std::size_t(b)] / chars[std::size_t(b)])
        b = j;
    }
    acc += a == gold;
    accNorm += b == gold;
  }
  return {acc / n, accNorm / n};
}

class RunnerTest : public ::testing::Test {
 protected:
  slmq::test::TempDir dir;
  Store store = Store::open(dir / "runs.db");
};

TEST_F(RunnerTest, EndToEndStoresEverythingAgainstTheFixtures) {
  const ExperimentSpec spec = smallSpec();
  std::vector<double> fractions;
  std::vector<std::pair<std::int64_t, bool>> created;
  RunnerOptions o;
  o.on_run_created = [&](std::int64_t id, bool parent) { created.push_back({id, parent}); };
  const std::int64_t id = runExperiment(
      spec, store,
      [&](double f, std::string_view) {
        fractions.push_back(f);
        return true;
      },
      o);

  // Lifecycle: the FP parent was run first, then this run; both done.
  ASSERT_EQ(created.size(), 2u);
  EXPECT_TRUE(created[0].second);
  EXPECT_EQ(created[1].first, id);
  const RunRecord run = store.run(id);
  EXPECT_EQ(run.status, RunStatus::Done) << run.error;
  ASSERT_TRUE(run.parent_run_id);
  EXPECT_EQ(*run.parent_run_id, created[0].first);
  const RunRecord parent = store.run(*run.parent_run_id);
  EXPECT_EQ(parent.status, RunStatus::Done);
  EXPECT_EQ(parent.method, "fp");
  EXPECT_EQ(run.method, "rtn");
  EXPECT_EQ(run.w_bits, 8);
  EXPECT_EQ(run.a_bits, 8);
  ASSERT_FALSE(fractions.empty());
  for (std::size_t i = 1; i < fractions.size(); ++i)
    EXPECT_GE(fractions[i] + 1e-12, fractions[i - 1]) << "progress went backwards at " << i;
  EXPECT_NEAR(fractions.back(), 1.0, 1e-12);

  // Spec round trip.
  EXPECT_EQ(ExperimentSpec::parse(run.spec_json), spec);
  EXPECT_EQ(ExperimentSpec::parse(parent.spec_json), fpParentSpec(spec));

  const auto q = byKey(store.metrics(id));
  const auto fp = byKey(store.metrics(*run.parent_run_id));
  // Perplexity vs transformers (first 2 chunks of 512).
  ASSERT_TRUE(fp.count({"ppl", "wikitext2_test"}));
  EXPECT_NEAR(fp.at({"ppl", "wikitext2_test"}).value, fixturePpl("fp"), 5e-4 * fixturePpl("fp"));
  const double wantQ = fixturePpl("w8a8_perchannel_pertoken_sym");
  EXPECT_NEAR(q.at({"ppl", "wikitext2_test"}).value, wantQ, 2e-3 * wantQ);
  EXPECT_EQ(q.at({"ppl_tokens", "wikitext2_test"}).value, kChunks * 511);
  // Task accuracy of the FP parent vs transformers' log-likelihoods.
  const auto [acc, accNorm] = fixtureArc(20);
  EXPECT_DOUBLE_EQ(fp.at({"acc", "arc_easy"}).value, acc);
  EXPECT_DOUBLE_EQ(fp.at({"acc_norm", "arc_easy"}).value, accNorm);
  EXPECT_TRUE(q.count({"acc_norm", "arc_easy"}));
  // KLD only on the quantized run; small for W8A8.
  EXPECT_FALSE(fp.count({"kld_mean", "wikitext2_test"}));
  ASSERT_TRUE(q.count({"kld_mean", "wikitext2_test"}));
  EXPECT_GT(q.at({"kld_mean", "wikitext2_test"}).value, 0.0);
  EXPECT_LT(q.at({"kld_mean", "wikitext2_test"}).value, 0.05);
  EXPECT_EQ(q.at({"kld_tokens", "wikitext2_test"}).value, 2 * 127);
  // Cost and bench. W8 packed weights store about a quarter of the float decoder weights.
  EXPECT_GT(q.at({"quant_wall_seconds", ""}).value, 0.0);
  EXPECT_GT(q.at({"quant_peak_rss_bytes", ""}).value, 0.0);
  EXPECT_GT(q.at({"decode_tokens_per_s", ""}).value, 0.0);
  EXPECT_GT(fp.at({"decode_tokens_per_s", ""}).value, 0.0);
  EXPECT_LT(q.at({"storage_bytes", ""}).value, fp.at({"storage_bytes", ""}).value);
  EXPECT_TRUE(run.wall_seconds && *run.wall_seconds > 0);
  EXPECT_TRUE(run.peak_rss_bytes && *run.peak_rss_bytes > 0);
  const auto timings = nlohmann::json::parse(run.timings_json);
  for (const char* stage : {"load", "quantize", "perplexity", "tasks", "kld", "bench"})
    EXPECT_TRUE(timings.at("stages").contains(stage)) << stage;

  // SLMQ scores by hand (DESIGN.md formulas) from the stored metrics.
  auto v = [](const auto& m, const char* n, const char* d = "") { return m.at({n, d}).value; };
  const double perfTerms[] = {v(fp, "ppl", "wikitext2_test") / v(q, "ppl", "wikitext2_test"),
                              v(q, "acc_norm", "arc_easy") / v(fp, "acc_norm", "arc_easy")};
  const double perf =
      100 * std::sqrt((perfTerms[0] * perfTerms[0] + perfTerms[1] * perfTerms[1]) / 2);
  EXPECT_NEAR(v(q, "slmq_perf"), perf, 1e-9 * perf);
  const double mRatio = v(fp, "bench_peak_rss_bytes") / v(q, "bench_peak_rss_bytes");
  const double tRatio = v(q, "decode_tokens_per_s") / v(fp, "decode_tokens_per_s");
  const double sRatio = v(fp, "storage_bytes") / v(q, "storage_bytes");
  const double infer = 100 * std::sqrt((mRatio * mRatio + tRatio * tRatio + sRatio * sRatio) / 3);
  EXPECT_NEAR(v(q, "slmq_infer"), infer, 1e-9 * infer);
  EXPECT_NEAR(v(q, "slmq_cons"), 100.0, 1e-9);  // RTN is its own consumption reference
  // computeRunScores (slmq scores RUN) reproduces the stored scores.
  for (const auto& s : computeRunScores(store, id))
    EXPECT_NEAR(s.value, v(q, s.name.c_str()), 1e-9 * s.value) << s.name;

  // Re-running the stored spec reproduces the perplexity and reuses the FP parent. With per-token
  // A8 the forward pass's run-to-run noise (~1e-7 relative, thread scheduling) flips a few
  // activation roundings: measured spread 6e-5 relative; weight-only runs are held to 1e-6 below.
  const std::int64_t again = runExperiment(ExperimentSpec::parse(run.spec_json), store);
  EXPECT_EQ(store.run(again).parent_run_id, run.parent_run_id);
  EXPECT_NEAR(byKey(store.metrics(again)).at({"ppl", "wikitext2_test"}).value,
              v(q, "ppl", "wikitext2_test"), 5e-4 * v(q, "ppl", "wikitext2_test"));
  EXPECT_EQ(store.runs().size(), 3u);
  EXPECT_EQ(store.integrityCheck(), "ok");
}

TEST_F(RunnerTest, ReRunningAStoredSpecReproducesItsPerplexity) {
  // Weight-only RTN: the stored spec reproduces the perplexity to 1e-6 (the forward pass itself
  // varies ~1e-7 relative from run to run, even on one thread).
  ExperimentSpec s;
  s.model = slmq::test::asset("models/smol-ref").string();
  s.methods = {{"rtn", nlohmann::json::object()}};
  s.quant = QuantSpec::parse("w4 g64 asym").toJson();
  s.evaluations.perplexity = PerplexityEval{{"wikitext2_test.txt"}, 256, 2};
  RunnerOptions o;
  o.with_parent = false;
  auto ppl = [&](std::int64_t id) {
    return byKey(store.metrics(id)).at({"ppl", "wikitext2_test"}).value;
  };
  const std::int64_t a = runExperiment(s, store, {}, o);
  const std::int64_t b = runExperiment(ExperimentSpec::parse(store.run(a).spec_json), store, {}, o);
  EXPECT_NEAR(ppl(a), ppl(b), 1e-6 * ppl(a));
  EXPECT_FALSE(store.run(a).parent_run_id);

  // GPTQ with a seeded calibration draws the same windows, but its sequential error propagation
  // through a barely damped Hessian (512 calibration rows for 768 inputs) amplifies that 1e-7
  // noise: measured spread 0.18% on this spec. Held to 0.5% here; see the runner's report.
  ExperimentSpec g = s;
  g.methods = {{"gptq", nlohmann::json::object()}};
  g.calibration = CalibrationSpec{"text/c4_heldout500.txt", 4, 128, 7};
  const std::int64_t c = runExperiment(g, store, {}, o);
  const std::int64_t d = runExperiment(ExperimentSpec::parse(store.run(c).spec_json), store, {}, o);
  EXPECT_NEAR(ppl(c), ppl(d), 5e-3 * ppl(c));
  EXPECT_EQ(byKey(store.metrics(c)).at({"calibration_tokens", ""}).value, 4 * 128);
}

TEST_F(RunnerTest, CancelMarksCancelledAndFailureMarksFailedKeepingEarlierRuns) {
  ExperimentSpec fp;
  fp.model = slmq::test::asset("models/smol-ref").string();
  fp.evaluations.perplexity = PerplexityEval{{"wikitext2_test.txt"}, 256, 2};
  const std::int64_t first = runExperiment(fp, store);
  const auto before = store.metrics(first);

  ExperimentSpec gptq = fp;
  gptq.methods = {{"gptq", nlohmann::json::object()}};
  gptq.quant = QuantSpec::parse("w4 g128").toJson();
  gptq.calibration = CalibrationSpec{"text/c4_heldout500.txt", 4, 128, 0};
  int calls = 0;
  std::int64_t cancelled = 0;
  RunnerOptions o;
  o.on_run_created = [&](std::int64_t id, bool) { cancelled = id; };
  try {
    runExperiment(
        gptq, store, [&](double, std::string_view) { return ++calls < 5; }, o);
    FAIL() << "expected Error(Cancelled)";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Cancelled) << e.what();
  }
  ASSERT_GT(cancelled, first);
  EXPECT_EQ(store.run(cancelled).status, RunStatus::Cancelled);
  EXPECT_TRUE(store.metrics(cancelled).empty());
  EXPECT_EQ(store.run(cancelled).parent_run_id, first);  // the FP run was found, not rerun

  ExperimentSpec broken = fp;
  broken.evaluations.perplexity->texts = {"text/wikitext2_test.txt", "no_such_text.txt"};
  std::int64_t failedId = 0;
  o.on_run_created = [&](std::int64_t id, bool) { failedId = id; };
  EXPECT_THROW(runExperiment(broken, store, {}, o), Error);
  ASSERT_GT(failedId, cancelled);
  EXPECT_EQ(store.run(failedId).status, RunStatus::Failed);
  EXPECT_NE(store.run(failedId).error.find("no_such_text.txt"), std::string::npos)
      << store.run(failedId).error;
  EXPECT_TRUE(store.metrics(failedId).empty());  // nothing half-written

  EXPECT_EQ(store.run(first).status, RunStatus::Done);
  EXPECT_EQ(store.metrics(first).size(), before.size());
  EXPECT_EQ(store.integrityCheck(), "ok");
}

TEST_F(RunnerTest, SweepSkipsPointsAlreadyDone) {
  const std::string sweep = R"({
    "base": {"evaluations": {"perplexity": {"texts": ["wikitext2_test.txt"], "seq_len": 128,
                                              "max_chunks": 1}}},
    "models": [")" + slmq::test::asset("models/smol-ref").string() +
                            R"("],
    "methods": ["fp", "rtn"],
    "settings": ["w8", "w4 g64"]
  })";
  const auto points = expandSweep(sweep, "test sweep");
  ASSERT_EQ(points.size(), 3u);
  const auto first = runSweep(points, store, Shard{});
  ASSERT_EQ(first.size(), 3u);
  for (const auto& r : first) EXPECT_EQ(r.status, "done") << r.name << ": " << r.error;
  const auto second = runSweep(points, store, Shard{});
  for (std::size_t i = 0; i < second.size(); ++i) {
    EXPECT_EQ(second[i].status, "skipped");
    EXPECT_EQ(second[i].run_id, first[i].run_id);
  }
  EXPECT_EQ(store.runs().size(), 3u);  // the FP point served as the parent of both RTN runs
}

}  // namespace
