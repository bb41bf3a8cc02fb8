// A read-only memory-mapped file with bounds-checked views. Every reader of untrusted model files
// (safetensors, GGUF, llama2.c) goes through view(), so an offset or size read from a file can
// never reach past its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace slmq::core {

/// Maps a whole file read-only (MAP_PRIVATE). Move-only; unmaps on destruction.
/// Thread-safety: const methods may be called concurrently.
class MappedFile {
 public:
  /// Maps `path`. Throws Error(NotFound) if it does not exist, Error(InvalidInput) if it is not
  /// a regular file or cannot be read. An empty file maps to an empty view.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::uint64_t size() const { return m_size; }
  const std::byte* data() const { return m_data; }

  /// Bytes [offset, offset + length). Throws Error(InvalidInput) naming the file, `what`, the
  /// requested range and the file size if the range does not lie inside the file.
  std::span<const std::byte> view(std::uint64_t offset, std::uint64_t length,
                                  const std::string& what) const;

 private:
  void release() noexcept;
  std::filesystem::path m_path;
  const std::byte* m_data = nullptr;
  std::uint64_t m_size = 0;
};

/// Reads a small text file (config.json, index, tokenizer.json) whole, refusing files larger than
/// `maxBytes` with Error(Resource). Throws Error(NotFound) if missing.
std::string readTextFile(const std::filesystem::path& path, std::uint64_t maxBytes);

}  // namespace slmq::core
