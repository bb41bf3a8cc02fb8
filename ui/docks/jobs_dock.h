// The job panel: one row per job (name, state, progress bar, ETA, Cancel) and the log of the
// selected job. Also feeds the status bar's summary of the running job.
#pragma once

#include <QDockWidget>
#include <QHash>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QToolButton;

namespace slmq::ui {

class JobController;

/// Dock showing the JobController's jobs (not owned; must outlive the dock).
class JobsDock : public QDockWidget {
  Q_OBJECT
 public:
  JobsDock(JobController* jobs, QWidget* parent = nullptr);

  /// Widgets of one job's row (for tests and the status bar).
  struct Row {
    QWidget* widget = nullptr;
    QLabel* name = nullptr;
    QLabel* state = nullptr;
    QProgressBar* progress = nullptr;
    QLabel* eta = nullptr;
    QToolButton* cancel = nullptr;
  };
  const Row* row(int jobId) const;
  QPlainTextEdit* logView() const { return m_log; }
  /// Shows the log of this job.
  void showJob(int jobId);

  /// "0:41"-style duration; "" for a negative or unknown value.
  static QString formatEta(double seconds);

 private:
  void addJob(int jobId);
  void updateJob(int jobId);

  JobController* m_jobs;
  QListWidget* m_list;
  QPlainTextEdit* m_log;
  QHash<int, Row> m_rows;
  int m_shown = 0;
};

}  // namespace slmq::ui
