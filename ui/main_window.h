// The workbench's main window: menus, docks (models, runs, jobs), the view tabs and the status
// bar. It only wires parts together; docks, actions and views live in their own files.
#pragma once

#include <QByteArray>
#include <QMainWindow>
#include <memory>

class QLabel;
class QProgressBar;
class QTabWidget;

namespace slmq::ui {

class ChartWidget;
class ComparisonView;
class DistributionView;
class JobController;
class JobsDock;
class ModelsDock;
class SensitivityView;
class RunsDock;
class StoreAdapter;
struct MainActions;

/// Top-level window. Owns its docks, views and the StoreAdapter of the open workspace.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens (creating if needed) the workspace store at `path`. On failure keeps the previous
  /// workspace, shows the reason in the status bar and returns false.
  bool openWorkspace(const QString& path);

  StoreAdapter* store() const { return m_store; }
  JobController* jobs() const { return m_jobs; }
  JobsDock* jobsDock() const { return m_jobsDock; }
  /// Queues the default study on smol-ref (from the shared assets). Returns false, with the reason
  /// in the status bar, when smol-ref is missing or no workspace is open.
  bool startDefaultStudy();
  /// Opens the new-study dialog; queues its runs when accepted.
  void newStudyWithDialog();
  /// Writes a report of the runs selected in the runs dock to `path`: PDF when it ends in .pdf,
  /// else HTML. Returns false with the reason in the status bar (no selection, unwritable file).
  bool exportReport(const QString& path);
  RunsDock* runsDock() const { return m_runsDock; }
  ModelsDock* modelsDock() const { return m_modelsDock; }
  QTabWidget* viewTabs() const { return m_tabs; }
  SensitivityView* sensitivityView() const { return m_sensitivity; }
  DistributionView* distributionView() const { return m_distributions; }
  ComparisonView* comparisonView() const { return m_comparison; }
  /// The chart an Export action applies to: the one holding the focus, else the first visible
  /// chart of the current tab (nullptr if none).
  ChartWidget* currentChart() const;
  const MainActions& actions() const { return *m_actions; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createDocks();
  void createViews();
  void connectActions();
  void restoreLayout();
  void saveLayout();
  void updateTitle();
  void updateJobStatus();
  void newWorkspaceWithDialog();
  void openWorkspaceWithDialog();
  void showAbout();
  void exportReportWithDialog();

  StoreAdapter* m_store = nullptr;
  std::unique_ptr<MainActions> m_actions;
  ModelsDock* m_modelsDock = nullptr;
  RunsDock* m_runsDock = nullptr;
  JobController* m_jobs = nullptr;
  JobsDock* m_jobsDock = nullptr;
  QProgressBar* m_jobProgress = nullptr;
  QLabel* m_jobLabel = nullptr;
  QTabWidget* m_tabs = nullptr;
  SensitivityView* m_sensitivity = nullptr;
  DistributionView* m_distributions = nullptr;
  ComparisonView* m_comparison = nullptr;
  QLabel* m_workspaceLabel = nullptr;
  QByteArray m_defaultState;
};

}  // namespace slmq::ui
