// RunSelectionView: selection and store change handling shared by the analysis views; see
// run_selection_view.h.
#include "ui/views/run_selection_view.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QLabel>

#include "ui/store/store_adapter.h"

namespace slmq::ui {

RunSelectionView::RunSelectionView(StoreAdapter* store, const char* objectName, QWidget* parent)
    : QWidget(parent),
      m_store(store),
      m_viewLayout(new QVBoxLayout(this)),
      m_selectorBar(new QHBoxLayout) {
  setObjectName(QLatin1String(objectName));
  m_viewLayout->addLayout(m_selectorBar);
}

void RunSelectionView::followStoreAndReload() {
  connect(m_store, &StoreAdapter::changed, this, &RunSelectionView::reload);
  reload();
}

void RunSelectionView::setSelectedRuns(const QVector<qint64>& runIds) {
  m_selected = runIds;
  reload();
}

QComboBox* RunSelectionView::addSelector(const char* objectName, const QString& label,
                                         const QString& toolTip) {
  auto* combo = new QComboBox(this);
  combo->setObjectName(QLatin1String(objectName));
  if (!toolTip.isEmpty()) combo->setToolTip(toolTip);
  combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* buddy = new QLabel(label, this);
  buddy->setBuddy(combo);
  m_selectorBar->addWidget(buddy);
  m_selectorBar->addWidget(combo);
  return combo;
}

}  // namespace slmq::ui
