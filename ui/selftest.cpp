// Implementation of `slmq-workbench --selftest`; see selftest.h.
#include "ui/selftest.h"

#include <QApplication>
#include <QImage>
#include <QPixmap>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextStream>

#include "ui/main_window.h"
#include "ui/store/store_adapter.h"

namespace slmq::ui {

int runSelftest() {
  QTextStream err(stderr);
  auto fail = [&err](const QString& what) {
    err << "selftest: FAIL " << what << Qt::endl;
    return 1;
  };
  auto window = std::make_unique<MainWindow>();
  // A throw-away file: the store runs in WAL mode, which SQLite's ":memory:" databases refuse.
  QTemporaryDir dir;
  if (!dir.isValid() || !window->openWorkspace(dir.filePath(QStringLiteral("selftest.sqlite"))))
    return fail(QStringLiteral("opening a temporary store: ") + window->store()->lastError());
  err << "selftest: temporary store open" << Qt::endl;
  window->resize(1280, 800);
  window->show();
  QApplication::processEvents();

  QTabWidget* tabs = window->viewTabs();
  if (!tabs || tabs->count() == 0) return fail(QStringLiteral("the main window has no view tabs"));
  for (int i = 0; i < tabs->count(); ++i) {
    tabs->setCurrentIndex(i);
    QApplication::processEvents();
    QWidget* view = tabs->widget(i);
    const QImage image = view->grab().toImage();
    if (image.isNull() || image.width() <= 0 || image.height() <= 0)
      return fail(QStringLiteral("rendering view '%1'").arg(tabs->tabText(i)));
    err << "selftest: rendered view '" << tabs->tabText(i) << "' " << image.width() << "x"
        << image.height() << Qt::endl;
  }
  const QImage whole = window->grab().toImage();
  if (whole.isNull()) return fail(QStringLiteral("rendering the main window"));
  err << "selftest: rendered main window " << whole.width() << "x" << whole.height() << Qt::endl;
  // Hide first so closeEvent (which saves the layout into the user's settings) never runs.
  window->hide();
  window.reset();
  err << "selftest: ok" << Qt::endl;
  return 0;
}

}  // namespace slmq::ui
