// GGUF v3 writer (see gguf_writer.h). Tensors are laid out in insertion order, each padded to the
// alignment, as llama.cpp's gguf writer does.
#include "core/io/gguf_writer.h"

#include <cstring>
#include <fstream>

#include "core/common/error.h"

namespace slmq::core {

GgufValue ggufUint(GgufType type, std::uint64_t v) {
  GgufValue g;
  g.type = type;
  g.u = v;
  return g;
}
GgufValue ggufInt(GgufType type, std::int64_t v) {
  GgufValue g;
  g.type = type;
  g.i = v;
  return g;
}
GgufValue ggufFloat32(float v) {
  GgufValue g;
  g.type = GgufType::Float32;
  g.f = v;
  return g;
}
GgufValue ggufFloat64(double v) {
  GgufValue g;
  g.type = GgufType::Float64;
  g.f = v;
  return g;
}
GgufValue ggufBool(bool v) {
  GgufValue g;
  g.type = GgufType::Bool;
  g.b = v;
  return g;
}
GgufValue ggufString(std::string v) {
  GgufValue g;
  g.type = GgufType::String;
  g.s = std::move(v);
  return g;
}
GgufValue ggufArray(GgufType element, std::vector<GgufValue> items) {
  GgufValue g;
  g.type = GgufType::Array;
  g.array_type = element;
  g.array = std::move(items);
  return g;
}
GgufValue ggufStringArray(const std::vector<std::string>& items) {
  std::vector<GgufValue> v;
  v.reserve(items.size());
  for (const auto& s : items) v.push_back(ggufString(s));
  return ggufArray(GgufType::String, std::move(v));
}
GgufValue ggufFloat32Array(const std::vector<float>& items) {
  std::vector<GgufValue> v;
  v.reserve(items.size());
  for (float f : items) v.push_back(ggufFloat32(f));
  return ggufArray(GgufType::Float32, std::move(v));
}
GgufValue ggufInt32Array(const std::vector<std::int32_t>& items) {
  std::vector<GgufValue> v;
  v.reserve(items.size());
  for (std::int32_t i : items) v.push_back(ggufInt(GgufType::Int32, i));
  return ggufArray(GgufType::Int32, std::move(v));
}

namespace {

class Out {
 public:
  std::vector<std::uint8_t> bytes;
  template <class T>
  void put(T v) {
    const auto n = bytes.size();
    bytes.resize(n + sizeof(T));
    std::memcpy(bytes.data() + n, &v, sizeof(T));
  }
  void putString(const std::string& s) {
    put<std::uint64_t>(s.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void pad(std::uint32_t alignment) {
    while (bytes.size() % alignment != 0) bytes.push_back(0);
  }
};

void putValue(Out& o, GgufType type, const GgufValue& v) {
  switch (type) {
    case GgufType::Uint8:
      o.put<std::uint8_t>(std::uint8_t(v.u));
      return;
    case GgufType::Int8:
      o.put<std::int8_t>(std::int8_t(v.i));
      return;
    case GgufType::Uint16:
      o.put<std::uint16_t>(std::uint16_t(v.u));
      return;
    case GgufType::Int16:
      o.put<std::int16_t>(std::int16_t(v.i));
      return;
    case GgufType::Uint32:
      o.put<std::uint32_t>(std::uint32_t(v.u));
      return;
    case GgufType::Int32:
      o.put<std::int32_t>(std::int32_t(v.i));
      return;
    case GgufType::Uint64:
      o.put<std::uint64_t>(v.u);
      return;
    case GgufType::Int64:
      o.put<std::int64_t>(v.i);
      return;
    case GgufType::Float32:
      o.put<float>(float(v.f));
      return;
    case GgufType::Float64:
      o.put<double>(v.f);
      return;
    case GgufType::Bool:
      o.put<std::uint8_t>(v.b ? 1 : 0);
      return;
    case GgufType::String:
      o.putString(v.s);
      return;
    case GgufType::Array:
      o.put<std::uint32_t>(std::uint32_t(v.array_type));
      o.put<std::uint64_t>(v.array.size());
      for (const auto& item : v.array) putValue(o, v.array_type, item);
      return;
  }
  throw Error(ErrorKind::Internal,
              "GgufWriter: unknown value type " + std::to_string(std::uint32_t(type)));
}

}  // namespace

GgufWriter::GgufWriter(std::uint32_t alignment) : m_alignment(alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    throw Error(ErrorKind::InvalidInput,
                "GgufWriter: alignment " + std::to_string(alignment) + " is not a power of two");
  }
  if (alignment != 32) set("general.alignment", ggufUint(GgufType::Uint32, alignment));
}

void GgufWriter::set(const std::string& key, GgufValue value) {
  for (auto& kv : m_metadata) {
    if (kv.key == key) {
      kv.value = std::move(value);
      return;
    }
  }
  m_metadata.push_back({key, std::move(value)});
}

void GgufWriter::addTensor(const std::string& name, std::vector<std::uint64_t> dims, GgmlType type,
                           std::vector<std::uint8_t> data) {
  const GgmlTypeTraits tr = ggmlTypeTraits(type);
  if (!tr.name) throw Error(ErrorKind::InvalidInput, "GgufWriter: unknown type for " + name);
  std::uint64_t elements = 1;
  for (auto d : dims) elements *= d;
  if (dims.empty() || dims[0] % tr.block_elements != 0 ||
      elements / tr.block_elements * tr.block_bytes != data.size()) {
    throw Error(ErrorKind::InvalidInput,
                "GgufWriter: tensor '" + name + "' has " + std::to_string(data.size()) +
                    " bytes, which does not match its " + tr.name + " shape");
  }
  m_tensors.push_back({name, std::move(dims), type, std::move(data)});
}

void GgufWriter::addMatrixF32(const std::string& name, const MatrixRM& m) {
  std::vector<std::uint8_t> data(std::size_t(m.size()) * 4);
  std::memcpy(data.data(), m.data(), data.size());
  addTensor(name, {std::uint64_t(m.cols()), std::uint64_t(m.rows())}, GgmlType::F32,
            std::move(data));
}

void GgufWriter::addVectorF32(const std::string& name, const VectorF& v) {
  std::vector<std::uint8_t> data(std::size_t(v.size()) * 4);
  std::memcpy(data.data(), v.data(), data.size());
  addTensor(name, {std::uint64_t(v.size())}, GgmlType::F32, std::move(data));
}

std::vector<std::uint8_t> GgufWriter::serialize() const {
  Out o;
  o.put<std::uint32_t>(0x46554747u);  // "GGUF" little-endian
  o.put<std::uint32_t>(3);
  o.put<std::uint64_t>(m_tensors.size());
  o.put<std::uint64_t>(m_metadata.size());
  for (const auto& kv : m_metadata) {
    o.putString(kv.key);
    o.put<std::uint32_t>(std::uint32_t(kv.value.type));
    putValue(o, kv.value.type, kv.value);
  }
  std::uint64_t offset = 0;
  for (const auto& t : m_tensors) {
    o.putString(t.name);
    o.put<std::uint32_t>(std::uint32_t(t.dims.size()));
    for (auto d : t.dims) o.put<std::uint64_t>(d);
    o.put<std::uint32_t>(std::uint32_t(t.type));
    o.put<std::uint64_t>(offset);
    offset += (t.data.size() + m_alignment - 1) / m_alignment * m_alignment;
  }
  o.pad(m_alignment);
  for (const auto& t : m_tensors) {
    o.bytes.insert(o.bytes.end(), t.data.begin(), t.data.end());
    o.pad(m_alignment);
  }
  return std::move(o.bytes);
}

void GgufWriter::write(const std::filesystem::path& path) const {
  const std::vector<std::uint8_t> bytes = serialize();
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (f) f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!f) throw Error(ErrorKind::InvalidInput, path.string() + ": cannot write GGUF file");
}

}  // namespace slmq::core
