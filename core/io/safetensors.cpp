// Single-file safetensors reader (see safetensors.h).
#include "core/io/safetensors.h"

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/io/dtype.h"

namespace slmq::core {
namespace {

struct DTypeEntry {
  const char* name;
  StDType type;
  std::size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {"F64", StDType::F64, 8},   {"F32", StDType::F32, 4},        {"F16", StDType::F16, 2},
    {"BF16", StDType::BF16, 2}, {"I64", StDType::I64, 8},        {"I32", StDType::I32, 4},
    {"I16", StDType::I16, 2},   {"I8", StDType::I8, 1},          {"U8", StDType::U8, 1},
    {"U16", StDType::U16, 2},   {"U32", StDType::U32, 4},        {"U64", StDType::U64, 8},
    {"BOOL", StDType::Bool, 1}, {"F8_E4M3", StDType::F8E4M3, 1}, {"F8_E5M2", StDType::F8E5M2, 1},
};

[[noreturn]] void fail(const std::filesystem::path& p, const std::string& what) {
  throw Error(ErrorKind::InvalidInput, p.string() + ": " + what);
}

}  // namespace

const char* stDTypeName(StDType t) noexcept {
  for (const auto& e : kDTypes)
    if (e.type == t) return e.name;
  return "?";
}

std::size_t stDTypeSize(StDType t) noexcept {
  for (const auto& e : kDTypes)
    if (e.type == t) return e.size;
  return 0;
}

std::int64_t StTensorInfo::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : m_file(path) {
  parseHeader();
}

void SafetensorsFile::parseHeader() {
  const auto& p = m_file.path();
  if (m_file.size() < 8)
    fail(p, "truncated safetensors file: " + std::to_string(m_file.size()) +
                " bytes, fewer than the 8-byte header length");
  std::uint64_t headerLen = 0;
  std::memcpy(&headerLen, m_file.data(), 8);
  if (headerLen > m_file.size() - 8) {
    std::ostringstream m;
    m << "header length " << headerLen << " at byte 0 lies beyond the end of the file ("
      << m_file.size() << " bytes); the file is truncated or not safetensors";
    fail(p, m.str());
  }
  if (headerLen > kMaxHeaderBytes)
    fail(p, "header length " + std::to_string(headerLen) + " exceeds the limit of " +
                std::to_string(kMaxHeaderBytes) + " bytes");
  const auto hv = m_file.view(8, headerLen, "safetensors header");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(hv.data()),
                                   reinterpret_cast<const char*>(hv.data()) + hv.size());
  } catch (const nlohmann::json::exception& e) {
    fail(p, std::string("malformed JSON header (bytes 8..") + std::to_string(8 + headerLen) +
                "): " + e.what());
  }
  if (!header.is_object()) fail(p, "JSON header is not an object");
  const std::uint64_t dataStart = 8 + headerLen;
  const std::uint64_t dataSize = m_file.size() - dataStart;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    if (name == "__metadata__") {
      if (it->is_object())
        for (auto m = it->begin(); m != it->end(); ++m)
          if (m->is_string()) m_metadata[m.key()] = m->get<std::string>();
      continue;
    }
    const auto& e = *it;
    const std::string where = "tensor '" + name + "'";
    if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") ||
        !e.contains("data_offsets"))
      fail(p, where + ": header entry lacks dtype, shape or data_offsets");
    StTensorInfo t;
    t.name = name;
    if (!e["dtype"].is_string()) fail(p, where + ": dtype is not a string");
    const std::string dt = e["dtype"].get<std::string>();
    std::size_t esize = 0;
    for (const auto& d : kDTypes)
      if (dt == d.name) {
        t.dtype = d.type;
        esize = d.size;
      }
    if (esize == 0) fail(p, where + ": unknown dtype '" + dt + "'");
    if (!e["shape"].is_array()) fail(p, where + ": shape is not an array");
    std::uint64_t numel = 1;
    for (const auto& d : e["shape"]) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0)
        fail(p, where + ": shape has a negative or non-integer dimension");
      const auto v = d.get<std::uint64_t>();
      if (v != 0 && numel > std::numeric_limits<std::uint64_t>::max() / v)
        fail(p, where + ": shape overflows");
      numel *= v;
      t.shape.push_back(std::int64_t(v));
    }
    const auto& off = e["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
        !off[1].is_number_unsigned())
      fail(p, where + ": data_offsets is not a pair of non-negative integers");
    const auto begin = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (end < begin) fail(p, where + ": data_offsets end before begin");
    if (numel > std::numeric_limits<std::uint64_t>::max() / esize || numel * esize != end - begin) {
      std::ostringstream m;
      m << where << ": data_offsets [" << begin << ", " << end << ") hold " << (end - begin)
        << " bytes but shape × " << dt << " needs " << numel * esize;
      fail(p, m.str());
    }
    if (end > dataSize) {
      std::ostringstream m;
      m << where << ": data at bytes [" << dataStart + begin << ", " << dataStart + end
        << ") lies beyond the end of the file (" << m_file.size()
        << " bytes); the file is truncated or corrupt";
      fail(p, m.str());
    }
    t.offset = dataStart + begin;
    t.bytes = end - begin;
    m_index[name] = m_tensors.size();
    m_tensors.push_back(std::move(t));
  }
}

const StTensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = m_index.find(name);
  return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

const StTensorInfo& SafetensorsFile::info(const std::string& name) const {
  const auto* t = find(name);
  if (!t) throw Error(ErrorKind::NotFound, path().string() + ": no tensor named '" + name + "'");
  return *t;
}

std::span<const std::byte> SafetensorsFile::bytes(const std::string& name) const {
  const auto& t = info(name);
  return m_file.view(t.offset, t.bytes, "tensor '" + name + "'");
}

std::vector<float> SafetensorsFile::readFloat32(const std::string& name) const {
  std::vector<float> out(std::size_t(info(name).numel()));
  decodeFloat32(name, out.data());
  return out;
}

void SafetensorsFile::decodeFloat32(const std::string& name, float* dst) const {
  const auto& t = info(name);
  const auto b = bytes(name);
  const std::size_t n = std::size_t(t.numel());
  switch (t.dtype) {
    case StDType::F32:
      decodeF32(b.data(), n, dst);
      break;
    case StDType::F16:
      decodeF16(b.data(), n, dst);
      break;
    case StDType::BF16:
      decodeBf16(b.data(), n, dst);
      break;
    case StDType::F64:
      for (std::size_t i = 0; i < n; ++i) {
        double d;
        std::memcpy(&d, b.data() + 8 * i, 8);
        dst[i] = float(d);
      }
      break;
    default:
      throw Error(ErrorKind::Unsupported, path().string() + ": tensor '" + name + "' has dtype " +
                                              stDTypeName(t.dtype) +
                                              "; only F32, F16, BF16 and F64 can be read as float");
  }
}

std::vector<double> SafetensorsFile::readFloat64(const std::string& name) const {
  const auto& t = info(name);
  if (t.dtype != StDType::F64) {
    auto f = readFloat32(name);
    return {f.begin(), f.end()};
  }
  const auto b = bytes(name);
  std::vector<double> out(std::size_t(t.numel()));
  std::memcpy(out.data(), b.data(), b.size());
  return out;
}

std::vector<std::int32_t> SafetensorsFile::readInt32(const std::string& name) const {
  const auto& t = info(name);
  const auto b = bytes(name);
  std::vector<std::int32_t> out(std::size_t(t.numel()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::int64_t v = 0;
    switch (t.dtype) {
      case StDType::I32: {
        std::int32_t x;
        std::memcpy(&x, b.data() + 4 * i, 4);
        v = x;
        break;
      }
      case StDType::I64:
        std::memcpy(&v, b.data() + 8 * i, 8);
        break;
      case StDType::I16: {
        std::int16_t x;
        std::memcpy(&x, b.data() + 2 * i, 2);
        v = x;
        break;
      }
      case StDType::U8:
        v = std::uint8_t(b[i]);
        break;
      default:
        throw Error(ErrorKind::Unsupported, path().string() + ": tensor '" + name + "' has dtype " +
                                                stDTypeName(t.dtype) + ", not an integer type");
    }
    if (v < std::numeric_limits<std::int32_t>::min() ||
        v > std::numeric_limits<std::int32_t>::max())
      throw Error(ErrorKind::InvalidInput, path().string() + ": tensor '" + name + "' element " +
                                               std::to_string(i) + " does not fit in int32");
    out[i] = std::int32_t(v);
  }
  return out;
}

MatrixRM SafetensorsFile::readMatrix(const std::string& name) const {
  const auto& t = info(name);
  if (t.shape.size() > 2)
    throw Error(ErrorKind::InvalidInput, path().string() + ": tensor '" + name + "' has " +
                                             std::to_string(t.shape.size()) +
                                             " dimensions, expected a matrix");
  const Eigen::Index rows = t.shape.size() == 2 ? t.shape[0] : 1;
  const Eigen::Index cols = t.shape.empty() ? 1 : t.shape.back();
  MatrixRM m(rows, cols);
  decodeFloat32(name, m.data());
  return m;
}

}  // namespace slmq::core
