// Loading of the embedded translations; see translations.h.
#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace slmq::ui {
namespace {
QTranslator* g_app = nullptr;
QTranslator* g_qt = nullptr;
}  // namespace

QStringList availableLanguages() {
  return {QStringLiteral("de"), QStringLiteral("zh_CN")};
}

bool installTranslations(const QString& language) {
  for (QTranslator** t : {&g_app, &g_qt})
    if (*t) {
      QCoreApplication::removeTranslator(*t);
      delete *t;
      *t = nullptr;
    }
  const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
  auto* app = new QTranslator;
  // QTranslator::load(locale, ...) tries slmq_zh_CN, then slmq_zh, ...
  if (!app->load(locale, QStringLiteral("slmq"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete app;
    return false;
  }
  QCoreApplication::installTranslator(app);
  g_app = app;
  auto* qt = new QTranslator;
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QCoreApplication::installTranslator(qt);
    g_qt = qt;
  } else {
    delete qt;
  }
  return true;
}

}  // namespace slmq::ui
