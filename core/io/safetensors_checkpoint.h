// The weights of a Hugging Face checkpoint directory: one `model.safetensors`, or shards listed
// by `model.safetensors.index.json` (its `weight_map` maps tensor name -> shard file).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/io/safetensors.h"

namespace slmq::core {

/// All tensors of a checkpoint, across shards. Thread-safety: const methods may run concurrently.
class SafetensorsCheckpoint {
 public:
  /// Largest index JSON we parse (bytes).
  static constexpr std::uint64_t kMaxIndexBytes = 64ull << 20;

  /// Opens `dir`/model.safetensors.index.json if present, else `dir`/model.safetensors; or a
  /// single .safetensors file if `path` is a file. Throws Error(NotFound) if neither exists,
  /// Error(InvalidInput) for a malformed index (naming the index file), a shard name that leaves
  /// the directory, a tensor missing from the shard the index names, or a corrupt shard.
  explicit SafetensorsCheckpoint(const std::filesystem::path& path);

  /// Files opened, in order.
  std::vector<std::filesystem::path> files() const;
  /// Every tensor name.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return m_where.count(name) != 0; }
  /// Throws Error(NotFound) naming the tensor and the checkpoint.
  const StTensorInfo& info(const std::string& name) const;
  /// dtype of the first tensor stored in a float type ("BF16", ...), for display.
  std::string storageDType() const;

  std::vector<float> readFloat32(const std::string& name) const;
  /// A float tensor as a matrix [rows, cols]; checks its shape is exactly that, naming the
  /// tensor, file and both shapes otherwise. cols == -1 accepts a 1-D tensor of `rows`.
  MatrixRM readMatrix(const std::string& name, Eigen::Index rows, Eigen::Index cols) const;
  /// A 1-D float tensor of exactly `n` elements.
  VectorF readVector(const std::string& name, Eigen::Index n) const;

 private:
  const SafetensorsFile& fileFor(const std::string& name) const;
  std::filesystem::path m_root;
  std::vector<std::unique_ptr<SafetensorsFile>> m_files;
  std::map<std::string, std::size_t> m_where;  // name -> index into m_files
};

}  // namespace slmq::core
