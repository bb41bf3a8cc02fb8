// Base of every chart in the workbench: owns the QCustomPlot, gives it the shared look, and
// offers Export (PNG/SVG/PDF at a chosen size and DPI, CSV of the data) and Copy in its context
// menu. Subclasses expose domain setters; nothing outside ui/charts names QCustomPlot types.
#pragma once

#include <QString>
#include <QWidget>

#include "ui/charts/chart_export.h"

class QCustomPlot;
class QCPItemText;
class QCPTextElement;
class QMenu;

namespace slmq::ui {

/// A chart with export and copy. Not thread-safe (GUI thread only), like every widget.
class ChartWidget : public QWidget {
  Q_OBJECT
 public:
  explicit ChartWidget(QWidget* parent = nullptr);
  ~ChartWidget() override;

  /// Title drawn above the plot and used as the default export file name.
  void setTitle(const QString& title);
  QString title() const { return m_title; }

  /// Text shown in the middle of the plot when it has no data (e.g. "Select runs").
  void setPlaceholder(const QString& text);

  /// The chart's data as CSV (RFC 4180: comma separated, quoted where needed, header row).
  virtual QString toCsv() const = 0;

  /// True when the chart has nothing to draw.
  virtual bool isEmpty() const = 0;

  /// Export to a file; `error` receives a message naming the file on failure.
  bool exportPng(const QString& path, const ChartExportOptions& options, QString* error) const;
  bool exportSvg(const QString& path, const ChartExportOptions& options, QString* error) const;
  bool exportPdf(const QString& path, const ChartExportOptions& options, QString* error) const;
  bool exportCsv(const QString& path, QString* error) const;

  /// Renders the chart as an image (e.g. for reports and the clipboard).
  QImage toImage(const ChartExportOptions& options) const;

  /// Puts the chart on the clipboard as an image, with its CSV as text.
  void copyToClipboard() const;

  /// Asks for size/DPI (images) and a file name, then exports; `format` is png, svg, pdf or csv.
  /// Failures are shown in a message box.
  void exportInteractively(const QString& format);

  /// The context menu offered on right click (built fresh each time; caller owns it).
  QMenu* createContextMenu(QWidget* parent);

  /// The plot, for tests that assert on plottables and axes. Views must not use it.
  QCustomPlot* plot() const { return m_plot; }

  /// `text` broken into lines at spaces (inside words where a word alone is too wide) so that
  /// no line is wider than `width` pixels in `font`; unchanged when width <= 0.
  static QString wrapText(const QString& text, const QFont& font, int width);

  /// Quotes a CSV field if it contains a comma, quote or line break.
  static QString csvField(const QString& field);
  /// Formats a number for CSV and tooltips: exact enough to round-trip a float (%.9g).
  static QString csvNumber(double value);

 protected:
  /// Call after the data changed: updates the placeholder and replots.
  void refresh();
  /// Subclasses add their own entries (e.g. a log-scale toggle) at the top of the context menu.
  virtual void extendContextMenu(QMenu* menu) {}

 private:
  void showContextMenu(const QPoint& pos);
  /// Sets the legend's entries per row to what fits the plot's width (at least one).
  void fitLegendColumns();

  QCustomPlot* m_plot = nullptr;  // child widget, owned by Qt parent
  QCPItemText* m_placeholder = nullptr;
  QString m_placeholderText;  // unwrapped; wrapped to the axis rect on every layout
  QString m_title;
  QCPTextElement* m_titleElement = nullptr;
};

}  // namespace slmq::ui
