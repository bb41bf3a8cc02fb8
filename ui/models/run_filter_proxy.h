// Filter and sort proxy of the run list: by model, method, bit setting, status and free text.
#pragma once

#include <QSortFilterProxyModel>

namespace slmq::ui {

/// Sits between RunListModel and the run view. Empty filters accept everything; sorting uses
/// RunListModel::SortRole so numbers sort as numbers.
class RunFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit RunFilterProxy(QObject* parent = nullptr);

  /// Exact model name ("" = any).
  void setModelFilter(const QString& model);
  /// Exact method label as stored ("gptq", "smoothquant,gptq"; "" = any).
  void setMethodFilter(const QString& method);
  /// Bit setting label as shown ("W4A16", "FP16"; "" = any).
  void setBitsFilter(const QString& bits);
  /// Status name ("done", "failed", ...; "" = any).
  void setStatusFilter(const QString& status);
  /// Case-insensitive substring of the run's name, model or method ("" = any).
  void setTextFilter(const QString& text);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  QString m_model, m_method, m_bits, m_status, m_text;
};

}  // namespace slmq::ui
