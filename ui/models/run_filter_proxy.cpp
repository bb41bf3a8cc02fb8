// RunFilterProxy: filters of the run list; see run_filter_proxy.h.
#include "ui/models/run_filter_proxy.h"

#include "ui/models/run_list_model.h"

namespace slmq::ui {

RunFilterProxy::RunFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(RunListModel::SortRole);
  setDynamicSortFilter(true);
}

void RunFilterProxy::setModelFilter(const QString& model) {
  m_model = model;
  invalidateRowsFilter();
}

void RunFilterProxy::setMethodFilter(const QString& method) {
  m_method = method;
  invalidateRowsFilter();
}

void RunFilterProxy::setBitsFilter(const QString& bits) {
  m_bits = bits;
  invalidateRowsFilter();
}

void RunFilterProxy::setStatusFilter(const QString& status) {
  m_status = status;
  invalidateRowsFilter();
}

void RunFilterProxy::setTextFilter(const QString& text) {
  m_text = text.trimmed();
  invalidateRowsFilter();
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QAbstractItemModel* m = sourceModel();
  const QModelIndex idx = m->index(sourceRow, 0, sourceParent);
  if (!m_model.isEmpty() && idx.data(RunListModel::ModelNameRole).toString() != m_model)
    return false;
  if (!m_method.isEmpty() && idx.data(RunListModel::MethodRole).toString() != m_method)
    return false;
  if (!m_status.isEmpty() && idx.data(RunListModel::StatusRole).toString() != m_status)
    return false;
  if (!m_bits.isEmpty() &&
      RunListModel::bitsLabel(idx.data(RunListModel::WeightBitsRole).toInt(),
                              idx.data(RunListModel::ActBitsRole).toInt()) != m_bits)
    return false;
  if (!m_text.isEmpty()) {
    const QString hay = idx.data(Qt::DisplayRole).toString() + QLatin1Char(' ') +
                        idx.data(RunListModel::ModelNameRole).toString() + QLatin1Char(' ') +
                        idx.data(RunListModel::MethodRole).toString();
    if (!hay.contains(m_text, Qt::CaseInsensitive)) return false;
  }
  return true;
}

}  // namespace slmq::ui
