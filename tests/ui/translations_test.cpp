// QtTest: the German and Chinese translations load from the embedded .qm files and change the
// main window's menu texts and every action's text and tooltip; an unknown language leaves
// English.
#include <QMenuBar>
#include <QStandardPaths>
#include <QtTest>

#include "tests/ui/ui_test_support.h"
#include "ui/docks/runs_dock.h"
#include "ui/main_window.h"
#include "ui/translations.h"

using namespace slmq;

namespace {
/// objectName -> "text|tooltip" of every named action of a main window built now.
QMap<QString, QString> actionTexts() {
  ui::MainWindow w;
  QMap<QString, QString> out;
  for (QAction* a : w.findChildren<QAction*>())
    if (!a->objectName().isEmpty() && !a->objectName().startsWith("_q_"))  // Qt's own
      out[a->objectName()] = a->text() + "|" + a->toolTip();
  return out;
}

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
  void everyActionTranslated() {
    // Every action's text and tooltip differs from the English one in both languages (the
    // .ts files have no unfinished message; this catches a string missed by lupdate).
    QVERIFY(!ui::installTranslations("xx"));
    const auto english = actionTexts();
    QVERIFY(english.size() >= 15);
    for (const char* lang : {"de", "zh_CN"}) {
      QVERIFY(ui::installTranslations(lang));
      const auto translated = actionTexts();
      QCOMPARE(translated.keys(), english.keys());
      for (auto it = english.cbegin(); it != english.cend(); ++it) {
        const QStringList en = it.value().split('|'), tr = translated[it.key()].split('|');
        QVERIFY2(tr[0] != en[0], qPrintable(QString("%1 %2: %3").arg(lang, it.key(), en[0])));
        QVERIFY2(tr[1] != en[1], qPrintable(QString("%1 %2: %3").arg(lang, it.key(), en[1])));
      }
    }
  }
  void unknownLanguageIsEnglish() {
    QVERIFY(!ui::installTranslations("xx"));
    ui::MainWindow w;
    QCOMPARE(menus(w), (QStringList{"&File", "&Study", "&View", "&Export", "&Help"}));
  }
};

QTEST_MAIN(TranslationsTest)
#include "translations_test.moc"
