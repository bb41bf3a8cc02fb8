// HeatmapChart: layer x module colour map; see heatmap_chart.h.
#include "ui/charts/heatmap_chart.h"

#include <QToolTip>
#include <QtDebug>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "ui/charts/palette.h"

namespace slmq::ui {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Text ticks at integer positions; every `step`-th label when there are many.
QSharedPointer<QCPAxisTickerText> textTicker(const QStringList& labels) {
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  const int step = labels.size() <= 32 ? 1 : (labels.size() + 23) / 24;
  for (int i = 0; i < labels.size(); i += step) ticker->addTick(i, labels[i]);
  return ticker;
}
// A gradient through `stops` with missing cells in light grey.
QCPColorGradient gradient(const QVector<QPair<double, QColor>>& stops) {
  QCPColorGradient g;
  g.clearColorStops();
  for (const auto& [pos, color] : stops) g.setColorStopAt(pos, color);
  g.setLevelCount(350);
  g.setNanHandling(QCPColorGradient::nhNanColor);
  g.setNanColor(QColor("#dddddd"));
  return g;
}
}  // namespace

HeatmapChart::HeatmapChart(QWidget* parent) : ChartWidget(parent) {
  QCustomPlot* p = plot();
  p->setMouseTracking(true);
  QCPAxisRect* rect = p->axisRect();
  p->xAxis->grid()->setVisible(false);
  p->yAxis->grid()->setVisible(false);
  p->yAxis->setRangeReversed(true);  // row 0 (first layer) at the top
  p->xAxis->setTickLabelRotation(-40);
  for (QCPAxis* axis : {p->xAxis, p->yAxis}) axis->setSubTicks(false);

  m_map = new QCPColorMap(p->xAxis, p->yAxis);
  m_map->setInterpolate(false);
  m_map->setTightBoundary(false);
  m_scale = new QCPColorScale(p);
  p->plotLayout()->addElement(0, 1, m_scale);
  m_scale->setType(QCPAxis::atRight);
  m_map->setColorScale(m_scale);
  m_scale->setGradient(gradient(viridisStops()));  // after setColorScale: pushed to the map
  m_scale->setBarWidth(14);
  auto* margins = new QCPMarginGroup(p);
  rect->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

  m_selection = new QCPItemRect(p);
  m_selection->setPen(QPen(Qt::white, 2.5));
  m_selection->setBrush(Qt::NoBrush);
  m_selection->setVisible(false);

  connect(p, &QCustomPlot::mouseMove, this, &HeatmapChart::onMouseMove);
  connect(p, &QCustomPlot::mousePress, this, &HeatmapChart::onMousePress);
  setAxisTitles(tr("layer"), tr("module"));
  clear();
}

void HeatmapChart::setData(const QStringList& rows, const QStringList& columns,
                           const QVector<double>& values) {
  if (values.size() != static_cast<qsizetype>(rows.size()) * columns.size()) {
    qWarning("HeatmapChart::setData: %lld values for %lld x %lld cells; chart cleared",
             static_cast<long long>(values.size()), static_cast<long long>(rows.size()),
             static_cast<long long>(columns.size()));
    clear();
    return;
  }
  m_rows = rows;
  m_columns = columns;
  m_values = values;
  if (rows.isEmpty() || columns.isEmpty()) m_values.clear();
  QCPColorMapData* data = m_map->data();
  data->setSize(std::max<int>(1, columns.size()), std::max<int>(1, rows.size()));
  data->setRange(QCPRange(0, std::max<int>(0, columns.size() - 1)),
                 QCPRange(0, std::max<int>(0, rows.size() - 1)));
  data->fill(kNaN);
  for (int r = 0; r < rows.size(); ++r)
    for (int c = 0; c < columns.size(); ++c) {
      double v = m_values[r * columns.size() + c];
      if (m_log && !(v > 0.0)) v = kNaN;
      data->setCell(c, r, v);
    }
  if (m_selectedRow >= rows.size() || m_selectedColumn >= columns.size()) setSelectedCell(-1, -1);
  plot()->xAxis->setRange(-0.5, std::max<int>(1, columns.size()) - 0.5);
  plot()->yAxis->setRange(-0.5, std::max<int>(1, rows.size()) - 0.5);
  updateTicks();
  applyValueRange();
  refresh();
}

void HeatmapChart::clear() {
  setData({}, {}, {});
}

void HeatmapChart::setAxisTitles(const QString& rowTitle, const QString& columnTitle) {
  m_rowTitle = rowTitle;
  m_columnTitle = columnTitle;
  plot()->yAxis->setLabel(rowTitle);
  plot()->xAxis->setLabel(columnTitle);
  plot()->replot();
}

void HeatmapChart::setValueLabel(const QString& label) {
  m_valueLabel = label;
  m_scale->axis()->setLabel(label);
  plot()->replot();
}

void HeatmapChart::setValueRange(double lower, double upper) {
  if (!(std::isfinite(lower) && std::isfinite(upper) && lower < upper)) {
    qWarning("HeatmapChart::setValueRange: invalid range [%g, %g] ignored", lower, upper);
    return;
  }
  m_autoRange = false;
  m_lower = lower;
  m_upper = upper;
  applyValueRange();
  plot()->replot();
}

void HeatmapChart::setAutoValueRange() {
  m_autoRange = true;
  applyValueRange();
  plot()->replot();
}

