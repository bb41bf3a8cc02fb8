// JSON-lines progress protocol: formatting, parsing, line splitting and the rate-limited writer.
#include "core/jobs/progress_protocol.h"

#include <unistd.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace slmq::core {

using nlohmann::json;

const char* progressEventName(ProgressEventType type) noexcept {
  switch (type) {
    case ProgressEventType::Started:
      return "started";
    case ProgressEventType::Progress:
      return "progress";
    case ProgressEventType::Log:
      return "log";
    case ProgressEventType::Finished:
      return "finished";
    case ProgressEventType::Error:
      return "error";
  }
  return "log";
}

std::string formatProgressEvent(const ProgressEvent& e) {
  json j;
  j["event"] = progressEventName(e.type);
  j["t"] = std::round(e.t * 1000.0) / 1000.0;
  if (e.run != 0) j["run"] = e.run;
  switch (e.type) {
    case ProgressEventType::Started:
      if (e.pid != 0) j["pid"] = e.pid;
      if (!e.message.empty()) j["message"] = e.message;
      break;
    case ProgressEventType::Progress:
      j["fraction"] = e.fraction;
      j["stage"] = e.stage;
      if (e.eta_s) j["eta_s"] = *e.eta_s;
      break;
    case ProgressEventType::Log:
      j["level"] = e.level;
      j["message"] = e.message;
      break;
    case ProgressEventType::Finished:
      j["status"] = e.status;
      break;
    case ProgressEventType::Error:
      j["message"] = e.message;
      break;
  }
  // Invalid UTF-8 in a message (a file name, a model string) is replaced, never fatal.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw Error(ErrorKind::InvalidInput, "progress line: " + what);
}

std::string str(const json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) bad(std::string("missing \"") + key + "\"");
    return {};
  }
  if (!it->is_string()) bad(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

double num(const json& j, const char* key, bool required, double fallback = 0.0) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) bad(std::string("missing \"") + key + "\"");
    return fallback;
  }
  if (!it->is_number()) bad(std::string("\"") + key + "\" is not a number");
  return it->get<double>();
}

std::int64_t integer(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (!it->is_number_integer()) bad(std::string("\"") + key + "\" is not an integer");
  return it->get<std::int64_t>();
}

}  // namespace

ProgressEvent parseProgressEvent(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) bad("not JSON");
  if (!j.is_object()) bad("not a JSON object");
  ProgressEvent e;
  std::string name = str(j, "event", true);
  e.t = num(j, "t", false);
  e.run = integer(j, "run");
  if (name == "started") {
    e.type = ProgressEventType::Started;
    e.pid = integer(j, "pid");
    e.message = str(j, "message", false);
  } else if (name == "progress") {
    e.type = ProgressEventType::Progress;
    e.fraction = num(j, "fraction", true);
    if (!(e.fraction >= 0.0 && e.fraction <= 1.0)) bad("\"fraction\" outside [0, 1]");
    e.stage = str(j, "stage", false);
    if (j.contains("eta_s")) e.eta_s = num(j, "eta_s", true);
  } else if (name == "log") {
    e.type = ProgressEventType::Log;
    e.level = str(j, "level", false);
    if (e.level.empty()) e.level = "info";
    e.message = str(j, "message", true);
  } else if (name == "finished") {
    e.type = ProgressEventType::Finished;
    e.status = str(j, "status", true);
    if (e.status != "done" && e.status != "failed" && e.status != "cancelled") {
      bad("\"status\" is '" + e.status + "', expected done, failed or cancelled");
    }
  } else if (name == "error") {
    e.type = ProgressEventType::Error;
    e.message = str(j, "message", true);
  } else {
    bad("unknown event '" + name + "'");
  }
  return e;
}

// --- ProgressLineParser -------------------------------------------------------------------------

void ProgressLineParser::takeLine(std::string_view line, std::vector<ProgressEvent>& out) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  try {
    out.push_back(parseProgressEvent(line));
  } catch (const Error&) {
    ProgressEvent raw;
    raw.type = ProgressEventType::Log;
    raw.level = "raw";
    raw.message = std::string(line);
    out.push_back(std::move(raw));
  }
}

