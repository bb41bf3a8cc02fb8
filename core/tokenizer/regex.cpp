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

}  // namespace

TokenizerRegex::TokenizerRegex(const std::string& pattern, const std::string& where)
    : m_pattern(pattern), m_where(where) {
  int errorCode = 0;
  PCRE2_SIZE errorOffset = 0;
  auto* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nullptr);
  if (!code) {
    throw Error(ErrorKind::InvalidInput, where + ": regex " + pattern +
                                             " does not compile: " + pcre2Message(errorCode) +
                                             " at pattern offset " + std::to_string(errorOffset));
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
