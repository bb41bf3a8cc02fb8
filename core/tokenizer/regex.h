// A compiled PCRE2 regular expression (UTF + Unicode properties, JIT when available) with the
// match iteration Hugging Face tokenizers gets from Oniguruma, so Split pre-tokenizers cut text
// exactly where the reference implementation does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slmq::core {

/// A byte range [first, second) of a UTF-8 string.
using ByteRange = std::pair<std::size_t, std::size_t>;

/// An immutable compiled pattern; safe to use from several threads at once.
class TokenizerRegex {
 public:
  /// Compiles `pattern` (PCRE2 syntax, which covers the Oniguruma/Rust regexes that tokenizer
  /// files use: \p{L}, \p{N}, (?i:...), lookahead). Throws Error(InvalidInput) naming `where`
  /// and the PCRE2 message and offset if it does not compile.
  TokenizerRegex(const std::string& pattern, const std::string& where);
  ~TokenizerRegex();
  TokenizerRegex(const TokenizerRegex&) = delete;
  TokenizerRegex& operator=(const TokenizerRegex&) = delete;

  /// Every match in `text` (well-formed UTF-8; not re-checked), left to right, as Oniguruma's
  /// find-iterator reports them: a search restarts at the end of the previous match, and an
  /// empty match right at the end of the previous one is skipped by advancing one character.
  /// Throws Error(Resource) if the regex engine runs out of its match limits.
  std::vector<ByteRange> findAll(std::string_view text) const;

  /// The source pattern.
  const std::string& pattern() const { return m_pattern; }

  /// Escapes `literal` so that it matches itself (for Split patterns given as plain strings).
  static std::string escape(std::string_view literal);

 private:
  std::string m_pattern;
  std::string m_where;
  void* m_code = nullptr;  // pcre2_code_8*
};

}  // namespace slmq::core
