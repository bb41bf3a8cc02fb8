// How stored metrics are shown: metrics stored in bytes ("storage_bytes", "bench_peak_rss_bytes")
// are drawn and printed in MiB. Shared by the metrics table and the comparison charts.
#pragma once

#include <QString>
#include <string>

namespace slmq::ui {

/// True for a metric stored in bytes (its name ends in "_bytes").
inline bool isBytesMetric(const std::string& name) {
  return name.size() > 6 && name.compare(name.size() - 6, 6, "_bytes") == 0;
}

/// Factor from a stored value to the unit it is shown in: bytes → MiB, everything else 1.
inline double metricDisplayScale(const std::string& name) {
  return isBytesMetric(name) ? 1.0 / (1024.0 * 1024.0) : 1.0;
}

/// A metric's name as shown on an axis: "storage_bytes" → "storage (MiB)", others unchanged.
inline QString metricDisplayName(const std::string& name) {
  return isBytesMetric(name) ? QStringLiteral("%1 (MiB)")
                                   .arg(QString::fromStdString(name.substr(0, name.size() - 6)))
                             : QString::fromStdString(name);
}

}  // namespace slmq::ui
