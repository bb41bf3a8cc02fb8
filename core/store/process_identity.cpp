// Process identity and liveness from /proc (Linux), host description for runs.host_info_json.
#include "core/store/process_identity.h"

#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace slmq::core {
namespace {

std::string readSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string s;
  s.resize(4096);
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string bootId() {
  return trim(readSmallFile("/proc/sys/kernel/random/boot_id"));
}

std::string hostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

/// State letter and start time (field 22, clock ticks since boot) of /proc/<pid>/stat.
/// The command name (field 2) may contain spaces and ')' so parsing starts after the last ')'.
bool readStat(long pid, char& state, std::string& start_ticks) {
  std::string stat = readSmallFile("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (stat.empty() || close == std::string::npos) return false;
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  // Fields from 3 (state) on; start time is field 22.
  for (int i = 3; i <= 22; ++i) {
    if (!(rest >> field)) return false;
    if (i == 3) state = field.empty() ? '?' : field[0];
    if (i == 22) start_ticks = field;
  }
  return true;
}

}  // namespace

ProcessIdentity currentProcessIdentity() {
  ProcessIdentity who;
  who.pid = static_cast<long>(getpid());
  who.host = hostName();
  char state = '?';
  std::string ticks;
  if (readStat(who.pid, state, ticks)) who.start = bootId() + ":" + ticks;
  return who;
}

ProcessLiveness processLiveness(const ProcessIdentity& who) {
  if (who.host != hostName()) return ProcessLiveness::Unknown;
  if (who.pid <= 0) return ProcessLiveness::Dead;
  char state = '?';
  std::string ticks;
  if (!readStat(who.pid, state, ticks)) {
    // No /proc entry: gone (or /proc is unavailable, then ask the kernel directly).
    if (readSmallFile("/proc/self/stat").empty()) {
      bool exists = kill(static_cast<pid_t>(who.pid), 0) == 0 || errno == EPERM;
      return exists ? ProcessLiveness::Alive : ProcessLiveness::Dead;
    }
    return ProcessLiveness::Dead;
  }
  if (state == 'Z' || state == 'X') return ProcessLiveness::Dead;  // exited, not yet reaped
  if (!who.start.empty() && who.start != bootId() + ":" + ticks) {
    return ProcessLiveness::Dead;  // the pid was reused, or the machine rebooted
  }
  return ProcessLiveness::Alive;
}

std::string hostInfoJson() {
  nlohmann::json j;
  j["hostname"] = hostName();
  utsname u{};
  if (uname(&u) == 0) {
    j["os"] = std::string(u.sysname) + " " + u.release;
    j["machine"] = u.machine;
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        j["cpu"] = v.empty() ? v
                             : v.substr(v.find_first_not_of(' ') == std::string::npos
                                            ? 0
                                            : v.find_first_not_of(' '));
      }
      break;
    }
  }
  j["logical_cores"] = std::thread::hardware_concurrency();
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemTotal:", 0) == 0) {
      std::istringstream in(line.substr(9));
      long long kb = 0;
      if (in >> kb) j["memory_bytes"] = kb * 1024;
      break;
    }
  }
  return j.dump();
}

}  // namespace slmq::core
