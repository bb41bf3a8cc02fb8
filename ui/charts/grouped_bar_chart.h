// Grouped bars: groups (e.g. tasks) along x, one bar per series (e.g. run) in each group, with
// optional error bars and the FP reference drawn as a dashed line over each group.
#pragma once

#include <QPointF>
#include <QStringList>
#include <QVector>

#include "ui/charts/chart_widget.h"

class QCPBars;
class QCPBarsGroup;

namespace slmq::ui {

/// Bar chart with groups x series. Missing values (NaN) leave a gap.
class GroupedBarChart : public ChartWidget {
  Q_OBJECT
 public:
  explicit GroupedBarChart(QWidget* parent = nullptr);

  /// Sets the groups and removes every series and the reference.
  void setGroups(const QStringList& groups);
  QStringList groups() const { return m_groups; }

  /// Adds a series with one value per group (NaN = missing) and optional symmetric errors
  /// (empty = none; NaN = none for that bar). Returns its index, or -1 (warning) on a size
  /// mismatch.
  int addSeries(const QString& name, const QVector<double>& values,
                const QVector<double>& errors = {});
  int seriesCount() const { return m_series.size(); }
  QString seriesName(int index) const { return m_series.value(index).name; }
  double value(int series, int group) const;

  /// The reference (the FP model): one value for a line across the chart, or one per group for a
  /// dashed segment over each group. An empty vector removes it.
  void setReference(const QString& label, const QVector<double>& values);
  QVector<double> referenceValues() const { return m_reference; }

  /// Value axis title, e.g. "accuracy (%)"; `zeroBased` keeps 0 in the value range.
  void setValueTitle(const QString& title, bool zeroBased = true);

  /// The tooltip text for the bar under a point in plot-widget pixels (empty if none).
  QString toolTipAt(const QPointF& pixel) const;

  QString toCsv() const override;
  bool isEmpty() const override;

 private:
  struct Series {
    QString name;
    QVector<double> values;
    QVector<double> errors;
  };
  void rebuild();

  QStringList m_groups;
  QVector<Series> m_series;
  QString m_referenceLabel;
  QVector<double> m_reference;
  QString m_valueTitle;
  bool m_zeroBased = true;
  QCPBarsGroup* m_barsGroup = nullptr;
  QVector<QCPBars*> m_bars;  // one per series, owned by the plot
};

}  // namespace slmq::ui
