// ChartWidget: shared look, placeholder, export and copy; see chart_widget.h.
#include "ui/charts/chart_widget.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "ui/charts/export_dialog.h"

namespace slmq::ui {

ChartWidget::ChartWidget(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_plot = new QCustomPlot(this);
  m_plot->setObjectName(QStringLiteral("plot"));
  m_plot->setMinimumSize(240, 160);
  m_plot->setAntialiasedElements(QCP::aePlottables | QCP::aeItems | QCP::aeLegend);
  // A translucent legend: data under it (a scatter point in the corner) stays visible.
  m_plot->legend->setBrush(QColor(255, 255, 255, 170));
  m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
  m_plot->setFocusPolicy(Qt::StrongFocus);
  connect(m_plot, &QWidget::customContextMenuRequested, this, &ChartWidget::showContextMenu);
  layout->addWidget(m_plot);

  m_placeholder = new QCPItemText(m_plot);
  m_placeholder->setPositionAlignment(Qt::AlignCenter);
  m_placeholder->position->setType(QCPItemPosition::ptAxisRectRatio);
  m_placeholder->position->setCoords(0.5, 0.5);
  m_placeholder->setColor(QColor("#606060"));
  m_placeholder->setText(tr("No data"));
  m_placeholder->setClipToAxisRect(false);
  m_placeholder->setLayer(QStringLiteral("overlay"));
}

ChartWidget::~ChartWidget() = default;

void ChartWidget::setTitle(const QString& title) {
  m_title = title;
  if (!m_titleElement) {
    m_plot->plotLayout()->insertRow(0);
    m_titleElement = new QCPTextElement(m_plot, title, QFont(font().family(), -1, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, m_titleElement);
  }
  m_titleElement->setText(title);
  m_plot->replot();
}

void ChartWidget::setPlaceholder(const QString& text) {
  m_placeholder->setText(text);
  refresh();
}

void ChartWidget::refresh() {
  m_placeholder->setVisible(isEmpty());
  m_plot->replot();
}

bool ChartWidget::exportPng(const QString& path, const ChartExportOptions& options,
                            QString* error) const {
  return exportChartPng(*m_plot, path, options, error);
}

bool ChartWidget::exportSvg(const QString& path, const ChartExportOptions& options,
                            QString* error) const {
  return exportChartSvg(*m_plot, path, options, m_title, error);
}

bool ChartWidget::exportPdf(const QString& path, const ChartExportOptions& options,
                            QString* error) const {
  return exportChartPdf(*m_plot, path, options, m_title, error);
}

bool ChartWidget::exportCsv(const QString& path, QString* error) const {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error) *error = tr("Cannot write CSV %1: %2").arg(path, file.errorString());
    return false;
  }
  file.write(toCsv().toUtf8());
  if (!file.commit()) {
    if (error) *error = tr("Cannot write CSV %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

QImage ChartWidget::toImage(const ChartExportOptions& options) const {
  return renderChartImage(*m_plot, options);
}

void ChartWidget::copyToClipboard() const {
  auto* mime = new QMimeData;
  const QSize size = m_plot->size().isValid() && !m_plot->size().isEmpty() ? m_plot->size() * 2
                                                                           : QSize(1600, 1000);
  mime->setImageData(toImage({size, 192.0}));
  mime->setText(toCsv());
  QApplication::clipboard()->setMimeData(mime);
}

QMenu* ChartWidget::createContextMenu(QWidget* parent) {
  auto* menu = new QMenu(parent);
  extendContextMenu(menu);
  if (!menu->isEmpty()) menu->addSeparator();
  const bool empty = isEmpty();
  auto add = [&](const QString& text, auto slot) {
    QAction* a = menu->addAction(text);
    a->setEnabled(!empty);
    connect(a, &QAction::triggered, this, slot);
    return a;
  };
  add(tr("Export as &PNG..."), [this] { exportInteractively(QStringLiteral("png")); });
  add(tr("Export as &SVG..."), [this] { exportInteractively(QStringLiteral("svg")); });
  add(tr("Export as P&DF..."), [this] { exportInteractively(QStringLiteral("pdf")); });
  add(tr("Export data as &CSV..."), [this] { exportInteractively(QStringLiteral("csv")); });
  menu->addSeparator();
  add(tr("&Copy to clipboard"), [this] { copyToClipboard(); });
  return menu;
}

void ChartWidget::showContextMenu(const QPoint& pos) {
  QMenu* menu = createContextMenu(this);
  menu->setAttribute(Qt::WA_DeleteOnClose);
  menu->popup(m_plot->mapToGlobal(pos));
}

void ChartWidget::exportInteractively(const QString& format) {
  QSettings settings;
  const QString dir = settings.value(QStringLiteral("export/lastDir"), QDir::homePath()).toString();
  QString base = m_title.isEmpty() ? QStringLiteral("chart") : m_title;
  base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("_"));
  ChartExportOptions options;
  if (format != QLatin1String("csv")) {
    ExportDialog dialog(this);
    dialog.setOptions(options);
    if (dialog.exec() != QDialog::Accepted) return;
    options = dialog.options();
  }
  const QString filter = format.toUpper() + tr(" files (*.%1)").arg(format);
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export chart"), QDir(dir).filePath(base + QLatin1Char('.') + format), filter);
  if (path.isEmpty()) return;
  settings.setValue(QStringLiteral("export/lastDir"), QFileInfo(path).absolutePath());
  QString error;
  bool ok = false;
  if (format == QLatin1String("png"))
    ok = exportPng(path, options, &error);
  else if (format == QLatin1String("svg"))
    ok = exportSvg(path, options, &error);
  else if (format == QLatin1String("pdf"))
    ok = exportPdf(path, options, &error);
  else
    ok = exportCsv(path, &error);
  if (!ok) QMessageBox::warning(this, tr("Export failed"), error);
}

QString ChartWidget::csvField(const QString& field) {
  static const QRegularExpression kNeedsQuotes(QStringLiteral("[,\"\\r\\n]"));
  if (!field.contains(kNeedsQuotes)) return field;
  QString quoted = field;
  quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString ChartWidget::csvNumber(double value) {
  if (std::isnan(value)) return {};
  return QString::number(value, 'g', 9);
}

}  // namespace slmq::ui
