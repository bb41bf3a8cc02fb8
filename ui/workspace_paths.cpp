// Default workspace location; see workspace_paths.h.
#include "ui/workspace_paths.h"

#include <QDir>
#include <QStandardPaths>

namespace slmq::ui {

QString defaultWorkspacePath() {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  QDir().mkpath(dir);
  return QDir(dir).filePath(QStringLiteral("workspace.sqlite"));
}

}  // namespace slmq::ui
