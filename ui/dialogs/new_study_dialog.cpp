// NewStudyDialog: builds ExperimentSpecs with a JSON preview; see new_study_dialog.h.
#include "ui/dialogs/new_study_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>

#include "core/quant/quant_spec.h"

namespace slmq::ui {
namespace {
QListWidget* checkList(QWidget* parent, const QStringList& items, const QStringList& checked,
                       const char* name) {
  auto* list = new QListWidget(parent);
  list->setObjectName(QLatin1String(name));
  for (const QString& text : items) {
    auto* item = new QListWidgetItem(text, list);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(checked.contains(text) ? Qt::Checked : Qt::Unchecked);
  }
  list->setMaximumHeight(list->sizeHintForRow(0) * std::min<int>(items.size(), 7) + 8);
  return list;
}

QStringList checkedItems(const QListWidget* list) {
  QStringList out;
  for (int i = 0; i < list->count(); ++i)
    if (list->item(i)->checkState() == Qt::Checked) out << list->item(i)->text();
  return out;
}

void setChecked(QListWidget* list, const QStringList& names) {
  for (int i = 0; i < list->count(); ++i)
    list->item(i)->setCheckState(names.contains(list->item(i)->text()) ? Qt::Checked
                                                                       : Qt::Unchecked);
}

QStringList fromStd(const std::vector<std::string>& v) {
  QStringList out;
  for (const auto& s : v) out << QString::fromStdString(s);
  return out;
}
}  // namespace

NewStudyDialog::NewStudyDialog(const QList<QPair<QString, QString>>& models, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("New study"));
  setObjectName(QStringLiteral("newStudyDialog"));
  auto* top = new QHBoxLayout(this);
  auto* form = new QFormLayout;
  m_model = new QComboBox(this);
  m_model->setObjectName(QStringLiteral("studyModel"));
  for (const auto& [name, path] : models) m_model->addItem(name, path);
  form->addRow(tr("&Model:"), m_model);
  m_baseline = new QCheckBox(tr("also run the FP (16-bit) baseline"), this);
  m_baseline->setObjectName(QStringLiteral("studyBaseline"));
  m_baseline->setChecked(true);
  form->addRow(QString(), m_baseline);
  m_methods = checkList(this, fromStd(core::knownMethodNames()), {"rtn"}, "studyMethods");
  form->addRow(tr("M&ethods:"), m_methods);
  m_settings = checkList(
      this,
      {"w8a8", "w4a8 g128 asym", "w4a16 g128 asym", "w3a16 g128 asym", "w4a4", "w2a16 g64 asym"},
      {"w8a8"}, "studySettings");
  form->addRow(tr("&Bit settings:"), m_settings);
  m_calibration = new QComboBox(this);
  m_calibration->setObjectName(QStringLiteral("studyCalibration"));
  const QStringList texts{"text/wikitext2_valid.txt", "text/c4_heldout500.txt",
                          "text/ptb_valid.txt", "text/books_val.txt"};
  m_calibration->addItems(texts);
  m_calibSamples = new QSpinBox(this);
  m_calibSamples->setRange(1, 4096);
  m_calibSamples->setValue(32);
  auto* calib = new QHBoxLayout;
  calib->addWidget(m_calibration, 1);
  calib->addWidget(new QLabel(tr("samples:"), this));
  calib->addWidget(m_calibSamples);
  auto* calibLabel = new QLabel(tr("&Calibration:"), this);
  calibLabel->setBuddy(m_calibration);
  form->addRow(calibLabel, calib);
  m_texts =
      checkList(this, {"text/wikitext2_test.txt", "text/ptb_test.txt", "text/c4_heldout500.txt"},
                {"text/wikitext2_test.txt"}, "studyTexts");
  form->addRow(tr("&Perplexity on:"), m_texts);
  m_maxChunks = new QSpinBox(this);
  m_maxChunks->setRange(0, 100000);
  m_maxChunks->setValue(16);
  m_maxChunks->setSpecialValueText(tr("whole file"));
  form->addRow(tr("Max c&hunks:"), m_maxChunks);
  m_tasks = checkList(this, fromStd(core::knownTaskNames()), {"arc_easy"}, "studyTasks");
  form->addRow(tr("&Tasks:"), m_tasks);
  m_taskLimit = new QSpinBox(this);
  m_taskLimit->setRange(0, 100000);
  m_taskLimit->setValue(200);
  m_taskLimit->setSpecialValueText(tr("all items"));
  form->addRow(tr("Task &limit:"), m_taskLimit);
  m_sensitivity = new QCheckBox(tr("per-layer &sensitivity (W8, W4, W3)"), this);
  m_stats = new QCheckBox(tr("weight and activation s&tatistics"), this);
  m_stats->setChecked(true);
  form->addRow(tr("Analyses:"), m_sensitivity);
  form->addRow(QString(), m_stats);
  top->addLayout(form, 1);

