// MainWindow: wiring of docks, views, actions and the workspace; see main_window.h.
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QProgressBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include "core/common/assets.h"
#include "ui/charts/chart_widget.h"
#include "ui/dialogs/new_study_dialog.h"
#include "ui/docks/jobs_dock.h"
#include "ui/docks/models_dock.h"
#include "ui/jobs/job_controller.h"
#include "ui/jobs/study_runner.h"
#include "ui/models/model_list_model.h"
#include "ui/docks/runs_dock.h"
#include "ui/main_actions.h"
#include "ui/report/report_writer.h"
#include "ui/store/store_adapter.h"
#include "ui/views/comparison_view.h"
#include "ui/views/distribution_view.h"
#include "ui/views/sensitivity_view.h"

namespace slmq::ui {
namespace {
constexpr int kLayoutVersion = 2;  // bump when docks change, so that old saved states are ignored
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_store(new StoreAdapter(this)),
      m_actions(new MainActions(this)),
      m_jobs(new JobController(m_store, this)) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("SLMQuant Workbench"));
  setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
  resize(1280, 800);

  m_tabs = new QTabWidget(this);
  m_tabs->setObjectName(QStringLiteral("viewTabs"));
  m_tabs->setDocumentMode(true);
  setCentralWidget(m_tabs);

  createDocks();
  createViews();
  // Keyboard: dock toggles on Ctrl+Alt+<initial>, views on Ctrl+1..3 (MainActions).
  m_modelsDock->toggleViewAction()->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+M")));
  m_runsDock->toggleViewAction()->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+R")));
  m_jobsDock->toggleViewAction()->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+J")));
  m_actions->buildMenus(this, {m_modelsDock->toggleViewAction(), m_runsDock->toggleViewAction(),
                               m_jobsDock->toggleViewAction()});
  connectActions();

  m_workspaceLabel = new QLabel(this);
  m_workspaceLabel->setObjectName(QStringLiteral("workspaceLabel"));
  m_jobLabel = new QLabel(this);
  m_jobLabel->setObjectName(QStringLiteral("jobStatusLabel"));
  m_jobProgress = new QProgressBar(this);
  m_jobProgress->setObjectName(QStringLiteral("jobStatusProgress"));
  m_jobProgress->setRange(0, 1000);
  m_jobProgress->setMaximumWidth(200);
  m_jobProgress->hide();
  statusBar()->addPermanentWidget(m_jobLabel);
  statusBar()->addPermanentWidget(m_jobProgress);
  statusBar()->addPermanentWidget(m_workspaceLabel);
  connect(m_jobs, &JobController::jobChanged, this, &MainWindow::updateJobStatus);
  connect(m_jobs, &JobController::jobFinished, this, [this](int id, JobState state) {
    updateJobStatus();
    const auto job = m_jobs->job(id);
    if (job && state == JobState::Failed)
      statusBar()->showMessage(tr("Job %1 failed: %2").arg(job->request.name, job->error), 20000);
    m_store->poll();  // its results are in the store now
  });
  connect(m_store, &StoreAdapter::opened, this, &MainWindow::updateTitle);
  connect(m_store, &StoreAdapter::errorOccurred, this,
          [this](const QString& message) { statusBar()->showMessage(message, 15000); });

  m_defaultState = saveState(kLayoutVersion);
  restoreLayout();
  updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks() {
  m_modelsDock = new ModelsDock(m_store, this);
  m_runsDock = new RunsDock(m_store, this);
  addDockWidget(Qt::LeftDockWidgetArea, m_modelsDock);
  addDockWidget(Qt::LeftDockWidgetArea, m_runsDock);
  m_jobsDock = new JobsDock(m_jobs, this);
  addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
  resizeDocks({m_jobsDock}, {140}, Qt::Vertical);
  splitDockWidget(m_modelsDock, m_runsDock, Qt::Vertical);
  resizeDocks({m_modelsDock, m_runsDock}, {200, 500}, Qt::Vertical);
  resizeDocks({m_runsDock}, {420}, Qt::Horizontal);
}

void MainWindow::createViews() {
  m_sensitivity = new SensitivityView(m_store, m_tabs);
  m_distributions = new DistributionView(m_store, m_tabs);
  m_comparison = new ComparisonView(m_store, m_tabs);
  m_tabs->addTab(m_sensitivity, tr("Se&nsitivity"));
  m_tabs->addTab(m_distributions, tr("&Distributions"));
  m_tabs->addTab(m_comparison, tr("&Comparison"));
  connect(m_runsDock, &RunsDock::selectionChanged, m_sensitivity,
          &SensitivityView::setSelectedRuns);
  connect(m_runsDock, &RunsDock::selectionChanged, m_distributions,
          &DistributionView::setSelectedRuns);
  connect(m_runsDock, &RunsDock::selectionChanged, m_comparison, &ComparisonView::setSelectedRuns);
  connect(m_sensitivity, &SensitivityView::unitSelected, m_distributions,
          &DistributionView::showUnit);
}

ChartWidget* MainWindow::currentChart() const {
  for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget())
    if (auto* chart = qobject_cast<ChartWidget*>(w)) return chart;
  if (QWidget* page = m_tabs->currentWidget())
    for (ChartWidget* chart : page->findChildren<ChartWidget*>())
      if (chart->isVisible() && !chart->isEmpty()) return chart;
  return nullptr;
}

