// Installs the workbench's translations (embedded .qm files) and Qt's own for a language.
#pragma once

#include <QString>
#include <QStringList>

namespace slmq::ui {

/// Languages with a translation of the UI: "de", "zh_CN" (English is built in).
QStringList availableLanguages();

/// Installs the translators for `language` ("de", "zh_CN", a locale name such as "de_DE", or ""
/// for the system locale) on the running application, replacing ones installed earlier. Returns
/// false (and leaves English) when there is no translation for it. Call before creating windows.
bool installTranslations(const QString& language);

}  // namespace slmq::ui
