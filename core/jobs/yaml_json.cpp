// YAML -> JSON conversion for sweep specs (see yaml_json.h): yaml-cpp parses, this file maps the
// node graph onto nlohmann::json with the YAML 1.2 core schema and bounds what aliases can expand.
#include "core/jobs/yaml_json.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace slmq::core {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxYamlBytes = 16u << 20;
constexpr int kMaxDepth = 64;                       // as ExperimentSpec::parse for JSON
constexpr std::size_t kMaxValues = 1u << 18;        // after alias expansion
constexpr std::size_t kMaxScalarBytes = 16u << 20;  // after alias expansion

const std::string kTagStr = "tag:yaml.org,2002:str";
const std::string kTagInt = "tag:yaml.org,2002:int";
const std::string kTagFloat = "tag:yaml.org,2002:float";
const std::string kTagBool = "tag:yaml.org,2002:bool";
const std::string kTagNull = "tag:yaml.org,2002:null";
const std::string kTagSeq = "tag:yaml.org,2002:seq";
const std::string kTagMap = "tag:yaml.org,2002:map";

bool allOf(std::string_view s, int (*pred)(int)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(static_cast<unsigned char>(c))) return false;
  return true;
}
int isOctal(int c) {
  return c >= '0' && c <= '7';
}

std::optional<json> resolveNull(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return json(nullptr);
  return std::nullopt;
}

std::optional<json> resolveBool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return json(true);
  if (s == "false" || s == "False" || s == "FALSE") return json(false);
  return std::nullopt;
}

/// Unsigned digits in `base` -> JSON integer, or a double beyond 64 bits (nlohmann's JSON rule).
json unsignedNumber(std::string_view digits, int base, bool negative) {
  std::uint64_t u = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
  if (ec == std::errc() && p == digits.data() + digits.size()) {
    if (!negative) {
      if (u <= std::uint64_t(INT64_MAX)) return json(std::int64_t(u));
      return json(u);
    }
    if (u <= std::uint64_t(INT64_MAX)) return json(-std::int64_t(u));
    if (u == std::uint64_t(INT64_MAX) + 1) return json(INT64_MIN);
  }
  // Out of range: the nearest double, as JSON parsers do (hex and octal: to within rounding).
  double d = 0;
  if (base == 10) {
    if (std::from_chars(digits.data(), digits.data() + digits.size(), d).ec != std::errc())
      d = HUGE_VAL;  // beyond double: refused by the caller (from_chars leaves d at 0)
  } else {
    for (char c : digits)
      d = d * base + (std::isdigit(static_cast<unsigned char>(c))
                          ? c - '0'
                          : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }
  return json(negative ? -d : d);
}

std::optional<json> resolveInt(const std::string& s) {
  std::string_view v = s;
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  if (allOf(v, [](int c) { return int(std::isdigit(c)); })) return unsignedNumber(v, 10, negative);
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' &&
      allOf(std::string_view(s).substr(2), [](int c) { return int(std::isxdigit(c)); }))
    return unsignedNumber(std::string_view(s).substr(2), 16, false);
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && allOf(std::string_view(s).substr(2), isOctal))
    return unsignedNumber(std::string_view(s).substr(2), 8, false);
  return std::nullopt;
}

/// Core-schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, or ±.inf / .nan
/// (returned as a non-finite double for the caller to refuse).
std::optional<double> resolveFloat(const std::string& s) {
  for (const char* inf : {".inf", ".Inf", ".INF"}) {
    if (s == inf || s == std::string("+") + inf) return HUGE_VAL;
    if (s == std::string("-") + inf) return -HUGE_VAL;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::nan("");
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t intStart = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  const std::size_t intDigits = i - intStart;
  std::size_t fracDigits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t f = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    fracDigits = i - f;
  }
  if (intDigits == 0 && fracDigits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t e = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == e) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  std::string_view v = s;
  if (v[0] == '+') v.remove_prefix(1);
  double d = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Overflow -> ±inf (refused by the caller); underflow -> 0 like any JSON parser.
    const bool overflow =
        v.find_first_of("eE") != std::string_view::npos && v[v.find_first_of("eE") + 1] != '-';
    return overflow ? (v[0] == '-' ? -HUGE_VAL : HUGE_VAL) : 0.0;
  }
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return d;
}

/// Offset of the first byte of `s` that is not well-formed UTF-8 (RFC 3629: no overlong forms,
/// no surrogates, at most U+10FFFF), or npos. JSON strings must be UTF-8; yaml-cpp does not check.
std::size_t invalidUtf8At(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string::npos;
}

class Converter {
 public:
  explicit Converter(std::string prefix) : m_prefix(std::move(prefix)) {}

