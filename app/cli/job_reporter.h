// Progress and cancellation for `slmq run|sweep|demo`: the JSON-lines protocol on stdout
// (core/jobs/progress_protocol.h) or a text line with ETA on stderr, and SIGTERM/SIGINT -> cancel.
// Cancellation is cooperative (the ProgressFn returns false); if the work does not stop within a
// second, a watchdog thread marks the current run cancelled through its own store connection and
// ends the process with exit code 6.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "app/cli/command.h"
#include "core/common/progress.h"

namespace slmq::cli {

/// One per process (installs signal handlers). Not copyable.
class JobReporter {
 public:
  JobReporter(const GlobalOptions& global, std::filesystem::path store);
  ~JobReporter();
  JobReporter(const JobReporter&) = delete;
  JobReporter& operator=(const JobReporter&) = delete;

  bool jsonl() const { return m_jsonl; }
  /// The run now executing (for "started" and for the watchdog).
  void runStarted(std::int64_t run_id, std::string_view name);
  /// A ProgressFn that reports and returns false once SIGTERM/SIGINT arrived.
  core::ProgressFn progressFn();
  void log(std::string_view level, std::string_view message);
  /// Run finished: status done|failed|cancelled (with `error` for the latter two).
  void runFinished(std::int64_t run_id, std::string_view status, std::string_view error = {});
  /// A result object for the user: one JSON line as a log event (jsonl) or nothing (text: the
  /// command prints its own table).
  void result(const std::string& json_text);
  /// True once a termination signal arrived.
  static bool cancelRequested();

 private:
  struct Impl;
  std::unique_ptr<Impl> m;
  bool m_jsonl;
};

}  // namespace slmq::cli
