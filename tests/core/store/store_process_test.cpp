// The store across real processes: a writer SIGKILLed inside finishRun's transaction leaves an
// intact file and no partial run; a reader in another process sees committed runs while a writer
// holds the write lock (WAL); a `running` run whose process died reads as failed on reopening.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <sstream>
#include <string>

#include "core/common/error.h"
#include "core/store/process_identity.h"
#include "core/store/store.h"
#include "tests/core/store/child_process.h"
#include "tests/testlib/test_support.h"

using namespace slmq;
using core::RunStatus;

namespace {

core::RunRecord makeRun(const std::string& name) {
  core::RunRecord r;
  r.name = name;
  r.method = "rtn";
  r.w_bits = 4;
  r.spec_json = R"({"model":"smol-ref","methods":[{"name":"rtn"}]})";
  return r;
}

/// Results big enough that SQLite spills uncommitted pages into the WAL file before the commit:
/// 8 channel-stat blobs of 1M floats (32 MB) and 5000 layer metrics.
core::RunResults bigResults() {
  core::RunResults res;
  for (int i = 0; i < 8; ++i) {
    core::ChannelStatRecord c;
    c.layer = i;
    c.module = "down_proj";
    c.tensor = "input";
    c.stat = "absmax";
    c.values.assign(1 << 20, 0.5f + static_cast<float>(i));
    res.channel_stats.push_back(std::move(c));
  }
  for (int i = 0; i < 5000; ++i) {
    core::LayerMetricRecord m;
    m.layer = i / 7;
    m.module = "module";
    m.module += std::to_string(i % 7);
    m.bits = 4;
    m.metric = "dppl";
    m.value = 0.001 * i;
    res.layer_metrics.push_back(std::move(m));
  }
  res.metrics = {{"ppl", "wikitext2_test", 101.0, {}}};
  return res;
}

struct PauseState {
  int fd = -1;
  int rows = 0;
  int pause_after = 0;
};

/// sqlite3 update hook: after `pause_after` row changes inside the transaction, tell the parent
/// and stop here forever (until SIGKILL), holding the write transaction open.
void pauseMidTransaction(void* user, int, const char*, const char*, sqlite3_int64) {
  auto* s = static_cast<PauseState*>(user);
  if (++s->rows == s->pause_after) {
    test::sendLine(s->fd, "in-transaction");
    for (;;) pause();
  }
}

}  // namespace

TEST(StoreProcess, WriterKilledInsideFinishRunLeavesNoPartialRun) {
  test::TempDir dir;
  const std::string file = (dir / "ws.slmq").string();
  std::int64_t committed = 0;
  {
    auto store = core::Store::open(file);
    committed = store.createRun(makeRun("committed before"));
    store.finishRun(committed, bigResults());
  }
  test::ChildProcess writer([&](int fd) {
    auto store = core::Store::open(file);
    auto id = store.createRun(makeRun("killed"));
    store.markRunning(id);
    test::sendLine(fd, std::to_string(id));
    // finishRun writes metrics (1 row), layer metrics (5000), then channel stats (8): pause
    // after the 7th channel-stat blob, before the last one and the commit.
    PauseState state{fd, 0, 1 + 5000 + 7};
    sqlite3_update_hook(store.connection().handle(), pauseMidTransaction, &state);
    store.finishRun(id, bigResults());
    return 0;  // not reached
  });
  const std::int64_t killed = std::stoll(writer.readLine());
  EXPECT_EQ(writer.readLine(), "in-transaction");
  // The write transaction really has spilled into the WAL file (dozens of MB).
  EXPECT_GT(std::filesystem::file_size(file + "-wal"), 16u << 20);
  writer.killHard();
  int status = writer.wait();
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  auto store = core::Store::open(file);
  EXPECT_EQ(store.integrityCheck(), "ok");
  auto run = store.run(killed);
  EXPECT_EQ(run.status, RunStatus::Failed);  // recovered on open: its process is gone
  EXPECT_EQ(run.error,
            "interrupted (process " + std::to_string(writer.pid()) + " no longer running)");
  EXPECT_TRUE(store.metrics(killed).empty());
  EXPECT_TRUE(store.layerMetrics(killed).empty());
  EXPECT_TRUE(store.channelStats(killed).empty());
  // The earlier run is whole.
  EXPECT_EQ(store.run(committed).status, RunStatus::Done);
  EXPECT_EQ(store.layerMetrics(committed).size(), 5000u);
  auto cs = store.channelStats(committed);
  ASSERT_EQ(cs.size(), 8u);
  EXPECT_EQ(cs[7].values.size(), 1u << 20);
  EXPECT_EQ(cs[7].values.back(), 7.5f);
}

