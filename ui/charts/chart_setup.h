// newChart: the set-up every view repeats for its charts — create a ChartWidget subclass owned by
// a parent widget, name it (tests and screenshots find charts by object name), and give it its
// title and the placeholder it shows while it has no data.
#pragma once

#include <QString>
#include <QWidget>
#include <type_traits>

#include "ui/charts/chart_widget.h"

namespace slmq::ui {

/// A new `Chart` owned by `parent` (Qt ownership), named `objectName`, with `title` and
/// `placeholder` set unless empty (an empty one is left as the chart's default).
template <class Chart>
Chart* newChart(QWidget* parent, const char* objectName, const QString& title = {},
                const QString& placeholder = {}) {
  static_assert(std::is_base_of_v<ChartWidget, Chart>, "newChart makes ChartWidgets");
  auto* chart = new Chart(parent);
  chart->setObjectName(QLatin1String(objectName));
  if (!title.isEmpty()) chart->setTitle(title);
  if (!placeholder.isEmpty()) chart->setPlaceholder(placeholder);
  return chart;
}

}  // namespace slmq::ui
