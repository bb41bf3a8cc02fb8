// Read-only mmap with bounds-checked views (see mmap_file.h).
#include "core/io/mmap_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace slmq::core {

MappedFile::MappedFile(const std::filesystem::path& path) : m_path(path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(ErrorKind::NotFound, "file not found: " + path.string());
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(ErrorKind::InvalidInput, path.string() + ": not a regular file");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorKind::InvalidInput,
                path.string() + ": cannot open for reading: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(ErrorKind::InvalidInput, path.string() + ": cannot stat: " + std::strerror(err));
  }
  m_size = std::uint64_t(st.st_size);
  if (m_size > 0) {
    void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw Error(ErrorKind::Resource, path.string() + ": cannot map " + std::to_string(m_size) +
                                           " bytes: " + std::strerror(err));
    }
    m_data = static_cast<const std::byte*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  release();
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : m_path(std::move(o.m_path)), m_data(o.m_data), m_size(o.m_size) {
  o.m_data = nullptr;
  o.m_size = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    release();
    m_path = std::move(o.m_path);
    m_data = o.m_data;
    m_size = o.m_size;
    o.m_data = nullptr;
    o.m_size = 0;
  }
  return *this;
}

void MappedFile::release() noexcept {
  if (m_data) ::munmap(const_cast<std::byte*>(m_data), m_size);
  m_data = nullptr;
  m_size = 0;
}

std::span<const std::byte> MappedFile::view(std::uint64_t offset, std::uint64_t length,
                                            const std::string& what) const {
  if (offset > m_size || length > m_size - offset) {
    std::ostringstream msg;
    msg << m_path.string() << ": " << what << " at bytes [" << offset << ", "
        << (length > UINT64_MAX - offset ? UINT64_MAX : offset + length)
        << ") lies beyond the end of the file (" << m_size
        << " bytes); the file is truncated or corrupt";
    throw Error(ErrorKind::InvalidInput, msg.str());
  }
  return {m_data + offset, std::size_t(length)};
}

std::string readTextFile(const std::filesystem::path& path, std::uint64_t maxBytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(ErrorKind::NotFound, "file not found: " + path.string());
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorKind::InvalidInput, path.string() + ": cannot read: " + ec.message());
  if (size > maxBytes)
    throw Error(ErrorKind::Resource, path.string() + ": " + std::to_string(size) +
                                         " bytes is more than the limit of " +
                                         std::to_string(maxBytes) + " bytes for this kind of file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::InvalidInput, path.string() + ": cannot open for reading");
  std::string s(size, '\0');
  in.read(s.data(), std::streamsize(size));
  if (std::uint64_t(in.gcount()) != size)
    throw Error(ErrorKind::InvalidInput, path.string() + ": short read");
  return s;
}

}  // namespace slmq::core