std::vector<ProgressEvent> ProgressLineParser::feed(std::string_view bytes) {
  std::vector<ProgressEvent> out;
  while (!bytes.empty()) {
    auto nl = bytes.find('\n');
    std::string_view part = bytes.substr(0, nl);
    if (m_discarding) {
      if (nl != std::string_view::npos) m_discarding = false;
    } else if (m_buffer.size() + part.size() > kMaxLineBytes) {
      ProgressEvent raw;
      raw.type = ProgressEventType::Log;
      raw.level = "raw";
      raw.message = "(a line longer than " + std::to_string(kMaxLineBytes) + " bytes was cut) " +
                    m_buffer.substr(0, 200);
      out.push_back(std::move(raw));
      m_buffer.clear();
      m_discarding = nl == std::string_view::npos;
    } else if (nl == std::string_view::npos) {
      m_buffer.append(part);
    } else if (m_buffer.empty()) {
      takeLine(part, out);
    } else {
      m_buffer.append(part);
      takeLine(m_buffer, out);
      m_buffer.clear();
    }
    if (nl == std::string_view::npos) break;
    bytes.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<ProgressEvent> ProgressLineParser::finish() {
  std::vector<ProgressEvent> out;
  if (!m_buffer.empty() && !m_discarding) takeLine(m_buffer, out);
  m_buffer.clear();
  m_discarding = false;
  return out;
}

// --- ProgressWriter -----------------------------------------------------------------------------

ProgressWriter::ProgressWriter(std::FILE* out, std::int64_t run,
                               std::chrono::milliseconds min_interval)
    : m_out(out),
      m_run(run),
      m_minInterval(min_interval),
      m_start(std::chrono::steady_clock::now()) {}

double ProgressWriter::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void ProgressWriter::write(ProgressEvent event) {
  // Called with m_mutex held.
  event.run = m_run;
  std::string line = formatProgressEvent(event);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), m_out);
  std::fflush(m_out);
}

void ProgressWriter::setRun(std::int64_t run) {
  std::lock_guard lock(m_mutex);
  m_run = run;
}

void ProgressWriter::started(std::string_view message) {
  std::lock_guard lock(m_mutex);
  ProgressEvent e;
  e.type = ProgressEventType::Started;
  e.t = now();
  e.pid = static_cast<std::int64_t>(getpid());
  e.message = std::string(message);
  write(std::move(e));
}

void ProgressWriter::progress(double fraction, std::string_view stage) {
  std::lock_guard lock(m_mutex);
  if (!(fraction >= 0.0)) fraction = 0.0;  // also NaN
  if (fraction > 1.0) fraction = 1.0;
  const double t = now();
  if (!m_firstProgressT) {
    m_firstProgressT = t;
    m_firstFraction = fraction;
  }
  const bool completes = fraction == 1.0 && m_lastWrittenFraction != 1.0;
  const bool moved = std::abs(fraction - m_lastWrittenFraction) >= 0.01 || stage != m_lastStage;
  const bool due = (t - m_lastWrittenT) * 1000.0 >= static_cast<double>(m_minInterval.count());
  if (!completes && !moved && !due) return;
  ProgressEvent e;
  e.type = ProgressEventType::Progress;
  e.t = t;
  e.fraction = fraction;
  e.stage = std::string(stage);
  // Linear ETA from the rate since the first progress event; unknown until the fraction moved.
  const double done = fraction - m_firstFraction;
  const double elapsed = t - *m_firstProgressT;
  if (fraction >= 1.0) {
    e.eta_s = 0.0;
  } else if (done > 1e-6 && elapsed > 0.0) {
    e.eta_s = std::round(elapsed / done * (1.0 - fraction) * 10.0) / 10.0;
  }
  m_lastWrittenT = t;
  m_lastWrittenFraction = fraction;
  m_lastStage = std::string(stage);
  write(std::move(e));
}

void ProgressWriter::log(std::string_view level, std::string_view message) {
  std::lock_guard lock(m_mutex);
  ProgressEvent e;
  e.type = ProgressEventType::Log;
  e.t = now();
  e.level = std::string(level);
  e.message = std::string(message);
  write(std::move(e));
}

void ProgressWriter::finished(std::string_view status) {
  std::lock_guard lock(m_mutex);
  ProgressEvent e;
  e.type = ProgressEventType::Finished;
  e.t = now();
  e.status = std::string(status);
  write(std::move(e));
}

void ProgressWriter::error(std::string_view message) {
  std::lock_guard lock(m_mutex);
  ProgressEvent e;
  e.type = ProgressEventType::Error;
  e.t = now();
  e.message = std::string(message);
  write(std::move(e));
}

ProgressFn ProgressWriter::progressFn() {
  return [this](double fraction, std::string_view stage) {
    progress(fraction, stage);
    return true;
  };
}

}  // namespace slmq::core
