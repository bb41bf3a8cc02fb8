// Item model of the metrics table: every scalar result of the selected runs, one row per
// (run, metric, dataset), with the change against the run's FP parent where there is one.
#pragma once

#include <QAbstractTableModel>
#include <optional>
#include <vector>

#include "core/store/records.h"

namespace slmq::ui {

class StoreAdapter;

/// Long-format metrics table. GUI thread only.
class MetricsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    RunColumn,
    MetricColumn,
    DatasetColumn,
    ValueColumn,
    StderrColumn,
    ReferenceColumn,  ///< the same metric of the FP parent run
    DeltaColumn,      ///< value - reference
    ColumnCount
  };
  enum Role { RunIdRole = Qt::UserRole + 1, ValueRole };  ///< ValueRole: double of the column

  struct Row {
    std::int64_t runId = 0;
    QString runName;
    core::MetricRecord metric;
    std::optional<double> reference;
  };

  explicit MetricsTableModel(QObject* parent = nullptr);

  /// Reads the metrics of `runIds` (in that order) and of their parents from `store`.
  void load(StoreAdapter& store, const std::vector<std::int64_t>& runIds);
  void setRows(std::vector<Row> rows);
  const std::vector<Row>& rows() const { return m_rows; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<Row> m_rows;
};

}  // namespace slmq::ui
