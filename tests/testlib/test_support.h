// Helpers shared by the GoogleTest suites: asset paths that fail loudly, temporary folders.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace slmq::test {

/// Path of an asset under ../shared/assets (or $SLMQ_ASSETS). Fails the current test with a
/// message naming the missing path (via ADD_FAILURE + throw) if it does not exist.
std::filesystem::path asset(const std::string& relative);

/// A fresh, empty temporary directory removed when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

/// Reads a whole file into a string (binary). Throws std::runtime_error naming the file on failure.
std::string readFile(const std::filesystem::path& path);
/// Writes bytes to a file, creating or truncating it.
void writeFile(const std::filesystem::path& path, const std::string& bytes);

/// Integer from environment variable `name` (a development knob such as SLMQ_TEST_CHUNKS), at
/// least `minimum`; `fallback` when it is unset.
inline int envInt(const char* name, int fallback, int minimum) {
  const char* e = std::getenv(name);
  return e ? std::max(minimum, std::atoi(e)) : fallback;
}

}  // namespace slmq::test
