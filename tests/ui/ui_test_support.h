// Helpers shared by the QtTest suites of the workbench: screenshots under $SLMQ_SCREENSHOT_DIR
// and temporary workspaces.
#pragma once

#include <QDir>
#include <QImage>
#include <QProcessEnvironment>
#include <QString>
#include <QWidget>
#include <QtTest>

namespace slmq::test {

/// Folder for screenshots: $SLMQ_SCREENSHOT_DIR (set by tests/ui/CMakeLists.txt), else
/// <tmp>/slmq-screenshots. Created if missing.
inline QString screenshotDir() {
  QString dir = qEnvironmentVariable("SLMQ_SCREENSHOT_DIR");
  if (dir.isEmpty()) dir = QDir::temp().filePath(QStringLiteral("slmq-screenshots"));
  QDir().mkpath(dir);
  return dir;
}

/// Grabs `widget` (shown, laid out) and saves it as <dir>/<name>.png; returns the image so the
/// test can assert on its pixels. Fails the test if it cannot be written.
inline QImage saveScreenshot(QWidget* widget, const QString& name) {
  const QImage image = widget->grab().toImage();
  const QString path = QDir(screenshotDir()).filePath(name + QStringLiteral(".png"));
  if (!image.save(path)) qWarning("cannot save screenshot %s", qPrintable(path));
  return image;
}

/// Number of distinct colours in an image (a cheap "is something drawn" check).
inline int distinctColors(const QImage& image, int limit = 64) {
  QSet<QRgb> seen;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) {
      seen.insert(image.pixel(x, y));
      if (seen.size() >= limit) return limit;
    }
  return seen.size();
}

}  // namespace slmq::test
