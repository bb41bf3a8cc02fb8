// Colour-blind-safe palettes; see palette.h.
#include "ui/charts/palette.h"

#include <array>

namespace slmq::ui {

QVector<QPair<double, QColor>> viridisStops() {
  // matplotlib viridis at 0, 1/8, ..., 1.
  static const std::array<const char*, 9> kHex = {"#440154", "#472d7b", "#3b528b",
                                                  "#2c728e", "#21918c", "#28ae80",
                                                  "#5ec962", "#addc30", "#fde725"};
  QVector<QPair<double, QColor>> stops;
  for (std::size_t i = 0; i < kHex.size(); ++i)
    stops.append({static_cast<double>(i) / (kHex.size() - 1), QColor(kHex[i])});
  return stops;
}

QVector<QPair<double, QColor>> divergingStops() {
  static const std::array<const char*, 11> kHex = {"#053061", "#2166ac", "#4393c3", "#92c5de",
                                                   "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582",
                                                   "#d6604d", "#b2182b", "#67001f"};
  QVector<QPair<double, QColor>> stops;
  for (std::size_t i = 0; i < kHex.size(); ++i)
    stops.append({static_cast<double>(i) / (kHex.size() - 1), QColor(kHex[i])});
  return stops;
}

QColor seriesColor(int index) {
  // Okabe-Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow.
  static const std::array<const char*, 7> kHex = {"#0072b2", "#d55e00", "#009e73", "#e69f00",
                                                  "#cc79a7", "#56b4e9", "#f0e442"};
  const int n = static_cast<int>(kHex.size());
  return QColor(kHex[((index % n) + n) % n]);
}

QColor referenceColor() {
  return QColor("#404040");
}

QColor highlightColor() {
  return QColor("#d55e00");
}

}  // namespace slmq::ui
