// Small helpers shared by the views: the canonical order of transformer modules, labels of
// layers and runs, and filling a combo box without losing its choice.
#pragma once

#include <QComboBox>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace slmq::ui {

/// Sorts module names in the order they appear in a block (q k v o gate up down), others after
/// them alphabetically.
QStringList orderedModules(QStringList modules);

/// "3" for a block index, "emb/head" for -1 (modules outside the blocks).
QString layerLabel(int layer);

/// Replaces a combo's items (text, data) and keeps the previously chosen data if still present;
/// emits no signals. Returns true when the chosen data changed.
bool refillCombo(QComboBox* combo, const QList<QPair<QString, QVariant>>& items);

}  // namespace slmq::ui
