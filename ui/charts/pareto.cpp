// paretoFront: the non-dominated points of a 2-D scatter; see pareto.h.
#include "ui/charts/pareto.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace slmq::ui {

QVector<int> paretoFront(const QVector<QPointF>& points, bool smallerXIsBetter,
                         bool largerYIsBetter) {
  // Map to "smaller x better, larger y better", sort by x (then y descending), sweep keeping
  // every point whose y beats the best y seen so far.
  QVector<int> order;
  for (int i = 0; i < points.size(); ++i)
    if (!std::isnan(points[i].x()) && !std::isnan(points[i].y())) order << i;
  auto x = [&](int i) { return smallerXIsBetter ? points[i].x() : -points[i].x(); };
  auto y = [&](int i) { return largerYIsBetter ? points[i].y() : -points[i].y(); };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (x(a) != x(b)) return x(a) < x(b);
    return y(a) > y(b);
  });
  QVector<int> front;
  double bestY = -INFINITY;
  for (int i : order) {
    if (y(i) > bestY) {
      front << i;
      bestY = y(i);
    }
  }
  std::sort(front.begin(), front.end(),
            [&](int a, int b) { return points[a].x() < points[b].x(); });
  return front;
}

}  // namespace slmq::ui
