// A rows x columns heatmap (layer x module in the sensitivity view): QCPColorMap without
// interpolation with a colour-scale legend — viridis for values of one sign, a diverging
// blue-white-red scale centred on zero when the values have both signs (a ΔPPL that is noise
// around zero must not look like a strong effect) —, exact values in tooltips, missing cells in
// light grey, and a signal when a cell is clicked.
#pragma once

#include <QPointF>
#include <QStringList>
#include <QVector>

#include "ui/charts/chart_widget.h"

class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QMouseEvent;

namespace slmq::ui {

/// Heatmap with rows drawn top to bottom (row 0 = first layer at the top) and columns left to
/// right.
class HeatmapChart : public ChartWidget {
  Q_OBJECT
 public:
  explicit HeatmapChart(QWidget* parent = nullptr);

  /// Sets the grid. `values` is row-major with rows.size() * columns.size() entries; NaN marks a
  /// cell without a measurement. A size mismatch clears the chart (and is logged as a warning).
  void setData(const QStringList& rows, const QStringList& columns, const QVector<double>& values);
  /// Clears every cell.
  void clear();

  /// Axis titles, e.g. "layer" and "module", and the colour scale's label, e.g. "ΔPPL".
  void setAxisTitles(const QString& rowTitle, const QString& columnTitle);
  void setValueLabel(const QString& label);

  /// Fixes the colour scale (for two heatmaps side by side). lower < upper, both finite.
  void setValueRange(double lower, double upper);
  /// Lets the colour scale follow the finite values of the data again (the default).
  void setAutoValueRange();
  /// Ticks of the colour scale at whole numbers only (for counts and bit widths).
  void setIntegerTicks(bool on);
  /// The colour scale's tick positions as last drawn.
  QVector<double> colorScaleTicks() const;
  /// Logarithmic colour scale (values <= 0 are shown as missing); for MSE-like metrics.
  void setLogScale(bool on);

  /// Smallest and largest finite value in the data; (NaN, NaN) when there is none.
  QPair<double, double> dataRange() const;
  /// The colour scale in use.
  QPair<double, double> valueRange() const;
  /// True when the diverging scale is in use: the range in use has lower < 0 < upper (linear
  /// scale only). In auto range it is then symmetric, [-m, m] with m the largest |value|.
  bool isDiverging() const { return m_diverging; }

  int rowCount() const { return m_rows.size(); }
  int columnCount() const { return m_columns.size(); }
  /// The value of a cell (NaN if missing or out of range).
  double value(int row, int column) const;

  /// Outlines one cell (row, column); (-1, -1) removes the outline.
  void setSelectedCell(int row, int column);
  QPair<int, int> selectedCell() const { return {m_selectedRow, m_selectedColumn}; }

  /// The cell under a point in plot-widget pixels, or (-1, -1).
  QPair<int, int> cellAt(const QPointF& pixel) const;
  /// Centre of a cell in plot-widget pixels (for tests that click).
  QPointF cellCenter(int row, int column) const;
  /// The tooltip text for a cell: its row, column and exact value.
  QString toolTipFor(int row, int column) const;

  QString toCsv() const override;
  bool isEmpty() const override { return m_values.isEmpty(); }

 signals:
  /// The user clicked a cell (row, column indices into the labels last set).
  void cellClicked(int row, int column);

 private:
  void onMouseMove(QMouseEvent* event);
  void onMousePress(QMouseEvent* event);
  void applyValueRange();
  void updateTicks();

  QCPColorMap* m_map = nullptr;
  QCPColorScale* m_scale = nullptr;
  QCPItemRect* m_selection = nullptr;
  QStringList m_rows;
  QStringList m_columns;
  QVector<double> m_values;
  QString m_rowTitle;
  QString m_columnTitle;
  QString m_valueLabel;
  bool m_autoRange = true;
  bool m_log = false;
  bool m_diverging = false;
  double m_lower = 0.0;
  double m_upper = 1.0;
  int m_selectedRow = -1;
  int m_selectedColumn = -1;
};

}  // namespace slmq::ui
