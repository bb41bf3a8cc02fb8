// The run list dock: filters (model, method, bits, status, text) over a sortable, multi-select
// table of the workspace's runs. Selecting runs drives every view.
#pragma once

#include <QDockWidget>
#include <QVector>

class QComboBox;
class QLineEdit;
class QTableView;

namespace slmq::ui {

class RunListModel;
class RunFilterProxy;
class StoreAdapter;

/// Dock with the run list. Reads runs through the StoreAdapter (not owned, must outlive it).
class RunsDock : public QDockWidget {
  Q_OBJECT
 public:
  RunsDock(StoreAdapter* store, QWidget* parent = nullptr);

  RunListModel* runModel() const { return m_model; }
  RunFilterProxy* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }

  /// Ids of the selected runs, in view order.
  QVector<qint64> selectedRunIds() const;
  /// Selects exactly these runs (those not shown are ignored).
  void selectRuns(const QVector<qint64>& runIds);

 public slots:
  /// Re-reads the runs from the store, keeping the selection.
  void reload();

 signals:
  void selectionChanged(const QVector<qint64>& runIds);

 private:
  void refreshFilterChoices();
  void showContextMenu(const QPoint& pos);

  StoreAdapter* m_store;
  RunListModel* m_model;
  RunFilterProxy* m_proxy;
  QTableView* m_view;
  QLineEdit* m_text;
  QComboBox* m_modelFilter;
  QComboBox* m_methodFilter;
  QComboBox* m_bitsFilter;
  QComboBox* m_statusFilter;
  QVector<qint64> m_lastSelection;
};

}  // namespace slmq::ui
