// Main window (skeleton; filled by the workbench issue).
#include "ui/main_window.h"

namespace slmq::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("SLMQuant Workbench"));
}

}  // namespace slmq::ui
