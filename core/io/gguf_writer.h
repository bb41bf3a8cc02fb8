// A small GGUF v3 writer: metadata of every value type and tensors of any ggml type given as raw
// bytes (or float32 matrices). Used to export models and by tests to build synthetic files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/gguf.h"

namespace slmq::core {

/// Metadata value builders.
GgufValue ggufUint(GgufType type, std::uint64_t v);  ///< Uint8/16/32/64 (truncated to width)
GgufValue ggufInt(GgufType type, std::int64_t v);    ///< Int8/16/32/64 (truncated to width)
GgufValue ggufFloat32(float v);
GgufValue ggufFloat64(double v);
GgufValue ggufBool(bool v);
GgufValue ggufString(std::string v);
/// An array whose items all have type `element` (items may themselves be arrays).
GgufValue ggufArray(GgufType element, std::vector<GgufValue> items);
GgufValue ggufStringArray(const std::vector<std::string>& items);
GgufValue ggufFloat32Array(const std::vector<float>& items);
GgufValue ggufInt32Array(const std::vector<std::int32_t>& items);

/// Collects metadata and tensors in memory, then serialises them. Not thread-safe.
class GgufWriter {
 public:
  /// `alignment` must be a power of two; anything but 32 is also written as general.alignment.
  explicit GgufWriter(std::uint32_t alignment = 32);

  /// Sets (or replaces) a metadata value; keys keep their first insertion order.
  void set(const std::string& key, GgufValue value);
  /// Adds a tensor with raw data. `dims[0]` is the innermost dimension (ggml order); `data` must
  /// be exactly the size the type and dims imply. Throws Error(InvalidInput) otherwise.
  void addTensor(const std::string& name, std::vector<std::uint64_t> dims, GgmlType type,
                 std::vector<std::uint8_t> data);
  /// Adds a float32 matrix [rows, cols] as a 2-D F32 tensor with dims {cols, rows}.
  void addMatrixF32(const std::string& name, const MatrixRM& m);
  /// Adds a float32 vector as a 1-D F32 tensor.
  void addVectorF32(const std::string& name, const VectorF& v);

  /// The whole file as bytes (version 3, little-endian).
  std::vector<std::uint8_t> serialize() const;
  /// Writes serialize() to `path`. Throws Error(InvalidInput) naming the file on I/O failure.
  void write(const std::filesystem::path& path) const;

 private:
  struct Tensor {
    std::string name;
    std::vector<std::uint64_t> dims;
    GgmlType type;
    std::vector<std::uint8_t> data;
  };
  std::uint32_t m_alignment;
  std::vector<GgufKeyValue> m_metadata;
  std::vector<Tensor> m_tensors;
};

}  // namespace slmq::core
