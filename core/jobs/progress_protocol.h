// The JSON-lines progress protocol that `slmq` writes on stdout when asked (--progress-json) and
// that the GUI's job controller parses. One JSON object per line, UTF-8, '\n'-terminated;
// every object has "event" and "t" (seconds since the writer started).
//
//   {"event":"started","t":0.0,"run":12,"pid":4242,"message":"GPTQ W4 g128 smol-ref"}
//   {"event":"progress","t":3.1,"run":12,"fraction":0.42,"stage":"quantize block 3","eta_s":12.3}
//   {"event":"log","t":3.2,"run":12,"level":"info","message":"AWQ: skipped v->o (GQA)"}
//   {"event":"finished","t":9.9,"run":12,"status":"done"}
//   {"event":"error","t":9.9,"run":12,"message":"model.safetensors: truncated at byte 1024"}
//
// Fields: "run" is the store's run id (omitted or 0 when the command has no run); "fraction" is
// in [0, 1]; "eta_s" is omitted while unknown; "level" is one of trace, debug, info, warning,
// error; "status" of finished is done, failed or cancelled. A command that fails writes "error"
// and then "finished" with status failed (or cancelled). Readers ignore unknown fields, so later
// versions may add fields; an unknown "event" or a line that is not such an object (a stray
// print, a crash message) is handed to the reader as a log event of level "raw" carrying the
// line, never dropped and never fatal. Lines longer than 1 MiB are cut and reported the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/progress.h"

namespace slmq::core {

/// Kinds of protocol events.
enum class ProgressEventType { Started, Progress, Log, Finished, Error };

/// "started", "progress", "log", "finished", "error".
const char* progressEventName(ProgressEventType type) noexcept;

/// One protocol line, decoded. Fields that the event type does not use are left default.
struct ProgressEvent {
  ProgressEventType type = ProgressEventType::Log;
  double t = 0.0;               ///< seconds since the writer started
  std::int64_t run = 0;         ///< run id (0 = none)
  std::int64_t pid = 0;         ///< started: the writer's pid
  double fraction = 0.0;        ///< progress: in [0, 1]
  std::string stage;            ///< progress: short label
  std::optional<double> eta_s;  ///< progress: estimated seconds left
  std::string level;            ///< log: trace|debug|info|warning|error, or "raw" (see above)
  std::string message;          ///< started, log, error
  std::string status;           ///< finished: done|failed|cancelled

  bool operator==(const ProgressEvent&) const = default;
};

/// One line of JSON for `event` (without the trailing newline).
std::string formatProgressEvent(const ProgressEvent& event);
/// Decodes one line (a trailing "\r" or "\n" is ignored). Throws Error(InvalidInput) naming the
/// problem for a line that is not a protocol event (bad JSON, missing or mistyped field).
ProgressEvent parseProgressEvent(std::string_view line);

/// Splits a byte stream (e.g. chunks read from a child's stdout) into lines and decodes them.
/// Lines that are not protocol events become Log events with level "raw". Not thread-safe.
class ProgressLineParser {
 public:
  static constexpr std::size_t kMaxLineBytes = 1 << 20;

  /// Appends bytes; returns the events of every line completed by them.
  std::vector<ProgressEvent> feed(std::string_view bytes);
  /// Decodes a last line that had no newline (call at end of stream).
  std::vector<ProgressEvent> finish();

 private:
  void takeLine(std::string_view line, std::vector<ProgressEvent>& out);

  std::string m_buffer;
  bool m_discarding = false;  ///< inside an over-long line
};

/// Writes protocol lines to a FILE (stdout by default), flushing each line. Thread-safe (one
/// mutex). Progress lines are rate-limited: a line is written when the stage changed, the
/// fraction moved by at least 0.01 or reached 1, or `min_interval` passed since the last line
/// (a heartbeat). The ETA is linear in the fraction since the first progress event.
class ProgressWriter {
 public:
  explicit ProgressWriter(std::FILE* out = stdout, std::int64_t run = 0,
                          std::chrono::milliseconds min_interval = std::chrono::milliseconds(100));

  void setRun(std::int64_t run);
  void started(std::string_view message = {});
  void progress(double fraction, std::string_view stage);
  void log(std::string_view level, std::string_view message);
  void finished(std::string_view status);
  void error(std::string_view message);
  /// A ProgressFn that reports through this writer and never cancels (cancellation comes from
  /// outside: the GUI terminates the process). The writer must outlive it.
  ProgressFn progressFn();

 private:
  void write(ProgressEvent event);
  double now() const;

  std::mutex m_mutex;
  std::FILE* m_out;
  std::int64_t m_run;
  std::chrono::milliseconds m_minInterval;
  std::chrono::steady_clock::time_point m_start;
  std::optional<double> m_firstProgressT;  ///< t of the first progress event
  double m_firstFraction = 0.0;
  double m_lastWrittenT = -1e9;
  double m_lastWrittenFraction = -1.0;
  std::string m_lastStage;
};

}  // namespace slmq::core