  json convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth)
      fail(node, "YAML nested deeper than " + std::to_string(kMaxDepth) +
                     " levels (or an alias refers to an enclosing node)");
    if (++m_values > kMaxValues)
      fail(node, "more than " + std::to_string(kMaxValues) + " values after expanding aliases");
    const std::string& tag = node.Tag();
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        if (tag == kTagStr) return json(std::string());
        return json(nullptr);
      case YAML::NodeType::Scalar:
        return scalar(node);
      case YAML::NodeType::Sequence: {
        if (!tag.empty() && tag != "?" && tag != "!" && tag != kTagSeq)
          fail(node, "unsupported tag " + tag + " on a sequence");
        json a = json::array();
        for (YAML::const_iterator it = node.begin(); it != node.end(); ++it)
          a.push_back(convert(*it, depth + 1));
        return a;
      }
      case YAML::NodeType::Map: {
        if (!tag.empty() && tag != "?" && tag != "!" && tag != kTagMap)
          fail(node, "unsupported tag " + tag + " on a mapping");
        json o = json::object();
        for (YAML::const_iterator it = node.begin(); it != node.end(); ++it) {
          // A copy: yaml-cpp's iterator `->` yields a proxy holding a temporary pair, so a
          // reference to it->first dangles at the end of the statement (found by ASan).
          const YAML::Node k = it->first;
          if (!k.IsScalar() && !k.IsNull()) fail(k, "a mapping key must be a scalar");
          const std::string key = k.IsNull() && k.Tag() != kTagStr ? std::string() : k.Scalar();
          checkText(k, key);
          if (o.contains(key)) fail(k, "duplicate key \"" + key + "\"");
          o[key] = convert(it->second, depth + 1);
        }
        return o;
      }
    }
    fail(node, "unknown YAML node");
  }

 private:
  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    const YAML::Mark m = node.Mark();
    std::string where;
    if (!m.is_null())
      where = " at line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
    throw Error(ErrorKind::InvalidInput,
                m_prefix + ":" + where + (where.empty() ? " " : ": ") + what);
  }

  /// Counts `text` against the expansion budget and checks that it is UTF-8.
  void checkText(const YAML::Node& node, const std::string& text) {
    if (const std::size_t at = invalidUtf8At(text); at != std::string::npos)
      fail(node, "not valid UTF-8 (byte " + std::to_string(at) + " of this value)");
    m_bytes += text.size();
    if (m_bytes > kMaxScalarBytes)
      fail(node, "more than " + std::to_string(kMaxScalarBytes >> 20) +
                     " MiB of text after expanding aliases");
  }

  json scalar(const YAML::Node& node) {
    const std::string& s = node.Scalar();
    const std::string& tag = node.Tag();
    checkText(node, s);
    if (tag == "!" || tag == kTagStr) return json(s);  // quoted, or explicitly a string
    const bool plain = tag.empty() || tag == "?";
    if (plain || tag == kTagNull)
      if (auto v = resolveNull(s)) return *v;
    if (plain || tag == kTagBool)
      if (auto v = resolveBool(s)) return *v;
    if (plain || tag == kTagInt) {
      if (auto v = resolveInt(s)) {
        if (v->is_number_float() && !std::isfinite(v->get<double>()))
          fail(node, "\"" + s.substr(0, 32) + (s.size() > 32 ? "..." : "") +
                         "\" is not a finite number (JSON has none)");
        return *v;
      }
    }
    if (plain || tag == kTagFloat) {
      if (auto d = resolveFloat(s)) {
        if (!std::isfinite(*d)) fail(node, "\"" + s + "\" is not a finite number (JSON has none)");
        return json(*d);
      }
    }
    if (plain) return json(s);
    if (tag == kTagNull || tag == kTagBool || tag == kTagInt || tag == kTagFloat)
      fail(node, "\"" + s + "\" does not match its tag " + tag);
    fail(node, "unsupported tag " + tag);
  }

  std::string m_prefix;
  std::size_t m_values = 0;
  std::size_t m_bytes = 0;
};

/// Records where each document starts; everything else is ignored.
class DocumentCounter : public YAML::EventHandler {
 public:
  explicit DocumentCounter(std::vector<YAML::Mark>& starts) : m_starts(starts) {}
  void OnDocumentStart(const YAML::Mark& mark) override { m_starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  std::vector<YAML::Mark>& m_starts;
};

}  // namespace

bool isYamlPath(std::string_view path) {
  auto endsWith = [&](std::string_view ext) {
    if (path.size() < ext.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + i])) != ext[i])
        return false;
    return true;
  };
  return endsWith(".yaml") || endsWith(".yml");
}

json yamlToJson(std::string_view text, std::string_view source) {
  const std::string prefix = source.empty() ? std::string("yaml") : std::string(source);
  if (text.size() > kMaxYamlBytes)
    throw Error(ErrorKind::Resource, prefix + ": " + std::to_string(text.size()) +
                                         " bytes is too large for a YAML spec (limit " +
                                         std::to_string(kMaxYamlBytes) + ")");
  // Documents are counted with a bounded number of parser steps instead of YAML::LoadAll: on
  // some malformed input (a leading ',' for one) yaml-cpp 0.7's parser stops consuming tokens
  // and LoadAll loops forever, allocating an empty document each time (found by
  // sweep_yaml_fuzz). Two steps tell one document from several.
  const std::string owned(text);
  YAML::Node doc;
  std::vector<YAML::Mark> starts;
  try {
    std::istringstream in(owned);
    YAML::Parser parser(in);
    DocumentCounter counter(starts);
    for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
    }
    if (starts.empty()) return json(nullptr);
    if (starts.size() == 1) doc = YAML::Load(owned);
  } catch (const YAML::Exception& e) {
    std::string where;
    if (!e.mark.is_null())
      where = " at line " + std::to_string(e.mark.line + 1) + ", column " +
              std::to_string(e.mark.column + 1);
    throw Error(ErrorKind::InvalidInput, prefix + ": not valid YAML" + where + ": " + e.msg);
  }
  if (starts.size() > 1) {
    const YAML::Mark& m = starts[1];
    if (m.pos <= starts[0].pos)  // no progress: the parser is stuck on this token
      throw Error(ErrorKind::InvalidInput, prefix + ": not valid YAML at line " +
                                               std::to_string(m.line + 1) + ", column " +
                                               std::to_string(m.column + 1) + ": unexpected token");
    throw Error(ErrorKind::InvalidInput,
                prefix + ": more than one YAML document (the second at line " +
                    std::to_string(m.line + 1) + "); a spec is one document");
  }
  return Converter(prefix).convert(doc, 1);
}

}  // namespace slmq::core
