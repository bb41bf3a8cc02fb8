// ChartWidget: shared look, placeholder, export and copy; see chart_widget.h.
#include "ui/charts/chart_widget.h"

#include <QApplication>
#include <algorithm>
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
  // The legend gets its own row under the axis rect, laid out left to right, so it never hides
  // data (a scatter point in a corner, the tallest bar) whatever the data range.
  QCPLegend* legend = m_plot->legend;
  m_plot->axisRect()->insetLayout()->take(legend);
  m_plot->axisRect()->insetLayout()->simplify();
  // [legend | spacer]: the legend keeps its natural width at the left instead of spreading its
  // entries over the whole row.
  auto* legendRow = new QCPLayoutGrid;
  m_plot->plotLayout()->addElement(1, 0, legendRow);
  m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
  legendRow->addElement(0, 0, legend);
  legendRow->addElement(0, 1, new QCPLayoutElement(m_plot));
  legendRow->setColumnStretchFactor(0, 0.001);
  legendRow->setColumnSpacing(0);
  // Its left edge follows the axis rect's, so the legend starts under the plot area.
  auto* leftEdge = new QCPMarginGroup(m_plot);
  m_plot->axisRect()->setMarginGroup(QCP::msLeft, leftEdge);
  legendRow->setMarginGroup(QCP::msLeft, leftEdge);
  legendRow->setAutoMargins(QCP::msLeft);
  m_plot->plotLayout()->setRowSpacing(0);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  legend->setMargins(QMargins(4, 0, 4, 2));
  legend->setRowSpacing(0);
  legend->setColumnSpacing(12);
  m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
  m_plot->setFocusPolicy(Qt::StrongFocus);
  connect(m_plot, &QWidget::customContextMenuRequested, this, &ChartWidget::showContextMenu);
  layout->addWidget(m_plot);

  m_placeholder = new QCPItemText(m_plot);
  m_placeholder->setPositionAlignment(Qt::AlignCenter);
  m_placeholder->position->setType(QCPItemPosition::ptAxisRectRatio);
  m_placeholder->position->setCoords(0.5, 0.5);
  m_placeholder->setColor(QColor("#606060"));
  m_placeholderText = tr("No data");
  m_placeholder->setText(m_placeholderText);
  m_placeholder->setClipToAxisRect(false);
  m_placeholder->setLayer(QStringLiteral("overlay"));
  // Wrap the placeholder to the axis rect once the layout of this replot is known, so a long
  // hint (or its translation) stays inside a small chart.
  connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
    const int width = m_plot->axisRect()->width() - 16;
    m_placeholder->setText(wrapText(m_placeholderText, m_placeholder->font(), width));
  });
  // Before each layout: as many legend entries per row as fit the width, so a narrow chart wraps
  // its legend onto more rows instead of clipping the last entries.
  connect(m_plot, &QCustomPlot::beforeReplot, this, [this] { fitLegendColumns(); });
}

void ChartWidget::fitLegendColumns() {
  QCPLegend* legend = m_plot->legend;
  // itemCount() counts the grid's cells, empty ones included (item() is then null).
  int n = 0, widest = 0;
  for (int i = 0; i < legend->itemCount(); ++i)
    if (const QCPAbstractLegendItem* item = legend->item(i)) {
      ++n;
      widest = std::max(widest, item->minimumOuterSizeHint().width());
    }
  if (n == 0) return;
  const int spacing = legend->columnSpacing();
  const int available = m_plot->width() - m_plot->axisRect()->margins().left() -
                        legend->margins().left() - legend->margins().right() - 4;
  const int columns = std::clamp((available + spacing) / std::max(1, widest + spacing), 1, n);
  if (columns == legend->wrap()) return;
  legend->setWrap(columns);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);  // re-arrange the entries
}

QString ChartWidget::wrapText(const QString& text, const QFont& font, int width) {
  if (width <= 0) return text;
  const QFontMetrics metrics(font);
  QStringList lines;
  QString line;
  auto flush = [&] {
    if (!line.isEmpty()) lines << line;
    line.clear();
  };
  for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
    const QString candidate = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
    if (metrics.horizontalAdvance(candidate) <= width) {
      line = candidate;
      continue;
    }
    flush();
    // A word wider than the line (or text without spaces, as in Chinese): break by characters.
    for (const QChar c : word) {
      if (!line.isEmpty() && metrics.horizontalAdvance(line + c) > width) flush();
      line += c;
    }
  }
  flush();
  return lines.join(QLatin1Char('\n'));
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
  m_placeholderText = text;
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
