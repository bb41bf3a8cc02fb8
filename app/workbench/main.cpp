// slmq-workbench: the GUI entry point. Parses the command line, installs translations and opens
// the main window on a workspace (the default one unless --workspace is given).
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include "core/common/assets.h"
#include "ui/main_window.h"
#include "ui/store/store_adapter.h"
#include "ui/selftest.h"
#include "ui/translations.h"
#include <QSettings>
#include "ui/workspace_paths.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("slmq-workbench"));
  QApplication::setOrganizationName(QStringLiteral("slmq"));
  QApplication::setApplicationVersion(QString::fromLatin1(slmq::core::versionString()));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QApplication::translate("main", "Quantize small language models and see what it does."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption workspace(
      QStringLiteral("workspace"),
      QApplication::translate("main", "Open the workspace store at <path> (created if missing)."),
      QStringLiteral("path"));
  parser.addOption(workspace);
  const QCommandLineOption language(
      QStringLiteral("lang"),
      QApplication::translate("main",
                              "User-interface language (de, zh_CN, en); default: the "
                              "setting, else the system locale."),
      QStringLiteral("language"));
  parser.addOption(language);
  const QCommandLineOption demo(
      QStringLiteral("demo"),
      QApplication::translate("main",
                              "Start the default study on smol-ref when the workspace "
                              "holds no runs."));
  parser.addOption(demo);
  const QCommandLineOption selftest(
      QStringLiteral("selftest"),
      QApplication::translate("main",
                              "Open every view once on an in-memory store and exit "
                              "(0 = all worked)."));
  parser.addOption(selftest);
  parser.process(app);
  if (parser.isSet(selftest)) return slmq::ui::runSelftest();

  QString lang = parser.value(language);
  if (lang.isEmpty()) lang = QSettings().value(QStringLiteral("language")).toString();
  if (lang != QLatin1String("en")) slmq::ui::installTranslations(lang);

  slmq::ui::MainWindow window;
  const QString path =
      parser.isSet(workspace) ? parser.value(workspace) : slmq::ui::defaultWorkspacePath();
  if (!window.openWorkspace(path))
    QMessageBox::warning(&window, QApplication::translate("main", "Workspace"),
                         window.store()->lastError());
  window.show();
  if (parser.isSet(demo) && window.store()->isOpen() && window.store()->runSummaries().empty())
    window.startDefaultStudy();
  return QApplication::exec();
}
