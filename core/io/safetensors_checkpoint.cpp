// Single-file and sharded safetensors checkpoints (see safetensors_checkpoint.h).
#include "core/io/safetensors_checkpoint.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"

namespace slmq::core {
namespace {
std::string shapeString(const std::vector<std::int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (std::size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}
}  // namespace

SafetensorsCheckpoint::SafetensorsCheckpoint(const std::filesystem::path& path) : m_root(path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    m_files.push_back(std::make_unique<SafetensorsFile>(path));
  } else {
    const fs::path index = path / "model.safetensors.index.json";
    const fs::path single = path / "model.safetensors";
    if (fs::exists(index, ec)) {
      const std::string text = readTextFile(index, kMaxIndexBytes);
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(text);
      } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::InvalidInput, index.string() + ": malformed JSON: " + e.what());
      }
      if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
        throw Error(ErrorKind::InvalidInput, index.string() + ": no \"weight_map\" object");
      std::map<std::string, std::size_t> shardIndex;
      for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
        if (!it->is_string())
          throw Error(ErrorKind::InvalidInput,
                      index.string() + ": weight_map entry '" + it.key() + "' is not a file name");
        const std::string shard = it->get<std::string>();
        if (shard.empty() || shard.find('/') != std::string::npos ||
            shard.find('\\') != std::string::npos || shard == "." || shard == "..")
          throw Error(ErrorKind::InvalidInput, index.string() + ": shard name '" + shard +
                                                   "' for tensor '" + it.key() +
                                                   "' is not a plain file name in the directory");
        auto s = shardIndex.find(shard);
        if (s == shardIndex.end()) {
          s = shardIndex.emplace(shard, m_files.size()).first;
          m_files.push_back(std::make_unique<SafetensorsFile>(path / shard));
        }
        if (!m_files[s->second]->find(it.key()))
          throw Error(ErrorKind::InvalidInput, index.string() + ": tensor '" + it.key() +
                                                   "' is listed in shard '" + shard +
                                                   "' but that file does not contain it");
        m_where[it.key()] = s->second;
      }
      return;
    }
    if (!fs::exists(single, ec)) {
      if (fs::exists(path / "pytorch_model.bin", ec))
        throw Error(ErrorKind::Unsupported,
                    (path / "pytorch_model.bin").string() +
                        ": PyTorch pickle checkpoints are not loaded (pickle can execute code); "
                        "convert the model to safetensors");
      throw Error(ErrorKind::NotFound, path.string() +
                                           ": no model.safetensors or "
                                           "model.safetensors.index.json in this directory");
    }
    m_files.push_back(std::make_unique<SafetensorsFile>(single));
  }
  for (const auto& t : m_files[0]->tensors()) m_where[t.name] = 0;
}

std::vector<std::filesystem::path> SafetensorsCheckpoint::files() const {
  std::vector<std::filesystem::path> out;
  for (const auto& f : m_files) out.push_back(f->path());
  return out;
}

std::vector<std::string> SafetensorsCheckpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [n, i] : m_where) out.push_back(n);
  return out;
}

const SafetensorsFile& SafetensorsCheckpoint::fileFor(const std::string& name) const {
  auto it = m_where.find(name);
  if (it == m_where.end())
    throw Error(ErrorKind::NotFound,
                m_root.string() + ": checkpoint has no tensor named '" + name + "'");
  return *m_files[it->second];
}

const StTensorInfo& SafetensorsCheckpoint::info(const std::string& name) const {
  return fileFor(name).info(name);
}

std::string SafetensorsCheckpoint::storageDType() const {
  for (const auto& f : m_files)
    for (const auto& t : f->tensors())
      if (t.dtype == StDType::F32 || t.dtype == StDType::F16 || t.dtype == StDType::BF16)
        return stDTypeName(t.dtype);
  return {};
}

std::vector<float> SafetensorsCheckpoint::readFloat32(const std::string& name) const {
  return fileFor(name).readFloat32(name);
}

MatrixRM SafetensorsCheckpoint::readMatrix(const std::string& name, Eigen::Index rows,
                                           Eigen::Index cols) const {
  const auto& f = fileFor(name);
  const auto& t = f.info(name);
  const bool ok = cols < 0 ? (t.shape.size() == 1 && t.shape[0] == rows)
                           : (t.shape.size() == 2 && t.shape[0] == rows && t.shape[1] == cols);
  if (!ok) {
    std::ostringstream m;
    m << f.path().string() << ": tensor '" << name << "' has shape " << shapeString(t.shape)
      << ", the config implies ";
    if (cols < 0)
      m << "[" << rows << "]";
    else
      m << "[" << rows << ", " << cols << "]";
    throw Error(ErrorKind::InvalidInput, m.str());
  }
  MatrixRM out(rows, cols < 0 ? 1 : cols);
  f.decodeFloat32(name, out.data());
  return out;
}

VectorF SafetensorsCheckpoint::readVector(const std::string& name, Eigen::Index n) const {
  MatrixRM m = readMatrix(name, n, -1);
  return Eigen::Map<const VectorF>(m.data(), n);
}

}  // namespace slmq::core
