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

/// Rewrites the constructs whose meaning differs between Oniguruma (Ruby syntax, Unicode
/// encoding: what Hugging Face tokenizers runs) and PCRE2 with UCP, so that PCRE2 matches what
/// Oniguruma would: \s/\S (Oniguruma: U+0009-000D, U+0085 and Z*; PCRE2 adds U+180E),
/// \w/\W (Oniguruma: L, M, N, Pc; PCRE2: L, N, _), \h/\H (Oniguruma: hex digit; PCRE2:
/// horizontal space), \v (Oniguruma: U+000B only) and the inline flag m (Oniguruma: dot
/// matches newline, PCRE2's s). Inside a character class \s, \w, \h and \v are expanded; the
/// negated \S, \W, \H inside a class are left to PCRE2. \Q...\E is copied verbatim.
std::string onigurumaToPcre2(std::string_view pattern);

/// An immutable compiled pattern; safe to use from several threads at once.
class TokenizerRegex {
 public:
  /// Compiles `pattern`, written for Oniguruma's Ruby syntax as tokenizer.json regexes are
  /// (\p{L}, \p{N}, (?i:...), lookahead), translated by onigurumaToPcre2() and compiled with
  /// PCRE2 in UTF + UCP + multiline mode. Throws Error(InvalidInput) naming `where` and the PCRE2
  /// message and offset if it does not compile.
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
