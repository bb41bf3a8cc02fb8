// ExportDialog: size and DPI of a chart export; see export_dialog.h.
#include "ui/charts/export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSpinBox>

namespace slmq::ui {

ExportDialog::ExportDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export size"));
  auto* form = new QFormLayout(this);
  m_preset = new QComboBox(this);
  m_preset->addItem(tr("Screen (1600 x 1000 px, 192 DPI)"), QVariantList{1600, 1000, 192});
  m_preset->addItem(tr("Paper column (1050 x 750 px, 300 DPI)"), QVariantList{1050, 750, 300});
  m_preset->addItem(tr("Paper page width (2100 x 1300 px, 300 DPI)"),
                    QVariantList{2100, 1300, 300});
  m_preset->addItem(tr("Slide (1920 x 1080 px, 144 DPI)"), QVariantList{1920, 1080, 144});
  m_width = new QSpinBox(this);
  m_height = new QSpinBox(this);
  m_dpi = new QSpinBox(this);
  for (QSpinBox* s : {m_width, m_height}) {
    s->setRange(16, 20000);
    s->setSuffix(tr(" px"));
  }
  m_dpi->setRange(24, 1200);
  form->addRow(tr("&Preset:"), m_preset);
  form->addRow(tr("&Width:"), m_width);
  form->addRow(tr("&Height:"), m_height);
  form->addRow(tr("&Resolution (DPI):"), m_dpi);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
  connect(m_preset, &QComboBox::activated, this, [this](int index) {
    const QVariantList v = m_preset->itemData(index).toList();
    setOptions({QSize(v[0].toInt(), v[1].toInt()), v[2].toDouble()});
  });
}

void ExportDialog::setOptions(const ChartExportOptions& options) {
  m_width->setValue(options.sizePx.width());
  m_height->setValue(options.sizePx.height());
  m_dpi->setValue(static_cast<int>(options.dpi));
}

ChartExportOptions ExportDialog::options() const {
  return {QSize(m_width->value(), m_height->value()), static_cast<double>(m_dpi->value())};
}

}  // namespace slmq::ui
