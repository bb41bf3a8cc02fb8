// RunSelectionView: the base of the analysis views that show the runs selected in the runs dock
// (sensitivity, distributions, comparison). It holds the store and the selection, reloads the
// view when either changes, and lays the view out as a bar of selectors above its content.
#pragma once

#include <QVector>
#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QVBoxLayout;

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
  /// `store` is not owned and must outlive the view. `objectName` names the view (tests and
  /// screenshots find it by it).
  RunSelectionView(StoreAdapter* store, const char* objectName, QWidget* parent);

  /// Reloads now and whenever the store changes. Call it last in the subclass constructor, once
  /// everything reload() uses exists.
  void followStoreAndReload();

  /// Adds "label" and a combo box (its buddy, sized to its contents) to the selector bar; both
  /// are owned by this view. `toolTip` is set unless empty.
  QComboBox* addSelector(const char* objectName, const QString& label, const QString& toolTip = {});

  /// The view's vertical layout; its first item is the selector bar, the content goes below.
  QVBoxLayout* viewLayout() const { return m_viewLayout; }
  /// The row of selectors at the top (owned by viewLayout()).
  QHBoxLayout* selectorBar() const { return m_selectorBar; }

  StoreAdapter* m_store;
  QVector<qint64> m_selected;

 private:
  QVBoxLayout* m_viewLayout;
  QHBoxLayout* m_selectorBar;
};

}  // namespace slmq::ui
