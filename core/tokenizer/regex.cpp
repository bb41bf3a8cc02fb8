// PCRE2-backed regex for pre-tokenizers (see regex.h for the iteration contract).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/tokenizer/regex.h"

#include <pcre2.h>

#include <memory>

#include "core/common/error.h"
#include "core/tokenizer/utf8.h"

namespace slmq::core {
namespace {

std::string pcre2Message(int code) {
  PCRE2_UCHAR buf[256];
  if (pcre2_get_error_message(code, buf, sizeof buf) < 0) return "error " + std::to_string(code);
  return reinterpret_cast<const char*>(buf);
}

// Per-thread scratch: a JIT stack large enough for long whitespace runs, and match data.
struct MatchScratch {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jitStack = nullptr;
  pcre2_match_data* data = nullptr;
  MatchScratch() {
    context = pcre2_match_context_create(nullptr);
    jitStack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    if (context && jitStack) pcre2_jit_stack_assign(context, nullptr, jitStack);
    data = pcre2_match_data_create(8, nullptr);
  }
  ~MatchScratch() {
    pcre2_match_data_free(data);
    pcre2_jit_stack_free(jitStack);
    pcre2_match_context_free(context);
  }
};

MatchScratch& scratch() {
  thread_local MatchScratch s;
  if (!s.data || !s.context) throw Error(ErrorKind::Resource, "PCRE2: out of memory for matching");
  return s;
}

// Oniguruma's Unicode classes as PCRE2 class contents.
constexpr const char* kOnigSpace = R"(\t-\r\x{85}\p{Z})";
constexpr const char* kOnigWord = R"(\p{L}\p{M}\p{N}\p{Pc})";
constexpr const char* kOnigHex = "0-9a-fA-F";

}  // namespace

std::string onigurumaToPcre2(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 32);
  bool inClass = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[i + 1];
      ++i;
      if (e == 'Q') {  // quoted literal: copy through \E (or the end)
        const auto end = p.find("\\E", i + 1);
        const auto stop = end == std::string_view::npos ? p.size() : end + 2;
        out.append(p.substr(i - 1, stop - (i - 1)));
        i = stop - 1;
        continue;
      }
      const char* set = e == 's' || e == 'S'   ? kOnigSpace
                        : e == 'w' || e == 'W' ? kOnigWord
                        : e == 'h' || e == 'H' ? kOnigHex
                                               : nullptr;
      const bool negated = e == 'S' || e == 'W' || e == 'H';
      if (set && inClass && !negated) {
        out += set;
      } else if (set && !inClass) {
        out += negated ? "[^" : "[";
        out += set;
        out += ']';
      } else if (e == 'v') {
        out += "\\x0B";
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (inClass) {
      if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // POSIX [:name:]
        const auto end = p.find(":]", i + 2);
        const auto stop = end == std::string_view::npos ? i + 1 : end + 2;
        out.append(p.substr(i, stop - i));
        i = stop - 1;
        continue;
      }
      if (c == ']') inClass = false;
      out += c;
      continue;
    }
    if (c == '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      // Inline options (?imx-imx) or (?imx-imx:...): Oniguruma's m is PCRE2's s.
      std::size_t j = i + 2;
      while (j < p.size() && (p[j] == 'i' || p[j] == 'm' || p[j] == 'x' || p[j] == '-')) ++j;
      if (j > i + 2 && j < p.size() && (p[j] == ')' || p[j] == ':')) {
        out += "(?";
        for (std::size_t k = i + 2; k < j; ++k) out += p[k] == 'm' ? 's' : p[k];
        i = j - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

TokenizerRegex::TokenizerRegex(const std::string& pattern, const std::string& where)
    : m_pattern(pattern), m_where(where) {
  int errorCode = 0;
  PCRE2_SIZE errorOffset = 0;
  // Oniguruma's Ruby syntax: ^ and $ are line anchors.
  const std::string translated = onigurumaToPcre2(pattern);
  auto* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                    PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &errorCode, &errorOffset, nullptr);
  if (!code) {
    throw Error(ErrorKind::InvalidInput, where + ": regex " + pattern +
                                             " does not compile: " + pcre2Message(errorCode) +
                                             " at offset " + std::to_string(errorOffset) +
                                             " of its PCRE2 form " + translated);
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // optional: falls back to the interpreter
  m_code = code;
}

TokenizerRegex::~TokenizerRegex() {
  pcre2_code_free(static_cast<pcre2_code*>(m_code));
}

std::vector<ByteRange> TokenizerRegex::findAll(std::string_view text) const {
  std::vector<ByteRange> out;
  auto& s = scratch();
  auto* code = static_cast<pcre2_code*>(m_code);
  const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t searchFrom = 0;
  bool havePrevious = false;
  std::size_t previousEnd = 0;
  while (searchFrom <= text.size()) {
    // The caller validated the UTF-8 once; skipping PCRE2's check keeps iteration linear.
    const int rc =
        pcre2_match(code, subject, text.size(), searchFrom, PCRE2_NO_UTF_CHECK, s.data, s.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      throw Error(ErrorKind::Resource, m_where + ": regex " + m_pattern + " failed at byte " +
                                           std::to_string(searchFrom) + ": " + pcre2Message(rc));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s.data);
    const std::size_t start = ov[0], end = ov[1];
    if (start == end && havePrevious && previousEnd == end) {
      // Oniguruma's iterator: no empty match right after the previous match; step one char.
      if (searchFrom >= text.size()) break;
      const auto len = utf8::sequenceLength(text, searchFrom);
      searchFrom += len ? len : 1;
      continue;
    }
    out.emplace_back(start, end);
    havePrevious = true;
    previousEnd = end;
    searchFrom = end;
  }
  return out;
}

std::string TokenizerRegex::escape(std::string_view literal) {
  // \Q...\E quotes everything except a literal "\E", which is emitted outside the quote.
  std::string out = "\\Q";
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] == '\\' && i + 1 < literal.size() && literal[i + 1] == 'E') {
      out += "\\E\\\\E\\Q";
      ++i;
    } else {
      out += literal[i];
    }
  }
  out += "\\E";
  return out;
}

}  // namespace slmq::core
