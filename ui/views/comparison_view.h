// Comparison view: the selected runs side by side against their FP parent — task accuracy
// (with standard errors), perplexity, an efficiency metric, the SLMQ scores, a scatter of any two
// metrics with its Pareto front, and the table of every metric.
#pragma once

#include <QVector>
#include <QWidget>
#include <map>
#include <optional>
#include <string>

#include "core/store/records.h"

class QComboBox;
class QLabel;
class QTableView;

namespace slmq::ui {

class GroupedBarChart;
class MetricsTableModel;
class ScatterChart;
class StoreAdapter;

/// Reads runs and metrics through the StoreAdapter (not owned); computes nothing.
class ComparisonView : public QWidget {
  Q_OBJECT
 public:
  explicit ComparisonView(StoreAdapter* store, QWidget* parent = nullptr);

  /// The runs to compare (as selected in the run list).
  void setSelectedRuns(const QVector<qint64>& runIds);

  GroupedBarChart* accuracyChart() const { return m_accuracy; }
  GroupedBarChart* perplexityChart() const { return m_perplexity; }
  GroupedBarChart* efficiencyChart() const { return m_efficiency; }
  GroupedBarChart* scoreChart() const { return m_scores; }
  ScatterChart* scatterChart() const { return m_scatter; }
  MetricsTableModel* metricsModel() const { return m_table; }
  /// The FP run drawn as reference, if any.
  std::optional<qint64> referenceRun() const { return m_reference; }

 public slots:
  void reload();

 private:
  using MetricKey = std::pair<std::string, std::string>;  // (name, dataset)
  struct RunData {
    core::RunRecord run;
    std::map<MetricKey, core::MetricRecord> metrics;
  };
  void updateCharts();
  void fillBars(GroupedBarChart* chart, const std::string& name, const QString& title,
                bool withErrors);

  StoreAdapter* m_store;
  QVector<qint64> m_selected;
  std::optional<qint64> m_reference;
  std::vector<RunData> m_runs;  // compared runs (without the reference)
  std::optional<RunData> m_ref;
  QComboBox* m_accMetric;
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
