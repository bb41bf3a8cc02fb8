// The workbench's main window: menus, docks (models, runs, jobs) and the view tabs.
#pragma once

#include <QMainWindow>

namespace slmq::ui {

/// Top-level window. Owns its docks and views; reads the workspace store through item models.
class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace slmq::ui
