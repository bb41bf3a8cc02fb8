// GGUF v2/v3 reader (see gguf.h). Layout (all little-endian):
//   magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
//   n_kv × { string key | u32 type | value }        string = u64 length + bytes
//   n_tensors × { string name | u32 n_dims | u64 dims[n_dims] | u32 ggml_type | u64 offset }
//   padding to `general.alignment` (default 32) | data section (tensor offsets are relative to it)
#include "core/io/gguf.h"

#include <cstring>
#include <limits>

#include "core/common/error.h"
#include "core/io/mmap_file.h"

namespace slmq::core {

namespace {

std::string str(std::uint64_t v) {
  return std::to_string(v);
}

// Bounds-checked little-endian cursor over the mapping. Every read names what it reads.
class Cursor {
 public:
  Cursor(const std::filesystem::path& file, const std::uint8_t* data, std::uint64_t size)
      : m_file(file), m_data(data), m_size(size) {}

  std::uint64_t pos() const { return m_pos; }
  std::uint64_t remaining() const { return m_size - m_pos; }
  const std::filesystem::path& file() const { return m_file; }

  [[noreturn]] void fail(const std::string& what, std::uint64_t at) const {
    throw Error(ErrorKind::InvalidInput,
                m_file.string() + ": " + what + " (at byte offset " + str(at) + ")");
  }

  void need(std::uint64_t n, const std::string& what) const {
    if (n > remaining()) {
      fail("truncated: " + what + " needs " + str(n) + " bytes but only " + str(remaining()) +
               " remain in the file (size " + str(m_size) + ")",
           m_pos);
    }
  }

  template <class T>
  T read(const std::string& what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, m_data + m_pos, sizeof(T));  // host is little-endian (x86-64, aarch64)
    m_pos += sizeof(T);
    return v;
  }

  std::string readString(const std::string& what, std::uint64_t maxLen) {
    const std::uint64_t at = m_pos;
    const auto len = read<std::uint64_t>(what + " length");
    if (len > remaining()) {
      fail(what + ": string length " + str(len) + " runs past the end of the file (" +
               str(remaining()) + " bytes remain)",
           at);
    }
    if (len > maxLen) fail(what + ": string length " + str(len) + " exceeds " + str(maxLen), at);
    std::string s(reinterpret_cast<const char*>(m_data + m_pos), std::size_t(len));
    m_pos += len;
    return s;
  }

