// Comparison view: the selected runs side by side against their FP parent — task accuracy
// (with standard errors), perplexity, an efficiency metric, the SLMQ scores, a scatter of any two
// metrics with its Pareto front, and the table of every metric.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/store/records.h"
#include "ui/views/run_selection_view.h"

class QComboBox;
class QLabel;
class QTableView;

namespace slmq::ui {

class GroupedBarChart;
class MetricsTableModel;
class ScatterChart;
class StoreAdapter;

/// Reads runs and metrics through the StoreAdapter (not owned); computes nothing. Compares the
/// runs selected in the run list (setSelectedRuns).
class ComparisonView : public RunSelectionView {
  Q_OBJECT
 public:
  explicit ComparisonView(StoreAdapter* store, QWidget* parent = nullptr);

  GroupedBarChart* accuracyChart() const { return m_accuracy; }
  GroupedBarChart* perplexityChart() const { return m_perplexity; }
  GroupedBarChart* efficiencyChart() const { return m_efficiency; }
  GroupedBarChart* scoreChart() const { return m_scores; }
  ScatterChart* scatterChart() const { return m_scatter; }
  MetricsTableModel* metricsModel() const { return m_table; }
  /// True when the perplexity chart shows the change against the FP reference in percent (the
  /// default when there is a reference) rather than absolute perplexity.
  bool perplexityRelative() const;
  /// The FP run drawn as reference, if any.
  std::optional<qint64> referenceRun() const { return m_reference; }

 public slots:
  void reload() override;

 private:
  using MetricKey = std::pair<std::string, std::string>;  // (name, dataset)
  struct RunData {
    core::RunRecord run;
    std::map<MetricKey, core::MetricRecord> metrics;
  };
  void updateCharts();
  /// Default scatter axes from the metrics present: x = size (else decode, prefill speed),
  /// y = accuracy (else perplexity).
  void chooseScatterAxes(const std::set<MetricKey>& keys);
  /// Bars of metric `name` per dataset, one series per compared run; `relative` draws
  /// 100·(value / FP value − 1) with the FP line at 0.
  void fillBars(GroupedBarChart* chart, const std::string& name, const QString& title,
                bool withErrors, bool relative = false);

  std::optional<qint64> m_reference;
  std::vector<RunData> m_runs;  // compared runs (without the reference)
  std::optional<RunData> m_ref;
  QComboBox* m_accMetric;
  QComboBox* m_pplMode;
  bool m_scatterChosen = false;  // the user picked a scatter axis
  QComboBox* m_effMetric;
  QComboBox* m_scatterX;
  QComboBox* m_scatterY;
  QLabel* m_referenceLabel;
  GroupedBarChart* m_accuracy;
  GroupedBarChart* m_perplexity;
  GroupedBarChart* m_efficiency;
  GroupedBarChart* m_scores;
  ScatterChart* m_scatter;
  MetricsTableModel* m_table;
  QTableView* m_tableView;
};

}  // namespace slmq::ui
