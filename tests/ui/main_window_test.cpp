// QtTest of the main window skeleton (issue 2): title, menus, the run-list dock reading a real
// store, the models dock offering the shared assets, remembered layout, and a screenshot.
#include <QDockWidget>
#include <QTabWidget>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include "core/common/assets.h"
#include "core/store/store.h"
#include "tests/ui/ui_test_support.h"
#include "ui/docks/models_dock.h"
#include "ui/views/comparison_view.h"
#include "ui/views/distribution_view.h"
#include "ui/views/sensitivity_view.h"
#include "ui/docks/runs_dock.h"
#include "ui/main_actions.h"
#include "ui/main_window.h"
#include "ui/models/model_list_model.h"
#include "ui/models/run_filter_proxy.h"
#include "ui/models/run_list_model.h"
#include "ui/store/store_adapter.h"

using namespace slmq;

namespace {
/// Three runs on smol-ref written through the core store: FP (done, ppl 20.5), RTN W8A8 (done,
/// ppl 20.9) and GPTQ W4A16 (failed).
void fillStore(const QString& path) {
  core::Store store = core::Store::open(path.toStdString());
  core::ModelRecord m;
  m.name = "smol-ref";
  m.path = "/models/smol-ref";
  m.format = "safetensors";
  m.n_params = 9'400'000;
  const auto modelId = store.upsertModel(m);
  auto make = [&](const char* name, const char* method, int w, int a) {
    core::RunRecord r;
    r.model_id = modelId;
    r.name = name;
    r.method = method;
    r.w_bits = w;
    r.a_bits = a;
    r.spec_json = R"({"model":"/models/smol-ref"})";
    return store.createRun(r);
  };
  const auto fp = make("FP smol-ref", "fp", 16, 16);
  store.markRunning(fp);
  core::RunResults res;
  res.wall_seconds = 12.0;
  res.metrics = {{"ppl", "wikitext2_test", 20.5, std::nullopt}};
  store.finishRun(fp, res);
  const auto rtn = make("RTN W8A8 smol-ref", "rtn", 8, 8);
  store.markRunning(rtn);
  res.metrics = {{"ppl", "wikitext2_test", 20.9, std::nullopt}};
  store.finishRun(rtn, res);
  const auto gptq = make("GPTQ W4A16 smol-ref", "gptq", 4, 16);
  store.failRun(gptq, "model.safetensors: truncated at byte 1024");
}

QStringList menuTitles(QMainWindow& w) {
  QStringList titles;
  for (QAction* a : w.menuBar()->actions()) titles << a->text();
  return titles;
}
}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // settings and app data under ~/.qttest
    QApplication::setOrganizationName("slmq-test");
    QApplication::setApplicationName("slmq-workbench-test");
    QSettings().clear();
  }
  void titleMenusAndRunList();
  void keyboardShortcuts();
  void runFilters();
  void badWorkspaceKeepsWindowUsable();
  void layoutIsRemembered();
};

