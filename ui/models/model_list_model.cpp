// ModelListModel: rows of the model browser; see model_list_model.h.
#include "ui/models/model_list_model.h"

#include <QFont>
#include <QSet>

namespace slmq::ui {

ModelListModel::ModelListModel(QObject* parent) : QAbstractTableModel(parent) {}

void ModelListModel::setModels(const std::vector<core::ModelRecord>& workspace,
                               const std::vector<core::ModelRecord>& offered) {
  beginResetModel();
  m_rows.clear();
  QSet<QString> paths;
  for (const core::ModelRecord& m : workspace) {
    m_rows.push_back({m, true});
    paths.insert(QString::fromStdString(m.path));
  }
  for (const core::ModelRecord& m : offered)
    if (!paths.contains(QString::fromStdString(m.path))) m_rows.push_back({m, false});
  endResetModel();
}

const ModelEntry* ModelListModel::entryAt(int row) const {
  return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[row] : nullptr;
}

QString ModelListModel::paramsLabel(std::int64_t params) {
  if (params <= 0) return {};
  if (params >= 1'000'000'000) return QString::number(params / 1e9, 'f', 1) + QLatin1Char('B');
  if (params >= 1'000'000) return QString::number(params / 1e6, 'f', 1) + QLatin1Char('M');
  if (params >= 1'000) return QString::number(params / 1e3, 'f', 1) + QLatin1Char('K');
  return QString::number(params);
}

QString ModelListModel::sizeLabel(std::int64_t bytes) {
  if (bytes <= 0) return {};
  if (bytes >= 1'000'000'000) return tr("%1 GB").arg(bytes / 1e9, 0, 'f', 2);
  if (bytes >= 1'000'000) return tr("%1 MB").arg(bytes / 1e6, 0, 'f', 1);
  if (bytes >= 1'000) return tr("%1 kB").arg(bytes / 1e3, 0, 'f', 1);
  return tr("%1 B").arg(bytes);
}

int ModelListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ModelListModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const ModelEntry& e = m_rows[index.row()];
  const core::ModelRecord& m = e.record;
  switch (role) {
    case PathRole:
      return QString::fromStdString(m.path);
    case ModelIdRole:
      return QVariant::fromValue<qint64>(e.inWorkspace ? m.id : 0);
    case InWorkspaceRole:
      return e.inWorkspace;
    case Qt::DisplayRole:
      switch (index.column()) {
        case NameColumn:
          return QString::fromStdString(m.name);
        case FormatColumn:
          return QString::fromStdString(m.format);
        case ParamsColumn:
          return paramsLabel(m.n_params);
        case SizeColumn:
          return sizeLabel(m.size_bytes);
        case PathColumn:
          return QString::fromStdString(m.path);
        default:
          return {};
      }
    case Qt::ToolTipRole: {
      QString tip = QString::fromStdString(m.path);
      if (!m.architecture.empty())
        tip += QLatin1Char('\n') + QString::fromStdString(m.architecture);
      if (!e.inWorkspace) tip += QLatin1Char('\n') + tr("From the shared assets folder");
      return tip;
    }
    case Qt::FontRole:
      if (!e.inWorkspace && index.column() == NameColumn) {
        QFont f;
        f.setItalic(true);
        return f;
      }
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == ParamsColumn || index.column() == SizeColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    default:
      return {};
  }
}

QVariant ModelListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn:
      return tr("Model");
    case FormatColumn:
      return tr("Format");
    case ParamsColumn:
      return tr("Params");
    case SizeColumn:
      return tr("Size");
    case PathColumn:
      return tr("Path");
    default:
      return {};
  }
}

}  // namespace slmq::ui
