// Typed errors thrown by core at its API boundary. Every message says what was wrong, where
// (file, tensor, byte offset, line) and, where it helps, what to do.
#pragma once

#include <stdexcept>
#include <string>

namespace slmq::core {

/// What kind of failure an Error reports; lets callers (CLI exit codes, GUI dialogs) react.
enum class ErrorKind {
  InvalidInput,  ///< a file or argument is malformed, truncated or inconsistent
  Unsupported,   ///< well-formed but uses a feature/architecture we do not implement
  NotFound,      ///< a file, tensor, run or asset does not exist
  Resource,      ///< not enough memory/disk, or a size beyond sane limits
  Cancelled,     ///< the progress callback asked to stop
  Store,         ///< the SQLite store failed
  Internal,      ///< a bug: an invariant did not hold
};

/// The one exception type core throws. `what()` is the full, user-facing message.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
  ErrorKind kind() const noexcept { return m_kind; }

 private:
  ErrorKind m_kind;
};

/// Human-readable name of an ErrorKind ("invalid input", ...).
const char* errorKindName(ErrorKind kind) noexcept;

}  // namespace slmq::core