void MainWindowTest::titleMenusAndRunList() {
  QTemporaryDir dir;
  const QString path = dir.filePath("ws.sqlite");
  fillStore(path);
  ui::MainWindow w;
  QVERIFY(w.openWorkspace(path));
  QCOMPARE(w.windowTitle(), QString("ws.sqlite — SLMQuant Workbench"));
  QCOMPARE(menuTitles(w), (QStringList{"&File", "&Study", "&View", "&Export", "&Help"}));

  auto* runs = w.findChild<QDockWidget*>("runsDock");
  QVERIFY(runs);
  QCOMPARE(runs->windowTitle(), QString("Runs"));
  auto* view = runs->findChild<QTableView*>("runView");
  QVERIFY(view);
  QAbstractItemModel* m = view->model();
  QCOMPARE(m->rowCount(), 3);
  // Newest first: GPTQ (failed), RTN, FP.
  QCOMPARE(m->index(0, ui::RunListModel::NameColumn).data().toString(),
           QString("GPTQ W4A16 smol-ref"));
  QCOMPARE(m->index(0, ui::RunListModel::StatusColumn).data().toString(), QString("failed"));
  QCOMPARE(m->index(0, ui::RunListModel::BitsColumn).data().toString(), QString("W4A16"));
  QVERIFY(m->index(0, 0).data(Qt::ToolTipRole).toString().contains("truncated at byte 1024"));
  QCOMPARE(m->index(1, ui::RunListModel::PplColumn).data().toString(), QString("20.90"));
  QCOMPARE(m->index(2, ui::RunListModel::BitsColumn).data().toString(), QString("FP16"));
  QCOMPARE(m->index(2, ui::RunListModel::ModelColumn).data().toString(), QString("smol-ref"));

  // Models dock: the workspace's model, then the assets' models offered.
  auto* models = w.findChild<QDockWidget*>("modelsDock");
  QVERIFY(models);
  auto* modelView = models->findChild<QTreeView*>("modelView");
  QAbstractItemModel* mm = modelView->model();
  QCOMPARE(mm->index(0, 0).data().toString(), QString("smol-ref"));
  QCOMPARE(mm->index(0, ui::ModelListModel::ParamsColumn).data().toString(), QString("9.4M"));
  QVERIFY(mm->index(0, 0).data(ui::ModelListModel::InWorkspaceRole).toBool());
  QStringList offered;
  for (int r = 1; r < mm->rowCount(); ++r) offered << mm->index(r, 0).data().toString();
  QVERIFY2(offered.contains("smol-ref") && offered.contains("qwen-ref"),
           qPrintable(offered.join(",")));

  // Selection drives views: select two runs, the dock reports their ids in view order.
  QSignalSpy selected(w.runsDock(), &ui::RunsDock::selectionChanged);
  const qint64 rtnId = m->index(1, 0).data(ui::RunListModel::RunIdRole).toLongLong();
  const qint64 fpId = m->index(2, 0).data(ui::RunListModel::RunIdRole).toLongLong();
  w.runsDock()->selectRuns({fpId, rtnId});
  QCOMPARE(w.runsDock()->selectedRunIds(), (QVector<qint64>{rtnId, fpId}));
  QVERIFY(selected.count() >= 1);

  // A run written by another connection (as a job process would) appears after a poll.
  {
    core::Store other = core::Store::open(path.toStdString());
    core::RunRecord r;
    r.name = "AWQ W4A16";
    r.method = "awq";
    r.w_bits = 4;
    r.spec_json = "{}";
    other.createRun(r);
  }
  w.store()->poll();
  QCOMPARE(m->rowCount(), 4);
  QCOMPARE(m->index(0, 0).data().toString(), QString("AWQ W4A16"));
  QCOMPARE(w.runsDock()->selectedRunIds(), (QVector<qint64>{rtnId, fpId}));  // kept

  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  const QImage shot = test::saveScreenshot(&w, "main_window");
  QVERIFY(test::distinctColors(shot) > 8);
}

void MainWindowTest::runFilters() {
  QTemporaryDir dir;
  fillStore(dir.filePath("ws.sqlite"));
  ui::MainWindow w;
  QVERIFY(w.openWorkspace(dir.filePath("ws.sqlite")));
  ui::RunFilterProxy* proxy = w.runsDock()->proxy();
  QCOMPARE(proxy->rowCount(), 3);
  proxy->setBitsFilter("W8A8");
  QCOMPARE(proxy->rowCount(), 1);
  proxy->setBitsFilter("");
  proxy->setStatusFilter("done");
  QCOMPARE(proxy->rowCount(), 2);
  proxy->setMethodFilter("fp");
  QCOMPARE(proxy->rowCount(), 1);
  proxy->setMethodFilter("");
  proxy->setStatusFilter("");
  proxy->setTextFilter("gptq");
  QCOMPARE(proxy->rowCount(), 1);
  proxy->setTextFilter("");
  proxy->setModelFilter("qwen-ref");
  QCOMPARE(proxy->rowCount(), 0);
  proxy->setModelFilter("smol-ref");
  QCOMPARE(proxy->rowCount(), 3);
  // Sorting by perplexity is numeric (failed run without ppl last).
  proxy->sort(ui::RunListModel::PplColumn, Qt::AscendingOrder);
  QCOMPARE(proxy->index(0, ui::RunListModel::PplColumn).data().toString(), QString("20.50"));
  QCOMPARE(proxy->index(2, ui::RunListModel::PplColumn).data().toString(), QString());
}

