// Split, Digits, ByteLevel and Sequence pre-tokenizers (semantics of HF tokenizers).
#include "core/tokenizer/pre_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/common/error.h"
#include "core/tokenizer/byte_level.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;

// GPT-2's pre-tokenization regex, as tokenizers' ByteLevel uses it when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Applies a regex split to every piece.
void splitAll(std::vector<std::string>& pieces, const TokenizerRegex& regex, SplitBehavior behavior,
              bool invert) {
  std::vector<std::string> out;
  out.reserve(pieces.size() * 2);
  for (const auto& piece : pieces) {
    const auto parts = splitByMatches(piece, regex.findAll(piece), behavior, invert);
    for (auto p : parts) out.emplace_back(p);
  }
  pieces.swap(out);
}

class SplitPreTokenizer final : public PreTokenizer {
 public:
  SplitPreTokenizer(const std::string& pattern, SplitBehavior behavior, bool invert,
                    const std::string& where)
      : m_regex(pattern, where + ": Split pre-tokenizer"), m_behavior(behavior), m_invert(invert) {}
  void apply(std::vector<std::string>& pieces) const override {
    splitAll(pieces, m_regex, m_behavior, m_invert);
  }

 private:
  TokenizerRegex m_regex;
  SplitBehavior m_behavior;
  bool m_invert;
};

// Digits: every numeric character (Unicode N*, Rust's char::is_numeric) on its own
// (individual_digits) or runs of them together.
class DigitsPreTokenizer final : public PreTokenizer {
 public:
  DigitsPreTokenizer(bool individual, const std::string& where)
      : m_regex(R"(\p{N})", where + ": Digits pre-tokenizer"), m_individual(individual) {}
  void apply(std::vector<std::string>& pieces) const override {
    splitAll(pieces, m_regex, m_individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous,
             false);
  }

 private:
  TokenizerRegex m_regex;
  bool m_individual;
};

// ByteLevel: optional prefix space, optional GPT-2 regex split, then every byte -> its
// alphabet character.
class ByteLevelPreTokenizer final : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex, const std::string& where)
      : m_addPrefixSpace(addPrefixSpace) {
    if (useRegex) m_regex = std::make_unique<TokenizerRegex>(kGpt2Pattern, where + ": ByteLevel");
  }
  void apply(std::vector<std::string>& pieces) const override {
    if (m_addPrefixSpace) {
      // tokenizers prepends to every piece present at this point that lacks a leading space.
      for (auto& p : pieces) {
        if (p.empty() || p.front() != ' ') p.insert(p.begin(), ' ');
      }
    }
    if (m_regex) splitAll(pieces, *m_regex, SplitBehavior::Isolated, false);
    for (auto& p : pieces) p = byte_level::encode(p);
  }

 private:
  bool m_addPrefixSpace;
  std::unique_ptr<TokenizerRegex> m_regex;
};

