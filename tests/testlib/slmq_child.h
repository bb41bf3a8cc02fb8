// A real `slmq` child process for the CLI tests: stdout on a pipe read with a timeout, stderr to
// a file (or /dev/null), signals, and the exit status. The executable is $SLMQ_CLI, else the
// SLMQ_CLI_PATH compile definition, else `slmq` on PATH.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace slmq::test {

/// Path of the slmq executable under test.
inline std::string slmqPath() {
  if (const char* e = std::getenv("SLMQ_CLI")) return e;
#ifdef SLMQ_CLI_PATH
  return SLMQ_CLI_PATH;
#else
  return "slmq";
#endif
}

/// `slmq args...` started at construction; killed (SIGKILL) and reaped at destruction unless
/// wait() reaped it. Not copyable.
class SlmqChild {
 public:
  explicit SlmqChild(const std::vector<std::string>& args,
                     const std::filesystem::path& stderrFile = "/dev/null") {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    m_pid = fork();
    if (m_pid == 0) {
      dup2(fds[1], 1);
      const int err = open(stderrFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(err, 2);
      close(fds[0]);
      std::vector<std::string> all = {slmqPath()};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    m_fd = fds[0];
  }
  ~SlmqChild() {
    if (!m_reaped) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, nullptr, 0);
    }
    close(m_fd);
  }
  SlmqChild(const SlmqChild&) = delete;
  SlmqChild& operator=(const SlmqChild&) = delete;

  /// Bytes from stdout within timeout_ms: "" at EOF (then eof() is true) or on timeout.
  std::string read(int timeout_ms) {
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return {};
    char buf[65536];
    const ssize_t n = ::read(m_fd, buf, sizeof buf);
    if (n <= 0) {
      m_eof = true;
      return {};
    }
    return std::string(buf, static_cast<std::size_t>(n));
  }
  bool eof() const { return m_eof; }
  void signal(int sig) { kill(m_pid, sig); }
  pid_t pid() const { return m_pid; }
  /// Waits for the exit: the exit code, or 128 + the signal that ended it.
  int wait() {
    int st = 0;
    waitpid(m_pid, &st, 0);
    m_reaped = true;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

 private:
  pid_t m_pid = -1;
  int m_fd = -1;
  bool m_reaped = false;
  bool m_eof = false;
};

}  // namespace slmq::test
