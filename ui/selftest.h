// `slmq-workbench --selftest`: opens the main window offscreen-capable on an in-memory store,
// renders every view tab once and reports whether anything failed. Used by the package test to
// prove an installed .deb starts (Qt plugins, translations, shared libraries all resolvable).
#pragma once

#include <QString>

namespace slmq::ui {

/// Builds a MainWindow on the SQLite store ":memory:", shows it, makes every view tab current in
/// turn and renders it into an image (QWidget::grab), then the window is destroyed without
/// saving its layout. Writes one line per step to stderr. Returns 0 when every step worked, 1
/// otherwise (the failing step is named on stderr). Requires a QApplication; safe under
/// QT_QPA_PLATFORM=offscreen. Never touches the user's default workspace.
int runSelftest();

}  // namespace slmq::ui
