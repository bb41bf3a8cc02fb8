// Identity of a process that can be checked later for liveness: pid + host + boot id + start time,
// so that a recycled pid or a reboot is not mistaken for the process that started a run.
#pragma once

#include <string>

namespace slmq::core {

/// Who is running a run. Stored in runs.pid / runs.host / runs.process_start.
struct ProcessIdentity {
  long pid = 0;
  std::string host;   ///< gethostname()
  std::string start;  ///< "<boot id>:<start time in clock ticks since boot>"
};

/// The calling process.
ProcessIdentity currentProcessIdentity();

/// Result of checking whether a recorded process still runs.
enum class ProcessLiveness {
  Alive,    ///< same host, pid exists, same boot and start time, not a zombie
  Dead,     ///< same host and the process is gone (or the pid now belongs to another process)
  Unknown,  ///< another host: cannot tell
};

/// Checks `who` against /proc on this host.
ProcessLiveness processLiveness(const ProcessIdentity& who);

/// Host description as JSON text: hostname, OS (uname), CPU model, logical cores, memory bytes.
std::string hostInfoJson();

}  // namespace slmq::core
