// JobController: queue of `slmq` child processes with JSON-lines progress; see job_controller.h.
#include "ui/jobs/job_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStandardPaths>

#include "core/jobs/progress_protocol.h"
#include "core/store/records.h"
#include "ui/store/store_adapter.h"

namespace slmq::ui {

QString jobStateLabel(JobState state) {
  switch (state) {
    case JobState::Queued:
      return JobController::tr("queued");
    case JobState::Running:
      return JobController::tr("running");
    case JobState::Done:
      return JobController::tr("done");
    case JobState::Failed:
      return JobController::tr("failed");
    case JobState::Cancelled:
      return JobController::tr("cancelled");
  }
  return {};
}

/// The process of the running job and what its output has told so far.
struct JobController::Running {
  QProcess* process = nullptr;  // deleted with deleteLater() when the job ends
  core::ProgressLineParser parser;
  QElapsedTimer timer;
  QTimer killTimer;
  bool cancelRequested = false;
  QString finishedStatus;  // from a "finished" event
  QString errorMessage;    // from an "error" event
  QStringList stderrTail;  // last lines of stderr, for the error message of a crash
  QByteArray stderrPartial;
};

JobController::JobController(StoreAdapter* store, QObject* parent)
    : QObject(parent), m_store(store), m_program(defaultProgram()) {}

JobController::~JobController() {
  if (m_current && m_current->process) {
    // Never leave an orphan: stop the child and wait briefly for it.
    m_current->process->disconnect(this);
    m_current->process->kill();
    m_current->process->waitForFinished(2000);
  }
}

QString JobController::defaultProgram() {
  const QString env = qEnvironmentVariable("SLMQ_CLI");
  if (!env.isEmpty()) return env;
  const QString sibling = QDir(QCoreApplication::applicationDirPath()).filePath("slmq");
  if (QFileInfo(sibling).isExecutable()) return sibling;
  const QString onPath = QStandardPaths::findExecutable(QStringLiteral("slmq"));
  return onPath.isEmpty() ? QStringLiteral("slmq") : onPath;
}

int JobController::enqueue(const JobRequest& request) {
  Job job;
  job.id = m_nextId++;
  job.request = request;
  m_jobs.insert(job.id, job);
  m_order.append(job.id);
  m_queue.append(job.id);
  emit jobAdded(job.id);
  if (m_running == 0) startNext();
  return job.id;
}

std::optional<Job> JobController::job(int jobId) const {
  const auto it = m_jobs.constFind(jobId);
  return it == m_jobs.constEnd() ? std::nullopt : std::optional<Job>(*it);
}

void JobController::cancel(int jobId) {
  if (m_queue.removeOne(jobId)) {
    Job& job = m_jobs[jobId];
    job.state = JobState::Cancelled;
    emit jobChanged(jobId);
    emit jobFinished(jobId, JobState::Cancelled);
    if (isIdle()) emit idle();
    return;
  }
  if (jobId != m_running || !m_current || m_current->cancelRequested) return;
  m_current->cancelRequested = true;
  appendLog(m_jobs[jobId],
            tr("Cancelling: terminating process %1").arg(m_current->process->processId()));
  m_current->process->terminate();
  m_current->killTimer.setSingleShot(true);
  m_current->killTimer.start(m_graceMs);
}

void JobController::cancelAll() {
  for (int id : QList<int>(m_queue)) cancel(id);
  if (m_running) cancel(m_running);
}

void JobController::startNext() {
  if (m_running != 0 || m_queue.isEmpty()) return;
  const int id = m_queue.takeFirst();
  Job& job = m_jobs[id];
  m_running = id;
  m_current = std::make_unique<Running>();
  auto* process = new QProcess(this);
  m_current->process = process;
  connect(process, &QProcess::readyReadStandardOutput, this, &JobController::readStdout);
  connect(process, &QProcess::readyReadStandardError, this, &JobController::readStderr);
  connect(process, &QProcess::finished, this, &JobController::onFinished);
  connect(process, &QProcess::errorOccurred, this, &JobController::onErrorOccurred);
  connect(&m_current->killTimer, &QTimer::timeout, process, &QProcess::kill);
  job.state = JobState::Running;
  appendLog(job, QStringLiteral("$ %1 %2").arg(m_program, job.request.arguments.join(' ')));
  m_current->timer.start();
  process->start(m_program, job.request.arguments, QIODevice::ReadOnly);
  job.pid = process->processId();
  emit jobChanged(id);
}

void JobController::appendLog(Job& job, const QString& line) {
  job.log.append(line);
  if (job.log.size() > 5000) job.log.removeFirst();  // keep memory bounded on chatty jobs
  emit jobLog(job.id, line);
}

void JobController::readStdout() {
  if (!m_current) return;
  const QByteArray bytes = m_current->process->readAllStandardOutput();
  Job& job = m_jobs[m_running];
  bool changed = false;
  for (const core::ProgressEvent& e :
       m_current->parser.feed(std::string_view(bytes.constData(), bytes.size()))) {
    if (e.run > 0 && job.runId != e.run) {
      job.runId = e.run;
      changed = true;
    }
    switch (e.type) {
      case core::ProgressEventType::Started:
        if (e.pid > 0) job.pid = e.pid;
        if (!e.message.empty()) appendLog(job, QString::fromStdString(e.message));
        break;
      case core::ProgressEventType::Progress:
        job.fraction = e.fraction;
        job.stage = QString::fromStdString(e.stage);
        job.etaS = e.eta_s;
        changed = true;
        break;
      case core::ProgressEventType::Log:
        appendLog(job, e.level == "raw"
                           ? QString::fromStdString(e.message)
                           : QStringLiteral("[%1] %2").arg(QString::fromStdString(e.level),
                                                           QString::fromStdString(e.message)));
        break;
      case core::ProgressEventType::Error:
        m_current->errorMessage = QString::fromStdString(e.message);
        appendLog(job, tr("error: %1").arg(m_current->errorMessage));
        break;
      case core::ProgressEventType::Finished:
        m_current->finishedStatus = QString::fromStdString(e.status);
        break;
    }
  }
  job.elapsedS = m_current->timer.elapsed() / 1000.0;
  if (changed) emit jobChanged(job.id);
}

void JobController::readStderr() {
  if (!m_current) return;
  m_current->stderrPartial += m_current->process->readAllStandardError();
  Job& job = m_jobs[m_running];
  int nl;
  while ((nl = m_current->stderrPartial.indexOf('\n')) >= 0) {
    const QString line = QString::fromUtf8(m_current->stderrPartial.left(nl)).trimmed();
    m_current->stderrPartial.remove(0, nl + 1);
    if (line.isEmpty()) continue;
    m_current->stderrTail.append(line);
    if (m_current->stderrTail.size() > 20) m_current->stderrTail.removeFirst();
    appendLog(job, line);
  }
}

void JobController::onErrorOccurred(QProcess::ProcessError error) {
  if (error != QProcess::FailedToStart || !m_current) return;
  // finished() is not emitted for a process that never started.
  finish(JobState::Failed,
         tr("Cannot start %1: %2").arg(m_program, m_current->process->errorString()));
}

void JobController::onFinished(int exitCode, QProcess::ExitStatus status) {
  if (!m_current) return;
  readStdout();
  readStderr();
  Job& job = m_jobs[m_running];
  for (const core::ProgressEvent& e : m_current->parser.finish())
    if (e.type == core::ProgressEventType::Finished)
      m_current->finishedStatus = QString::fromStdString(e.status);
  if (!m_current->stderrPartial.trimmed().isEmpty())
    m_current->stderrTail.append(QString::fromUtf8(m_current->stderrPartial).trimmed());
  job.exitCode = exitCode;
  if (m_current->cancelRequested || m_current->finishedStatus == QLatin1String("cancelled")) {
    finish(JobState::Cancelled, {});
    return;
  }
  if (status == QProcess::NormalExit && exitCode == 0 &&
      m_current->finishedStatus != QLatin1String("failed")) {
    finish(JobState::Done, {});
    return;
  }
  QString error = m_current->errorMessage;
  if (error.isEmpty() && !m_current->stderrTail.isEmpty()) error = m_current->stderrTail.last();
  if (status == QProcess::CrashExit)
    error = tr("slmq crashed%1").arg(error.isEmpty() ? QString() : QStringLiteral(": ") + error);
  else if (error.isEmpty())
    error = tr("slmq exited with code %1").arg(exitCode);
  finish(JobState::Failed, error);
}

void JobController::finish(JobState state, const QString& error) {
  const int id = m_running;
  Job& job = m_jobs[id];
  job.state = state;
  job.error = error;
  job.elapsedS = m_current->timer.elapsed() / 1000.0;
  if (state == JobState::Done) job.fraction = 1.0;
  if (!error.isEmpty() && (job.log.isEmpty() || job.log.last() != error)) appendLog(job, error);
  // The process may have died before it could finalise its run: do it for it.
  if (m_store && job.runId > 0 && state != JobState::Done) {
    const auto run = m_store->run(job.runId);
    if (run && !core::isFinal(run->status)) {
      if (state == JobState::Cancelled)
        m_store->cancelRun(job.runId, tr("cancelled by user"));
      else
        m_store->failRun(job.runId, error);
    }
  }
  m_current->killTimer.stop();
  m_current->process->disconnect(this);
  m_current->process->deleteLater();
  m_current.reset();
  m_running = 0;
  emit jobChanged(id);
  emit jobFinished(id, state);
  startNext();
  if (isIdle()) emit idle();
}

}  // namespace slmq::ui
