// View helpers; see view_support.h.
#include "ui/views/view_support.h"

#include <QSignalBlocker>
#include <algorithm>

namespace slmq::ui {

QStringList orderedModules(QStringList modules) {
  static const QStringList kOrder = {"q_proj",    "k_proj",  "v_proj",    "o_proj",
                                     "gate_proj", "up_proj", "down_proj", "block"};
  std::sort(modules.begin(), modules.end(), [](const QString& a, const QString& b) {
    const int ia = kOrder.indexOf(a), ib = kOrder.indexOf(b);
    if (ia >= 0 && ib >= 0) return ia < ib;
    if (ia >= 0 || ib >= 0) return ia >= 0;
    return a < b;
  });
  modules.removeDuplicates();
  return modules;
}

QString layerLabel(int layer) {
  return layer < 0 ? QStringLiteral("emb/head") : QString::number(layer);
}

bool refillCombo(QComboBox* combo, const QList<QPair<QString, QVariant>>& items) {
  const QVariant before = combo->currentData();
  QSignalBlocker block(combo);
  combo->clear();
  for (const auto& [text, data] : items) combo->addItem(text, data);
  int index = combo->findData(before);
  if (index < 0 && combo->count() > 0) index = 0;
  combo->setCurrentIndex(index);
  return combo->currentData() != before;
}

}  // namespace slmq::ui
