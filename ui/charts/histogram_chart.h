// Overlaid histograms (e.g. a weight tensor before and after quantization) drawn as step
// outlines with a light fill, with a linear / logarithmic count axis.
#pragma once

#include <QStringList>
#include <QVector>

#include "ui/charts/chart_widget.h"

namespace slmq::ui {

/// Histograms sharing one x axis. Each series has bin edges (n+1, increasing) and counts (n).
class HistogramChart : public ChartWidget {
  Q_OBJECT
 public:
  explicit HistogramChart(QWidget* parent = nullptr);

  /// Removes every series.
  void clear();
  /// Adds a series; returns its index, or -1 (with a warning, nothing drawn) when the edges are
  /// not n+1 increasing finite numbers or a count is negative or not finite.
  int addSeries(const QString& name, const QVector<double>& binEdges,
                const QVector<double>& counts);
  int seriesCount() const { return m_series.size(); }
  QString seriesName(int index) const { return m_series.value(index).name; }

  /// Axis titles, e.g. "weight value" and "count".
  void setAxisTitles(const QString& xTitle, const QString& yTitle);

  /// Logarithmic count axis (empty bins drop to the bottom of the plot).
  void setLogScale(bool on);
  bool logScale() const { return m_log; }

  QString toCsv() const override;
  bool isEmpty() const override { return m_series.isEmpty(); }

 signals:
  void logScaleChanged(bool on);

 protected:
  void extendContextMenu(QMenu* menu) override;

 private:
  struct Series {
    QString name;
    QVector<double> edges;
    QVector<double> counts;
  };
  void rebuild();

  QVector<Series> m_series;
  bool m_log = false;
};

}  // namespace slmq::ui
