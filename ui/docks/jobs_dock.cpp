// JobsDock: job rows with progress, ETA and Cancel, and the job log; see jobs_dock.h.
#include "ui/docks/jobs_dock.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSplitter>
#include <QToolButton>
#include <cmath>

#include "ui/jobs/job_controller.h"

namespace slmq::ui {

JobsDock::JobsDock(JobController* jobs, QWidget* parent)
    : QDockWidget(tr("Jobs"), parent), m_jobs(jobs) {
  setObjectName(QStringLiteral("jobsDock"));
  auto* split = new QSplitter(Qt::Horizontal, this);
  m_list = new QListWidget(split);
  m_list->setObjectName(QStringLiteral("jobList"));
  m_log = new QPlainTextEdit(split);
  m_log->setObjectName(QStringLiteral("jobLog"));
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(5000);
  m_log->setPlaceholderText(tr("The selected job's log appears here"));
  QFont mono(QStringLiteral("monospace"));
  mono.setStyleHint(QFont::TypeWriter);
  m_log->setFont(mono);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  setWidget(split);

  connect(jobs, &JobController::jobAdded, this, &JobsDock::addJob);
  connect(jobs, &JobController::jobChanged, this, &JobsDock::updateJob);
  connect(jobs, &JobController::jobFinished, this, [this](int id) { updateJob(id); });
  connect(jobs, &JobController::jobLog, this, [this](int id, const QString& line) {
    if (id == m_shown) m_log->appendPlainText(line);
  });
  connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
    if (QListWidgetItem* item = m_list->item(row)) showJob(item->data(Qt::UserRole).toInt());
  });
}

const JobsDock::Row* JobsDock::row(int jobId) const {
  const auto it = m_rows.constFind(jobId);
  return it == m_rows.constEnd() ? nullptr : &*it;
}

QString JobsDock::formatEta(double seconds) {
  if (!(seconds >= 0.0) || !std::isfinite(seconds)) return {};
  const qint64 s = static_cast<qint64>(std::llround(seconds));
  if (s >= 3600)
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void JobsDock::addJob(int jobId) {
  const auto job = m_jobs->job(jobId);
  if (!job) return;
  Row r;
  r.widget = new QWidget(m_list);
  auto* h = new QHBoxLayout(r.widget);
  h->setContentsMargins(4, 2, 4, 2);
  r.name = new QLabel(job->request.name, r.widget);
  r.state = new QLabel(r.widget);
  r.progress = new QProgressBar(r.widget);
  r.progress->setRange(0, 1000);
  r.progress->setTextVisible(true);
  r.progress->setFormat(QStringLiteral("%p%"));
  r.progress->setMinimumWidth(140);
  r.eta = new QLabel(r.widget);
  r.eta->setMinimumWidth(r.eta->fontMetrics().horizontalAdvance(QStringLiteral("ETA 00:00:00")));
  r.cancel = new QToolButton(r.widget);
  r.cancel->setText(tr("Cancel"));
  r.cancel->setToolTip(tr("Stop this job (its run is marked cancelled)"));
  h->addWidget(r.name, 1);
  h->addWidget(r.state);
  h->addWidget(r.progress, 1);
  h->addWidget(r.eta);
  h->addWidget(r.cancel);
  connect(r.cancel, &QToolButton::clicked, this, [this, jobId] { m_jobs->cancel(jobId); });
  auto* item = new QListWidgetItem(m_list);
  item->setData(Qt::UserRole, jobId);
  item->setSizeHint(r.widget->sizeHint());
  m_list->setItemWidget(item, r.widget);
  m_rows.insert(jobId, r);
  updateJob(jobId);
  if (m_shown == 0 || job->state == JobState::Running) m_list->setCurrentItem(item);
}

void JobsDock::updateJob(int jobId) {
  const auto job = m_jobs->job(jobId);
  const auto it = m_rows.find(jobId);
  if (!job || it == m_rows.end()) return;
  Row& r = *it;
  r.state->setText(job->state == JobState::Running && !job->stage.isEmpty()
                       ? tr("%1 · %2").arg(jobStateLabel(job->state), job->stage)
                       : jobStateLabel(job->state));
  r.progress->setValue(static_cast<int>(std::lround(job->fraction * 1000)));
  const bool active = job->state == JobState::Running || job->state == JobState::Queued;
  const QString eta =
      job->etaS && job->state == JobState::Running ? formatEta(*job->etaS) : QString();
  r.eta->setText(eta.isEmpty() ? QString() : tr("ETA %1").arg(eta));
  r.cancel->setEnabled(active);
  r.name->setToolTip(job->error);
  QPalette pal = r.state->palette();
  pal.setColor(QPalette::WindowText, job->state == JobState::Failed
                                         ? QColor("#b03000")
                                         : palette().color(QPalette::WindowText));
  r.state->setPalette(pal);
}

void JobsDock::showJob(int jobId) {
  m_shown = jobId;
  m_log->clear();
  if (const auto job = m_jobs->job(jobId)) m_log->setPlainText(job->log.join('\n'));
}

}  // namespace slmq::ui
