// GGUF reader (versions 2 and 3, little-endian): header, metadata of every value type (nested
// arrays included), tensor infos and tensor data, memory-mapped read-only. Every count, length and
// offset read from the file is checked against the file size before it is used or allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/ggml_types.h"

namespace slmq::core {

class MappedFile;  // core/io/mmap_file.h

/// gguf_type codes of metadata values (gguf.h).
enum class GgufType : std::uint32_t {
  Uint8 = 0,
  Int8 = 1,
  Uint16 = 2,
  Int16 = 3,
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  Uint64 = 10,
  Int64 = 11,
  Float64 = 12,
};

/// "uint32", "array", ...
const char* ggufTypeName(GgufType type) noexcept;

/// One metadata value. Scalars keep their exact value in the member for their kind: unsigned
/// integers in `u`, signed in `i`, floats in `f` (float32 widened exactly), bool in `b`, strings
/// (bytes, not validated as UTF-8) in `s`; arrays in `array` with `array_type` (arrays may nest).
struct GgufValue {
  GgufType type = GgufType::Uint8;
  std::uint64_t u = 0;
  std::int64_t i = 0;
  double f = 0.0;
  bool b = false;
  std::string s;
  GgufType array_type = GgufType::Uint8;
  std::vector<GgufValue> array;

  bool isUnsigned() const noexcept;
  bool isSigned() const noexcept;
  bool isInteger() const noexcept { return isUnsigned() || isSigned(); }
  bool isFloat() const noexcept { return type == GgufType::Float32 || type == GgufType::Float64; }
};

/// One key/value pair, in file order.
struct GgufKeyValue {
  std::string key;
  GgufValue value;
};

/// One tensor's description. `dims[0]` is the innermost (contiguous) dimension, as in ggml, so
/// a PyTorch weight [out, in] is stored with dims {in, out}.
struct GgufTensorInfo {
  std::string name;
  std::vector<std::uint64_t> dims;  ///< 1..4 dimensions, each >= 1
  GgmlType type = GgmlType::F32;
  std::uint64_t offset = 0;    ///< from the start of the data section
  std::uint64_t elements = 0;  ///< product of dims (checked for overflow)
  std::uint64_t bytes = 0;     ///< size of the data in the file
};

/// A GGUF file opened read-only. Parsing happens in open(); tensor data is read lazily from the
/// mapping. Movable, not copyable; const methods are thread-safe.
class GgufFile {
 public:
  /// Opens and parses `path`. Throws Error(NotFound) if it does not exist, Error(InvalidInput)
  /// for bad magic, truncation, inconsistent sizes or offsets, Error(Unsupported) for version 1
  /// or a version above 3, Error(Resource) for sizes beyond sane limits. Every message names the
  /// file and, where it applies, the key, tensor and byte offset.
  static GgufFile open(const std::filesystem::path& path);

  GgufFile(GgufFile&&) noexcept;
  GgufFile& operator=(GgufFile&&) noexcept;
  ~GgufFile();

  const std::filesystem::path& path() const { return m_path; }
  std::uint32_t version() const { return m_version; }
  std::uint64_t fileSize() const;
  std::uint32_t alignment() const { return m_alignment; }
  /// Byte offset of the data section in the file.
  std::uint64_t dataOffset() const { return m_data_offset; }

  // --- metadata -------------------------------------------------------------------------------
  const std::vector<GgufKeyValue>& metadata() const { return m_metadata; }
  /// The value of `key`, or nullptr.
  const GgufValue* find(const std::string& key) const;
  /// Typed getters. The one-argument forms throw Error(InvalidInput) naming the file and key if
  /// the key is missing; all throw if the value has the wrong type or does not fit.
  std::string getString(const std::string& key) const;
  std::optional<std::string> getStringOpt(const std::string& key) const;
  std::int64_t getInt(const std::string& key) const;  ///< any integer type, range-checked
  std::int64_t getInt(const std::string& key, std::int64_t fallback) const;
  double getFloat(const std::string& key) const;  ///< float32/float64 (or an integer)
  double getFloat(const std::string& key, double fallback) const;
  bool getBool(const std::string& key, bool fallback) const;
  std::vector<std::string> getStringArray(const std::string& key) const;
  std::vector<float> getFloatArray(const std::string& key) const;
  std::vector<std::int64_t> getIntArray(const std::string& key) const;

  // --- tensors --------------------------------------------------------------------------------
  const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }
  /// The tensor named `name`, or nullptr.
  const GgufTensorInfo* findTensor(const std::string& name) const;
  /// Raw bytes of a tensor (`info.bytes` of them, valid while this object lives).
  const std::uint8_t* tensorData(const GgufTensorInfo& info) const;
  /// All elements dequantized to float32, in storage order (dims[0] fastest).
  /// Throws Error(NotFound) if missing, Error(Unsupported) for a type we cannot decode.
  std::vector<float> readFloats(const std::string& name) const;
  /// A 2-D tensor as a row-major matrix [dims[1], dims[0]] (PyTorch's [out, in]).
  MatrixRM readMatrix(const std::string& name) const;
  /// A 1-D tensor as a vector [dims[0]].
  VectorF readVector(const std::string& name) const;

 private:
  GgufFile() = default;
  void parse();
  const GgufTensorInfo& requireTensor(const std::string& name) const;
  void decodeInto(const GgufTensorInfo& info, float* dst) const;
  const GgufValue& require(const std::string& key) const;

  std::filesystem::path m_path;
  std::unique_ptr<MappedFile> m_map;
  std::uint32_t m_version = 0;
  std::uint32_t m_alignment = 32;
  std::uint64_t m_data_offset = 0;
  std::vector<GgufKeyValue> m_metadata;
  std::vector<GgufTensorInfo> m_tensors;
  std::unordered_map<std::string, std::size_t> m_key_index;     ///< key -> m_metadata index
  std::unordered_map<std::string, std::size_t> m_tensor_index;  ///< name -> m_tensors index
};

/// Limits that make a hostile header fail fast instead of allocating or recursing without bound.
inline constexpr int kGgufMaxArrayDepth = 8;              ///< nested arrays
inline constexpr int kGgufMaxDims = 4;                    ///< GGML_MAX_DIMS
inline constexpr std::uint64_t kGgufMaxNameBytes = 4096;  ///< key and tensor-name length

}  // namespace slmq::core
