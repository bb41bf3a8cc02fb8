// Sensitivity view: the layer x module heatmap of a run's per-unit sensitivity (for a chosen bit
// setting and metric), optionally beside a second run on a shared colour scale, with a drill-down
// of the clicked unit (its metric across settings and its weight distributions).
#pragma once

#include <optional>

#include "ui/views/run_selection_view.h"

class QComboBox;
class QLabel;

namespace slmq::ui {

class GroupedBarChart;
class HeatmapChart;
class HistogramChart;
class StoreAdapter;

/// Reads layer_metrics and distributions through the StoreAdapter (not owned); computes nothing.
/// Of the runs selected in the run list (setSelectedRuns), those with layer metrics are offered
/// (all such runs in the workspace when none is selected).
class SensitivityView : public RunSelectionView {
  Q_OBJECT
 public:
  explicit SensitivityView(StoreAdapter* store, QWidget* parent = nullptr);

  HeatmapChart* heatmap() const { return m_heatmap; }
  /// The second run's heatmap, shown beside the first on the same colour scale.
  HeatmapChart* heatmapBeside() const { return m_heatmapB; }
  HeatmapChart* comparisonHeatmap() const { return m_heatmapB; }
  GroupedBarChart* unitChart() const { return m_unitChart; }
  HistogramChart* unitHistogram() const { return m_unitHistogram; }

  /// Shows the drill-down of one unit (as a click on the heatmap does).
  void drillDown(int row, int column);

 public slots:
  void reload() override;

 signals:
  /// A unit was drilled into (block index, module name).
  void unitSelected(int layer, const QString& module);

 private:
  /// Empties the drill-down (no unit in view).
  void clearDrillDown();
  void updateSelectors();
  void updateHeatmaps();
  std::optional<qint64> runA() const;
  std::optional<qint64> runB() const;

  QComboBox* m_runA;
  QComboBox* m_runB;
  QComboBox* m_bits;
  QComboBox* m_metric;
  QLabel* m_mode;
  QLabel* m_unitTitle;
  HeatmapChart* m_heatmap;
  HeatmapChart* m_heatmapB;
  GroupedBarChart* m_unitChart;
  HistogramChart* m_unitHistogram;
  QList<int> m_layers;    // rows of the heatmaps
  QStringList m_modules;  // columns
  // The unit drilled into (layer, module), kept across run/metric changes so that the drill-down
  // follows what is shown; layer -1 = none.
  int m_unitLayer = -1;
  QString m_unitModule;
};

}  // namespace slmq::ui
