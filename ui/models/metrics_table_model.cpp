// MetricsTableModel: metrics of the selected runs against their FP parents; see
// metrics_table_model.h.
#include "ui/models/metrics_table_model.h"

#include <cmath>

#include "ui/models/metric_units.h"
#include "ui/store/store_adapter.h"

namespace slmq::ui {

MetricsTableModel::MetricsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void MetricsTableModel::load(StoreAdapter& store, const std::vector<std::int64_t>& runIds) {
  std::vector<Row> rows;
  for (std::int64_t id : runIds) {
    const auto run = store.run(id);
    if (!run) continue;
    std::vector<core::MetricRecord> parent;
    if (run->parent_run_id) parent = store.metrics(*run->parent_run_id);
    for (const core::MetricRecord& m : store.metrics(id)) {
      Row row{id, QString::fromStdString(run->name), m, std::nullopt};
      for (const core::MetricRecord& p : parent)
        if (p.name == m.name && p.dataset == m.dataset) row.reference = p.value;
      rows.push_back(std::move(row));
    }
  }
  setRows(std::move(rows));
}

void MetricsTableModel::setRows(std::vector<Row> rows) {
  beginResetModel();
  m_rows = std::move(rows);
  endResetModel();
}

int MetricsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int MetricsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant MetricsTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const Row& r = m_rows[index.row()];
  if (role == RunIdRole) return QVariant::fromValue<qint64>(r.runId);
  std::optional<double> number;
  switch (index.column()) {
    case ValueColumn:
      number = r.metric.value;
      break;
    case StderrColumn:
      number = r.metric.stderr_value;
      break;
    case ReferenceColumn:
      number = r.reference;
      break;
    case DeltaColumn:
      if (r.reference) number = r.metric.value - *r.reference;
      break;
    default:
      break;
  }
  if (role == ValueRole) return number ? QVariant(*number) : QVariant();
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case RunColumn:
        return r.runName;
      case MetricColumn:
        return QString::fromStdString(r.metric.name);
      case DatasetColumn:
        return QString::fromStdString(r.metric.dataset);
      default: {
        if (!number) return {};
        // Sizes in MiB (the stored value stays bytes, see ValueRole).
        const std::string& name = r.metric.name;
        QString text = isBytesMetric(name)
                           ? tr("%1 MiB").arg(*number * metricDisplayScale(name), 0, 'f', 2)
                           : QString::number(*number, 'g', 6);
        if (index.column() == DeltaColumn && *number > 0) text.prepend(QLatin1Char('+'));
        // The change also in percent of the reference: "+2.5 (+12.2 %)".
        if (index.column() == DeltaColumn && r.reference && *r.reference != 0.0) {
          const double pct = 100.0 * *number / std::abs(*r.reference);
          text += QStringLiteral(" (%1%2 %)")
                      .arg(pct > 0 ? QStringLiteral("+") : QString())
                      .arg(pct, 0, 'f', pct != 0.0 && std::abs(pct) < 0.1 ? 3 : 1);
        }
        return text;
      }
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() >= ValueColumn)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case RunColumn:
      return tr("Run");
    case MetricColumn:
      return tr("Metric");
    case DatasetColumn:
      return tr("Dataset");
    case ValueColumn:
      return tr("Value");
    case StderrColumn:
      return tr("± stderr");
    case ReferenceColumn:
      return tr("FP");
    case DeltaColumn:
      return tr("Δ vs FP");
    default:
      return {};
  }
}

}  // namespace slmq::ui
