// QtTest of the job controller and the job panel with real child processes: a protocol-speaking
// shell script (progress, ETA, log, done), a job cancelled mid-run (its store run marked
// cancelled), the real `slmq` failing on a bad model path, a crash, a missing program, the queue.
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include "core/common/assets.h"
#include "core/store/store.h"
#include "tests/ui/ui_test_support.h"
#include "ui/docks/jobs_dock.h"
#include "ui/jobs/job_controller.h"
#include "ui/store/store_adapter.h"

using namespace slmq;

namespace {
/// A job running `sh -c script`.
ui::JobRequest shellJob(const QString& name, const QString& script) {
  return {name, {QStringLiteral("-c"), script}};
}

bool waitFinished(ui::JobController& jobs, int id, int ms = 15000) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) {
    const auto job = jobs.job(id);
    if (job && job->state != ui::JobState::Queued && job->state != ui::JobState::Running)
      return true;
    QTest::qWait(20);
  }
  return false;
}
}  // namespace

class JobControllerTest : public QObject {
  Q_OBJECT
 private slots:
  void protocolJobRunsToDone();
  void cancelTerminatesAndMarksRunCancelled();
  void realSlmqFailsOnBadModelPath();
  void crashAndMissingProgramAreFailures();
  void jobsQueue();
};

