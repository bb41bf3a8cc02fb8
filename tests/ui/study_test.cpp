// QtTest of starting studies: the new-study dialog's specs and JSON preview (validated by
// core::ExperimentSpec), the default study, and a failing `slmq` job in the main window: its
// error is shown and the window keeps working.
#include <QDockWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/jobs/demo_study.h"
#include "core/jobs/experiment_spec.h"
#include "core/quant/quant_spec.h"
#include "tests/ui/ui_test_support.h"
#include "ui/dialogs/new_study_dialog.h"
#include "ui/docks/jobs_dock.h"
#include "ui/docks/runs_dock.h"
#include "ui/jobs/job_controller.h"
#include "ui/jobs/study_runner.h"
#include "ui/main_window.h"
#include "ui/models/run_list_model.h"

using namespace slmq;

class StudyTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void dialogBuildsValidSpecs();
  void defaultStudyIsValid();
  void failingJobKeepsWindowUsable();
};

void StudyTest::dialogBuildsValidSpecs() {
  ui::NewStudyDialog dialog({{"smol-ref", "/models/smol-ref"}, {"qwen-ref", "/models/qwen-ref"}});
  dialog.setModelPath("/models/qwen-ref");
  dialog.setMethods({"rtn", "gptq"});
  dialog.setSettings({"w8a8", "w4a16 g128 asym"});
  const auto specs = dialog.specs();
  QCOMPARE(specs.size(), std::size_t(5));  // FP + 2 methods x 2 settings
  QCOMPARE(specs[0].methodLabel(), std::string("fp"));
  QCOMPARE(specs[0].model, std::string("/models/qwen-ref"));
  QCOMPARE(specs[3].methodLabel(), std::string("gptq"));
  QCOMPARE(core::QuantSpec::fromJson(specs[4].quant).weight.bits, 4);
  QCOMPARE(core::QuantSpec::fromJson(specs[4].quant).weight.group_size, 128);
  QVERIFY(specs[1].calibration.has_value());
  // The preview is the JSON of exactly these specs, and each parses back as a spec.
  const auto preview = nlohmann::json::parse(dialog.previewText().toStdString());
  QCOMPARE(preview.size(), std::size_t(5));
  for (std::size_t i = 0; i < preview.size(); ++i)
    QVERIFY(core::ExperimentSpec::fromJson(preview[i]) == specs[i]);
  dialog.resize(1000, 640);
  dialog.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dialog));
  test::saveScreenshot(&dialog, "new_study_dialog");
}

void StudyTest::defaultStudyIsValid() {
  // The default study is core's demo study (what `slmq demo` runs) on the given model.
  const auto specs = ui::defaultStudySpecs("/models/smol-ref");
  core::DemoOptions options;
  options.model = "/models/smol-ref";
  const auto demo = core::demoStudySpecs(options);
  QCOMPARE(specs.size(), demo.size());
  bool sensitivity = false, gptq = false;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    QVERIFY(specs[i] == demo[i]);
    QVERIFY(core::ExperimentSpec::parse(specs[i].dump()) == specs[i]);
    QCOMPARE(specs[i].model, std::string("/models/smol-ref"));
    sensitivity |= specs[i].analyses.sensitivity.has_value();
    gptq |= specs[i].methodLabel().find("gptq") != std::string::npos;
  }
  QVERIFY(sensitivity && gptq);
  QCOMPARE(ui::runArguments("/s.json", "/w.sqlite"),
           (QStringList{"--progress", "jsonl", "run", "/s.json", "--store", "/w.sqlite"}));
}

void StudyTest::failingJobKeepsWindowUsable() {
  const QString cli = qEnvironmentVariable("SLMQ_CLI");
  QVERIFY2(!cli.isEmpty(), "SLMQ_CLI (set by tests/ui/CMakeLists.txt) names the slmq executable");
  QTemporaryDir dir;
  ui::MainWindow w;
  QVERIFY(w.openWorkspace(dir.filePath("ws.sqlite")));
  w.jobs()->setProgram(cli);
  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  QVERIFY(w.findChild<QDockWidget*>("jobsDock"));
  const int id = w.jobs()->enqueue({"bad model", {"info", "/nonexistent/model-dir"}});
  QTRY_VERIFY_WITH_TIMEOUT(w.jobs()->job(id)->state == ui::JobState::Failed, 30000);
  QVERIFY2(w.statusBar()->currentMessage().contains("bad model failed"),
           qPrintable(w.statusBar()->currentMessage()));
  QVERIFY2(w.jobs()->job(id)->error.contains("/nonexistent/model-dir"),
           qPrintable(w.jobs()->job(id)->error));
  w.jobsDock()->showJob(id);
  QVERIFY(w.jobsDock()->logView()->toPlainText().contains("/nonexistent/model-dir"));
  test::saveScreenshot(&w, "main_window_failed_job");
  // Still usable: another workspace opens, a later job runs.
  QVERIFY(w.openWorkspace(dir.filePath("other.sqlite")));
  const int ok = w.jobs()->enqueue({"version", {"--version"}});
  QTRY_VERIFY_WITH_TIMEOUT(w.jobs()->job(ok)->state == ui::JobState::Done, 30000);
}

QTEST_MAIN(StudyTest)
#include "study_test.moc"
