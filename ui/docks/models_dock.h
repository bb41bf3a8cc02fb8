// The model browser dock: models registered in the workspace and those offered from the shared
// assets; add a Hugging Face directory or a GGUF file by dialog or drag and drop.
#pragma once

#include <QDockWidget>

class QTreeView;

namespace slmq::ui {

class ModelListModel;
class StoreAdapter;

/// Dock with the model list. The StoreAdapter is not owned and must outlive the dock.
class ModelsDock : public QDockWidget {
  Q_OBJECT
 public:
  ModelsDock(StoreAdapter* store, QWidget* parent = nullptr);

  ModelListModel* modelList() const { return m_model; }
  QTreeView* view() const { return m_view; }
  /// Path of the selected model ("" if none).
  QString selectedModelPath() const;

  /// Registers a model directory or file in the workspace; shows why when it is not a model.
  /// Returns true when it was added.
  bool addModelPath(const QString& path);

 public slots:
  void reload();
  /// Asks for a model directory (or a .gguf file) and adds it.
  void addModelWithDialog();

 signals:
  /// A model was double-clicked (or Enter pressed): e.g. to start a study on it.
  void modelActivated(const QString& path);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  StoreAdapter* m_store;
  ModelListModel* m_model;
  QTreeView* m_view;
};

}  // namespace slmq::ui
