// Item model of the run list: one row per run in the workspace, newest first.
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "ui/store/store_adapter.h"

namespace slmq::ui {

/// Table of runs. Updated in place by setRuns() (rows are matched by run id, so selections and
/// scroll positions survive a refresh). GUI thread only.
class RunListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    NameColumn,
    BitsColumn,
    StatusColumn,
    PplColumn,
    ModelColumn,
    MethodColumn,
    WallColumn,
    CreatedColumn,
    ColumnCount
  };
  enum Role {
    RunIdRole = Qt::UserRole + 1,  ///< qint64 run id (any column)
    SortRole,                      ///< numeric/ISO value for sorting
    StatusRole,                    ///< status name ("done", ...)
    ModelNameRole,
    MethodRole,
    WeightBitsRole,  ///< int
    ActBitsRole,     ///< int
  };

  explicit RunListModel(QObject* parent = nullptr);

  /// Replaces the content with `runs` (newest first), updating rows in place where ids match.
  void setRuns(std::vector<RunSummary> runs);
  /// Reads every run from `store` and calls setRuns().
  void reload(StoreAdapter& store);

  const RunSummary* runAt(int row) const;
  /// Row of a run id, or -1.
  int rowOf(std::int64_t runId) const;

  /// "W4A16"-style label of a run's bit widths ("FP16" when neither is quantized).
  static QString bitsLabel(int wBits, int aBits);
  /// Translated status name.
  static QString statusLabel(core::RunStatus status);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<RunSummary> m_rows;
};

}  // namespace slmq::ui
