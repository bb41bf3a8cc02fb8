// slmq-workbench: the GUI entry point.
#include <QApplication>

#include "ui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("slmq-workbench");
  QApplication::setOrganizationName("slmq");
  slmq::ui::MainWindow window;
  window.show();
  return QApplication::exec();
}
