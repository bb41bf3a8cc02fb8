// Distribution view: weight/activation histograms of one block's module with every recorded
// stage overlaid (FP / transformed / quantized), its per-channel absmax with outlier channels
// highlighted, and a per-layer overview (absmax and kurtosis along depth).
#pragma once

#include "ui/views/run_selection_view.h"

class QCheckBox;
class QComboBox;

namespace slmq::ui {

class ChannelChart;
class GroupedBarChart;
class HistogramChart;
class StoreAdapter;

/// Reads distributions and channel_stats through the StoreAdapter (not owned); computes nothing.
/// Of the runs selected in the run list (setSelectedRuns), those with distributions are offered
/// (all such runs in the workspace when none is selected).
class DistributionView : public RunSelectionView {
  Q_OBJECT
 public:
  explicit DistributionView(StoreAdapter* store, QWidget* parent = nullptr);

  /// Chooses the block and module shown (e.g. from the sensitivity drill-down).
  void showUnit(int layer, const QString& module);

  HistogramChart* histogram() const { return m_histogram; }
  ChannelChart* channelChart() const { return m_channels; }
  GroupedBarChart* absmaxByLayer() const { return m_absmax; }
  GroupedBarChart* kurtosisByLayer() const { return m_kurtosis; }

 public slots:
  void reload() override;

 private:
  void updateUnitChoices();
  void updateCharts();

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
