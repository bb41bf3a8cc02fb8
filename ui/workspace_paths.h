// Where the workbench keeps its default workspace.
#pragma once

#include <QString>

namespace slmq::ui {

/// <AppDataLocation>/workspace.sqlite (e.g. ~/.local/share/slmq/slmq-workbench/workspace.sqlite);
/// the folder is created if missing. The file itself is created when the store opens it.
QString defaultWorkspacePath();

}  // namespace slmq::ui
