// Which points of a scatter lie on the Pareto front (for drawing it; no metric is computed here).
#pragma once

#include <QPointF>
#include <QVector>

namespace slmq::ui {

/// Indices of the non-dominated points, ordered by increasing x. A point dominates another when
/// it is at least as good on both axes and better on one; "good" is smaller x when
/// `smallerXIsBetter` (size, latency) and larger y when `largerYIsBetter` (accuracy).
/// Points with a NaN coordinate are ignored; of exact duplicates the first is kept.
QVector<int> paretoFront(const QVector<QPointF>& points, bool smallerXIsBetter = true,
                         bool largerYIsBetter = true);

}  // namespace slmq::ui
