// JSON-lines and CSV readers for task files; see task_file_readers.h.
#include "core/eval/tasks/task_file_readers.h"

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace slmq::core {

namespace {

std::string where(const std::filesystem::path& file, int line) {
  return file.string() + ":" + std::to_string(line) + ": ";
}

}  // namespace

std::string readTaskFile(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    throw Error(ErrorKind::NotFound,
                "cannot open task file " + path.string() + ": " + ec.message());
  if (size > kMaxTaskFileBytes)
    throw Error(ErrorKind::Resource, "task file " + path.string() + " is " + std::to_string(size) +
                                         " bytes, more than the limit of " +
                                         std::to_string(kMaxTaskFileBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, "cannot open task file " + path.string());
  std::string text(size, '\0');
  in.read(text.data(), std::streamsize(size));
  if (std::size_t(in.gcount()) != size)
    throw Error(ErrorKind::InvalidInput, "short read of task file " + path.string());
  return text;
}

std::vector<JsonLine> readJsonLines(const std::filesystem::path& path) {
  const std::string text = readTaskFile(path);
  std::vector<JsonLine> out;
  std::size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    ++line;
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view sv(text.data() + pos, end - pos);
    pos = end + 1;
    if (!sv.empty() && sv.back() == '\r') sv.remove_suffix(1);
    if (sv.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (sv.size() > kMaxJsonLineBytes)
      throw Error(ErrorKind::Resource,
                  where(path, line) + "a JSON line of " + std::to_string(sv.size()) +
                      " bytes exceeds the limit of " + std::to_string(kMaxJsonLineBytes));
    JsonLine jl;
    jl.line = line;
    try {
      jl.value = nlohmann::json::parse(sv);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorKind::InvalidInput, where(path, line) + "malformed JSON: " + e.what());
    }
    if (!jl.value.is_object())
      throw Error(ErrorKind::InvalidInput, where(path, line) + "expected a JSON object per line");
    out.push_back(std::move(jl));
  }
  return out;
}

std::string jsonString(const nlohmann::json& obj, const char* key,
                       const std::filesystem::path& file, int line) {
  auto it = obj.find(key);
  if (it == obj.end())
    throw Error(ErrorKind::InvalidInput, where(file, line) + "missing field \"" + key + "\"");
  if (!it->is_string())
    throw Error(ErrorKind::InvalidInput,
                where(file, line) + "field \"" + key + "\" is not a string");
  return it->get<std::string>();
}

std::vector<std::string> jsonStringArray(const nlohmann::json& obj, const char* key,
                                         const std::filesystem::path& file, int line) {
  auto it = obj.find(key);
  if (it == obj.end())
    throw Error(ErrorKind::InvalidInput, where(file, line) + "missing field \"" + key + "\"");
  if (!it->is_array())
    throw Error(ErrorKind::InvalidInput,
                where(file, line) + "field \"" + key + "\" is not an array");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string())
      throw Error(ErrorKind::InvalidInput,
                  where(file, line) + "field \"" + key + "\" holds a non-string element");
    out.push_back(v.get<std::string>());
  }
  return out;
}

int jsonInt(const nlohmann::json& obj, const char* key, const std::filesystem::path& file,
            int line) {
  auto it = obj.find(key);
  if (it == obj.end())
    throw Error(ErrorKind::InvalidInput, where(file, line) + "missing field \"" + key + "\"");
  if (it->is_number_integer()) {
    const auto v = it->get<long long>();
    if (v < -1000000 || v > 1000000)
      throw Error(ErrorKind::InvalidInput,
                  where(file, line) + "field \"" + key + "\" is out of range");
    return int(v);
  }
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    if (!s.empty() && s.size() < 8 && s.find_first_not_of("0123456789") == std::string::npos)
      return std::stoi(s);
  }
  throw Error(ErrorKind::InvalidInput,
              where(file, line) + "field \"" + key + "\" is not an integer");
}

std::vector<CsvRecord> parseCsv(const std::string& text, const std::filesystem::path& file) {
  std::vector<CsvRecord> out;
  std::size_t i = 0;
  int line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRecord rec;
    rec.line = line;
    // One record.
    while (true) {
      std::string field;
      if (i < n && text[i] == '"') {
        const int quoteLine = line;
        ++i;
        while (true) {
          if (i >= n)
            throw Error(ErrorKind::InvalidInput,
                        where(file, quoteLine) + "unterminated quoted CSV field");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          throw Error(ErrorKind::InvalidInput,
                      where(file, line) + "unexpected character after a closing quote in CSV");
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"')
            throw Error(ErrorKind::InvalidInput,
                        where(file, line) + "quote inside an unquoted CSV field");
          field.push_back(text[i++]);
        }
      }
      rec.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      // End of record: CRLF, LF, lone CR or end of text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    // A blank line yields one empty field: skip it.
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;
    out.push_back(std::move(rec));
  }
  return out;
}

namespace {

/// Length of the UTF-8 whitespace sequence at s[i] (Python's str.isspace), or 0.
std::size_t whitespaceAt(const std::string& s, std::size_t i) {
  const auto u = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = u(i);
  if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xc2 && i + 1 < s.size() && (u(i + 1) == 0x85 || u(i + 1) == 0xa0)) return 2;
  if (c == 0xe1 && i + 2 < s.size() && u(i + 1) == 0x9a && u(i + 2) == 0x80) return 3;
  if (c == 0xe2 && i + 2 < s.size()) {
    const unsigned b1 = u(i + 1), b2 = u(i + 2);
    if (b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8a) || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf))
      return 3;
    if (b1 == 0x81 && b2 == 0x9f) return 3;
  }
  if (c == 0xe3 && i + 2 < s.size() && u(i + 1) == 0x80 && u(i + 2) == 0x80) return 3;
  return 0;
}

}  // namespace

std::string pythonStrip(const std::string& s) {
  std::size_t b = 0;
  while (b < s.size()) {
    const std::size_t w = whitespaceAt(s, b);
    if (!w) break;
    b += w;
  }
  // Scan forward remembering the end of the last non-whitespace character.
  std::size_t e = b, i = b;
  while (i < s.size()) {
    const std::size_t w = whitespaceAt(s, i);
    if (w) {
      i += w;
    } else {
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) ++i;
      e = i;
    }
  }
  return s.substr(b, e - b);
}

std::string pythonRstrip(const std::string& s) {
  std::size_t e = 0, i = 0;
  while (i < s.size()) {
    const std::size_t w = whitespaceAt(s, i);
    if (w) {
      i += w;
    } else {
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) ++i;
      e = i;
    }
  }
  return s.substr(0, e);
}

std::size_t utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;
  return n;
}

}  // namespace slmq::core
