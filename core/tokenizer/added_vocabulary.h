// Added and special tokens of a Hugging Face tokenizer.json ("added_tokens"): found in the text
// before normalization and pre-tokenization (leftmost-longest, like tokenizers' Aho-Corasick
// tries), honouring the single_word, lstrip, rstrip and normalized flags.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizer/regex.h"

namespace slmq::core {

/// One entry of "added_tokens".
struct AddedToken {
  int id = -1;
  std::string content;
  bool singleWord = false;  ///< match only when not inside a word (\w on neither side)
  bool lstrip = false;      ///< the match swallows whitespace on its left
  bool rstrip = false;      ///< the match swallows whitespace on its right
  bool normalized = true;   ///< matched in the normalized text rather than the raw text
  bool special = false;     ///< skipped by decode(skipSpecial = true)
};

/// A piece of the input: either text still to be tokenized, or an added token already found.
struct AddedSplit {
  ByteRange range;
  int addedId = -1;  ///< id of the added token covering `range`, -1 for ordinary text
};

/// Finds added tokens in text. Immutable and thread-safe.
class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  /// `tokens` with their final ids; `normalizedContents[i]` is tokens[i].content after the
  /// tokenizer's normalizer (used for tokens with normalized = true).
  AddedVocabulary(std::vector<AddedToken> tokens,
                  const std::vector<std::string>& normalizedContents);

  /// Splits `text` at the added tokens of one set: those matched against raw text
  /// (`normalizedSet` false) or against normalized text (true). Covers all of `text` in order;
  /// empty text gives one empty ordinary split.
  std::vector<AddedSplit> split(std::string_view text, bool normalizedSet) const;

  /// The added token with id `id`, or nullptr.
  const AddedToken* byId(int id) const;
  /// The added token whose content is `content`, or nullptr.
  const AddedToken* byContent(std::string_view content) const;
  const std::vector<AddedToken>& tokens() const { return m_tokens; }

 private:
  struct PatternSet {
    std::vector<std::string> patterns;
    std::vector<int> tokenIndex;                      // pattern -> index in m_tokens
    std::array<std::vector<int>, 256> byFirstByte{};  // first byte -> patterns
  };
  static void addPattern(PatternSet& set, std::string pattern, int tokenIndex);

  std::vector<AddedToken> m_tokens;
  std::unordered_map<int, int> m_byId;  // id -> index in m_tokens
  PatternSet m_raw;
  PatternSet m_normalized;
};

}  // namespace slmq::core
