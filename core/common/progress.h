// Progress reporting and cancellation for long core operations.
#pragma once

#include <functional>
#include <string_view>

namespace slmq::core {

/// Called by long operations with the fraction done in [0, 1] and a short stage label
/// ("calibrate", "quantize block 3", ...). Return false to cancel: the operation then throws
/// Error(ErrorKind::Cancelled) within about a second. An empty function never cancels.
/// Called on the thread that runs the operation.
using ProgressFn = std::function<bool(double fraction, std::string_view stage)>;

/// Calls `progress` if set; throws Error(Cancelled) when it returns false.
void reportProgress(const ProgressFn& progress, double fraction, std::string_view stage);

}  // namespace slmq::core