class SequencePreTokenizer final : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : m_steps(std::move(steps)) {}
  void apply(std::vector<std::string>& pieces) const override {
    for (const auto& s : m_steps) s->apply(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> m_steps;
};

bool boolField(const Json& spec, const char* key, bool fallback, const std::string& where) {
  if (!spec.contains(key) || spec[key].is_null()) return fallback;
  if (!spec[key].is_boolean()) {
    throw Error(ErrorKind::InvalidInput,
                where + ": pre-tokenizer field \"" + key + "\" must be true or false");
  }
  return spec[key].get<bool>();
}

SplitBehavior parseBehavior(const Json& v, const std::string& where) {
  const std::string name = v.is_string() ? v.get<std::string>() : std::string();
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  throw Error(ErrorKind::InvalidInput,
              where + ": Split pre-tokenizer has unknown behavior " + v.dump() +
                  " (expected Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
}

}  // namespace

std::vector<std::string_view> splitByMatches(std::string_view text,
                                             const std::vector<ByteRange>& matches,
                                             SplitBehavior behavior, bool invert) {
  // 1. The whole text as (range, is_match) segments (tokenizers' Pattern::find_matches).
  struct Segment {
    ByteRange range;
    bool flag;  // is_match, then should_remove
  };
  std::vector<Segment> segs;
  segs.reserve(matches.size() * 2 + 1);
  if (text.empty()) {
    segs.push_back({{0, 0}, false});
  } else {
    std::size_t prev = 0;
    for (const auto& m : matches) {
      if (prev != m.first) segs.push_back({{prev, m.first}, false});
      segs.push_back({m, true});
      prev = m.second;
    }
    if (prev != text.size()) segs.push_back({{prev, text.size()}, false});
  }
  if (invert) {
    for (auto& s : segs) s.flag = !s.flag;
  }

  // 2. The delimiter behaviour (tokenizers' NormalizedString::split): (range, should_remove).
  std::vector<Segment> splits;
  splits.reserve(segs.size());
  bool previousMatch = false;
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const auto& s : segs) splits.push_back({s.range, false});
      break;
    case SplitBehavior::Removed:
      splits = segs;
      break;
    case SplitBehavior::Contiguous:
      for (const auto& s : segs) {
        if (s.flag == previousMatch && !splits.empty()) {
          splits.back().range.second = s.range.second;
        } else {
          splits.push_back({s.range, false});
        }
        previousMatch = s.flag;
      }
      break;
    case SplitBehavior::MergedWithPrevious:
      for (const auto& s : segs) {
        if (s.flag && !previousMatch && !splits.empty()) {
          splits.back().range.second = s.range.second;
        } else {
          splits.push_back({s.range, false});
        }
        previousMatch = s.flag;
      }
      break;
    case SplitBehavior::MergedWithNext:
      for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
        if (it->flag && !previousMatch && !splits.empty()) {
          splits.back().range.first = it->range.first;
        } else {
          splits.push_back({it->range, false});
        }
        previousMatch = it->flag;
      }
      std::reverse(splits.begin(), splits.end());
      break;
  }

  // 3. Removed and empty pieces are dropped (PreTokenizedString::split).
  std::vector<std::string_view> out;
  out.reserve(splits.size());
  for (const auto& s : splits) {
    if (s.flag || s.range.first == s.range.second) continue;
    out.push_back(text.substr(s.range.first, s.range.second - s.range.first));
  }
  return out;
}

std::unique_ptr<PreTokenizer> makePreTokenizer(const Json& spec, const std::string& where) {
  if (spec.is_null()) return nullptr;
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string()) {
    throw Error(ErrorKind::InvalidInput,
                where + ": pre_tokenizer must be an object with a \"type\"");
  }
  const auto type = spec["type"].get<std::string>();
  if (type == "Sequence") {
    if (!spec.contains("pretokenizers") || !spec["pretokenizers"].is_array()) {
      throw Error(ErrorKind::InvalidInput,
                  where + ": Sequence pre-tokenizer needs a \"pretokenizers\" array");
    }
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (const auto& s : spec["pretokenizers"]) {
      auto step = makePreTokenizer(s, where);
      if (!step) {
        throw Error(ErrorKind::InvalidInput, where + ": null inside a Sequence pre-tokenizer");
      }
      steps.push_back(std::move(step));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  if (type == "Split") {
    const auto& pattern = spec.contains("pattern") ? spec["pattern"] : Json();
    std::string regex;
    if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string()) {
      regex = pattern["Regex"].get<std::string>();
    } else if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string()) {
      regex = TokenizerRegex::escape(pattern["String"].get<std::string>());
    } else {
      throw Error(ErrorKind::InvalidInput,
                  where +
                      ": Split pre-tokenizer needs \"pattern\": {\"Regex\": ...} or "
                      "{\"String\": ...}");
    }
    if (!spec.contains("behavior")) {
      throw Error(ErrorKind::InvalidInput, where + ": Split pre-tokenizer has no \"behavior\"");
    }
    return std::make_unique<SplitPreTokenizer>(regex, parseBehavior(spec["behavior"], where),
                                               boolField(spec, "invert", false, where), where);
  }
  if (type == "Digits") {
    return std::make_unique<DigitsPreTokenizer>(boolField(spec, "individual_digits", false, where),
                                                where);
  }
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelPreTokenizer>(boolField(spec, "add_prefix_space", true, where),
                                                   boolField(spec, "use_regex", true, where),
                                                   where);
  }
  throw Error(ErrorKind::Unsupported,
              where + ": pre-tokenizer type \"" + type +
                  "\" is not implemented (supported: Sequence, Split, Digits, ByteLevel)");
}

}  // namespace slmq::core
