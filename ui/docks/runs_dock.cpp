// RunsDock: run list with filters; see runs_dock.h.
#include "ui/docks/runs_dock.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QTableView>
#include <set>

#include "ui/models/run_filter_proxy.h"
#include "ui/models/run_list_model.h"
#include "ui/store/store_adapter.h"

namespace slmq::ui {
namespace {
/// Fills a filter combo with "any" plus `values`, keeping the current choice if still offered.
void fillCombo(QComboBox* combo, const std::set<QString>& values) {
  const QString current = combo->currentData().toString();
  QSignalBlocker block(combo);
  combo->clear();
  combo->addItem(combo->property("anyText").toString(), QString());
  for (const QString& v : values)
    if (!v.isEmpty()) combo->addItem(v, v);
  const int index = combo->findData(current);
  combo->setCurrentIndex(index >= 0 ? index : 0);
}
}  // namespace

RunsDock::RunsDock(StoreAdapter* store, QWidget* parent)
    : QDockWidget(tr("Runs"), parent), m_store(store) {
  setObjectName(QStringLiteral("runsDock"));
  auto* content = new QWidget(this);
  auto* grid = new QGridLayout(content);
  grid->setContentsMargins(4, 4, 4, 4);
  grid->setSpacing(4);

  m_text = new QLineEdit(content);
  m_text->setObjectName(QStringLiteral("runTextFilter"));
  m_text->setPlaceholderText(tr("Filter runs..."));
  m_text->setClearButtonEnabled(true);
  grid->addWidget(m_text, 0, 0, 1, 4);
  auto makeCombo = [&](const char* name, const QString& any, const QString& tip, int column) {
    auto* c = new QComboBox(content);
    c->setObjectName(QLatin1String(name));
    c->setProperty("anyText", any);
    c->setToolTip(tip);
    c->addItem(any, QString());
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    grid->addWidget(c, 1, column);
    return c;
  };
  m_modelFilter = makeCombo("runModelFilter", tr("any model"), tr("Show runs of this model"), 0);
  m_methodFilter =
      makeCombo("runMethodFilter", tr("any method"), tr("Show runs of this method"), 1);
  m_bitsFilter = makeCombo("runBitsFilter", tr("any bits"), tr("Show runs of this bit setting"), 2);
  m_statusFilter =
      makeCombo("runStatusFilter", tr("any status"), tr("Show runs with this status"), 3);

  m_model = new RunListModel(this);
  m_proxy = new RunFilterProxy(this);
  m_proxy->setSourceModel(m_model);
  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("runView"));
  m_view->setModel(m_proxy);
  m_view->setSortingEnabled(true);
  m_view->sortByColumn(RunListModel::CreatedColumn, Qt::DescendingOrder);
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_view->setAlternatingRowColors(true);
  m_view->verticalHeader()->hide();
  m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
  m_view->horizontalHeader()->setStretchLastSection(true);
  m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  m_view->setColumnHidden(RunListModel::CreatedColumn, false);
  m_view->setContextMenuPolicy(Qt::CustomContextMenu);
  m_view->setWordWrap(false);
  grid->addWidget(m_view, 2, 0, 1, 4);
  grid->setRowStretch(2, 1);
  setWidget(content);

  connect(m_text, &QLineEdit::textChanged, m_proxy, &RunFilterProxy::setTextFilter);
  connect(m_modelFilter, &QComboBox::currentIndexChanged, this,
          [this] { m_proxy->setModelFilter(m_modelFilter->currentData().toString()); });
  connect(m_methodFilter, &QComboBox::currentIndexChanged, this,
          [this] { m_proxy->setMethodFilter(m_methodFilter->currentData().toString()); });
  connect(m_bitsFilter, &QComboBox::currentIndexChanged, this,
          [this] { m_proxy->setBitsFilter(m_bitsFilter->currentData().toString()); });
  connect(m_statusFilter, &QComboBox::currentIndexChanged, this,
          [this] { m_proxy->setStatusFilter(m_statusFilter->currentData().toString()); });
  connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
    const QVector<qint64> ids = selectedRunIds();
    if (ids == m_lastSelection) return;
    m_lastSelection = ids;
    emit selectionChanged(ids);
  });
  connect(m_view, &QWidget::customContextMenuRequested, this, &RunsDock::showContextMenu);
  connect(store, &StoreAdapter::changed, this, &RunsDock::reload);
  reload();
}

void RunsDock::reload() {
  m_model->setRuns(m_store->runSummaries());
  refreshFilterChoices();
  m_view->resizeColumnsToContents();
}

void RunsDock::refreshFilterChoices() {
  std::set<QString> models, methods, bits;
  for (int row = 0; row < m_model->rowCount(); ++row) {
    const RunSummary* s = m_model->runAt(row);
    models.insert(s->modelName);
    methods.insert(QString::fromStdString(s->run.method));
    bits.insert(RunListModel::bitsLabel(s->run.w_bits, s->run.a_bits));
  }
  fillCombo(m_modelFilter, models);
  fillCombo(m_methodFilter, methods);
  fillCombo(m_bitsFilter, bits);
  if (m_statusFilter->count() == 1) {
    for (auto st : {core::RunStatus::Pending, core::RunStatus::Running, core::RunStatus::Done,
                    core::RunStatus::Failed, core::RunStatus::Cancelled})
      m_statusFilter->addItem(RunListModel::statusLabel(st),
                              QString::fromLatin1(core::runStatusName(st)));
  }
}

QVector<qint64> RunsDock::selectedRunIds() const {
  QVector<qint64> ids;
  QModelIndexList rows = m_view->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  for (const QModelIndex& i : rows) ids << i.data(RunListModel::RunIdRole).toLongLong();
  return ids;
}

void RunsDock::selectRuns(const QVector<qint64>& runIds) {
  QItemSelection selection;
  for (qint64 id : runIds) {
    const int sourceRow = m_model->rowOf(id);
    if (sourceRow < 0) continue;
    const QModelIndex proxyIndex = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    if (proxyIndex.isValid()) selection.select(proxyIndex, proxyIndex);
  }
  m_view->selectionModel()->select(selection,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RunsDock::showContextMenu(const QPoint& pos) {
  const QVector<qint64> ids = selectedRunIds();
  if (ids.isEmpty()) return;
  QMenu menu(this);
  QAction* del = menu.addAction(tr("&Delete %n run(s)...", nullptr, ids.size()));
  if (menu.exec(m_view->viewport()->mapToGlobal(pos)) != del) return;
  if (QMessageBox::question(this, tr("Delete runs"),
                            tr("Delete %n run(s) and all their results from the workspace?",
                               nullptr, ids.size())) != QMessageBox::Yes)
    return;
  for (qint64 id : ids) m_store->deleteRun(id);
}

}  // namespace slmq::ui