TEST(StoreProcess, ReaderInAnotherProcessSeesCommittedRunsWhileWriterHoldsTheLock) {
  test::TempDir dir;
  const std::string file = (dir / "ws.slmq").string();
  std::int64_t committed = 0;
  {
    auto store = core::Store::open(file);
    committed = store.createRun(makeRun("committed"));
    core::RunResults res;
    res.metrics = {{"ppl", "wikitext2_test", 42.5, {}}};
    store.finishRun(committed, res);
  }
  test::ChildProcess writer([&](int fd) {
    auto store = core::Store::open(file);
    auto id = store.createRun(makeRun("being written"));
    store.markRunning(id);
    test::sendLine(fd, std::to_string(id));
    PauseState state{fd, 0, 500};
    sqlite3_update_hook(store.connection().handle(), pauseMidTransaction, &state);
    store.finishRun(id, bigResults());
    return 0;
  });
  const std::int64_t in_flight = std::stoll(writer.readLine());
  ASSERT_EQ(writer.readLine(), "in-transaction");

  // A reader process (a second child, as the GUI would be) reads while the lock is held.
  test::ChildProcess reader([&](int fd) {
    auto t0 = std::chrono::steady_clock::now();
    core::StoreOptions ro;
    ro.read_only = true;
    ro.busy_timeout_ms = 20000;  // if reading had to wait for the writer, it would show
    auto store = core::Store::open(file, ro);
    auto runs = store.runs();
    auto metrics = store.metrics(committed);
    auto partial = store.layerMetrics(in_flight);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    test::sendLine(fd, std::to_string(runs.size()) + " " +
                           std::string(core::runStatusName(store.run(in_flight).status)) + " " +
                           std::to_string(metrics.at(0).value) + " " +
                           std::to_string(partial.size()) + " " + std::to_string(ms));
    return 0;
  });
  std::istringstream answer(reader.readLine());
  std::size_t n_runs = 0, n_partial = 0;
  std::string status;
  double ppl = 0, ms = 0;
  answer >> n_runs >> status >> ppl >> n_partial >> ms;
  EXPECT_EQ(n_runs, 2u);
  EXPECT_EQ(status, "running");  // the committed state, not the half-written one
  EXPECT_EQ(ppl, 42.5);
  EXPECT_EQ(n_partial, 0u);  // none of the 500 uncommitted rows
  EXPECT_LT(ms, 5000.0);     // did not wait for the writer
  EXPECT_EQ(reader.wait(), 0);

  // A read-write open in this (third) process also works while the writer is alive: it sees a
  // live process behind the running run and does not need the write lock.
  {
    core::StoreOptions rw;
    rw.busy_timeout_ms = 200;
    auto store = core::Store::open(file, rw);
    EXPECT_EQ(store.run(in_flight).status, RunStatus::Running);
    EXPECT_EQ(store.recoverInterruptedRuns(), 0);
  }
  writer.killHard();
  writer.wait();
  EXPECT_EQ(core::Store::open(file).run(in_flight).status, RunStatus::Failed);
}