 private:
  const std::filesystem::path& m_file;
  const std::uint8_t* m_data;
  std::uint64_t m_size;
  std::uint64_t m_pos = 0;
};

// Smallest number of bytes a value of `type` can occupy; 0 for an unknown type.
std::uint64_t minValueBytes(GgufType type) {
  switch (type) {
    case GgufType::Uint8:
    case GgufType::Int8:
    case GgufType::Bool:
      return 1;
    case GgufType::Uint16:
    case GgufType::Int16:
      return 2;
    case GgufType::Uint32:
    case GgufType::Int32:
    case GgufType::Float32:
      return 4;
    case GgufType::Uint64:
    case GgufType::Int64:
    case GgufType::Float64:
    case GgufType::String:
      return 8;  // the length prefix
    case GgufType::Array:
      return 12;  // element type + count
  }
  return 0;
}

constexpr std::uint64_t kMaxStringBytes = std::uint64_t(1) << 30;

void readValue(Cursor& c, GgufType type, GgufValue& out, const std::string& key, int depth) {
  out.type = type;
  switch (type) {
    case GgufType::Uint8:
      out.u = c.read<std::uint8_t>(key);
      return;
    case GgufType::Int8:
      out.i = c.read<std::int8_t>(key);
      return;
    case GgufType::Uint16:
      out.u = c.read<std::uint16_t>(key);
      return;
    case GgufType::Int16:
      out.i = c.read<std::int16_t>(key);
      return;
    case GgufType::Uint32:
      out.u = c.read<std::uint32_t>(key);
      return;
    case GgufType::Int32:
      out.i = c.read<std::int32_t>(key);
      return;
    case GgufType::Uint64:
      out.u = c.read<std::uint64_t>(key);
      return;
    case GgufType::Int64:
      out.i = c.read<std::int64_t>(key);
      return;
    case GgufType::Float32:
      out.f = double(c.read<float>(key));
      return;
    case GgufType::Float64:
      out.f = c.read<double>(key);
      return;
    case GgufType::Bool: {
      const std::uint64_t at = c.pos();
      const auto v = c.read<std::uint8_t>(key);
      if (v > 1) c.fail("metadata '" + key + "': bool value " + str(v) + " is not 0 or 1", at);
      out.b = v != 0;
      return;
    }
    case GgufType::String:
      out.s = c.readString("metadata '" + key + "'", kMaxStringBytes);
      return;
    case GgufType::Array: {
      const std::uint64_t at = c.pos();
      if (depth >= kGgufMaxArrayDepth) {
        c.fail("metadata '" + key + "': arrays nested deeper than " + str(kGgufMaxArrayDepth), at);
      }
      const auto elemCode = c.read<std::uint32_t>("metadata '" + key + "' array type");
      const auto elem = GgufType(elemCode);
      const std::uint64_t minBytes = minValueBytes(elem);
      if (minBytes == 0) {
        c.fail("metadata '" + key + "': unknown array element type " + str(elemCode), at);
      }
      const auto n = c.read<std::uint64_t>("metadata '" + key + "' array length");
      if (n > c.remaining() / minBytes) {
        c.fail("metadata '" + key + "': array of " + str(n) + " " + ggufTypeName(elem) +
                   " values cannot fit in the " + str(c.remaining()) + " bytes left in the file",
               at);
      }
      out.array_type = elem;
      out.array.resize(std::size_t(n));
      for (auto& item : out.array) readValue(c, elem, item, key, depth + 1);
      return;
    }
  }
  c.fail("metadata '" + key + "': unknown value type " + str(std::uint32_t(type)), c.pos() - 4);
}

std::uint64_t alignUp(std::uint64_t v, std::uint64_t a) {
  return (v + a - 1) / a * a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const char* ggufTypeName(GgufType type) noexcept {
  switch (type) {
    case GgufType::Uint8:
      return "uint8";
    case GgufType::Int8:
      return "int8";
    case GgufType::Uint16:
      return "uint16";
    case GgufType::Int16:
      return "int16";
    case GgufType::Uint32:
      return "uint32";
    case GgufType::Int32:
      return "int32";
    case GgufType::Float32:
      return "float32";
    case GgufType::Bool:
      return "bool";
    case GgufType::String:
      return "string";
    case GgufType::Array:
      return "array";
    case GgufType::Uint64:
      return "uint64";
    case GgufType::Int64:
      return "int64";
    case GgufType::Float64:
      return "float64";
  }
  return "unknown";
}

bool GgufValue::isUnsigned() const noexcept {
  return type == GgufType::Uint8 || type == GgufType::Uint16 || type == GgufType::Uint32 ||
         type == GgufType::Uint64;
}
bool GgufValue::isSigned() const noexcept {
  return type == GgufType::Int8 || type == GgufType::Int16 || type == GgufType::Int32 ||
         type == GgufType::Int64;
}

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

std::uint64_t GgufFile::fileSize() const {
  return m_map ? m_map->size() : 0;
}

GgufFile GgufFile::open(const std::filesystem::path& path) {
  GgufFile f;
  f.m_path = path;
  f.m_map = std::make_unique<MappedFile>(path);
  f.parse();
  return f;
}

void GgufFile::parse() {
  const auto* base = reinterpret_cast<const std::uint8_t*>(m_map->data());
  Cursor c(m_path, base, m_map->size());
  const std::string file = m_path.string();

  // --- header -----------------------------------------------------------------------------------
  if (m_map->size() < 4) {
    throw Error(ErrorKind::InvalidInput, file + ": not a GGUF file: only " + str(m_map->size()) +
                                             " bytes (a GGUF header is at least 24)");
  }
  if (std::memcmp(base, "GGUF", 4) != 0) {
    std::string shown;
    for (int k = 0; k < 4; ++k) {
      const char ch = char(base[k]);
      shown += (ch >= 32 && ch < 127) ? ch : '?';
    }
    throw Error(ErrorKind::InvalidInput,
                file + ": not a GGUF file: magic is '" + shown + "', expected 'GGUF'");
  }
  c.read<std::uint32_t>("magic");
  m_version = c.read<std::uint32_t>("header version");
  if (m_version == 1) {
    throw Error(ErrorKind::Unsupported,
                file +
                    ": GGUF version 1 is not supported (only versions 2 and 3); convert the "
                    "model again with a current llama.cpp");
  }
  if (m_version != 2 && m_version != 3) {
    const std::uint32_t swapped = __builtin_bswap32(m_version);
    throw Error(ErrorKind::Unsupported,
                file + ": unsupported GGUF version " + str(m_version) +
                    (swapped == 2 || swapped == 3 ? " (a big-endian file; only little-endian is "
                                                    "supported)"
                                                  : " (only versions 2 and 3 are supported)"));
  }
  const std::uint64_t nTensors = c.read<std::uint64_t>("header tensor count");
  const std::uint64_t nKv = c.read<std::uint64_t>("header metadata count");
  // Each metadata entry takes at least 13 bytes (key length, type, one byte of value), each
  // tensor info at least 32 (name length, n_dims, one dimension, type, offset).
  if (nKv > c.remaining() / 13) {
    c.fail("header claims " + str(nKv) + " metadata entries but only " + str(c.remaining()) +
               " bytes follow (each entry needs at least 13)",
           16);
  }
  if (nTensors > c.remaining() / 32) {
    c.fail("header claims " + str(nTensors) + " tensors but only " + str(c.remaining()) +
               " bytes follow (each tensor info needs at least 32)",
           8);
  }

  // --- metadata ---------------------------------------------------------------------------------
  m_metadata.resize(std::size_t(nKv));
  for (std::uint64_t k = 0; k < nKv; ++k) {
    GgufKeyValue& kv = m_metadata[std::size_t(k)];
    const std::uint64_t at = c.pos();
    kv.key = c.readString("metadata key #" + str(k), kGgufMaxNameBytes);
    if (!m_key_index.emplace(kv.key, std::size_t(k)).second) {
      c.fail("duplicate metadata key '" + kv.key + "'", at);
    }
    const std::uint64_t typeAt = c.pos();
    const auto code = c.read<std::uint32_t>("metadata '" + kv.key + "' type");
    if (minValueBytes(GgufType(code)) == 0) {
      c.fail("metadata '" + kv.key + "': unknown value type " + str(code), typeAt);
    }
    readValue(c, GgufType(code), kv.value, kv.key, 0);
  }

  if (const GgufValue* a = find("general.alignment")) {
    if (a->type != GgufType::Uint32 || a->u == 0 || (a->u & (a->u - 1)) != 0) {
      throw Error(ErrorKind::InvalidInput,
                  file + ": general.alignment must be a uint32 power of two, got a " +
                      ggufTypeName(a->type) + (a->isUnsigned() ? " of " + str(a->u) : ""));
    }
    m_alignment = std::uint32_t(a->u);
  }

  // --- tensor infos -----------------------------------------------------------------------------
  m_tensors.resize(std::size_t(nTensors));
  for (std::uint64_t t = 0; t < nTensors; ++t) {
    GgufTensorInfo& ti = m_tensors[std::size_t(t)];
    const std::uint64_t at = c.pos();
    ti.name = c.readString("tensor info #" + str(t) + " name", kGgufMaxNameBytes);
    if (!m_tensor_index.emplace(ti.name, std::size_t(t)).second) {
      c.fail("duplicate tensor name '" + ti.name + "'", at);
    }
    const std::string what = "tensor '" + ti.name + "'";
    const auto nDims = c.read<std::uint32_t>(what + " n_dims");
    if (nDims < 1 || nDims > std::uint32_t(kGgufMaxDims)) {
      c.fail(what + ": " + str(nDims) + " dimensions (must be 1.." + str(kGgufMaxDims) + ")", at);
    }
    ti.dims.resize(nDims);
    ti.elements = 1;
    for (auto& d : ti.dims) {
      d = c.read<std::uint64_t>(what + " dimension");
      if (d == 0) c.fail(what + ": a dimension is 0", at);
      if (d > std::uint64_t(std::numeric_limits<std::int64_t>::max()) / ti.elements) {
        c.fail(what + ": element count overflows 64 bits", at);
      }
      ti.elements *= d;
    }
    const std::uint64_t typeAt = c.pos();
    const auto typeCode = c.read<std::uint32_t>(what + " type");
    ti.type = GgmlType(typeCode);
    const GgmlTypeTraits tr = ggmlTypeTraits(ti.type);
    if (!tr.name) c.fail(what + ": unknown ggml type " + str(typeCode), typeAt);
    if (ti.dims[0] % tr.block_elements != 0) {
      c.fail(what + ": first dimension " + str(ti.dims[0]) + " is not a multiple of the " +
                 tr.name + " block size " + str(tr.block_elements),
             at);
    }
    const std::uint64_t blocks = ti.elements / tr.block_elements;
    if (blocks > std::uint64_t(std::numeric_limits<std::int64_t>::max()) / tr.block_bytes) {
      c.fail(what + ": byte size overflows 64 bits", at);
    }
    ti.bytes = blocks * tr.block_bytes;
    const std::uint64_t offAt = c.pos();
    ti.offset = c.read<std::uint64_t>(what + " offset");
    if (ti.offset % m_alignment != 0) {
      c.fail(what + ": data offset " + str(ti.offset) + " is not a multiple of the alignment " +
                 str(m_alignment),
             offAt);
    }
  }

  // --- data section -----------------------------------------------------------------------------
  m_data_offset = alignUp(c.pos(), m_alignment);
  const std::uint64_t size = m_map->size();
  for (const GgufTensorInfo& ti : m_tensors) {
    const std::uint64_t avail = m_data_offset <= size ? size - m_data_offset : 0;
    if (ti.offset > avail || ti.bytes > avail - ti.offset) {
      throw Error(ErrorKind::InvalidInput, file + ": tensor '" + ti.name + "' (" +
                                               ggmlTypeName(ti.type) + ", " + str(ti.bytes) +
                                               " bytes at data offset " + str(ti.offset) +
                                               ", file offset " + str(m_data_offset + ti.offset) +
                                               ") extends beyond the end of the file (size " +
                                               str(size) + "); the file is truncated or corrupt");
    }
  }
}

// --- metadata access -----------------------------------------------------------------------------

const GgufValue* GgufFile::find(const std::string& key) const {
  const auto it = m_key_index.find(key);
  return it == m_key_index.end() ? nullptr : &m_metadata[it->second].value;
}

const GgufValue& GgufFile::require(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) {
    throw Error(ErrorKind::InvalidInput,
                m_path.string() + ": required metadata key '" + key + "' is missing");
  }
  return *v;
}

namespace {

[[noreturn]] void wrongType(const std::filesystem::path& p, const std::string& key,
                            const GgufValue& v, const char* wanted) {
  throw Error(ErrorKind::InvalidInput, p.string() + ": metadata '" + key + "' is " +
                                           ggufTypeName(v.type) + ", expected " + wanted);
}

std::int64_t toInt(const std::filesystem::path& p, const std::string& key, const GgufValue& v) {
  if (v.isSigned()) return v.i;
  if (v.isUnsigned()) {
    if (v.u > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
      throw Error(ErrorKind::InvalidInput,
                  p.string() + ": metadata '" + key + "' = " + str(v.u) + " is out of range");
    }
    return std::int64_t(v.u);
  }
  wrongType(p, key, v, "an integer");
}

}  // namespace

std::string GgufFile::getString(const std::string& key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::String) wrongType(m_path, key, v, "a string");
  return v.s;
}

