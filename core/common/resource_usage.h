// Wall time, CPU time and peak resident memory of the process: the raw figures of the paper's
// consumption track and of the inference track's memory column.
#pragma once

#include <cstdint>

namespace slmq::core {

/// Peak resident set size of this process so far, in bytes (VmHWM). 0 if unavailable.
std::uint64_t peakResidentBytes();
/// Current resident set size in bytes (VmRSS). 0 if unavailable.
std::uint64_t currentResidentBytes();
/// Resets the kernel's peak-RSS counter (writes 5 to /proc/self/clear_refs) so that a later
/// peakResidentBytes() measures only what follows. Returns false where the kernel refuses.
bool resetPeakResident();
/// User + system CPU seconds of this process so far.
double processCpuSeconds();
/// Available memory (MemAvailable) in bytes, 0 if unknown.
std::uint64_t availableMemoryBytes();

/// Measures a span: wall seconds, CPU seconds and peak RSS within it.
class ResourceMeter {
 public:
  /// Starts measuring now (resets the peak counter if the kernel allows).
  ResourceMeter();
  double wallSeconds() const;
  double cpuSeconds() const;
  /// Peak RSS since construction if the counter could be reset, else the process peak.
  std::uint64_t peakBytes() const;

 private:
  double m_wallStart;
  double m_cpuStart;
};

}  // namespace slmq::core
