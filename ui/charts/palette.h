// Colour-blind-safe colours shared by every chart: the viridis ramp for continuous values
// (heatmaps), a blue-white-red ramp for signed values centred on zero, and the Okabe-Ito set for
// categorical series (methods, runs, stages).
#pragma once

#include <QColor>
#include <QVector>

namespace slmq::ui {

/// Viridis colour stops (position in [0,1] -> colour), sampled from matplotlib's viridis.
/// Perceptually uniform and readable with the common forms of colour blindness.
QVector<QPair<double, QColor>> viridisStops();

/// Diverging colour stops for signed values (ColorBrewer RdBu, reversed): dark blue at 0,
/// near-white at 0.5 (zero when the range is symmetric), dark red at 1. Readable with the
/// red-green colour blindnesses, which a red-green ramp is not.
QVector<QPair<double, QColor>> divergingStops();

/// The i-th categorical colour (Okabe & Ito 2008, black omitted); wraps around after 7.
QColor seriesColor(int index);

/// Colour of the 16-bit reference (FP) wherever it is drawn: a neutral dark grey.
QColor referenceColor();

/// Colour used to flag outliers (channels, cells) on top of the categorical colours.
QColor highlightColor();

}  // namespace slmq::ui
