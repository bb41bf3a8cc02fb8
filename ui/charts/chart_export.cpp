// PNG/SVG/PDF rendering of a QCustomPlot through QCustomPlot::toPainter; see chart_export.h.
#include "ui/charts/chart_export.h"

#include <QFile>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <cmath>
#include <qcustomplot.h>

namespace slmq::ui {
namespace {

constexpr double kLayoutDpi = 96.0;

/// Layout size (device-independent pixels) at which the plot is drawn for `options`.
QSize layoutSize(const ChartExportOptions& options) {
  const double f = kLayoutDpi / options.dpi;
  return QSize(std::max(1, static_cast<int>(std::lround(options.sizePx.width() * f))),
               std::max(1, static_cast<int>(std::lround(options.sizePx.height() * f))));
}

void setError(QString* error, const QString& message) {
  if (error) *error = message;
}

/// Checks the options and that the folder of `path` exists; sets `error` and returns false if not.
bool precheck(const QString& path, const ChartExportOptions& options, QString* error) {
  const QString bad = validateExportOptions(options);
  if (!bad.isEmpty()) {
    setError(error, QObject::tr("Cannot export %1: %2").arg(path, bad));
    return false;
  }
  const QFileInfo info(path);
  if (!info.absoluteDir().exists()) {
    setError(
        error,
        QObject::tr("Cannot export %1: folder %2 does not exist").arg(path, info.absolutePath()));
    return false;
  }
  return true;
}

/// Draws the plot at `layout` size onto an active painter, vector-friendly.
void drawPlot(QCustomPlot& plot, QCPPainter& painter, QSize layout, bool vector) {
  if (vector) {
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
  }
  plot.toPainter(&painter, layout.width(), layout.height());
}

}  // namespace

QString validateExportOptions(const ChartExportOptions& options) {
  const QSize s = options.sizePx;
  if (s.width() < 16 || s.height() < 16 || s.width() > 20000 || s.height() > 20000)
    return QObject::tr("size %1x%2 px is outside 16..20000 px").arg(s.width()).arg(s.height());
  if (!(options.dpi >= 24.0 && options.dpi <= 1200.0))
    return QObject::tr("%1 DPI is outside 24..1200").arg(options.dpi);
  return {};
}

QImage renderChartImage(QCustomPlot& plot, const ChartExportOptions& options) {
  if (!validateExportOptions(options).isEmpty()) return {};
  QImage image(options.sizePx, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  const int dpm = static_cast<int>(std::lround(options.dpi / 0.0254));
  image.setDotsPerMeterX(dpm);
  image.setDotsPerMeterY(dpm);
  const QSize layout = layoutSize(options);
  QCPPainter painter(&image);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.scale(static_cast<double>(options.sizePx.width()) / layout.width(),
                static_cast<double>(options.sizePx.height()) / layout.height());
  drawPlot(plot, painter, layout, false);
  painter.end();
  return image;
}

bool exportChartPng(QCustomPlot& plot, const QString& path, const ChartExportOptions& options,
                    QString* error) {
  if (!precheck(path, options, error)) return false;
  const QImage image = renderChartImage(plot, options);
  if (image.isNull() || !image.save(path, "PNG")) {
    setError(error, QObject::tr("Cannot write PNG %1 (is the folder writable?)").arg(path));
    return false;
  }
  return true;
}

bool exportChartSvg(QCustomPlot& plot, const QString& path, const ChartExportOptions& options,
                    const QString& title, QString* error) {
  if (!precheck(path, options, error)) return false;
  const QSize layout = layoutSize(options);
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setTitle(title);
  generator.setDescription(QObject::tr("Exported by SLMQuant Workbench"));
  generator.setResolution(static_cast<int>(std::lround(options.dpi)));
  generator.setSize(options.sizePx);
  generator.setViewBox(QRect(QPoint(0, 0), layout));
  QCPPainter painter;
  if (!painter.begin(&generator)) {
    setError(error, QObject::tr("Cannot write SVG %1 (is the folder writable?)").arg(path));
    return false;
  }
  drawPlot(plot, painter, layout, true);
  painter.end();
  if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
    setError(error, QObject::tr("Cannot write SVG %1").arg(path));
    return false;
  }
  return true;
}

bool exportChartPdf(QCustomPlot& plot, const QString& path, const ChartExportOptions& options,
                    const QString& title, QString* error) {
  if (!precheck(path, options, error)) return false;
  {
    // QPdfWriter does not report an unwritable file until the painter fails; probe first.
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly)) {
      setError(error, QObject::tr("Cannot write PDF %1: %2").arg(path, probe.errorString()));
      return false;
    }
  }
  const QSize layout = layoutSize(options);
  QPdfWriter writer(path);
  writer.setTitle(title);
  writer.setCreator(QStringLiteral("SLMQuant Workbench"));
  writer.setResolution(static_cast<int>(kLayoutDpi));
  // Page in points: pixels / dpi inches * 72 pt per inch.
  const QSizeF pagePt(options.sizePx.width() / options.dpi * 72.0,
                      options.sizePx.height() / options.dpi * 72.0);
  writer.setPageLayout(
      QPageLayout(QPageSize(pagePt, QPageSize::Point, QString(), QPageSize::ExactMatch),
                  QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
  QCPPainter painter;
  if (!painter.begin(&writer)) {
    setError(error, QObject::tr("Cannot write PDF %1").arg(path));
    return false;
  }
  painter.setWindow(QRect(QPoint(0, 0), layout));
  drawPlot(plot, painter, layout, true);
  painter.end();
  return true;
}

}  // namespace slmq::ui
