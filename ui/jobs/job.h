// One job of the job controller: an `slmq` child process and what it has reported.
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <optional>

namespace slmq::ui {

/// Lifecycle of a job: queued -> running -> done | failed | cancelled.
enum class JobState { Queued, Running, Done, Failed, Cancelled };

/// Translated name of a state ("queued", ...).
QString jobStateLabel(JobState state);

/// What to run: a display name and the arguments of the `slmq` command line.
struct JobRequest {
  QString name;
  QStringList arguments;  ///< without the program; e.g. {"run", "spec.json", "--progress-json"}
};

/// A job as the controller tracks it (value type, copied out to the UI).
struct Job {
  int id = 0;
  JobRequest request;
  JobState state = JobState::Queued;
  double fraction = 0.0;       ///< last reported progress in [0, 1]
  QString stage;               ///< last reported stage label
  std::optional<double> etaS;  ///< last reported estimate of seconds left
  qint64 runId = 0;            ///< store run id, once the process reported it (0 = none)
  qint64 pid = 0;
  QStringList log;  ///< log lines (protocol logs, stray output, stderr)
  QString error;    ///< why it failed ("" unless failed)
  int exitCode = 0;
  double elapsedS = 0.0;  ///< seconds since it started (updated on each event)
};

}  // namespace slmq::ui
