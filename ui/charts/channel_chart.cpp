// ChannelChart: per-channel bars with outliers highlighted; see channel_chart.h.
#include "ui/charts/channel_chart.h"

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "ui/charts/palette.h"

namespace slmq::ui {

ChannelChart::ChannelChart(QWidget* parent) : ChartWidget(parent) {
  QCustomPlot* p = plot();
  m_normal = new QCPBars(p->xAxis, p->yAxis);
  m_normal->setName(tr("channel"));
  m_normal->setPen(Qt::NoPen);
  m_normal->setBrush(seriesColor(0));
  m_normal->setWidth(1.0);
  m_flagged = new QCPBars(p->xAxis, p->yAxis);
  m_flagged->setPen(Qt::NoPen);
  m_flagged->setBrush(highlightColor());
  m_flagged->setWidth(1.0);
  p->legend->setVisible(true);
  p->xAxis->setLabel(tr("channel"));
  rebuild();
}

void ChannelChart::setValues(const QVector<double>& values, const QString& valueTitle) {
  m_values = values;
  for (double& v : m_values)
    if (!(v >= 0.0)) v = 0.0;
  plot()->yAxis->setLabel(valueTitle);
  rebuild();
}

void ChannelChart::setOutlierFactor(double factor) {
  if (factor > 0.0) m_factor = factor;
  rebuild();
}

void ChannelChart::rebuild() {
  QVector<double> sorted = m_values;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted.isEmpty() ? 0.0
                        : sorted.size() % 2
                            ? sorted[sorted.size() / 2]
                            : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
  m_outliers.clear();
  QVector<double> kn, vn, kf, vf;
  for (int i = 0; i < m_values.size(); ++i) {
    if (median > 0.0 && m_values[i] > m_factor * median) {
      m_outliers << i;
      kf << i;
      vf << m_values[i];
    } else {
      kn << i;
      vn << m_values[i];
    }
  }
  m_normal->setData(kn, vn, true);
  m_flagged->setData(kf, vf, true);
  m_flagged->setName(tr("outlier (> %1 x median)").arg(m_factor));
  const double hi = sorted.isEmpty() ? 1.0 : std::max(sorted.back(), 1e-30);
  plot()->xAxis->setRange(-0.5, std::max<qsizetype>(1, m_values.size()) - 0.5);
  plot()->yAxis->setRange(0.0, hi * 1.05);
  plot()->legend->setVisible(!m_values.isEmpty());
  refresh();
}

QString ChannelChart::toCsv() const {
  QStringList lines{QStringLiteral("channel,value,outlier")};
  for (int i = 0; i < m_values.size(); ++i)
    lines << QStringLiteral("%1,%2,%3")
                 .arg(i)
                 .arg(csvNumber(m_values[i]))
                 .arg(m_outliers.contains(i) ? 1 : 0);
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace slmq::ui
