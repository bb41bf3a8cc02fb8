// JobReporter (see job_reporter.h).
#include "app/cli/job_reporter.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include "core/common/error.h"
#include "core/jobs/progress_protocol.h"
#include "core/store/store.h"

namespace slmq::cli {

namespace {
std::atomic<bool> g_cancel{false};
std::atomic<std::int64_t> g_run{0};

extern "C" void onTerminate(int) {
  g_cancel.store(true);
}

std::string clock(double s) {
  const long t = long(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}
}  // namespace

struct JobReporter::Impl {
  core::ProgressWriter writer{stdout};
  std::filesystem::path store;
  bool quiet = false;
  bool tty = false;
  std::mutex mutex;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double lastText = -1;
  double etaT0 = -1, etaF0 = 0;  ///< first progress of the current run (ETA base)
  std::atomic<bool> done{false};
  std::thread watchdog;
};

JobReporter::JobReporter(const GlobalOptions& g, std::filesystem::path store)
    : m(std::make_unique<Impl>()), m_jsonl(g.progressJsonl()) {
  m->store = std::move(store);
  m->quiet = g.quiet;
  m->tty = isatty(fileno(stderr));
  struct sigaction sa {};
  sa.sa_handler = onTerminate;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  m->watchdog = std::thread([impl = m.get(), jsonl = m_jsonl] {
    while (!impl->done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!g_cancel.load()) continue;
      // Give the cooperative path a second, then cancel the run ourselves.
      for (int i = 0; i < 18 && !impl->done.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (impl->done.load()) return;
      const std::int64_t run = g_run.load();
      try {
        if (run > 0 && !impl->store.empty()) {
          core::StoreOptions so;
          so.recover_interrupted = false;
          so.busy_timeout_ms = 2000;
          auto st = core::Store::open(impl->store, so);
          if (!core::isFinal(st.run(run).status))
            st.cancelRun(run, "cancelled by signal (work did not stop within a second)");
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "slmq: could not mark run %lld cancelled: %s\n",
                     static_cast<long long>(run), e.what());
      }
      if (jsonl) {
        std::lock_guard lock(impl->mutex);
        impl->writer.setRun(run);
        impl->writer.error("cancelled by signal");
        impl->writer.finished("cancelled");
      }
      std::fflush(nullptr);
      _exit(6);
    }
  });
}

JobReporter::~JobReporter() {
  m->done.store(true);
  if (m->watchdog.joinable()) m->watchdog.join();
}

bool JobReporter::cancelRequested() {
  return g_cancel.load();
}

void JobReporter::runStarted(std::int64_t run_id, std::string_view name) {
  g_run.store(run_id);
  std::lock_guard lock(m->mutex);
  m->etaT0 = -1;
  if (m_jsonl) {
    m->writer.setRun(run_id);
    m->writer.started(name);
  } else if (!m->quiet) {
    std::fprintf(stderr, "%srun %lld: %.*s\n", m->tty && m->lastText >= 0 ? "\n" : "",
                 static_cast<long long>(run_id), int(name.size()), name.data());
    m->lastText = -1;
  }
}

core::ProgressFn JobReporter::progressFn() {
  return [this](double f, std::string_view stage) {
    if (g_cancel.load()) return false;
    std::lock_guard lock(m->mutex);
    if (m_jsonl) {
      m->writer.progress(f, stage);
    } else if (!m->quiet) {
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - m->start).count();
      if (m->etaT0 < 0) {
        m->etaT0 = t;
        m->etaF0 = f;
      }
      if (t - m->lastText < 0.2 && f < 1.0) return true;
      m->lastText = t;
      const double df = f - m->etaF0;
      const std::string eta =
          df > 0.02 ? "ETA " + clock((t - m->etaT0) * (1 - f) / df) : "ETA --:--";
      std::fprintf(stderr, m->tty ? "\r[%5.1f%%] %-48.48s %s" : "[%5.1f%%] %-48.48s %s\n",
                   100.0 * f, std::string(stage).c_str(), eta.c_str());
      std::fflush(stderr);
    }
    return true;
  };
}

void JobReporter::log(std::string_view level, std::string_view message) {
  std::lock_guard lock(m->mutex);
  if (m_jsonl) {
    m->writer.log(level, message);
  } else if (!m->quiet) {
    std::fprintf(stderr, "%s%.*s: %.*s\n", m->tty && m->lastText >= 0 ? "\n" : "",
                 int(level.size()), level.data(), int(message.size()), message.data());
    m->lastText = -1;
  }
}

void JobReporter::runFinished(std::int64_t run_id, std::string_view status,
                              std::string_view error) {
  std::lock_guard lock(m->mutex);
  if (m_jsonl) {
    m->writer.setRun(run_id);
    if (!error.empty()) m->writer.error(error);
    m->writer.finished(status);
  } else if (!m->quiet) {
    std::fprintf(stderr, "%srun %lld %.*s%s%.*s\n", m->tty && m->lastText >= 0 ? "\n" : "",
                 static_cast<long long>(run_id), int(status.size()), status.data(),
                 error.empty() ? "" : ": ", int(error.size()), error.data());
    m->lastText = -1;
  }
}

void JobReporter::result(const std::string& json_text) {
  std::lock_guard lock(m->mutex);
  if (m_jsonl) m->writer.log("info", json_text);
}

}  // namespace slmq::cli
