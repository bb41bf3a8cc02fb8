// GroupedBarChart: groups x series bars with error bars and a reference; see grouped_bar_chart.h.
#include "ui/charts/grouped_bar_chart.h"

#include <QMouseEvent>
#include <QToolTip>
#include <QtDebug>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "ui/charts/palette.h"

namespace slmq::ui {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kGroupWidth = 0.8;  // share of a group's slot covered by its bars
}  // namespace

GroupedBarChart::GroupedBarChart(QWidget* parent) : ChartWidget(parent) {
  m_barsGroup = new QCPBarsGroup(plot());
  m_barsGroup->setSpacingType(QCPBarsGroup::stAbsolute);
  m_barsGroup->setSpacing(1);
  plot()->legend->setVisible(true);
  plot()->xAxis->grid()->setVisible(false);
  plot()->xAxis->setSubTicks(false);
  plot()->xAxis->setTickLength(0, 3);
  plot()->setMouseTracking(true);
  connect(plot(), &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    const QString text = toolTipAt(event->position());
    if (text.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(event->globalPosition().toPoint(), text, plot());
  });
  rebuild();
}

void GroupedBarChart::setGroups(const QStringList& groups) {
  m_groups = groups;
  m_series.clear();
  m_reference.clear();
  rebuild();
}

int GroupedBarChart::addSeries(const QString& name, const QVector<double>& values,
                               const QVector<double>& errors) {
  if (values.size() != m_groups.size() || (!errors.isEmpty() && errors.size() != values.size())) {
    qWarning(
        "GroupedBarChart::addSeries: series '%s' has %lld values / %lld errors for %lld groups;"
        " ignored",
        qPrintable(name), static_cast<long long>(values.size()),
        static_cast<long long>(errors.size()), static_cast<long long>(m_groups.size()));
    return -1;
  }
  m_series.append({name, values, errors});
  rebuild();
  return m_series.size() - 1;
}

double GroupedBarChart::value(int series, int group) const {
  if (series < 0 || series >= m_series.size() || group < 0 || group >= m_groups.size()) return kNaN;
  return m_series[series].values[group];
}

void GroupedBarChart::setReference(const QString& label, const QVector<double>& values) {
  if (!values.isEmpty() && values.size() != 1 && values.size() != m_groups.size()) {
    qWarning("GroupedBarChart::setReference: %lld values for %lld groups; ignored",
             static_cast<long long>(values.size()), static_cast<long long>(m_groups.size()));
    return;
  }
  m_referenceLabel = label;
  m_reference = values;
  rebuild();
}

void GroupedBarChart::setValueTitle(const QString& title, bool zeroBased) {
  m_valueTitle = title;
  m_zeroBased = zeroBased;
  rebuild();
}

bool GroupedBarChart::isEmpty() const {
  return m_series.isEmpty() && m_reference.isEmpty();
}

