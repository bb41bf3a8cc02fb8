// MainActions: the workbench's actions and menus; see main_actions.h.
#include "ui/main_actions.h"

#include <QAction>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenuBar>

namespace slmq::ui {
namespace {
QAction* make(QMainWindow* w, const char* name, const QString& text, const QString& tip,
              const QKeySequence& key = {}) {
  auto* a = new QAction(text, w);
  a->setObjectName(QLatin1String(name));
  a->setStatusTip(tip);
  a->setToolTip(tip);
  if (!key.isEmpty()) a->setShortcut(key);
  return a;
}
}  // namespace

MainActions::MainActions(QMainWindow* w)
    : newWorkspace(make(w, "actionNewWorkspace", tr("&New workspace..."),
                        tr("Create an empty workspace file"), QKeySequence::New)),
      openWorkspace(make(w, "actionOpenWorkspace", tr("&Open workspace..."),
                         tr("Open another workspace file"), QKeySequence::Open)),
      addModel(make(w, "actionAddModel", tr("&Add model..."),
                    tr("Add a Hugging Face model directory or a GGUF file"),
                    QKeySequence(QStringLiteral("Ctrl+M")))),
      // QKeySequence::Quit is empty on platforms without a theme (offscreen, some window
      // managers): fall back to Ctrl+Q so the action always has a shortcut.
      quit(make(w, "actionQuit", tr("&Quit"), tr("Quit the workbench"),
                QKeySequence(QKeySequence::Quit).isEmpty() ? QKeySequence(QStringLiteral("Ctrl+Q"))
                                                           : QKeySequence(QKeySequence::Quit))),
      newStudy(make(w, "actionNewStudy", tr("&New study..."),
                    tr("Set up and run a quantization study"),
                    QKeySequence(QStringLiteral("Ctrl+Shift+N")))),
      defaultStudy(make(w, "actionDefaultStudy", tr("Run the &default study"),
                        tr("FP, RTN W8A8, SmoothQuant W8A8, GPTQ W4A16 and a sensitivity "
                           "grid on smol-ref"),
                        QKeySequence(QStringLiteral("Ctrl+Shift+D")))),
      cancelAllJobs(make(w, "actionCancelAllJobs", tr("&Cancel all jobs"),
                         tr("Stop the running job and empty the queue"),
                         QKeySequence(QStringLiteral("Ctrl+Shift+X")))),
      resetLayout(make(w, "actionResetLayout", tr("&Reset layout"),
                       tr("Put every dock back where it started"),
                       QKeySequence(QStringLiteral("Ctrl+Shift+L")))),
      showSensitivity(make(w, "actionShowSensitivity", tr("&Sensitivity view"),
                           tr("Show the per-layer sensitivity heatmaps"),
                           QKeySequence(QStringLiteral("Ctrl+1")))),
      showDistributions(make(w, "actionShowDistributions", tr("&Distributions view"),
                             tr("Show weight and activation distributions"),
                             QKeySequence(QStringLiteral("Ctrl+2")))),
      showComparison(make(w, "actionShowComparison", tr("&Comparison view"),
                          tr("Compare the selected runs' metrics"),
                          QKeySequence(QStringLiteral("Ctrl+3")))),
      exportChart(make(w, "actionExportChart", tr("Export &chart..."),
                       tr("Export the chart under focus as PNG, SVG or PDF"),
                       QKeySequence(QStringLiteral("Ctrl+E")))),
      exportChartData(make(w, "actionExportChartData", tr("Export chart &data..."),
                           tr("Export the data of the chart under focus as CSV"),
                           QKeySequence(QStringLiteral("Ctrl+Shift+E")))),
      exportReport(make(w, "actionExportReport", tr("Export &report..."),
                        tr("Write an HTML or PDF report of the selected runs"),
                        QKeySequence(QStringLiteral("Ctrl+R")))),
      about(make(w, "actionAbout", tr("&About SLMQuant Workbench"), tr("Version and licence"),
                 QKeySequence::HelpContents)),
      aboutQt(make(w, "actionAboutQt", tr("About &Qt"), tr("Qt version"))) {
  quit->setMenuRole(QAction::QuitRole);
  about->setMenuRole(QAction::AboutRole);
  aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainActions::buildMenus(QMainWindow* w, const QList<QAction*>& viewToggles) {
  QMenuBar* bar = w->menuBar();
  fileMenu = bar->addMenu(tr("&File"));
  fileMenu->setObjectName(QStringLiteral("menuFile"));
  fileMenu->addActions({newWorkspace, openWorkspace});
  fileMenu->addSeparator();
  fileMenu->addAction(addModel);
  fileMenu->addSeparator();
  fileMenu->addAction(quit);

  studyMenu = bar->addMenu(tr("&Study"));
  studyMenu->setObjectName(QStringLiteral("menuStudy"));
  studyMenu->addActions({newStudy, defaultStudy});
  studyMenu->addSeparator();
  studyMenu->addAction(cancelAllJobs);

  viewMenu = bar->addMenu(tr("&View"));
  viewMenu->setObjectName(QStringLiteral("menuView"));
  viewMenu->addActions({showSensitivity, showDistributions, showComparison});
  viewMenu->addSeparator();
  viewMenu->addActions(viewToggles);
  viewMenu->addSeparator();
  viewMenu->addAction(resetLayout);

  exportMenu = bar->addMenu(tr("&Export"));
  exportMenu->setObjectName(QStringLiteral("menuExport"));
  exportMenu->addActions({exportChart, exportChartData});
  exportMenu->addSeparator();
  exportMenu->addAction(exportReport);

  helpMenu = bar->addMenu(tr("&Help"));
  helpMenu->setObjectName(QStringLiteral("menuHelp"));
  helpMenu->addActions({about, aboutQt});
}

}  // namespace slmq::ui