TEST(StoreProcess, RunningRunOfKilledProcessReadsAsFailedAfterReopening) {
  test::TempDir dir;
  const std::string file = (dir / "ws.slmq").string();
  { core::Store::open(file); }
  test::ChildProcess job([&](int fd) {
    auto store = core::Store::open(file);
    auto id = store.createRun(makeRun("job"));
    store.markRunning(id);
    test::sendLine(fd, std::to_string(id));
    for (;;) pause();
    return 0;
  });
  const std::int64_t id = std::stoll(job.readLine());
  {
    auto store = core::Store::open(file);
    auto run = store.run(id);
    EXPECT_EQ(run.status, RunStatus::Running);  // alive: left alone
    EXPECT_EQ(run.pid, static_cast<std::int64_t>(job.pid()));
    EXPECT_NE(run.process_start.find(':'), std::string::npos);
  }
  job.killHard();
  // Not reaped yet: the process is a zombie, which is dead too. Wait until the kernel shows it.
  core::StoreOptions read_only;
  read_only.read_only = true;
  for (int i = 0; i < 200; ++i) {
    core::ProcessIdentity who{static_cast<long>(job.pid()), core::currentProcessIdentity().host,
                              core::Store::open(file, read_only).run(id).process_start};
    if (core::processLiveness(who) == core::ProcessLiveness::Dead) break;
    usleep(10000);
  }
  {
    auto store = core::Store::open(file);
    auto run = store.run(id);
    EXPECT_EQ(run.status, RunStatus::Failed);
    EXPECT_EQ(run.error,
              "interrupted (process " + std::to_string(job.pid()) + " no longer running)");
    EXPECT_FALSE(run.finished_at.empty());
  }
  job.wait();
}

TEST(StoreProcess, LivenessRejectsRecycledPidsAndOtherHosts) {
  auto me = core::currentProcessIdentity();
  EXPECT_EQ(me.pid, static_cast<long>(getpid()));
  EXPECT_EQ(core::processLiveness(me), core::ProcessLiveness::Alive);
  auto recycled = me;
  recycled.start = me.start + "0";  // same pid, another start time: a different process
  EXPECT_EQ(core::processLiveness(recycled), core::ProcessLiveness::Dead);
  auto other_boot = me;
  other_boot.start = "00000000-0000-0000-0000-000000000000" + me.start.substr(me.start.find(':'));
  EXPECT_EQ(core::processLiveness(other_boot), core::ProcessLiveness::Dead);
  auto elsewhere = me;
  elsewhere.host = me.host + "-elsewhere";
  EXPECT_EQ(core::processLiveness(elsewhere), core::ProcessLiveness::Unknown);
}

TEST(StoreProcess, RunsOfOtherHostsAreLeftRunning) {
  test::TempDir dir;
  const std::string file = (dir / "ws.slmq").string();
  std::int64_t id = 0;
  {
    auto store = core::Store::open(file);
    id = store.createRun(makeRun("cluster job"));
    store.markRunning(id);
    core::Statement st =
        store.connection().prepare("UPDATE runs SET host = 'node17.cluster', pid = 1 WHERE id = ?");
    st.bind(1, id);
    st.run();
  }
  EXPECT_EQ(core::Store::open(file).run(id).status, RunStatus::Running);
}

TEST(StoreProcess, ConcurrentWriterProcessesWaitForEachOtherAndLoseNothing) {
  // Two job processes finishing runs at the same time (a sweep): the busy timeout serialises
  // their transactions; every run arrives whole.
  test::TempDir dir;
  const std::string file = (dir / "ws.slmq").string();
  { core::Store::open(file); }
  constexpr int kRunsEach = 15;
  auto body = [&](int fd) {
    auto store = core::Store::open(file);
    for (int i = 0; i < kRunsEach; ++i) {
      auto id = store.createRun(makeRun("sweep " + std::to_string(getpid())));
      store.markRunning(id);
      core::RunResults res;
      for (int l = 0; l < 200; ++l) {
        core::LayerMetricRecord m;
        m.layer = l;
        m.module = "q_proj";
        m.bits = 4;
        m.metric = "dppl";
        m.value = l;
        res.layer_metrics.push_back(m);
      }
      store.finishRun(id, res);
    }
    test::sendLine(fd, "done");
    return 0;
  };
  test::ChildProcess a(body);
  test::ChildProcess b(body);
  EXPECT_EQ(a.readLine(60000), "done");
  EXPECT_EQ(b.readLine(60000), "done");
  EXPECT_EQ(a.wait(), 0);
  EXPECT_EQ(b.wait(), 0);
  auto store = core::Store::open(file);
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u * kRunsEach);
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, RunStatus::Done);
    EXPECT_EQ(store.layerMetrics(r.id).size(), 200u);
  }
  EXPECT_EQ(store.integrityCheck(), "ok");
}
