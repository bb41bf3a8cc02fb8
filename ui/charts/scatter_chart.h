// Scatter of runs (e.g. accuracy against model size) with labelled points, the FP reference as
// a distinct marker and the Pareto front drawn as a step line.
#pragma once

#include <QPointF>
#include <QStringList>
#include <QVector>

#include "ui/charts/chart_widget.h"

class QCPItemText;

namespace slmq::ui {

/// Points in named series (one colour and marker per series, e.g. per method).
class ScatterChart : public ChartWidget {
  Q_OBJECT
 public:
  explicit ScatterChart(QWidget* parent = nullptr);

  /// Removes every series, the reference and the front.
  void clear();
  /// Adds a series of points with one label per point (labels drawn next to the points).
  /// Returns its index, or -1 (warning) when the sizes differ.
  int addSeries(const QString& name, const QVector<QPointF>& points, const QStringList& labels);
  int seriesCount() const { return m_series.size(); }

  /// The reference point (the FP model), drawn as a black diamond and taking part in the front.
  void setReference(const QString& label, const QPointF& point);
  void clearReference();

  /// Which way is better on each axis; the Pareto front is drawn through the non-dominated points.
  void setBetterDirections(bool smallerXIsBetter, bool largerYIsBetter);
  void setParetoFrontVisible(bool on);
  /// The points on the front, in increasing x.
  QVector<QPointF> paretoPoints() const { return m_front; }

  void setAxisTitles(const QString& xTitle, const QString& yTitle);
  /// Logarithmic x axis (for sizes and latencies spanning decades).
  void setLogX(bool on);

  QString toCsv() const override;
  bool isEmpty() const override { return m_series.isEmpty() && !m_hasReference; }

 private:
  struct Series {
    QString name;
    QVector<QPointF> points;
    QStringList labels;
  };
  void rebuild();

  QVector<Series> m_series;
  bool m_hasReference = false;
  QString m_referenceLabel;
  QPointF m_reference;
  bool m_smallerXBetter = true;
  bool m_largerYBetter = true;
  bool m_showFront = true;
  bool m_logX = false;
  QVector<QPointF> m_front;
  QVector<QCPItemText*> m_labels;  // point labels, owned by the plot
};

}  // namespace slmq::ui