std::optional<std::string> GgufFile::getStringOpt(const std::string& key) const {
  if (!find(key)) return std::nullopt;
  return getString(key);
}

std::int64_t GgufFile::getInt(const std::string& key) const {
  return toInt(m_path, key, require(key));
}

std::int64_t GgufFile::getInt(const std::string& key, std::int64_t fallback) const {
  const GgufValue* v = find(key);
  return v ? toInt(m_path, key, *v) : fallback;
}

double GgufFile::getFloat(const std::string& key) const {
  const GgufValue& v = require(key);
  if (v.isFloat()) return v.f;
  if (v.isInteger()) return double(toInt(m_path, key, v));
  wrongType(m_path, key, v, "a number");
}

double GgufFile::getFloat(const std::string& key, double fallback) const {
  return find(key) ? getFloat(key) : fallback;
}

bool GgufFile::getBool(const std::string& key, bool fallback) const {
  const GgufValue* v = find(key);
  if (!v) return fallback;
  if (v->type != GgufType::Bool) wrongType(m_path, key, *v, "a bool");
  return v->b;
}

std::vector<std::string> GgufFile::getStringArray(const std::string& key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::Array || v.array_type != GgufType::String) {
    wrongType(m_path, key, v, "an array of strings");
  }
  std::vector<std::string> out;
  out.reserve(v.array.size());
  for (const auto& e : v.array) out.push_back(e.s);
  return out;
}

