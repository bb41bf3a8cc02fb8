// ScatterChart: labelled points, reference and Pareto front; see scatter_chart.h.
#include "ui/charts/scatter_chart.h"

#include <QtDebug>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "ui/charts/palette.h"
#include "ui/charts/pareto.h"

namespace slmq::ui {
namespace {
const QCPScatterStyle::ScatterShape kShapes[] = {
    QCPScatterStyle::ssDisc,   QCPScatterStyle::ssSquare,           QCPScatterStyle::ssTriangle,
    QCPScatterStyle::ssCircle, QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssCross,
    QCPScatterStyle::ssPlus};
}  // namespace

ScatterChart::ScatterChart(QWidget* parent) : ChartWidget(parent) {
  plot()->legend->setVisible(true);
  rebuild();
}

void ScatterChart::clear() {
  m_series.clear();
  m_hasReference = false;
  rebuild();
}

int ScatterChart::addSeries(const QString& name, const QVector<QPointF>& points,
                            const QStringList& labels) {
  if (points.size() != labels.size()) {
    qWarning("ScatterChart::addSeries: series '%s' has %lld points and %lld labels; ignored",
             qPrintable(name), static_cast<long long>(points.size()),
             static_cast<long long>(labels.size()));
    return -1;
  }
  m_series.append({name, points, labels});
  rebuild();
  return m_series.size() - 1;
}

void ScatterChart::setReference(const QString& label, const QPointF& point) {
  m_hasReference = true;
  m_referenceLabel = label;
  m_reference = point;
  rebuild();
}

void ScatterChart::clearReference() {
  m_hasReference = false;
  rebuild();
}

void ScatterChart::setBetterDirections(bool smallerXIsBetter, bool largerYIsBetter) {
  m_smallerXBetter = smallerXIsBetter;
  m_largerYBetter = largerYIsBetter;
  rebuild();
}

void ScatterChart::setParetoFrontVisible(bool on) {
  m_showFront = on;
  rebuild();
}

void ScatterChart::setAxisTitles(const QString& xTitle, const QString& yTitle) {
  plot()->xAxis->setLabel(xTitle);
  plot()->yAxis->setLabel(yTitle);
  plot()->replot();
}

void ScatterChart::setLogX(bool on) {
  m_logX = on;
  plot()->xAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on)
    plot()->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else
    plot()->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  rebuild();
}

void ScatterChart::rebuild() {
  QCustomPlot* p = plot();
  p->clearGraphs();
  for (QCPItemText* label : m_labels) p->removeItem(label);
  m_labels.clear();
  QVector<QPointF> all;
  auto addLabel = [&](const QPointF& at, const QString& text, const QColor& color) {
    auto* label = new QCPItemText(p);
    label->position->setCoords(at.x(), at.y());
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setPadding(QMargins(5, 0, 0, 2));
    label->setColor(color.darker(140));
    label->setText(text);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    label->setFont(f);
    m_labels << label;
  };
  for (int s = 0; s < m_series.size(); ++s) {
    const Series& series = m_series[s];
    QCPGraph* g = p->addGraph();
    g->setName(series.name);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(
        QCPScatterStyle(kShapes[s % std::size(kShapes)], seriesColor(s), seriesColor(s), 9));
    QVector<double> x, y;
    for (int i = 0; i < series.points.size(); ++i) {
      x << series.points[i].x();
      y << series.points[i].y();
      all << series.points[i];
      addLabel(series.points[i], series.labels[i], seriesColor(s));
    }
    g->setData(x, y);
  }
  if (m_hasReference) {
    QCPGraph* g = p->addGraph();
    g->setName(m_referenceLabel);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, referenceColor(), referenceColor(), 12));
    g->setData({m_reference.x()}, {m_reference.y()});
    all << m_reference;
    addLabel(m_reference, m_referenceLabel, referenceColor());
  }
  m_front.clear();
  if (m_showFront && all.size() >= 2) {
    for (int i : paretoFront(all, m_smallerXBetter, m_largerYBetter)) m_front << all[i];
    QCPGraph* g = p->addGraph();
    g->setName(tr("Pareto front"));
    g->setPen(QPen(QColor("#808080"), 1.5, Qt::DashLine));
    // A step from each front point to the next: the best y reachable up to that x.
    g->setLineStyle(m_smallerXBetter == m_largerYBetter ? QCPGraph::lsStepLeft
                                                        : QCPGraph::lsStepRight);
    QVector<double> x, y;
    for (const QPointF& pt : m_front) x << pt.x(), y << pt.y();
    g->setData(x, y);
  }
  // Ranges: data bounds with 8% padding (multiplicative on a log axis).
  double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
  for (const QPointF& pt : all) {
    if (!std::isfinite(pt.x()) || !std::isfinite(pt.y()) || (m_logX && pt.x() <= 0)) continue;
    xLo = std::min(xLo, pt.x()), xHi = std::max(xHi, pt.x());
    yLo = std::min(yLo, pt.y()), yHi = std::max(yHi, pt.y());
  }
  if (!std::isfinite(xLo)) xLo = m_logX ? 1.0 : 0.0, xHi = m_logX ? 10.0 : 1.0, yLo = 0, yHi = 1;
  if (m_logX) {
    const double f = xHi > xLo ? std::pow(xHi / xLo, 0.08) : 2.0;
    p->xAxis->setRange(xLo / f, xHi * f * f);  // extra room on the right for labels
  } else {
    const double pad = xHi > xLo ? (xHi - xLo) * 0.08 : std::max(1.0, std::abs(xLo) * 0.1);
    p->xAxis->setRange(xLo - pad, xHi + 2 * pad);
  }
  const double pad = yHi > yLo ? (yHi - yLo) * 0.1 : std::max(1.0, std::abs(yLo) * 0.1);
  p->yAxis->setRange(yLo - pad, yHi + pad);
  p->legend->setVisible(!isEmpty());
  refresh();
}

QString ScatterChart::toCsv() const {
  QStringList lines{QStringLiteral("series,label,x,y,on_pareto_front")};
  auto onFront = [&](const QPointF& pt) {
    return m_front.contains(pt) ? QStringLiteral("1") : QStringLiteral("0");
  };
  for (const Series& s : m_series)
    for (int i = 0; i < s.points.size(); ++i)
      lines << QStringList{csvField(s.name), csvField(s.labels[i]), csvNumber(s.points[i].x()),
                           csvNumber(s.points[i].y()), onFront(s.points[i])}
                   .join(QLatin1Char(','));
  if (m_hasReference)
    lines << QStringList{csvField(tr("reference")), csvField(m_referenceLabel),
                         csvNumber(m_reference.x()), csvNumber(m_reference.y()),
                         onFront(m_reference)}
                 .join(QLatin1Char(','));
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace slmq::ui
