// Added-token matching (tokenizers' AddedVocabulary::find_matches).
#include "core/tokenizer/added_vocabulary.h"

#include <unicode/uchar.h>

#include "core/tokenizer/utf8.h"

namespace slmq::core {
namespace {

// Rust regex's Unicode \w (UTS #18): Alphabetic, marks, decimal digits, connector punctuation,
// Join_Control.
bool isWordChar(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  return u_isUAlphabetic(cp) ||
         (U_GET_GC_MASK(cp) & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) != 0 ||
         u_hasBinaryProperty(cp, UCHAR_JOIN_CONTROL);
}

// Rust regex's Unicode \s: the White_Space property.
bool isSpaceChar(char32_t c) {
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

// The last code point of s[0, end) (s well-formed), and its start in `start`.
char32_t lastChar(std::string_view s, std::size_t end, std::size_t& start) {
  start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  std::size_t len;
  return utf8::decodeAt(s, start, len);
}

bool endsWithWord(std::string_view s, std::size_t end) {
  if (end == 0) return false;
  std::size_t start;
  return isWordChar(lastChar(s, end, start));
}

bool startsWithWord(std::string_view s, std::size_t begin) {
  if (begin >= s.size()) return false;
  std::size_t len;
  return isWordChar(utf8::decodeAt(s, begin, len));
}

// Start of the run of whitespace that ends at `end`.
std::size_t whitespaceRunStart(std::string_view s, std::size_t end) {
  while (end > 0) {
    std::size_t start;
    if (!isSpaceChar(lastChar(s, end, start))) break;
    end = start;
  }
  return end;
}

// End of the run of whitespace that starts at `begin`.
std::size_t whitespaceRunEnd(std::string_view s, std::size_t begin) {
  while (begin < s.size()) {
    std::size_t len;
    if (!isSpaceChar(utf8::decodeAt(s, begin, len))) break;
    begin += len;
  }
  return begin;
}

}  // namespace

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens,
                                 const std::vector<std::string>& normalizedContents)
    : m_tokens(std::move(tokens)) {
  for (int i = 0; i < static_cast<int>(m_tokens.size()); ++i) {
    const auto& t = m_tokens[i];
    m_byId[t.id] = i;
    if (t.content.empty()) continue;
    if (t.normalized) {
      const auto& n =
          i < static_cast<int>(normalizedContents.size()) ? normalizedContents[i] : t.content;
      if (!n.empty()) addPattern(m_normalized, n, i);
    } else {
      addPattern(m_raw, t.content, i);
    }
  }
}

void AddedVocabulary::addPattern(PatternSet& set, std::string pattern, int tokenIndex) {
  const int p = static_cast<int>(set.patterns.size());
  set.byFirstByte[static_cast<unsigned char>(pattern[0])].push_back(p);
  set.patterns.push_back(std::move(pattern));
  set.tokenIndex.push_back(tokenIndex);
}

const AddedToken* AddedVocabulary::byId(int id) const {
  auto it = m_byId.find(id);
  return it == m_byId.end() ? nullptr : &m_tokens[it->second];
}

const AddedToken* AddedVocabulary::byContent(std::string_view content) const {
  for (const auto& t : m_tokens) {
    if (t.content == content) return &t;
  }
  return nullptr;
}

std::vector<AddedSplit> AddedVocabulary::split(std::string_view text, bool normalizedSet) const {
  const PatternSet& set = normalizedSet ? m_normalized : m_raw;
  std::vector<AddedSplit> out;
  if (text.empty() || set.patterns.empty()) {
    out.push_back({{0, text.size()}, -1});
    return out;
  }
  std::size_t splitStart = 0;  // end of the previous emitted split
  std::size_t pos = 0;         // where the leftmost-longest scan continues
  while (pos < text.size()) {
    // Leftmost-longest: the first position where any pattern matches, the longest one there.
    const auto& candidates = set.byFirstByte[static_cast<unsigned char>(text[pos])];
    int best = -1;
    std::size_t bestLen = 0;
    for (int p : candidates) {
      const auto& pat = set.patterns[p];
      if (pat.size() > bestLen && text.compare(pos, pat.size(), pat) == 0) {
        best = p;
        bestLen = pat.size();
      }
    }
    if (best < 0) {
      ++pos;
      continue;
    }
    std::size_t start = pos, stop = pos + bestLen;
    pos = stop;  // the scan resumes after the match, whether or not it is kept
    const AddedToken& token = m_tokens[set.tokenIndex[best]];
    if (token.singleWord) {
      const bool startSpace = start == 0 || !endsWithWord(text, start);
      const bool stopSpace = stop == text.size() || !startsWithWord(text, stop);
      if (!startSpace || !stopSpace) continue;
    }
    if (token.lstrip) start = std::max(whitespaceRunStart(text, start), splitStart);
    if (token.rstrip) stop = whitespaceRunEnd(text, stop);
    if (start < splitStart) start = splitStart;  // never overlap the previous split
    if (splitStart < start) out.push_back({{splitStart, start}, -1});
    out.push_back({{start, stop}, token.id});
    splitStart = stop;
    pos = std::max(pos, stop);
  }
  if (splitStart != text.size()) out.push_back({{splitStart, text.size()}, -1});
  return out;
}

}  // namespace slmq::core
