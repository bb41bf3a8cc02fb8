// Readers for the untrusted files task data comes in: JSON lines and RFC 4180 CSV (MMLU), with
// limits and errors that name the file and line.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace slmq::core {

/// Largest task file we read (bytes); larger files are refused with Error(Resource).
inline constexpr std::size_t kMaxTaskFileBytes = std::size_t(1) << 30;

/// Longest JSON line we parse (bytes); a longer line is refused with Error(Resource).
inline constexpr std::size_t kMaxJsonLineBytes = std::size_t(16) << 20;

/// Reads a whole text file. Throws Error(NotFound) if it cannot be opened, Error(Resource) if it
/// exceeds kMaxTaskFileBytes.
std::string readTaskFile(const std::filesystem::path& path);

/// One parsed JSON line and the 1-based line number it came from.
struct JsonLine {
  nlohmann::json value;
  int line = 0;
};

/// Parses a JSON-lines file: one JSON object per non-empty line. Throws Error(InvalidInput)
/// "file:line: ..." on malformed JSON or a value that is not an object, Error(Resource) for a
/// line longer than kMaxJsonLineBytes.
std::vector<JsonLine> readJsonLines(const std::filesystem::path& path);

/// Reads string field `key` of `obj`; throws Error(InvalidInput) naming file, line and field when
/// absent or not a string.
std::string jsonString(const nlohmann::json& obj, const char* key,
                       const std::filesystem::path& file, int line);
/// Reads an array of strings; same error rules.
std::vector<std::string> jsonStringArray(const nlohmann::json& obj, const char* key,
                                         const std::filesystem::path& file, int line);
/// Reads an integer (also accepts a string of digits, as some dumps store labels); same rules.
int jsonInt(const nlohmann::json& obj, const char* key, const std::filesystem::path& file,
            int line);

/// One CSV record and the 1-based line on which it starts.
struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;
};

/// Parses RFC 4180 CSV text (no header): fields separated by commas, optionally quoted with `"`,
/// `""` inside quotes is a quote, quoted fields may contain commas and newlines; records end at
/// LF or CRLF. Throws Error(InvalidInput) naming `file` and the line on an unterminated quote or
/// text after a closing quote.
std::vector<CsvRecord> parseCsv(const std::string& text, const std::filesystem::path& file);

/// Python's str.strip(): removes leading and trailing Unicode whitespace (ASCII whitespace,
/// \x1c-\x1f, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
std::string pythonStrip(const std::string& s);
/// Python's str.rstrip(): removes trailing Unicode whitespace only.
std::string pythonRstrip(const std::string& s);

/// Number of Unicode code points in UTF-8 `s` (Python's len() of the decoded string): bytes
/// that are not UTF-8 continuation bytes.
std::size_t utf8Length(const std::string& s);

}  // namespace slmq::core