void JobControllerTest::protocolJobRunsToDone() {
  ui::JobController jobs(nullptr);
  jobs.setProgram("/bin/sh");
  ui::JobsDock dock(&jobs);
  dock.resize(900, 220);
  dock.show();
  QSignalSpy finished(&jobs, &ui::JobController::jobFinished);
  const int id = jobs.enqueue(
      shellJob("GPTQ W4 smol-ref",
               R"sh(echo '{"event":"started","t":0,"run":0,"pid":1,"message":"GPTQ W4 smol-ref"}'
         echo '{"event":"progress","t":1,"fraction":0.62,"stage":"quantize block 5","eta_s":41}'
         echo 'a stray print'
         echo 'warming up' >&2
         sleep 0.3
         echo '{"event":"log","t":2,"level":"info","message":"AWQ: skipped v->o (GQA)"}'
         echo '{"event":"finished","t":3,"status":"done"}')sh"));
  // While it sleeps, the panel shows the reported progress and ETA.
  QTRY_COMPARE_WITH_TIMEOUT(jobs.job(id)->fraction, 0.62, 5000);
  QCOMPARE(jobs.job(id)->stage, QString("quantize block 5"));
  QCOMPARE(*jobs.job(id)->etaS, 41.0);
  QCOMPARE(dock.row(id)->progress->value(), 620);
  QCOMPARE(dock.row(id)->eta->text(), QString("ETA 0:41"));
  QVERIFY(dock.row(id)->cancel->isEnabled());
  test::saveScreenshot(&dock, "jobs_dock_running");
  QVERIFY(waitFinished(jobs, id));
  const auto job = *jobs.job(id);
  QCOMPARE(job.state, ui::JobState::Done);
  QCOMPARE(job.fraction, 1.0);
  QVERIFY(job.log.contains("a stray print"));
  QVERIFY(job.log.contains("warming up"));
  QVERIFY2(job.log.contains("[info] AWQ: skipped v->o (GQA)"), qPrintable(job.log.join("\n")));
  QCOMPARE(finished.count(), 1);
  QVERIFY(!dock.row(id)->cancel->isEnabled());
  QVERIFY(dock.logView()->toPlainText().contains("AWQ: skipped"));
}

void JobControllerTest::cancelTerminatesAndMarksRunCancelled() {
  QTemporaryDir dir;
  const QString path = dir.filePath("ws.sqlite");
  std::int64_t runId = 0;
  {
    core::Store store = core::Store::open(path.toStdString());
    core::RunRecord r;
    r.name = "long job";
    r.method = "gptq";
    r.w_bits = 4;
    r.spec_json = "{}";
    runId = store.createRun(r);
  }
  ui::StoreAdapter adapter;
  QVERIFY(adapter.open(path));
  ui::JobController jobs(&adapter);
  jobs.setProgram("/bin/sh");
  jobs.setKillGraceMs(2000);
  const int id = jobs.enqueue(
      shellJob("long job", QString(R"sh(echo '{"event":"started","t":0,"run":%1,"pid":1}'
         echo '{"event":"progress","t":0.1,"run":%1,"fraction":0.1,"stage":"calibrate"}'
         exec sleep 60)sh")
                               .arg(runId)));
  QTRY_COMPARE_WITH_TIMEOUT(jobs.job(id)->runId, qint64(runId), 5000);
  QElapsedTimer t;
  t.start();
  jobs.cancel(id);
  QVERIFY(waitFinished(jobs, id, 5000));
  QVERIFY2(t.elapsed() < 2000, "terminate() should stop `sleep` at once");
  QCOMPARE(jobs.job(id)->state, ui::JobState::Cancelled);
  QCOMPARE(adapter.run(runId)->status, core::RunStatus::Cancelled);
  QVERIFY(jobs.isIdle());
}

void JobControllerTest::realSlmqFailsOnBadModelPath() {
  const QString cli = qEnvironmentVariable("SLMQ_CLI");
  QVERIFY2(!cli.isEmpty(), "SLMQ_CLI (set by tests/ui/CMakeLists.txt) names the slmq executable");
  ui::JobController jobs(nullptr);
  jobs.setProgram(cli);
  const QString text = QString::fromStdString(core::assetPath("text/wikitext2_test.txt").string());
  const int id =
      jobs.enqueue({"ppl of a missing model", {"ppl", "/nonexistent/smol-ref", "--text", text}});
  QVERIFY(waitFinished(jobs, id, 30000));
  const auto job = *jobs.job(id);
  QCOMPARE(job.state, ui::JobState::Failed);
  QVERIFY2(job.error.contains("/nonexistent/smol-ref"), qPrintable(job.error));
  QVERIFY(job.exitCode != 0);
  // The controller is usable afterwards.
  jobs.setProgram("/bin/sh");
  const int next = jobs.enqueue(shellJob("ok", "exit 0"));
  QVERIFY(waitFinished(jobs, next));
  QCOMPARE(jobs.job(next)->state, ui::JobState::Done);
}

void JobControllerTest::crashAndMissingProgramAreFailures() {
  ui::JobController jobs(nullptr);
  jobs.setProgram("/bin/sh");
  const int crash = jobs.enqueue(shellJob("crash", "echo 'about to crash' >&2; kill -SEGV $$"));
  QVERIFY(waitFinished(jobs, crash));
  QCOMPARE(jobs.job(crash)->state, ui::JobState::Failed);
  QVERIFY2(jobs.job(crash)->error.contains("crashed"), qPrintable(jobs.job(crash)->error));
  const int failing = jobs.enqueue(shellJob(
      "error event",
      R"sh(echo '{"event":"error","t":0,"message":"model.safetensors: truncated at byte 1024"}'
         echo '{"event":"finished","t":0,"status":"failed"}'; exit 3)sh"));
  QVERIFY(waitFinished(jobs, failing));
  QCOMPARE(jobs.job(failing)->error, QString("model.safetensors: truncated at byte 1024"));
  QCOMPARE(jobs.job(failing)->exitCode, 3);
  jobs.setProgram("/nonexistent/slmq");
  const int missing = jobs.enqueue({"missing", {"--version"}});
  QVERIFY(waitFinished(jobs, missing));
  QCOMPARE(jobs.job(missing)->state, ui::JobState::Failed);
  QVERIFY2(jobs.job(missing)->error.contains("Cannot start /nonexistent/slmq"),
           qPrintable(jobs.job(missing)->error));
}

void JobControllerTest::jobsQueue() {
  ui::JobController jobs(nullptr);
  jobs.setProgram("/bin/sh");
  QSignalSpy idle(&jobs, &ui::JobController::idle);
  const int a = jobs.enqueue(shellJob("a", "sleep 0.3"));
  const int b = jobs.enqueue(shellJob("b", "exit 0"));
  const int c = jobs.enqueue(shellJob("c", "exit 0"));
  QCOMPARE(jobs.runningJob(), a);
  QCOMPARE(jobs.job(b)->state, ui::JobState::Queued);
  jobs.cancel(c);  // a queued job is simply dropped
  QCOMPARE(jobs.job(c)->state, ui::JobState::Cancelled);
  QVERIFY(waitFinished(jobs, b));
  QCOMPARE(jobs.job(a)->state, ui::JobState::Done);
  QCOMPARE(jobs.job(b)->state, ui::JobState::Done);
  QTRY_VERIFY(idle.count() >= 1);
}

QTEST_MAIN(JobControllerTest)
#include "job_controller_test.moc"
