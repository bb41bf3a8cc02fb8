// The main window's actions and the menus built from them (File, Study, View, Export, Help).
// Kept apart from MainWindow so that the window only wires actions to docks and views.
#pragma once

#include <QCoreApplication>
#include <QList>

class QAction;
class QMainWindow;
class QMenu;

namespace slmq::ui {

/// Actions of the main window; children of (and owned by) the window passed to the constructor.
struct MainActions {
  Q_DECLARE_TR_FUNCTIONS(slmq::ui::MainActions)

 public:
  explicit MainActions(QMainWindow* window);

  /// Builds the menu bar. `viewToggles` (dock toggle actions) go at the top of the View menu.
  void buildMenus(QMainWindow* window, const QList<QAction*>& viewToggles);

  // File
  QAction* newWorkspace;
  QAction* openWorkspace;
  QAction* addModel;
  QAction* quit;
  // Study
  QAction* newStudy;
  QAction* defaultStudy;
  QAction* cancelAllJobs;
  // View
  QAction* resetLayout;
  QAction* showSensitivity;  ///< Ctrl+1..3: switch the view tabs
  QAction* showDistributions;
  QAction* showComparison;
  // Export
  QAction* exportChart;
  QAction* exportChartData;
  QAction* exportReport;
  // Help
  QAction* about;
  QAction* aboutQt;

  QMenu* fileMenu = nullptr;
  QMenu* studyMenu = nullptr;
  QMenu* viewMenu = nullptr;
  QMenu* exportMenu = nullptr;
  QMenu* helpMenu = nullptr;
};

}  // namespace slmq::ui
