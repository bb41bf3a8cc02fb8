// /proc and getrusage based resource figures.
#include "core/common/resource_usage.h"

#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <string>

namespace slmq::core {
namespace {

std::uint64_t readProcKb(const char* file, const char* key) {
  std::ifstream in(file);
  std::string line;
  const std::string k(key);
  while (std::getline(in, line)) {
    if (line.compare(0, k.size(), k) == 0) {
      return std::stoull(line.substr(k.size())) * 1024ull;
    }
  }
  return 0;
}

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::uint64_t peakResidentBytes() {
  return readProcKb("/proc/self/status", "VmHWM:");
}
std::uint64_t currentResidentBytes() {
  return readProcKb("/proc/self/status", "VmRSS:");
}
std::uint64_t availableMemoryBytes() {
  return readProcKb("/proc/meminfo", "MemAvailable:");
}

bool resetPeakResident() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  return static_cast<bool>(out.flush());
}

double processCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

ResourceMeter::ResourceMeter() : m_wallStart(nowSeconds()), m_cpuStart(processCpuSeconds()) {
  resetPeakResident();
}
double ResourceMeter::wallSeconds() const {
  return nowSeconds() - m_wallStart;
}
double ResourceMeter::cpuSeconds() const {
  return processCpuSeconds() - m_cpuStart;
}
std::uint64_t ResourceMeter::peakBytes() const {
  return peakResidentBytes();
}

}  // namespace slmq::core
