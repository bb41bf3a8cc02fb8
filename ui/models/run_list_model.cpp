// RunListModel: the run list's rows and columns; see run_list_model.h.
#include "ui/models/run_list_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QSet>

namespace slmq::ui {

RunListModel::RunListModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunListModel::reload(StoreAdapter& store) {
  setRuns(store.runSummaries());
}

void RunListModel::setRuns(std::vector<RunSummary> runs) {
  // 1. Remove rows whose run disappeared (bottom up).
  QSet<std::int64_t> incoming;
  for (const RunSummary& r : runs) incoming.insert(r.run.id);
  for (int row = static_cast<int>(m_rows.size()) - 1; row >= 0; --row) {
    if (incoming.contains(m_rows[row].run.id)) continue;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
  }
  // 2. Walk the new list: update matching rows, insert new ones. The store orders runs by
  // creation, so the survivors keep their relative order; if not, fall back to a reset.
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int row = static_cast<int>(i);
    if (i < m_rows.size() && m_rows[i].run.id == runs[i].run.id) {
      m_rows[i] = std::move(runs[i]);
      emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
      continue;
    }
    bool later = false;
    for (std::size_t j = i + 1; j < m_rows.size() && !later; ++j)
      later = m_rows[j].run.id == runs[i].run.id;
    if (later) {  // order changed: rebuild from here
      beginResetModel();
      m_rows = std::move(runs);
      endResetModel();
      return;
    }
    beginInsertRows({}, row, row);
    m_rows.insert(m_rows.begin() + row, std::move(runs[i]));
    endInsertRows();
  }
  if (m_rows.size() > runs.size()) {  // cannot happen after step 1, but keep the model sane
    beginRemoveRows({}, static_cast<int>(runs.size()), static_cast<int>(m_rows.size()) - 1);
    m_rows.resize(runs.size());
    endRemoveRows();
  }
}

const RunSummary* RunListModel::runAt(int row) const {
  return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[row] : nullptr;
}

int RunListModel::rowOf(std::int64_t runId) const {
  for (std::size_t i = 0; i < m_rows.size(); ++i)
    if (m_rows[i].run.id == runId) return static_cast<int>(i);
  return -1;
}

QString RunListModel::bitsLabel(int wBits, int aBits) {
  if (wBits >= 16 && aBits >= 16) return QStringLiteral("FP16");
  return QStringLiteral("W%1A%2").arg(wBits).arg(aBits);
}

QString RunListModel::statusLabel(core::RunStatus status) {
  switch (status) {
    case core::RunStatus::Pending:
      return tr("pending");
    case core::RunStatus::Running:
      return tr("running");
    case core::RunStatus::Done:
      return tr("done");
    case core::RunStatus::Failed:
      return tr("failed");
    case core::RunStatus::Cancelled:
      return tr("cancelled");
  }
  return {};
}

int RunListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const RunSummary& s = m_rows[index.row()];
  const core::RunRecord& r = s.run;
  switch (role) {
    case RunIdRole:
      return QVariant::fromValue<qint64>(r.id);
    case StatusRole:
      return QString::fromLatin1(core::runStatusName(r.status));
    case ModelNameRole:
      return s.modelName;
    case MethodRole:
      return QString::fromStdString(r.method);
    case WeightBitsRole:
      return r.w_bits;
    case ActBitsRole:
      return r.a_bits;
    default:
      break;
  }
  if (role == Qt::DisplayRole || role == SortRole) {
    const bool sort = role == SortRole;
    switch (index.column()) {
      case NameColumn:
        return QString::fromStdString(r.name);
      case ModelColumn:
        return s.modelName;
      case MethodColumn:
        return QString::fromStdString(r.method);
      case BitsColumn:
        return sort ? QVariant(r.w_bits * 100 + r.a_bits) : QVariant(bitsLabel(r.w_bits, r.a_bits));
      case StatusColumn:
        return statusLabel(r.status);
      case PplColumn:
        if (!s.ppl) return sort ? QVariant(std::numeric_limits<double>::infinity()) : QVariant();
        return sort ? QVariant(*s.ppl) : QVariant(QString::number(*s.ppl, 'f', 2));
      case WallColumn:
        if (!r.wall_seconds) return sort ? QVariant(-1.0) : QVariant();
        return sort ? QVariant(*r.wall_seconds)
                    : QVariant(tr("%1 s").arg(*r.wall_seconds, 0, 'f', 1));
      case CreatedColumn: {
        if (sort) return QString::fromStdString(r.created_at);
        const QDateTime t =
            QDateTime::fromString(QString::fromStdString(r.created_at), Qt::ISODate);
        return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                           : QString::fromStdString(r.created_at);
      }
      default:
        return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    QString tip = tr("Run %1: %2").arg(r.id).arg(QString::fromStdString(r.name));
    if (!r.error.empty()) tip += QLatin1Char('\n') + QString::fromStdString(r.error);
    return tip;
  }
  if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
    if (r.status == core::RunStatus::Failed) return QBrush(QColor("#b03000"));
    if (r.status == core::RunStatus::Running) return QBrush(QColor("#0060a0"));
  }
  if (role == Qt::TextAlignmentRole &&
      (index.column() == PplColumn || index.column() == WallColumn))
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn:
      return tr("Name");
    case ModelColumn:
      return tr("Model");
    case MethodColumn:
      return tr("Method");
    case BitsColumn:
      return tr("Bits");
    case StatusColumn:
      return tr("Status");
    case PplColumn:
      return tr("PPL");
    case WallColumn:
      return tr("Time");
    case CreatedColumn:
      return tr("Created");
    default:
      return {};
  }
}

}  // namespace slmq::ui