void MainWindowTest::badWorkspaceKeepsWindowUsable() {
  QTemporaryDir dir;
  const QString good = dir.filePath("ws.sqlite");
  fillStore(good);
  const QString bad = dir.filePath("not-a-store.sqlite");
  QFile f(bad);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write("this is a text file, not SQLite\n");
  f.close();
  ui::MainWindow w;
  QVERIFY(w.openWorkspace(good));
  QVERIFY(!w.openWorkspace(bad));
  QVERIFY2(w.store()->lastError().contains("not-a-store.sqlite"),
           qPrintable(w.store()->lastError()));
  // The window still works: title and the run list are back to no workspace, and the good one
  // opens again.
  QVERIFY(w.openWorkspace(good));
  QCOMPARE(w.runsDock()->runModel()->rowCount(), 3);
}

void MainWindowTest::layoutIsRemembered() {
  QTemporaryDir dir;
  {
    ui::MainWindow w;
    QVERIFY(w.openWorkspace(dir.filePath("ws.sqlite")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.modelsDock()->hide();
    w.close();
  }
  ui::MainWindow again;
  again.show();
  QVERIFY(QTest::qWaitForWindowExposed(&again));
  QVERIFY(again.modelsDock()->isHidden());
  again.actions().resetLayout->trigger();
  QVERIFY(!again.modelsDock()->isHidden());
  again.close();
}

void MainWindowTest::keyboardShortcuts() {
  ui::MainWindow w;
  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  w.activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(&w));
  // Every menu action except "About Qt" has a shortcut, and no two share one.
  QSet<QString> seen;
  for (QAction* menu : w.menuBar()->actions())
    for (QAction* a : menu->menu()->actions()) {
      if (a->isSeparator() || a->objectName() == "actionAboutQt") continue;
      const QString key = a->shortcut().toString();
      QVERIFY2(!key.isEmpty(), qPrintable(a->text() + " has no shortcut"));
      QVERIFY2(!seen.contains(key), qPrintable(key + " used twice"));
      seen.insert(key);
    }
  QVERIFY(seen.size() >= 17);
  // Ctrl+1..3 switch views; Ctrl+Alt+J toggles the jobs dock.
  QTest::keySequence(&w, QKeySequence("Ctrl+3"));
  QCOMPARE(w.viewTabs()->currentWidget(), static_cast<QWidget*>(w.comparisonView()));
  QTest::keySequence(&w, QKeySequence("Ctrl+2"));
  QCOMPARE(w.viewTabs()->currentWidget(), static_cast<QWidget*>(w.distributionView()));
  QTest::keySequence(&w, QKeySequence("Ctrl+1"));
  QCOMPARE(w.viewTabs()->currentWidget(), static_cast<QWidget*>(w.sensitivityView()));
  auto* jobs = w.findChild<QDockWidget*>("jobsDock");
  QVERIFY(jobs->isVisible());
  QTest::keySequence(&w, QKeySequence("Ctrl+Alt+J"));
  QTRY_VERIFY(!jobs->isVisible());
  QTest::keySequence(&w, QKeySequence("Ctrl+Alt+J"));
  QTRY_VERIFY(jobs->isVisible());
  // Tab moves focus between the runs list and the views (no focus trap in one dock).
  w.runsDock()->setFocus();
  QSet<QWidget*> visited;
  for (int i = 0; i < 40; ++i) {
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &w, Qt::Key_Tab);
    if (QWidget* f = QApplication::focusWidget()) visited.insert(f);
  }
  bool inRuns = false, inViews = false;
  for (QWidget* f : visited) {
    inRuns |= w.runsDock()->isAncestorOf(f);
    inViews |= w.viewTabs()->isAncestorOf(f);
  }
  QVERIFY2(inRuns && inViews, qPrintable(QString("%1 widgets visited").arg(visited.size())));
}

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
