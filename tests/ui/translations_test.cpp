// QtTest: the German and Chinese translations load from the embedded .qm files and change the
// main window's menu texts; an unknown language leaves English.
#include <QMenuBar>
#include <QStandardPaths>
#include <QtTest>

#include "tests/ui/ui_test_support.h"
#include "ui/docks/runs_dock.h"
#include "ui/main_window.h"
#include "ui/translations.h"

using namespace slmq;

namespace {
QStringList menus(QMainWindow& w) {
  QStringList out;
  for (QAction* a : w.menuBar()->actions()) out << a->text();
  return out;
}
}  // namespace

class TranslationsTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void germanMenus() {
    QVERIFY(ui::installTranslations("de"));
    ui::MainWindow w;
    QCOMPARE(menus(w), (QStringList{"&Datei", "&Studie", "&Ansicht", "&Exportieren", "&Hilfe"}));
    QCOMPARE(w.runsDock()->windowTitle(), QString("Läufe"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    test::saveScreenshot(&w, "main_window_de");
  }
  void chineseMenus() {
    QVERIFY(ui::installTranslations("zh_CN"));
    ui::MainWindow w;
    QCOMPARE(menus(w), (QStringList{"文件(&F)", "研究(&S)", "视图(&V)", "导出(&E)", "帮助(&H)"}));
  }
  void unknownLanguageIsEnglish() {
    QVERIFY(!ui::installTranslations("xx"));
    ui::MainWindow w;
    QCOMPARE(menus(w), (QStringList{"&File", "&Study", "&View", "&Export", "&Help"}));
  }
};

QTEST_MAIN(TranslationsTest)
#include "translations_test.moc"
