// QtTest of studies through the real child-process path: queueStudy() writes the spec, the
// JobController runs `slmq --progress jsonl run <spec> --store <ws>` ($SLMQ_CLI) on smol-ref with
// a tiny budget, and the stored run is done with a perplexity; a second, longer job is cancelled
// mid-way and its stored run is marked cancelled.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "core/common/assets.h"
#include "core/jobs/experiment_spec.h"
#include "core/quant/quant_spec.h"
#include "core/store/store.h"
#include "tests/ui/ui_test_support.h"
#include "ui/docks/jobs_dock.h"
#include "ui/jobs/job_controller.h"
#include "ui/jobs/study_runner.h"
#include "ui/store/store_adapter.h"

using namespace slmq;

namespace {
/// RTN W8 on smol-ref with perplexity over `chunks` windows of `seqLen` tokens.
core::ExperimentSpec tinySpec(const std::string& name, int chunks, int seqLen) {
  core::ExperimentSpec s;
  s.name = name;
  s.model = core::assetPath("models/smol-ref").string();
  s.methods = {core::MethodStep{"rtn", nlohmann::json::object()}};
  s.quant = core::QuantSpec::parse("w8a16").toJson();
  core::PerplexityEval ppl;
  ppl.texts = {"text/wikitext2_test.txt"};
  ppl.seq_len = seqLen;
  ppl.max_chunks = chunks;
  s.evaluations.perplexity = ppl;
  return s;
}

bool finished(const ui::JobController& jobs, int id) {
  const auto job = jobs.job(id);
  return job && job->state != ui::JobState::Queued && job->state != ui::JobState::Running;
}
}  // namespace

class StudyJobsModelTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QVERIFY2(!qEnvironmentVariable("SLMQ_CLI").isEmpty(),
             "SLMQ_CLI (set by tests/ui/CMakeLists.txt) names the slmq executable");
  }
  void tinyStudyRunsToDone();
  void studyCancelledMidway();
};

void StudyJobsModelTest::tinyStudyRunsToDone() {
  QTemporaryDir dir;
  const QString ws = dir.filePath("ws.sqlite");
  ui::StoreAdapter adapter;
  QVERIFY(adapter.open(ws));
  ui::JobController jobs(&adapter);
  jobs.setProgram(qEnvironmentVariable("SLMQ_CLI"));
  ui::JobsDock dock(&jobs);
  dock.resize(900, 240);
  dock.show();
  QString error;
  const QList<int> ids = ui::queueStudy(jobs, {tinySpec("RTN W8 tiny", 1, 64)}, ws, &error);
  QVERIFY2(error.isEmpty(), qPrintable(error));
  QCOMPARE(ids.size(), 1);
  QTRY_VERIFY_WITH_TIMEOUT(finished(jobs, ids[0]), 120000);
  const auto job = *jobs.job(ids[0]);
  QVERIFY2(job.state == ui::JobState::Done, qPrintable(job.error + "\n" + job.log.join("\n")));
  QCOMPARE(job.fraction, 1.0);
  QVERIFY(job.runId > 0);
  test::saveScreenshot(&dock, "jobs_dock_done");
  // The child stored the run (and its FP parent) with a finite perplexity.
  core::Store store = core::Store::open(ws.toStdString());
  const core::RunRecord run = store.run(job.runId);
  QCOMPARE(run.status, core::RunStatus::Done);
  QCOMPARE(run.name, std::string("RTN W8 tiny"));
  bool ppl = false;
  for (const auto& m : store.metrics(job.runId))
    if (m.name == "ppl") {
      ppl = true;
      QVERIFY2(std::isfinite(m.value) && m.value > 1.0, qPrintable(QString::number(m.value)));
    }
  QVERIFY2(ppl, "the run has a ppl metric");
}

void StudyJobsModelTest::studyCancelledMidway() {
  QTemporaryDir dir;
  const QString ws = dir.filePath("ws.sqlite");
  ui::StoreAdapter adapter;
  QVERIFY(adapter.open(ws));
  ui::JobController jobs(&adapter);
  jobs.setProgram(qEnvironmentVariable("SLMQ_CLI"));
  jobs.setKillGraceMs(5000);
  QString error;
  // Hundreds of perplexity windows: minutes of work, cancelled once it has started a run and
  // reported progress.
  const QList<int> ids = ui::queueStudy(jobs, {tinySpec("RTN W8 long", 400, 256)}, ws, &error);
  QVERIFY2(error.isEmpty(), qPrintable(error));
  QTRY_VERIFY_WITH_TIMEOUT(jobs.job(ids[0])->runId > 0 && jobs.job(ids[0])->fraction > 0.0, 120000);
  QVERIFY(!finished(jobs, ids[0]));
  const qint64 runId = jobs.job(ids[0])->runId;
  jobs.cancel(ids[0]);
  QTRY_VERIFY_WITH_TIMEOUT(finished(jobs, ids[0]), 15000);
  QCOMPARE(jobs.job(ids[0])->state, ui::JobState::Cancelled);
  core::Store store = core::Store::open(ws.toStdString());
  QCOMPARE(store.run(runId).status, core::RunStatus::Cancelled);
  QVERIFY(jobs.isIdle());
}

QTEST_MAIN(StudyJobsModelTest)
#include "study_jobs_model_test.moc"
