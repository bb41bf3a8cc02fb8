// Runs jobs as `slmq` child processes, one at a time from a queue, reading their JSON-lines
// progress (core/jobs/progress_protocol.h) through queued signals — the GUI thread never waits.
// A job that crashes or fails is shown as failed and the window carries on; Cancel terminates
// the process (then kills it after a grace period) and marks its run cancelled in the store.
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QTimer>
#include <memory>

#include "ui/jobs/job.h"

namespace slmq::core {
class ProgressLineParser;
}

namespace slmq::ui {

class StoreAdapter;

/// Queue of child-process jobs. GUI thread only. The StoreAdapter (may be null) is not owned;
/// it is used to mark a job's run cancelled/failed when the process could not do so itself.
class JobController : public QObject {
  Q_OBJECT
 public:
  explicit JobController(StoreAdapter* store, QObject* parent = nullptr);
  ~JobController() override;

  /// The `slmq` executable: $SLMQ_CLI if set, else `slmq` next to the running executable, else
  /// `slmq` on PATH.
  static QString defaultProgram();
  void setProgram(const QString& program) { m_program = program; }
  QString program() const { return m_program; }

  /// Seconds between terminate() and kill() when cancelling (default 3).
  void setKillGraceMs(int ms) { m_graceMs = ms; }

  /// Queues a job; it starts when no other job runs. Returns its id.
  int enqueue(const JobRequest& request);
  /// Cancels a queued job (removed from the queue) or a running one (process terminated).
  void cancel(int jobId);
  void cancelAll();

  /// A copy of the job (nullopt for an unknown id).
  std::optional<Job> job(int jobId) const;
  QList<int> jobIds() const { return m_order; }
  /// Id of the running job, or 0.
  int runningJob() const { return m_running; }
  bool isIdle() const { return m_running == 0 && m_queue.isEmpty(); }

 signals:
  void jobAdded(int jobId);
  /// Progress, stage, ETA, state or run id changed.
  void jobChanged(int jobId);
  /// A log line arrived (also appended to Job::log).
  void jobLog(int jobId, const QString& line);
  /// The job reached done, failed or cancelled.
  void jobFinished(int jobId, slmq::ui::JobState state);
  /// Every job has finished and the queue is empty.
  void idle();

 private:
  struct Running;
  void startNext();
  void readStdout();
  void readStderr();
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void onErrorOccurred(QProcess::ProcessError error);
  void finish(JobState state, const QString& error);
  void appendLog(Job& job, const QString& line);

  StoreAdapter* m_store;
  QString m_program;
  int m_graceMs = 3000;
  int m_nextId = 1;
  QList<int> m_order;
  QList<int> m_queue;
  QHash<int, Job> m_jobs;
  int m_running = 0;
  std::unique_ptr<Running> m_current;
};

}  // namespace slmq::ui
