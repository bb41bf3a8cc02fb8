// Per-channel bars (e.g. the absmax of each input channel of a linear layer) with the outlier
// channels — those above a multiple of the median — drawn in the highlight colour.
#pragma once

#include <QVector>

#include "ui/charts/chart_widget.h"

class QCPBars;

namespace slmq::ui {

/// One bar per channel along x. Outliers: value > factor * median of the channel values
/// (a display rule, as in LLM.int8()'s "6x" outlier features; the factor is adjustable).
class ChannelChart : public ChartWidget {
  Q_OBJECT
 public:
  explicit ChannelChart(QWidget* parent = nullptr);

  /// Sets the values (one per channel); NaN or negative values are shown as 0 and never flagged.
  void setValues(const QVector<double>& values, const QString& valueTitle);
  void clear() { setValues({}, {}); }
  /// The outlier factor (default 6); values > factor * median are highlighted.
  void setOutlierFactor(double factor);
  double outlierFactor() const { return m_factor; }
  /// Indices of the highlighted channels, increasing.
  QVector<int> outlierChannels() const { return m_outliers; }

  QString toCsv() const override;
  bool isEmpty() const override { return m_values.isEmpty(); }

 private:
  void rebuild();

  QVector<double> m_values;
  QVector<int> m_outliers;
  double m_factor = 6.0;
  QCPBars* m_normal = nullptr;
  QCPBars* m_flagged = nullptr;
};

}  // namespace slmq::ui
