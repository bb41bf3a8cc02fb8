// New-study dialog: model, methods, bit settings, calibration text, evaluations and analyses,
// with a live JSON preview of the ExperimentSpecs it will run (one per method x setting).
#pragma once

#include <QDialog>
#include <vector>

#include "core/jobs/experiment_spec.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace slmq::ui {

/// Modal dialog. Builds specs with core::ExperimentSpec (validated by it); runs nothing itself.
class NewStudyDialog : public QDialog {
  Q_OBJECT
 public:
  /// `models`: (display name, path) pairs offered in the model box.
  NewStudyDialog(const QList<QPair<QString, QString>>& models, QWidget* parent = nullptr);

  /// The specs of the study: an FP baseline (if ticked) then one per method x bit setting.
  /// Throws core::Error when a field is invalid (the preview shows the message instead).
  std::vector<core::ExperimentSpec> specs() const;
  /// The preview text currently shown (a JSON array of specs, or the error).
  QString previewText() const;

  /// Pre-selects a model path (e.g. the one double-clicked in the model browser).
  void setModelPath(const QString& path);
  /// Ticks exactly these methods / settings (by name / short name, e.g. "w4a16 g128 asym").
  void setMethods(const QStringList& methods);
  void setSettings(const QStringList& settings);

 private:
  void updatePreview();

  QComboBox* m_model;
  QListWidget* m_methods;
  QListWidget* m_settings;
  QCheckBox* m_baseline;
  QComboBox* m_calibration;
  QSpinBox* m_calibSamples;
  QListWidget* m_texts;
  QListWidget* m_tasks;
  QSpinBox* m_taskLimit;
  QSpinBox* m_maxChunks;
  QCheckBox* m_sensitivity;
  QCheckBox* m_stats;
  QPlainTextEdit* m_preview;
  QLabel* m_summary;
  QPushButton* m_run = nullptr;
};

}  // namespace slmq::ui
