// The BPE model of a Hugging Face tokenizer.json ("model": {"type": "BPE"}): vocabulary, ranked
// merges, unknown-token and byte-fallback rules, applied to one pre-tokenized word at a time
// with tokenizers' priority-queue merge order (lowest rank first, leftmost on ties).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace slmq::core {

/// Hash for heterogeneous string lookup (std::string keys, std::string_view queries).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
/// Token string -> id.
using TokenIdMap = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

/// Options of a BPE model as tokenizer.json spells them.
struct BpeOptions {
  std::optional<std::string> unkToken;  ///< token for characters not in the vocabulary
  std::string continuingSubwordPrefix;  ///< prefix of non-initial characters ("" = none)
  std::string endOfWordSuffix;          ///< suffix of the last character ("" = none)
  bool fuseUnk = false;                 ///< consecutive unknowns become one unk token
  bool byteFallback = false;            ///< unknown chars as <0xNN> byte tokens
  bool ignoreMerges = false;            ///< a word that is in the vocabulary is one token
};

/// An immutable BPE model; tokenize() is thread-safe.
class BpeModel {
 public:
  /// `merges` in rank order (index = rank). Throws Error(InvalidInput) naming `where` if a
  /// merge names a token (or produces one) that is not in `vocab`, if an id is negative or
  /// absurdly large, if two tokens share an id, or if the unk token is not in the vocabulary.
  BpeModel(TokenIdMap vocab, const std::vector<std::pair<std::string, std::string>>& merges,
           BpeOptions options, const std::string& where);

  /// Appends the ids of one pre-tokenized word (well-formed UTF-8) to `out`.
  void tokenize(std::string_view word, std::vector<int>& out) const;

  /// Id of a vocabulary token, or -1.
  int tokenId(std::string_view token) const;
  /// Text of vocabulary id `id`, or nullptr if no token has that id.
  const std::string* tokenText(int id) const;
  /// One past the largest id in the vocabulary.
  int idLimit() const { return static_cast<int>(m_idToToken.size()); }

 private:
  struct MergeTarget {
    std::uint32_t rank;
    int newId;
  };
  static std::uint64_t pairKey(int a, int b) {
    return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
  }
  const MergeTarget* findMerge(int a, int b) const;

  TokenIdMap m_vocab;
  std::vector<std::string> m_idToToken;
  std::vector<bool> m_idUsed;
  std::unordered_map<std::uint64_t, MergeTarget> m_merges;
  BpeOptions m_options;
  int m_unkId = -1;
  std::array<int, 256> m_byteIds{};  // ids of <0xNN> tokens for byte fallback, -1 if absent
};

}  // namespace slmq::core
