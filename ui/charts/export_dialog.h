// Asks for the pixel size and DPI of a chart export (used by ChartWidget's context menu).
#pragma once

#include <QDialog>

#include "ui/charts/chart_export.h"

class QSpinBox;
class QComboBox;

namespace slmq::ui {

/// Modal dialog with width, height and DPI fields and a few presets.
class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ExportDialog(QWidget* parent = nullptr);
  void setOptions(const ChartExportOptions& options);
  ChartExportOptions options() const;

 private:
  QComboBox* m_preset = nullptr;
  QSpinBox* m_width = nullptr;
  QSpinBox* m_height = nullptr;
  QSpinBox* m_dpi = nullptr;
};

}  // namespace slmq::ui
