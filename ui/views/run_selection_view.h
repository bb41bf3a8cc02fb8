// RunSelectionView: the base of the analysis views that show the runs selected in the runs dock
// (sensitivity, distributions, comparison). It holds the store and the selection and reloads the
// view when either changes.
#pragma once

#include <QVector>
#include <QWidget>

class QBoxLayout;
class QComboBox;

namespace slmq::ui {

class StoreAdapter;

/// A view of the selected runs. Subclasses implement reload() and end their constructor with
/// followStoreAndReload(). GUI thread only.
class RunSelectionView : public QWidget {
  Q_OBJECT
 public:
  /// The runs selected in the run list; reloads. What an empty selection shows is the
  /// subclass's choice (see its class comment).
  void setSelectedRuns(const QVector<qint64>& runIds);

 public slots:
  /// Re-reads everything the view shows from the store; runs whenever the store changes.
  virtual void reload() = 0;

 protected:
  /// `store` is not owned and must outlive the view.
  RunSelectionView(StoreAdapter* store, QWidget* parent);

  /// Reloads now and whenever the store changes. Call it last in the subclass constructor, once
  /// everything reload() uses exists.
  void followStoreAndReload();

  /// Adds "label" and a combo box (its buddy, sized to its contents) to a bar of selectors;
  /// both are owned by this view. `toolTip` is set unless empty.
  QComboBox* addSelector(QBoxLayout* bar, const char* objectName, const QString& label,
                         const QString& toolTip = {});

  StoreAdapter* m_store;
  QVector<qint64> m_selected;
};

}  // namespace slmq::ui