  auto* right = new QVBoxLayout;
  right->addWidget(new QLabel(tr("ExperimentSpec preview (JSON):"), this));
  m_preview = new QPlainTextEdit(this);
  m_preview->setObjectName(QStringLiteral("studyPreview"));
  m_preview->setReadOnly(true);
  QFont mono(QStringLiteral("monospace"));
  mono.setStyleHint(QFont::TypeWriter);
  m_preview->setFont(mono);
  m_preview->setMinimumWidth(420);
  right->addWidget(m_preview, 1);
  m_summary = new QLabel(this);
  m_summary->setObjectName(QStringLiteral("studySummary"));
  right->addWidget(m_summary);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  m_run = buttons->addButton(tr("&Run"), QDialogButtonBox::AcceptRole);
  m_run->setObjectName(QStringLiteral("studyRun"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  right->addWidget(buttons);
  top->addLayout(right, 1);

  for (QListWidget* l : {m_methods, m_settings, m_texts, m_tasks})
    connect(l, &QListWidget::itemChanged, this, &NewStudyDialog::updatePreview);
  for (QComboBox* c : {m_model, m_calibration})
    connect(c, &QComboBox::currentIndexChanged, this, &NewStudyDialog::updatePreview);
  for (QSpinBox* s : {m_calibSamples, m_taskLimit, m_maxChunks})
    connect(s, &QSpinBox::valueChanged, this, &NewStudyDialog::updatePreview);
  for (QCheckBox* c : {m_baseline, m_sensitivity, m_stats})
    connect(c, &QCheckBox::toggled, this, &NewStudyDialog::updatePreview);
  updatePreview();
}

void NewStudyDialog::setModelPath(const QString& path) {
  const int i = m_model->findData(path);
  if (i >= 0) m_model->setCurrentIndex(i);
}

void NewStudyDialog::setMethods(const QStringList& methods) {
  setChecked(m_methods, methods);
}
void NewStudyDialog::setSettings(const QStringList& settings) {
  setChecked(m_settings, settings);
}

std::vector<core::ExperimentSpec> NewStudyDialog::specs() const {
  core::ExperimentSpec base;
  base.model = m_model->currentData().toString().toStdString();
  core::EvaluationSpec& ev = base.evaluations;
  const QStringList texts = checkedItems(m_texts);
  if (!texts.isEmpty()) {
    core::PerplexityEval p;
    for (const QString& t : texts) p.texts.push_back(t.toStdString());
    p.max_chunks = m_maxChunks->value();
    ev.perplexity = p;
  }
  for (const QString& t : checkedItems(m_tasks))
    ev.tasks.push_back({t.toStdString(), m_taskLimit->value()});
  if (m_sensitivity->isChecked()) {
    core::SensitivitySpec s;
    s.text = "text/wikitext2_valid.txt";
    base.analyses.sensitivity = s;
  }
  if (m_stats->isChecked()) base.analyses.stats = core::StatsSpec{};
  std::vector<core::ExperimentSpec> out;
  const QString modelName = m_model->currentText();
  if (m_baseline->isChecked()) {
    core::ExperimentSpec fp = base;
    fp.name = QStringLiteral("FP %1").arg(modelName).toStdString();
    out.push_back(fp);
  }
  for (const QString& method : checkedItems(m_methods))
    for (const QString& setting : checkedItems(m_settings)) {
      core::ExperimentSpec s = base;
      s.methods = {core::MethodStep{method.toStdString(), nlohmann::json::object()}};
      const core::QuantSpec q = core::QuantSpec::parse(setting.toStdString());
      s.quant = q.toJson();
      s.name = QStringLiteral("%1 %2 %3")
                   .arg(method, QString::fromStdString(q.shortName()), modelName)
                   .toStdString();
      core::CalibrationSpec c;
      c.file = m_calibration->currentText().toStdString();
      c.n_samples = m_calibSamples->value();
      s.calibration = c;
      // Validate through the JSON form, as `slmq run` will read it.
      out.push_back(core::ExperimentSpec::fromJson(s.toJson()));
    }
  return out;
}

QString NewStudyDialog::previewText() const {
  return m_preview->toPlainText();
}

void NewStudyDialog::updatePreview() {
  try {
    const auto list = specs();
    nlohmann::json all = nlohmann::json::array();
    for (const auto& s : list) all.push_back(s.toJson());
    m_preview->setPlainText(QString::fromStdString(all.dump(2)));
    m_summary->setText(tr("%n run(s) will be queued.", nullptr, static_cast<int>(list.size())));
    m_run->setEnabled(!list.empty() && m_model->count() > 0);
  } catch (const std::exception& e) {
    m_preview->setPlainText(tr("Invalid study: %1").arg(QString::fromUtf8(e.what())));
    m_summary->setText(QString());
    m_run->setEnabled(false);
  }
}

}  // namespace slmq::ui
