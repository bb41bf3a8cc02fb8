// HistogramChart: overlaid step histograms; see histogram_chart.h.
#include "ui/charts/histogram_chart.h"

#include <QMenu>
#include <QtDebug>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "ui/charts/palette.h"

namespace slmq::ui {

HistogramChart::HistogramChart(QWidget* parent) : ChartWidget(parent) {
  plot()->legend->setVisible(true);
  setAxisTitles(tr("value"), tr("count"));
  rebuild();
}

void HistogramChart::clear() {
  m_series.clear();
  rebuild();
}

int HistogramChart::addSeries(const QString& name, const QVector<double>& binEdges,
                              const QVector<double>& counts) {
  bool ok = !counts.isEmpty() && binEdges.size() == counts.size() + 1;
  for (int i = 0; ok && i < binEdges.size(); ++i)
    ok = std::isfinite(binEdges[i]) && (i == 0 || binEdges[i] > binEdges[i - 1]);
  for (int i = 0; ok && i < counts.size(); ++i) ok = std::isfinite(counts[i]) && counts[i] >= 0;
  if (!ok) {
    qWarning(
        "HistogramChart::addSeries: series '%s' ignored (%lld edges, %lld counts; edges must "
        "be n+1 increasing, counts finite and >= 0)",
        qPrintable(name), static_cast<long long>(binEdges.size()),
        static_cast<long long>(counts.size()));
    return -1;
  }
  m_series.append({name, binEdges, counts});
  rebuild();
  return m_series.size() - 1;
}

void HistogramChart::setAxisTitles(const QString& xTitle, const QString& yTitle) {
  plot()->xAxis->setLabel(xTitle);
  plot()->yAxis->setLabel(yTitle);
  plot()->replot();
}

void HistogramChart::setLogScale(bool on) {
  if (m_log == on) return;
  m_log = on;
  plot()->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on)
    plot()->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else
    plot()->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  rebuild();
  emit logScaleChanged(on);
}

void HistogramChart::extendContextMenu(QMenu* menu) {
  QAction* a = menu->addAction(tr("&Logarithmic counts"));
  a->setCheckable(true);
  a->setChecked(m_log);
  connect(a, &QAction::toggled, this, &HistogramChart::setLogScale);
}

void HistogramChart::rebuild() {
  QCustomPlot* p = plot();
  p->clearGraphs();
  double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo;
  double yMax = 0.0, yMinPositive = std::numeric_limits<double>::infinity();
  for (int s = 0; s < m_series.size(); ++s) {
    const Series& series = m_series[s];
    QCPGraph* g = p->addGraph();
    g->setName(series.name);
    g->setLineStyle(QCPGraph::lsStepLeft);
    QColor color = seriesColor(s);
    g->setPen(QPen(color, 1.6));
    color.setAlpha(50);
    g->setBrush(color);
    QVector<double> keys = series.edges;
    QVector<double> values = series.counts;
    values.append(series.counts.back());  // close the last step at the right edge
    if (m_log)
      for (double& v : values)
        if (v <= 0.0) v = std::numeric_limits<double>::quiet_NaN();
    g->setData(keys, values, true);
    xLo = std::min(xLo, series.edges.front());
    xHi = std::max(xHi, series.edges.back());
    for (double c : series.counts) {
      yMax = std::max(yMax, c);
      if (c > 0.0) yMinPositive = std::min(yMinPositive, c);
    }
  }
  if (m_series.isEmpty()) {
    p->xAxis->setRange(0, 1);
    p->yAxis->setRange(m_log ? 1.0 : 0.0, m_log ? 10.0 : 1.0);
  } else {
    const double pad = (xHi - xLo) * 0.02;
    p->xAxis->setRange(xLo - pad, xHi + pad);
    if (m_log) {
      if (!std::isfinite(yMinPositive)) yMinPositive = yMax = 1.0;
      p->yAxis->setRange(yMinPositive / 2.0, yMax * 2.0);
    } else {
      p->yAxis->setRange(0.0, yMax > 0.0 ? yMax * 1.05 : 1.0);
    }
  }
  p->legend->setVisible(!m_series.isEmpty());
  refresh();
}

QString HistogramChart::toCsv() const {
  QStringList lines{QStringLiteral("series,bin_lower,bin_upper,count")};
  for (const Series& s : m_series)
    for (int i = 0; i < s.counts.size(); ++i)
      lines << QStringList{csvField(s.name), csvNumber(s.edges[i]), csvNumber(s.edges[i + 1]),
                           csvNumber(s.counts[i])}
                   .join(QLatin1Char(','));
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace slmq::ui
