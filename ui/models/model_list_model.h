// Item model of the model browser: the models registered in the workspace plus the models found
// in the shared assets folder (offered, not yet registered).
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "core/store/records.h"

namespace slmq::ui {

/// One model as the browser shows it.
struct ModelEntry {
  core::ModelRecord record;
  bool inWorkspace = false;  ///< registered in the store (else: offered from the assets folder)
};

/// Table of models. GUI thread only.
class ModelListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { NameColumn, FormatColumn, ParamsColumn, SizeColumn, PathColumn, ColumnCount };
  enum Role {
    PathRole = Qt::UserRole + 1,  ///< the model's path (any column)
    ModelIdRole,                  ///< qint64 store id, 0 for offered models
    InWorkspaceRole,              ///< bool
  };

  explicit ModelListModel(QObject* parent = nullptr);

  /// Workspace models first (in the given order), then offered models whose path is not already
  /// registered.
  void setModels(const std::vector<core::ModelRecord>& workspace,
                 const std::vector<core::ModelRecord>& offered);
  const ModelEntry* entryAt(int row) const;

  /// "9.4M"-style parameter count; "" when unknown.
  static QString paramsLabel(std::int64_t params);
  /// "18.8 MB"-style size (decimal units); "" when unknown.
  static QString sizeLabel(std::int64_t bytes);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<ModelEntry> m_rows;
};

}  // namespace slmq::ui