void MainWindow::connectActions() {
  const MainActions& a = *m_actions;
  connect(a.newWorkspace, &QAction::triggered, this, &MainWindow::newWorkspaceWithDialog);
  connect(a.openWorkspace, &QAction::triggered, this, &MainWindow::openWorkspaceWithDialog);
  connect(a.addModel, &QAction::triggered, m_modelsDock, &ModelsDock::addModelWithDialog);
  connect(a.quit, &QAction::triggered, this, &QWidget::close);
  connect(a.resetLayout, &QAction::triggered, this, [this] {
    restoreState(m_defaultState, kLayoutVersion);
    m_modelsDock->show();
    m_runsDock->show();
    m_jobsDock->show();
  });
  connect(a.showSensitivity, &QAction::triggered, this,
          [this] { m_tabs->setCurrentWidget(m_sensitivity); });
  connect(a.showDistributions, &QAction::triggered, this,
          [this] { m_tabs->setCurrentWidget(m_distributions); });
  connect(a.showComparison, &QAction::triggered, this,
          [this] { m_tabs->setCurrentWidget(m_comparison); });
  connect(a.newStudy, &QAction::triggered, this, &MainWindow::newStudyWithDialog);
  connect(a.defaultStudy, &QAction::triggered, this, &MainWindow::startDefaultStudy);
  connect(a.cancelAllJobs, &QAction::triggered, m_jobs, &JobController::cancelAll);
  connect(m_modelsDock, &ModelsDock::modelActivated, this, [this](const QString& path) {
    newStudyWithDialog();
    Q_UNUSED(path);
  });
  auto exportCurrent = [this](const QString& format) {
    if (ChartWidget* chart = currentChart())
      chart->exportInteractively(format);
    else
      statusBar()->showMessage(tr("No chart to export: select runs with results first"), 5000);
  };
  connect(a.exportChart, &QAction::triggered, this, [this, exportCurrent] {
    QStringList formats{QStringLiteral("PNG"), QStringLiteral("SVG"), QStringLiteral("PDF")};
    bool ok = false;
    const QString f =
        QInputDialog::getItem(this, tr("Export chart"), tr("Format:"), formats, 0, false, &ok);
    if (ok) exportCurrent(f.toLower());
  });
  connect(a.exportChartData, &QAction::triggered, this,
          [exportCurrent] { exportCurrent(QStringLiteral("csv")); });
  connect(a.exportReport, &QAction::triggered, this, &MainWindow::exportReportWithDialog);
  connect(a.about, &QAction::triggered, this, &MainWindow::showAbout);
  connect(a.aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

bool MainWindow::openWorkspace(const QString& path) {
  if (!m_store->open(path)) {
    statusBar()->showMessage(m_store->lastError());
    return false;
  }
  statusBar()->showMessage(tr("Opened workspace %1").arg(m_store->path()), 5000);
  return true;
}

void MainWindow::updateJobStatus() {
  const int id = m_jobs->runningJob();
  const auto job = id ? m_jobs->job(id) : std::nullopt;
  m_jobProgress->setVisible(job.has_value());
  if (!job) {
    m_jobLabel->clear();
    return;
  }
  m_jobProgress->setValue(static_cast<int>(job->fraction * 1000));
  QString text = tr("Job: %1").arg(job->request.name);
  if (job->etaS) text += QStringLiteral("  ") + tr("ETA %1").arg(JobsDock::formatEta(*job->etaS));
  m_jobLabel->setText(text);
}

void MainWindow::newStudyWithDialog() {
  if (!m_store->isOpen()) {
    statusBar()->showMessage(tr("Open a workspace first"), 5000);
    return;
  }
  QList<QPair<QString, QString>> models;
  ModelListModel* list = m_modelsDock->modelList();
  for (int r = 0; r < list->rowCount(); ++r)
    models.append({list->index(r, 0).data().toString(),
                   list->index(r, 0).data(ModelListModel::PathRole).toString()});
  NewStudyDialog dialog(models, this);
  dialog.setModelPath(m_modelsDock->selectedModelPath());
  if (dialog.exec() != QDialog::Accepted) return;
  try {
    QString error;
    queueStudy(*m_jobs, dialog.specs(), m_store->path(), &error);
    if (!error.isEmpty()) QMessageBox::warning(this, tr("New study"), error);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("New study"), QString::fromUtf8(e.what()));
  }
}

bool MainWindow::startDefaultStudy() {
  if (!m_store->isOpen() || !core::assetExists("models/smol-ref")) {
    statusBar()->showMessage(
        tr("The default study needs an open workspace and %1")
            .arg(QString::fromStdString((core::assetsRoot() / "models/smol-ref").string())),
        10000);
    return false;
  }
  QString error;
  const QString model = QString::fromStdString(core::assetPath("models/smol-ref").string());
  queueStudy(*m_jobs, defaultStudySpecs(model), m_store->path(), &error);
  if (!error.isEmpty()) {
    statusBar()->showMessage(error, 10000);
    return false;
  }
  return true;
}

bool MainWindow::exportReport(const QString& path) {
  const QVector<qint64> ids = m_runsDock->selectedRunIds();
  if (ids.isEmpty()) {
    statusBar()->showMessage(tr("Select one or more runs in the Runs panel first"), 8000);
    return false;
  }
  QString error;
  const ReportData data = collectReport(*m_store, QList<qint64>(ids.begin(), ids.end()), &error);
  const bool ok = error.isEmpty() && (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)
                                          ? exportReportPdf(data, path, &error)
                                          : exportReportHtml(data, path, &error));
  statusBar()->showMessage(
      ok ? tr("Report of %n run(s) written to %1", nullptr, static_cast<int>(data.runs.size()))
               .arg(path)
         : error,
      8000);
  return ok;
}

