// Real `slmq` child processes against a store on disk: `slmq run --progress jsonl` speaks the
// progress protocol; SIGTERM cancels within a second and the run is stored as cancelled;
// SIGKILL at random points (5 trials) leaves a store whose integrity_check is ok, whose killed
// run is failed on the next open, and whose earlier runs are intact.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/jobs/experiment_spec.h"
#include "core/jobs/progress_protocol.h"
#include "core/store/store.h"
#include "tests/testlib/slmq_child.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;
using Clock = std::chrono::steady_clock;

namespace {

/// `slmq args...` (stderr to /dev/null) whose stdout is read as protocol events.
class Slmq {
 public:
  explicit Slmq(const std::vector<std::string>& args) : m_child(args) {}
  /// Next protocol events (waits up to timeout_ms for at least one line; empty at EOF).
  std::vector<ProgressEvent> read(int timeout_ms) {
    const std::string bytes = m_child.read(timeout_ms);
    if (m_child.eof()) return m_parser.finish();
    return m_parser.feed(bytes);
  }
  bool eof() const { return m_child.eof(); }
  void signal(int sig) { m_child.signal(sig); }
  /// Exit code (or 128 + signal).
  int wait() { return m_child.wait(); }
  pid_t pid() const { return m_child.pid(); }

 private:
  slmq::test::SlmqChild m_child;
  ProgressLineParser m_parser;
};

std::string writeSpec(const slmq::test::TempDir& dir, const std::string& name, bool quantized,
                      int chunks) {
  ExperimentSpec s;
  s.model = slmq::test::asset("models/smol-ref").string();
  s.evaluations.perplexity = PerplexityEval{{"wikitext2_test.txt"}, 256, chunks};
  if (quantized) {
    s.methods = {{"gptq", nlohmann::json::object()}};
    s.quant = nlohmann::json::parse(R"({"weight": {"bits": 4}})");
    s.calibration = CalibrationSpec{"text/c4_heldout500.txt", 8, 128, 0};
  }
  const auto path = dir / name;
  slmq::test::writeFile(path, s.dump());
  return path.string();
}

TEST(SlmqProcess, RunSpeaksTheProtocolAndSigtermCancelsWithinASecond) {
  slmq::test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  // A finished FP run (stdout is a pipe: JSON lines by default).
  {
    Slmq p({"run", writeSpec(dir, "fp.json", false, 2), "--store", db});
    std::vector<ProgressEvent> events;
    while (!p.eof()) {
      auto e = p.read(120000);
      events.insert(events.end(), e.begin(), e.end());
      if (e.empty() && !p.eof()) break;
    }
    ASSERT_EQ(p.wait(), 0);
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events.front().type, ProgressEventType::Started);
    EXPECT_GT(events.front().run, 0);
    EXPECT_EQ(events.back().type, ProgressEventType::Finished);
    EXPECT_EQ(events.back().status, "done");
    bool progress = false;
    for (const auto& e : events) {
      progress = progress || e.type == ProgressEventType::Progress;
      EXPECT_NE(e.level, "raw") << e.message;
    }
    EXPECT_TRUE(progress);
  }
  // A GPTQ run terminated once it reports progress.
  Slmq p({"run", writeSpec(dir, "gptq.json", true, 8), "--store", db, "--progress", "jsonl"});
  std::int64_t run = 0;
  for (int i = 0; i < 600 && run == 0; ++i)
    for (const auto& e : p.read(100))
      if (e.type == ProgressEventType::Progress && e.fraction > 0.45) run = e.run;
  ASSERT_GT(run, 0);
  const auto t0 = Clock::now();
  p.signal(SIGTERM);
  std::vector<ProgressEvent> tail;
  while (!p.eof()) {
    auto e = p.read(5000);
    tail.insert(tail.end(), e.begin(), e.end());
    if (e.empty() && !p.eof()) break;
  }
  const int code = p.wait();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(code, 6);  // Cancelled
  EXPECT_LT(seconds, 1.5);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back().type, ProgressEventType::Finished);
  EXPECT_EQ(tail.back().status, "cancelled");
  Store s = Store::open(db);
  EXPECT_EQ(s.run(run).status, RunStatus::Cancelled);
  EXPECT_EQ(s.integrityCheck(), "ok");
}

TEST(SlmqProcess, SigkillAtRandomPointsLeavesAConsistentStore) {
  slmq::test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  const std::string fpSpec = writeSpec(dir, "fp.json", false, 2);
  const std::string qSpec = writeSpec(dir, "q.json", true, 2);
  {
    Slmq p({"run", fpSpec, "--store", db, "--progress", "jsonl"});
    while (!p.eof())
      if (p.read(120000).empty() && !p.eof()) break;
    ASSERT_EQ(p.wait(), 0);
  }
  std::int64_t fpRun = 0;
  std::size_t fpMetrics = 0;
  {
    Store s = Store::open(db);
    ASSERT_EQ(s.runs().size(), 1u);
    fpRun = s.runs()[0].id;
    fpMetrics = s.metrics(fpRun).size();
  }
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 5; ++trial) {
    Slmq p({"run", qSpec, "--store", db, "--progress", "jsonl"});
    // Wait for a random progress fraction (from just after start to the store write).
    const double at = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    std::int64_t run = 0;
    bool finished = false;
    for (int i = 0; i < 1200 && !finished; ++i) {
      for (const auto& e : p.read(100)) {
        if (e.type == ProgressEventType::Started) run = e.run;
        if (e.type == ProgressEventType::Finished) finished = true;
        if (run > 0 && e.type == ProgressEventType::Progress && e.fraction >= at) {
          finished = true;
          break;
        }
      }
      if (p.eof()) break;
    }
    p.signal(SIGKILL);
    p.wait();
    ASSERT_GT(run, 0) << "trial " << trial;
    Store s = Store::open(db);  // read-write open recovers interrupted runs
    EXPECT_EQ(s.integrityCheck(), "ok") << "trial " << trial;
    const RunRecord r = s.run(run);
    EXPECT_TRUE(r.status == RunStatus::Failed || r.status == RunStatus::Done)
        << "trial " << trial << ": " << runStatusName(r.status);
    if (r.status == RunStatus::Failed) EXPECT_TRUE(s.metrics(run).empty());
    if (r.status == RunStatus::Done) EXPECT_FALSE(s.metrics(run).empty());
    EXPECT_EQ(s.run(fpRun).status, RunStatus::Done);
    EXPECT_EQ(s.metrics(fpRun).size(), fpMetrics);
  }
}

}  // namespace
