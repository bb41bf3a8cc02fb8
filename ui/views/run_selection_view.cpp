// RunSelectionView: selection and store change handling shared by the analysis views; see
// run_selection_view.h.
#include "ui/views/run_selection_view.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QLabel>

#include "ui/store/store_adapter.h"

namespace slmq::ui {

RunSelectionView::RunSelectionView(StoreAdapter* store, QWidget* parent)
    : QWidget(parent), m_store(store) {}

void RunSelectionView::followStoreAndReload() {
  connect(m_store, &StoreAdapter::changed, this, &RunSelectionView::reload);
  reload();
}

void RunSelectionView::setSelectedRuns(const QVector<qint64>& runIds) {
  m_selected = runIds;
  reload();
}

QComboBox* RunSelectionView::addSelector(QBoxLayout* bar, const char* objectName,
                                         const QString& label, const QString& toolTip) {
  auto* combo = new QComboBox(this);
  combo->setObjectName(QLatin1String(objectName));
  if (!toolTip.isEmpty()) combo->setToolTip(toolTip);
  combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* buddy = new QLabel(label, this);
  buddy->setBuddy(combo);
  bar->addWidget(buddy);
  bar->addWidget(combo);
  return combo;
}

}  // namespace slmq::ui
