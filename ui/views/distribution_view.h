// Distribution view: weight/activation histograms of one block's module with every recorded
// stage overlaid (FP / transformed / quantized), its per-channel absmax with outlier channels
// highlighted, and a per-layer overview (absmax and kurtosis along depth).
#pragma once

#include <QVector>
#include <QWidget>

class QCheckBox;
class QComboBox;

namespace slmq::ui {

class ChannelChart;
class GroupedBarChart;
class HistogramChart;
class StoreAdapter;

/// Reads distributions and channel_stats through the StoreAdapter (not owned); computes nothing.
class DistributionView : public QWidget {
  Q_OBJECT
 public:
  explicit DistributionView(StoreAdapter* store, QWidget* parent = nullptr);

  void setSelectedRuns(const QVector<qint64>& runIds);
  /// Chooses the block and module shown (e.g. from the sensitivity drill-down).
  void showUnit(int layer, const QString& module);

  HistogramChart* histogram() const { return m_histogram; }
  ChannelChart* channelChart() const { return m_channels; }
  GroupedBarChart* absmaxByLayer() const { return m_absmax; }
  GroupedBarChart* kurtosisByLayer() const { return m_kurtosis; }

 public slots:
  void reload();

 private:
  void updateUnitChoices();
  void updateCharts();

  StoreAdapter* m_store;
  QVector<qint64> m_selected;
  QComboBox* m_run;
  QComboBox* m_layer;
  QComboBox* m_module;
  QComboBox* m_tensor;
  QCheckBox* m_log;
  HistogramChart* m_histogram;
  ChannelChart* m_channels;
  GroupedBarChart* m_absmax;
  GroupedBarChart* m_kurtosis;
};

}  // namespace slmq::ui