std::vector<float> GgufFile::getFloatArray(const std::string& key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::Array ||
      (v.array_type != GgufType::Float32 && v.array_type != GgufType::Float64)) {
    wrongType(m_path, key, v, "an array of floats");
  }
  std::vector<float> out;
  out.reserve(v.array.size());
  for (const auto& e : v.array) out.push_back(float(e.f));
  return out;
}

std::vector<std::int64_t> GgufFile::getIntArray(const std::string& key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::Array || (!v.array.empty() && !v.array.front().isInteger())) {
    wrongType(m_path, key, v, "an array of integers");
  }
  std::vector<std::int64_t> out;
  out.reserve(v.array.size());
  for (const auto& e : v.array) out.push_back(toInt(m_path, key, e));
  return out;
}

// --- tensor access -------------------------------------------------------------------------------

const GgufTensorInfo* GgufFile::findTensor(const std::string& name) const {
  const auto it = m_tensor_index.find(name);
  return it == m_tensor_index.end() ? nullptr : &m_tensors[it->second];
}

const GgufTensorInfo& GgufFile::requireTensor(const std::string& name) const {
  const GgufTensorInfo* t = findTensor(name);
  if (!t) {
    throw Error(ErrorKind::NotFound, m_path.string() + ": tensor '" + name + "' not found");
  }
  return *t;
}