void MainWindow::exportReportWithDialog() {
  if (m_runsDock->selectedRunIds().isEmpty()) {
    statusBar()->showMessage(tr("Select one or more runs in the Runs panel first"), 8000);
    return;
  }
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export report"), QStringLiteral("report.html"),
                                   tr("HTML report (*.html);;PDF report (*.pdf)"));
  if (!path.isEmpty() && !exportReport(path))
    QMessageBox::warning(this, tr("Export report"), statusBar()->currentMessage());
}

void MainWindow::updateTitle() {
  const QString path = m_store->path();
  setWindowTitle(path.isEmpty() ? tr("SLMQuant Workbench")
                                : tr("%1 — SLMQuant Workbench").arg(QFileInfo(path).fileName()));
  setWindowFilePath(path);
  m_workspaceLabel->setText(path.isEmpty() ? tr("No workspace") : path);
}

void MainWindow::newWorkspaceWithDialog() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("New workspace"), QString(), tr("Workspaces (*.sqlite *.slmq);;All files (*)"));
  if (path.isEmpty()) return;
  if (QFileInfo::exists(path)) {
    QMessageBox::warning(this, tr("New workspace"),
                         tr("%1 already exists; use Open workspace to open it.").arg(path));
    return;
  }
  if (!openWorkspace(path)) QMessageBox::warning(this, tr("New workspace"), m_store->lastError());
}

void MainWindow::openWorkspaceWithDialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open workspace"), QString(), tr("Workspaces (*.sqlite *.slmq);;All files (*)"));
  if (path.isEmpty()) return;
  if (!openWorkspace(path)) QMessageBox::warning(this, tr("Open workspace"), m_store->lastError());
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About SLMQuant Workbench"),
      tr("<h3>SLMQuant Workbench %1</h3><p>Quantize small language models and see what "
         "quantization does to them: sensitivity, outliers, and the SLMQuant benchmark's "
         "compression, inference and consumption tracks.</p><p>Assets: %2</p>")
          .arg(QString::fromLatin1(core::versionString()),
               QString::fromStdString(core::assetsRoot().string()).toHtmlEscaped()));
}

void MainWindow::restoreLayout() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray(), kLayoutVersion);
}

void MainWindow::saveLayout() {
  QSettings settings;
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState(kLayoutVersion));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!m_jobs->isIdle() &&
      QMessageBox::question(this, tr("Quit"),
                            tr("Jobs are still running. Cancel them and quit?")) !=
          QMessageBox::Yes) {
    event->ignore();
    return;
  }
  m_jobs->cancelAll();
  saveLayout();
  event->accept();
}

}  // namespace slmq::ui
