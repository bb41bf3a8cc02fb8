// QtTest of report export: runs written through the core store, selected in the main window's
// runs dock, exported as HTML (every selected run's id, name, metrics and spec present; charts as
// inline SVG; an unselected run absent) and as PDF (%PDF header, several KB, >= 1 page).
#include <QFile>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "core/store/store.h"
#include "tests/ui/ui_test_support.h"
#include "ui/docks/runs_dock.h"
#include "ui/main_window.h"
#include "ui/report/report_writer.h"

using namespace slmq;

namespace {
struct Ids {
  std::int64_t fp = 0, rtn = 0, gptq = 0;
};

/// FP (ppl 20.5, arc_easy 0.44), RTN W8A8 (ppl 20.9, arc_easy 0.43) and a failed GPTQ run.
Ids fillStore(const QString& path) {
  core::Store store = core::Store::open(path.toStdString());
  auto make = [&](const char* name, const char* method, int w, int a, const char* spec) {
    core::RunRecord r;
    r.name = name;
    r.method = method;
    r.w_bits = w;
    r.a_bits = a;
    r.spec_json = spec;
    return store.createRun(r);
  };
  Ids ids;
  ids.fp = make("FP smol-ref", "fp", 16, 16, R"({"model":"/models/smol-ref"})");
  store.markRunning(ids.fp);
  core::RunResults res;
  res.metrics = {{"ppl", "wikitext2_test", 20.5, std::nullopt}, {"acc", "arc_easy", 0.44, 0.0222}};
  store.finishRun(ids.fp, res);
  ids.rtn = make("RTN W8A8 <smol-ref>", "rtn", 8, 8,
                 R"({"model":"/models/smol-ref","methods":[{"name":"rtn"}]})");
  store.markRunning(ids.rtn);
  res.metrics = {{"ppl", "wikitext2_test", 20.9, std::nullopt}, {"acc", "arc_easy", 0.43, 0.0221}};
  store.finishRun(ids.rtn, res);
  ids.gptq = make("GPTQ W4A16 smol-ref", "gptq", 4, 16, R"({"model":"/models/smol-ref"})");
  store.failRun(ids.gptq, "model.safetensors: truncated at byte 1024");
  return ids;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}  // namespace

class ReportTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void htmlAndPdfContainSelectedRuns();
  void noSelectionOrBadPathIsAnError();
};

void ReportTest::htmlAndPdfContainSelectedRuns() {
  QTemporaryDir dir;
  const QString ws = dir.filePath("ws.sqlite");
  const Ids ids = fillStore(ws);
  ui::MainWindow w;
  QVERIFY(w.openWorkspace(ws));
  w.runsDock()->selectRuns({ids.fp, ids.rtn});
  QCOMPARE(w.runsDock()->selectedRunIds().size(), 2);

  const QString html = dir.filePath("report.html");
  QVERIFY2(w.exportReport(html), qPrintable(w.statusBar()->currentMessage()));
  const QString text = QString::fromUtf8(readAll(html));
  QVERIFY(text.startsWith("<!DOCTYPE html>"));
  QVERIFY(text.contains(QStringLiteral("#%1 FP smol-ref").arg(ids.fp)));
  // Names are HTML-escaped.
  QVERIFY(text.contains(QStringLiteral("#%1 RTN W8A8 &lt;smol-ref&gt;").arg(ids.rtn)));
  QVERIFY2(!text.contains("GPTQ W4A16"), "an unselected run is not in the report");
  // Metric tables hold the stored values, the specs are there, charts are inline SVG
  // (perplexity and accuracy: two charts).
  QVERIFY(text.contains(">20.5<") && text.contains(">20.9<") && text.contains(">0.0222<"));
  QVERIFY(text.contains("&quot;methods&quot;:[{&quot;name&quot;:&quot;rtn&quot;}]"));
  QCOMPARE(text.count("<svg"), 2);
  QCOMPARE(text.count("</svg>"), 2);

  const QString pdf = dir.filePath("report.pdf");
  QVERIFY2(w.exportReport(pdf), qPrintable(w.statusBar()->currentMessage()));
  const QByteArray bytes = readAll(pdf);
  QVERIFY(bytes.startsWith("%PDF-"));
  QVERIFY2(bytes.size() > 10000, qPrintable(QString::number(bytes.size())));
  QVERIFY(bytes.contains("/Type /Page") || bytes.contains("/Type/Page"));
  QVERIFY(bytes.trimmed().endsWith("%%EOF"));

  // The PDF content is the same document: its HTML (with image resources) names both runs and
  // one chart image per charted metric, each drawn (not blank).
  QString error;
  const ui::ReportData data = ui::collectReport(*w.store(), {ids.fp, ids.rtn, ids.gptq}, &error);
  QVERIFY(error.isEmpty());
  QCOMPARE(data.runs.size(), std::size_t(3));
  QList<QPair<QString, QImage>> images;
  const QString pdfHtml = ui::reportHtml(data, ui::ReportCharts::ImageResources, &images);
  QCOMPARE(images.size(), 2);
  for (const auto& [name, image] : images) {
    QVERIFY(pdfHtml.contains(name));
    QVERIFY(test::distinctColors(image) > 4);
  }
  QVERIFY(pdfHtml.contains("truncated at byte 1024"));  // the failed run's error is reported
}

void ReportTest::noSelectionOrBadPathIsAnError() {
  QTemporaryDir dir;
  const QString ws = dir.filePath("ws.sqlite");
  const Ids ids = fillStore(ws);
  ui::MainWindow w;
  QVERIFY(w.openWorkspace(ws));
  w.runsDock()->selectRuns({});
  QVERIFY(!w.exportReport(dir.filePath("r.html")));
  QVERIFY(w.statusBar()->currentMessage().contains("Select"));
  QVERIFY(!QFile::exists(dir.filePath("r.html")));
  w.runsDock()->selectRuns({ids.fp});
  const QString bad = dir.filePath("missing-folder/r.pdf");
  QVERIFY(!w.exportReport(bad));
  QVERIFY2(w.statusBar()->currentMessage().contains(bad),
           qPrintable(w.statusBar()->currentMessage()));
  QString error;
  ui::collectReport(*w.store(), {ids.gptq + 1000}, &error);
  QVERIFY(error.contains("None of the selected runs"));
}

QTEST_MAIN(ReportTest)
#include "report_test.moc"