const std::uint8_t* GgufFile::tensorData(const GgufTensorInfo& info) const {
  // bounds checked in parse(); view() checks again
  const auto span =
      m_map->view(m_data_offset + info.offset, info.bytes, "tensor '" + info.name + "'");
  return reinterpret_cast<const std::uint8_t*>(span.data());
}

void GgufFile::decodeInto(const GgufTensorInfo& t, float* dst) const {
  try {
    dequantizeGgml(t.type, tensorData(t), std::size_t(t.elements), dst);
  } catch (const Error& e) {
    throw Error(e.kind(), m_path.string() + ": tensor '" + t.name + "': " + e.what());
  }
}

std::vector<float> GgufFile::readFloats(const std::string& name) const {
  const GgufTensorInfo& t = requireTensor(name);
  std::vector<float> out(std::size_t(t.elements));
  decodeInto(t, out.data());
  return out;
}

MatrixRM GgufFile::readMatrix(const std::string& name) const {
  const GgufTensorInfo& t = requireTensor(name);
  if (t.dims.size() != 2) {
    throw Error(ErrorKind::InvalidInput, m_path.string() + ": tensor '" + name + "' has " +
                                             str(t.dims.size()) + " dimensions, expected 2");
  }
  MatrixRM m(Eigen::Index(t.dims[1]), Eigen::Index(t.dims[0]));  // [out, in]
  decodeInto(t, m.data());
  return m;
}

VectorF GgufFile::readVector(const std::string& name) const {
  const GgufTensorInfo& t = requireTensor(name);
  if (t.dims.size() != 1) {
    throw Error(ErrorKind::InvalidInput, m_path.string() + ": tensor '" + name + "' has " +
                                             str(t.dims.size()) + " dimensions, expected 1");
  }
  VectorF v(Eigen::Index(t.dims[0]));
  decodeInto(t, v.data());
  return v;
}

}  // namespace slmq::core
