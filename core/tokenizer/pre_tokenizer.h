// Pre-tokenizers of a Hugging Face tokenizer.json ("pre_tokenizer" key): Split (regex or literal,
// every delimiter behaviour, invert), Digits, ByteLevel and Sequence, with the exact splitting
// semantics of the tokenizers library. Anything else is refused by name.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/tokenizer/regex.h"

namespace slmq::core {

/// What a split does with the pieces its pattern matched (tokenizers' SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/// Cuts `text` at the given pattern matches (sorted, non-overlapping) and returns the non-empty
/// pieces that `behavior` keeps; with `invert` the matches are the pieces and the gaps the
/// delimiters. The reference for this is tokenizers' NormalizedString::split.
std::vector<std::string_view> splitByMatches(std::string_view text,
                                             const std::vector<ByteRange>& matches,
                                             SplitBehavior behavior, bool invert);

/// Splits a piece of normalized text into smaller pieces (and may rewrite them, as ByteLevel
/// does). Immutable and thread-safe.
class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  /// Replaces `pieces` by the result of pre-tokenizing each of them, in order.
  virtual void apply(std::vector<std::string>& pieces) const = 0;
};

/// Builds the pre-tokenizer described by `spec` (a tokenizer.json "pre_tokenizer" object);
/// nullptr for JSON null. Throws Error(Unsupported) naming an unknown "type" and `where` (the
/// file), Error(InvalidInput) for a malformed object or a regex that does not compile.
std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json& spec,
                                               const std::string& where);

}  // namespace slmq::core
