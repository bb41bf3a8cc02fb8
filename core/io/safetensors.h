// Reader for one .safetensors file: 8-byte little-endian header length, a JSON header naming
// every tensor's dtype, shape and byte range, then the data. The file is memory-mapped; every
// offset and size in the header is checked against the file before use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/mmap_file.h"

namespace slmq::core {

/// Element types of the safetensors format.
enum class StDType {
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U8,
  U16,
  U32,
  U64,
  Bool,
  F8E4M3,
  F8E5M2
};

/// "F32", "BF16", ...
const char* stDTypeName(StDType t) noexcept;
/// Bytes per element.
std::size_t stDTypeSize(StDType t) noexcept;

/// One tensor's entry in a header.
struct StTensorInfo {
  std::string name;
  StDType dtype = StDType::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t offset = 0;  ///< absolute byte offset in the file
  std::uint64_t bytes = 0;   ///< size in bytes (= numel · dtype size, checked)
  std::int64_t numel() const;
};

/// A memory-mapped safetensors file. Thread-safety: const methods may run concurrently.
class SafetensorsFile {
 public:
  /// Largest header we parse (bytes); larger ones are refused as corrupt.
  static constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;

  /// Opens and validates `path`. Throws Error(InvalidInput) naming the file and the problem
  /// (truncated, header length beyond the file, malformed JSON, unknown dtype, a tensor whose
  /// byte range is inconsistent with its shape or lies beyond the file), Error(NotFound) if absent.
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return m_file.path(); }
  const std::vector<StTensorInfo>& tensors() const { return m_tensors; }
  const std::map<std::string, std::string>& metadata() const { return m_metadata; }
  /// nullptr if absent.
  const StTensorInfo* find(const std::string& name) const;
  /// Throws Error(NotFound) naming the tensor and the file if absent.
  const StTensorInfo& info(const std::string& name) const;

  /// Raw bytes of a tensor.
  std::span<const std::byte> bytes(const std::string& name) const;
  /// Any of F32/F16/BF16/F64 as float32, flattened row-major. Other dtypes -> Error(Unsupported).
  std::vector<float> readFloat32(const std::string& name) const;
  /// Like readFloat32 but into `dst`, which must hold info(name).numel() floats.
  void decodeFloat32(const std::string& name, float* dst) const;
  /// F64 or F32 as double.
  std::vector<double> readFloat64(const std::string& name) const;
  /// I32, or I64 / U8 / I16 values that fit in int32.
  std::vector<std::int32_t> readInt32(const std::string& name) const;
  /// A 2-D float tensor as a row-major matrix; a 1-D tensor becomes [1, n].
  MatrixRM readMatrix(const std::string& name) const;

 private:
  void parseHeader();
  MappedFile m_file;
  std::vector<StTensorInfo> m_tensors;
  std::map<std::string, std::size_t> m_index;
  std::map<std::string, std::string> m_metadata;
};

}  // namespace slmq::core
