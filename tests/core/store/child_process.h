// Test helper: real child processes (fork) that talk to the parent through a pipe, for the
// store's multi-process tests (crash in a transaction, WAL readers, interrupted runs).
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

namespace slmq::test {

/// A forked child running `body(write_fd)`; the child exits with body's return value (or 99 on
/// an exception, after printing it) without running the parent's atexit handlers or gtest.
/// The destructor SIGKILLs and reaps a child that is still running.
class ChildProcess {
 public:
  explicit ChildProcess(const std::function<int(int write_fd)>& body) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe() failed");
    std::fflush(nullptr);
    m_pid = fork();
    if (m_pid < 0) throw std::runtime_error("fork() failed");
    if (m_pid == 0) {
      close(fds[0]);
      int code = 99;
      try {
        code = body(fds[1]);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", static_cast<int>(getpid()), e.what());
      }
      std::fflush(nullptr);
      _exit(code);
    }
    close(fds[1]);
    m_readFd = fds[0];
  }
  ~ChildProcess() {
    if (m_pid > 0 && !m_reaped) {
      kill(m_pid, SIGKILL);
      int status = 0;
      waitpid(m_pid, &status, 0);
    }
    if (m_readFd >= 0) close(m_readFd);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return m_pid; }

  /// Reads one '\n'-terminated line from the child, waiting at most timeout_ms. Throws on
  /// timeout or when the child closed the pipe first.
  std::string readLine(int timeout_ms = 30000) {
    std::string line;
    for (;;) {
      pollfd p{m_readFd, POLLIN, 0};
      int r = poll(&p, 1, timeout_ms);
      if (r <= 0) throw std::runtime_error("timed out waiting for the child process");
      char c;
      ssize_t n = read(m_readFd, &c, 1);
      if (n <= 0) throw std::runtime_error("child process closed the pipe (exited early?)");
      if (c == '\n') return line;
      line += c;
    }
  }

  /// SIGKILL without reaping (the child stays a zombie until wait()).
  void killHard() { kill(m_pid, SIGKILL); }

  /// Reaps the child; returns its raw wait status.
  int wait() {
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_reaped = true;
    return status;
  }

 private:
  pid_t m_pid = -1;
  int m_readFd = -1;
  bool m_reaped = false;
};

/// Writes `line` + '\n' to fd (child side).
inline void sendLine(int fd, const std::string& line) {
  std::string s = line + "\n";
  ssize_t ignored = write(fd, s.data(), s.size());
  (void)ignored;
}

}  // namespace slmq::test
