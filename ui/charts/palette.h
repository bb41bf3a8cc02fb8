// Colour-blind-safe colours shared by every chart: the viridis ramp for continuous values
// (heatmaps) and the Okabe-Ito set for categorical series (methods, runs, stages).
#pragma once

#include <QColor>
#include <QVector>

namespace slmq::ui {

/// Viridis colour stops (position in [0,1] -> colour), sampled from matplotlib's viridis.
/// Perceptually uniform and readable with the common forms of colour blindness.
QVector<QPair<double, QColor>> viridisStops();

/// The i-th categorical colour (Okabe & Ito 2008, black omitted); wraps around after 7.
QColor seriesColor(int index);

/// Colour of the 16-bit reference (FP) wherever it is drawn: a neutral dark grey.
QColor referenceColor();

/// Colour used to flag outliers (channels, cells) on top of the categorical colours.
QColor highlightColor();

}  // namespace slmq::ui
