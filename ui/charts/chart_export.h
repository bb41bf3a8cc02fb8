// Renders a QCustomPlot to PNG, SVG and PDF at a chosen pixel size and DPI. Only chart widgets
// call these; the rest of the UI goes through ChartWidget.
#pragma once

#include <QImage>
#include <QSize>
#include <QString>

class QCustomPlot;

namespace slmq::ui {

/// Size and resolution of an exported chart. The chart is laid out at sizePx * 96 / dpi
/// device-independent pixels and scaled up, so text keeps its physical size in print: a
/// 1600x1000 export at 192 DPI looks like an 800x500 window on a 200% screen.
struct ChartExportOptions {
  QSize sizePx{1600, 1000};  ///< output size in pixels (PNG) or pixels at `dpi` (SVG, PDF)
  double dpi = 192.0;        ///< dots per inch; 96 = one output pixel per layout pixel
};

/// Returns a description of what is wrong with `options` (size out of 16..20000 px, DPI out of
/// 24..1200), or an empty string when they are usable.
QString validateExportOptions(const ChartExportOptions& options);

/// Renders `plot` into an image of exactly options.sizePx, tagged with options.dpi.
/// Returns a null image when the options are invalid.
QImage renderChartImage(QCustomPlot& plot, const ChartExportOptions& options);

/// Writes a PNG. On failure returns false and sets `error` to a message naming the file.
bool exportChartPng(QCustomPlot& plot, const QString& path, const ChartExportOptions& options,
                    QString* error);

/// Writes an SVG (vector; text stays text) with a physical size of sizePx / dpi inches.
bool exportChartSvg(QCustomPlot& plot, const QString& path, const ChartExportOptions& options,
                    const QString& title, QString* error);

/// Writes a one-page PDF (vector) with a page of sizePx / dpi inches.
bool exportChartPdf(QCustomPlot& plot, const QString& path, const ChartExportOptions& options,
                    const QString& title, QString* error);

}  // namespace slmq::ui