void HeatmapChart::setIntegerTicks(bool on) {
  if (m_log) return;  // the log ticker stays
  if (on) {
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);  // 1, 2, 5, ... on wide ranges
    m_scale->axis()->setTicker(ticker);
  } else {
    m_scale->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  plot()->replot();
}

QVector<double> HeatmapChart::colorScaleTicks() const {
  return m_scale->axis()->tickVector();
}

void HeatmapChart::setLogScale(bool on) {
  if (m_log == on) return;
  m_log = on;
  m_scale->setDataScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on)
    m_scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else
    m_scale->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());
  setData(m_rows, m_columns, m_values);
}

QPair<double, double> HeatmapChart::dataRange() const {
  double lo = kNaN, hi = kNaN;
  for (double v : m_values) {
    if (!std::isfinite(v) || (m_log && v <= 0.0)) continue;
    if (std::isnan(lo) || v < lo) lo = v;
    if (std::isnan(hi) || v > hi) hi = v;
  }
  return {lo, hi};
}

QPair<double, double> HeatmapChart::valueRange() const {
  const QCPRange r = m_map->dataRange();
  return {r.lower, r.upper};
}

void HeatmapChart::applyValueRange() {
  double lo = m_lower, hi = m_upper;
  if (m_autoRange) {
    std::tie(lo, hi) = dataRange();
    if (std::isnan(lo)) lo = m_log ? 0.1 : 0.0, hi = m_log ? 1.0 : 1.0;
    if (lo == hi) {  // one distinct value: widen so that it maps to the middle colour
      const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.5;
      lo = m_log ? lo / 2.0 : lo - pad;
      hi = m_log ? hi * 2.0 : hi + pad;
    }
  }
  const bool diverging = !m_log && lo < 0.0 && hi > 0.0;
  if (diverging && m_autoRange) {  // symmetric, so that zero is the white middle
    const double m = std::max(-lo, hi);
    lo = -m;
    hi = m;
  }
  if (diverging != m_diverging) {
    m_diverging = diverging;
    m_scale->setGradient(gradient(diverging ? divergingStops() : viridisStops()));
    // The outline must stand out on the scale's middle: white on viridis, black on white.
    m_selection->setPen(QPen(diverging ? Qt::black : Qt::white, 2.5));
  }
  m_map->setDataRange(QCPRange(lo, hi));
}

void HeatmapChart::updateTicks() {
  plot()->xAxis->setTicker(textTicker(m_columns));
  plot()->yAxis->setTicker(textTicker(m_rows));
}

double HeatmapChart::value(int row, int column) const {
  if (row < 0 || column < 0 || row >= m_rows.size() || column >= m_columns.size()) return kNaN;
  return m_values[row * m_columns.size() + column];
}

void HeatmapChart::setSelectedCell(int row, int column) {
  const bool valid = row >= 0 && column >= 0 && row < m_rows.size() && column < m_columns.size();
  m_selectedRow = valid ? row : -1;
  m_selectedColumn = valid ? column : -1;
  m_selection->setVisible(valid);
  if (valid) {
    m_selection->topLeft->setCoords(column - 0.5, row - 0.5);
    m_selection->bottomRight->setCoords(column + 0.5, row + 0.5);
  }
  plot()->replot();
}

QPair<int, int> HeatmapChart::cellAt(const QPointF& pixel) const {
  if (isEmpty() || !plot()->axisRect()->rect().contains(pixel.toPoint())) return {-1, -1};
  const double x = plot()->xAxis->pixelToCoord(pixel.x());
  const double y = plot()->yAxis->pixelToCoord(pixel.y());
  const int column = static_cast<int>(std::floor(x + 0.5));
  const int row = static_cast<int>(std::floor(y + 0.5));
  if (row < 0 || column < 0 || row >= m_rows.size() || column >= m_columns.size()) return {-1, -1};
  return {row, column};
}

QPointF HeatmapChart::cellCenter(int row, int column) const {
  return {plot()->xAxis->coordToPixel(column), plot()->yAxis->coordToPixel(row)};
}

QString HeatmapChart::toolTipFor(int row, int column) const {
  if (row < 0 || column < 0 || row >= m_rows.size() || column >= m_columns.size()) return {};
  const double v = value(row, column);
  const QString shown = std::isnan(v) ? tr("no measurement") : csvNumber(v);
  return tr("%1 %2, %3 %4\n%5 = %6")
      .arg(m_rowTitle, m_rows.value(row), m_columnTitle, m_columns.value(column),
           m_valueLabel.isEmpty() ? tr("value") : m_valueLabel, shown);
}

void HeatmapChart::onMouseMove(QMouseEvent* event) {
  const auto [row, column] = cellAt(event->position());
  if (row < 0) {
    QToolTip::hideText();
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(), toolTipFor(row, column), plot());
}

void HeatmapChart::onMousePress(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  const auto [row, column] = cellAt(event->position());
  if (row < 0) return;
  setSelectedCell(row, column);
  emit cellClicked(row, column);
}

QString HeatmapChart::toCsv() const {
  QStringList lines;
  QStringList header{csvField(m_rowTitle)};
  for (const QString& c : m_columns) header << csvField(c);
  lines << header.join(QLatin1Char(','));
  for (int r = 0; r < m_rows.size(); ++r) {
    QStringList line{csvField(m_rows[r])};
    for (int c = 0; c < m_columns.size(); ++c) line << csvNumber(value(r, c));
    lines << line.join(QLatin1Char(','));
  }
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace slmq::ui
