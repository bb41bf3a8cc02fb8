// ModelsDock: model browser; see models_dock.h.
#include "ui/docks/models_dock.h"

#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "ui/models/model_list_model.h"
#include "ui/store/model_catalog.h"
#include "ui/store/store_adapter.h"

namespace slmq::ui {

ModelsDock::ModelsDock(StoreAdapter* store, QWidget* parent)
    : QDockWidget(tr("Models"), parent), m_store(store) {
  setObjectName(QStringLiteral("modelsDock"));
  setAcceptDrops(true);
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  m_model = new ModelListModel(this);
  m_view = new QTreeView(content);
  m_view->setObjectName(QStringLiteral("modelView"));
  m_view->setModel(m_model);
  m_view->setRootIsDecorated(false);
  m_view->setUniformRowHeights(true);
  m_view->setAlternatingRowColors(true);
  m_view->setColumnHidden(ModelListModel::PathColumn, true);
  m_view->header()->setStretchLastSection(false);
  m_view->header()->setSectionResizeMode(ModelListModel::NameColumn, QHeaderView::Stretch);
  m_view->setAcceptDrops(false);  // the dock takes the drops
  layout->addWidget(m_view);
  auto* add = new QPushButton(tr("&Add model..."), content);
  add->setObjectName(QStringLiteral("addModelButton"));
  add->setToolTip(tr("Add a Hugging Face model directory or a GGUF file (or drop one here)"));
  layout->addWidget(add);
  setWidget(content);
  connect(add, &QPushButton::clicked, this, &ModelsDock::addModelWithDialog);
  connect(m_view, &QTreeView::activated, this, [this](const QModelIndex& index) {
    emit modelActivated(index.data(ModelListModel::PathRole).toString());
  });
  connect(store, &StoreAdapter::changed, this, &ModelsDock::reload);
  reload();
}

void ModelsDock::reload() {
  const QString selected = selectedModelPath();
  m_model->setModels(m_store->models(), assetModels());
  for (int c = 0; c < ModelListModel::ColumnCount; ++c) m_view->resizeColumnToContents(c);
  for (int row = 0; row < m_model->rowCount(); ++row)
    if (m_model->index(row, 0).data(ModelListModel::PathRole).toString() == selected)
      m_view->setCurrentIndex(m_model->index(row, 0));
}

QString ModelsDock::selectedModelPath() const {
  const QModelIndex i = m_view->currentIndex();
  return i.isValid() ? i.data(ModelListModel::PathRole).toString() : QString();
}

bool ModelsDock::addModelPath(const QString& path) {
  QString error;
  const auto record = describeModelPath(path, &error);
  if (!record) {
    QMessageBox::warning(this, tr("Not a model"), error);
    return false;
  }
  return m_store->upsertModel(*record).has_value();
}

void ModelsDock::addModelWithDialog() {
  QFileDialog dialog(this, tr("Add a model directory or GGUF file"));
  dialog.setFileMode(QFileDialog::ExistingFile);
  dialog.setNameFilters({tr("Models (config.json *.gguf *.safetensors)"), tr("All files (*)")});
  dialog.setOption(QFileDialog::DontUseNativeDialog, false);
  dialog.setLabelText(QFileDialog::Accept, tr("Add"));
  if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
  QString path = dialog.selectedFiles().front();
  if (QFileInfo(path).fileName() == QLatin1String("config.json")) path = QFileInfo(path).path();
  addModelPath(path);
}

void ModelsDock::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void ModelsDock::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) addModelPath(url.toLocalFile());
  event->acceptProposedAction();
}

}  // namespace slmq::ui