void GroupedBarChart::rebuild() {
  QCustomPlot* p = plot();
  p->clearPlottables();
  m_bars.clear();
  p->yAxis->setLabel(m_valueTitle);
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (int g = 0; g < m_groups.size(); ++g) ticker->addTick(g, m_groups[g]);
  p->xAxis->setTicker(ticker);
  p->xAxis->setTickLabelRotation(m_groups.size() > 6 ? -30 : 0);

  double lo = m_zeroBased ? 0.0 : std::numeric_limits<double>::infinity();
  double hi = m_zeroBased ? 0.0 : -std::numeric_limits<double>::infinity();
  auto include = [&](double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  const int n = m_series.size();
  const double width = n > 0 ? kGroupWidth / n : kGroupWidth;
  QVector<double> keys;
  for (int g = 0; g < m_groups.size(); ++g) keys << g;
  for (int s = 0; s < n; ++s) {
    const Series& series = m_series[s];
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    bars->setName(series.name);
    bars->setWidth(width);
    bars->setPen(QPen(seriesColor(s).darker(130), 1));
    bars->setBrush(seriesColor(s));
    bars->setBarsGroup(m_barsGroup);
    // Only finite values become bars; the error bars follow the bars' data indices.
    QVector<double> barKeys, barValues, barErrors;
    for (int g = 0; g < series.values.size(); ++g) {
      if (!std::isfinite(series.values[g])) continue;
      const double e = series.errors.isEmpty() ? kNaN : series.errors[g];
      barKeys << keys[g];
      barValues << series.values[g];
      barErrors << (std::isfinite(e) ? e : kNaN);
      include(series.values[g] + (std::isfinite(e) ? e : 0.0));
      include(series.values[g] - (std::isfinite(e) ? e : 0.0));
    }
    bars->setData(barKeys, barValues, true);
    m_bars.append(bars);
    if (!series.errors.isEmpty()) {
      auto* errors = new QCPErrorBars(p->xAxis, p->yAxis);
      errors->removeFromLegend();
      errors->setDataPlottable(bars);
      errors->setPen(QPen(QColor("#202020"), 1.2));
      errors->setWhiskerWidth(std::max(3.0, 40.0 * width));
      errors->setData(barErrors);
    }
  }
  if (!m_reference.isEmpty()) {
    // Dashed segment over each group (or one line across), broken by NaN between groups.
    auto* line = new QCPGraph(p->xAxis, p->yAxis);
    line->setName(m_referenceLabel);
    line->setPen(QPen(referenceColor(), 2, Qt::DashLine));
    QVector<double> x, y;
    if (m_reference.size() == 1) {
      x << -0.5 << std::max<qsizetype>(1, m_groups.size()) - 0.5;
      y << m_reference[0] << m_reference[0];
      include(m_reference[0]);
    } else {
      for (int g = 0; g < m_reference.size(); ++g) {
        x << g - 0.45 << g + 0.45 << g + 0.5;
        y << m_reference[g] << m_reference[g] << kNaN;
        include(m_reference[g]);
      }
    }
    line->setData(x, y, true);
  }
  p->xAxis->setRange(-0.5, std::max<qsizetype>(1, m_groups.size()) - 0.5);
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0.0, hi = 1.0;
  if (hi == lo) hi = lo + 1.0;
  const double pad = (hi - lo) * 0.08;
  p->yAxis->setRange(m_zeroBased && lo >= 0.0 ? 0.0 : lo - pad, hi + pad);
  p->legend->setVisible(!isEmpty());
  refresh();
}

QString GroupedBarChart::toolTipAt(const QPointF& pixel) const {
  for (int s = 0; s < m_bars.size(); ++s) {
    QVariant details;
    const double distance = m_bars[s]->selectTest(pixel, false, &details);
    if (distance < 0 || distance > plot()->selectionTolerance()) continue;
    const QCPDataSelection selection = details.value<QCPDataSelection>();
    if (selection.isEmpty()) continue;
    const int index = selection.dataRange().begin();
    if (index < 0 || index >= m_bars[s]->data()->size()) continue;
    const int g = static_cast<int>(std::lround(m_bars[s]->data()->at(index)->key));
    QString text =
        tr("%1 · %2: %3").arg(m_series[s].name, m_groups.value(g), csvNumber(value(s, g)));
    if (!m_series[s].errors.isEmpty() && std::isfinite(m_series[s].errors[g]))
      text += QStringLiteral(" ± ") + csvNumber(m_series[s].errors[g]);
    if (!m_reference.isEmpty()) {
      const double ref = m_reference.size() == 1 ? m_reference[0] : m_reference[g];
      text += tr("\n%1: %2").arg(m_referenceLabel, csvNumber(ref));
    }
    return text;
  }
  return {};
}

QString GroupedBarChart::toCsv() const {
  QStringList header{QStringLiteral("group")};
  for (const Series& s : m_series) {
    header << csvField(s.name);
    if (!s.errors.isEmpty()) header << csvField(s.name + QStringLiteral(" error"));
  }
  if (!m_reference.isEmpty()) header << csvField(m_referenceLabel);
  QStringList lines{header.join(QLatin1Char(','))};
  for (int g = 0; g < m_groups.size(); ++g) {
    QStringList line{csvField(m_groups[g])};
    for (const Series& s : m_series) {
      line << csvNumber(s.values[g]);
      if (!s.errors.isEmpty()) line << csvNumber(s.errors[g]);
    }
    if (!m_reference.isEmpty())
      line << csvNumber(m_reference.size() == 1 ? m_reference[0] : m_reference[g]);
    lines << line.join(QLatin1Char(','));
  }
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace slmq::ui
