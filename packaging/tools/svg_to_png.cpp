// svg_to_png: renders an SVG to square PNGs at the build (hicolor icon sizes for the .deb).
// Usage: svg_to_png INPUT.svg OUTPUT_DIR SIZE... -> OUTPUT_DIR/<SIZE>x<SIZE>/<basename>.png
// Uses Qt SVG (already a build dependency), so no extra Debian tool is needed. Exit 1 with a
// message naming the file when the SVG cannot be read or a PNG cannot be written.
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QGuiApplication app(argc, argv);
  if (argc < 4) {
    std::fprintf(stderr, "usage: svg_to_png INPUT.svg OUTPUT_DIR SIZE...\n");
    return 1;
  }
  const QString input = QString::fromLocal8Bit(argv[1]);
  QSvgRenderer renderer(input);
  if (!renderer.isValid()) {
    std::fprintf(stderr, "svg_to_png: %s is not a readable SVG\n", argv[1]);
    return 1;
  }
  const QString base = QFileInfo(input).completeBaseName();
  for (int i = 3; i < argc; ++i) {
    bool ok = false;
    const int size = QString::fromLatin1(argv[i]).toInt(&ok);
    if (!ok || size < 8 || size > 4096) {
      std::fprintf(stderr, "svg_to_png: size '%s' is not an integer in [8, 4096]\n", argv[i]);
      return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
      QPainter painter(&image);
      painter.setRenderHint(QPainter::Antialiasing);
      renderer.render(&painter, QRectF(0, 0, size, size));
    }
    const QString dir = QStringLiteral("%1/%2x%2").arg(QString::fromLocal8Bit(argv[2])).arg(size);
    QDir().mkpath(dir);
    const QString out = dir + QLatin1Char('/') + base + QStringLiteral(".png");
    if (!image.save(out, "PNG")) {
      std::fprintf(stderr, "svg_to_png: cannot write %s\n", qPrintable(out));
      return 1;
    }
  }
  return 0;
}
