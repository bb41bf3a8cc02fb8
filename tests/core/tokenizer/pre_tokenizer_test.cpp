// Pre-tokenizers against the expectations in Hugging Face tokenizers' own test suite
// (tokenizers/src/pre_tokenizers/{split,digits,byte_level}.rs and the NormalizedString::split
// documentation), so that our splitting is theirs piece for piece.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/regex.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;
using Pieces = std::vector<std::string>;

Pieces run(const Json& spec, const std::string& text) {
  auto pre = makePreTokenizer(spec, "test.json");
  Pieces pieces{text};
  pre->apply(pieces);
  return pieces;
}

Pieces splitWith(const std::string& text, const std::string& pattern, SplitBehavior b,
                 bool invert) {
  TokenizerRegex re(pattern, "test");
  Pieces out;
  for (auto p : splitByMatches(text, re.findAll(text), b, invert)) out.emplace_back(p);
  return out;
}

// split.rs `basic`: the regex \w+|[^\w\s]+ with invert = true, one case per behaviour.
TEST(SplitBehavior, MatchesTokenizersSplitTests) {
  const std::string text = "How are you doing?";
  const std::string re = R"(\w+|[^\w\s]+)";
  EXPECT_EQ(splitWith(text, re, SplitBehavior::Removed, true),
            (Pieces{"How", "are", "you", "doing", "?"}));
  EXPECT_EQ(splitWith(text, re, SplitBehavior::Isolated, true),
            (Pieces{"How", " ", "are", " ", "you", " ", "doing", "?"}));
  EXPECT_EQ(splitWith(text, re, SplitBehavior::MergedWithPrevious, true),
            (Pieces{"How ", "are ", "you ", "doing", "?"}));
  EXPECT_EQ(splitWith(text, re, SplitBehavior::MergedWithNext, true),
            (Pieces{"How", " are", " you", " doing", "?"}));
  EXPECT_EQ(splitWith(text, re, SplitBehavior::Contiguous, true),
            (Pieces{"How", " ", "are", " ", "you", " ", "doing?"}));
}

// NormalizedString::split documentation: splitting "the-final--countdown" on '-'.
TEST(SplitBehavior, MatchesNormalizedStringSplitDocumentation) {
  const std::string text = "the-final--countdown";
  EXPECT_EQ(splitWith(text, "-", SplitBehavior::Removed, false),
            (Pieces{"the", "final", "countdown"}));
  EXPECT_EQ(splitWith(text, "-", SplitBehavior::Isolated, false),
            (Pieces{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(splitWith(text, "-", SplitBehavior::MergedWithPrevious, false),
            (Pieces{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(splitWith(text, "-", SplitBehavior::MergedWithNext, false),
            (Pieces{"the", "-final", "-", "-countdown"}));
}

// split.rs `regex_string` and `invert`: a String pattern is a literal, and inverting a split on
// "Hello" with Removed equals splitting on " ".
TEST(SplitPreTokenizer, StringPatternIsLiteralAndInvertWorks) {
  const Json onSpace = {{"type", "Split"},
                        {"pattern", {{"String", " "}}},
                        {"behavior", "Removed"},
                        {"invert", false}};
  const Json onRegex = {{"type", "Split"},
                        {"pattern", {{"Regex", "\\s+"}}},
                        {"behavior", "Removed"},
                        {"invert", false}};
  EXPECT_EQ(run(onSpace, "Hey, man!"), run(onRegex, "Hey, man!"));
  const Json invertHello = {{"type", "Split"},
                            {"pattern", {{"String", "Hello"}}},
                            {"behavior", "Removed"},
                            {"invert", true}};
  EXPECT_EQ(run(onSpace, "Hello Hello Hello"), run(invertHello, "Hello Hello Hello"));
  // Regex metacharacters in a String pattern are literal.
  const Json dotSplit = {{"type", "Split"},
                         {"pattern", {{"String", "a.b\\E"}}},
                         {"behavior", "Isolated"},
                         {"invert", false}};
  EXPECT_EQ(run(dotSplit, "xa.b\\Eyaxb"), (Pieces{"x", "a.b\\E", "yaxb"}));
}

// digits.rs `numbers` and `individual_digits`.
TEST(DigitsPreTokenizer, MatchesTokenizersDigitsTests) {
  EXPECT_EQ(run({{"type", "Digits"}, {"individual_digits", false}}, "Hey 123 friend!"),
            (Pieces{"Hey ", "123", " friend!"}));
  EXPECT_EQ(run({{"type", "Digits"}, {"individual_digits", true}}, "Hey 123 friend!"),
            (Pieces{"Hey ", "1", "2", "3", " friend!"}));
  // Numeric is Unicode N*: Arabic-Indic digits and superscripts split too.
  EXPECT_EQ(run({{"type", "Digits"}, {"individual_digits", true}}, "x\u0661\u00B2y"),
            (Pieces{"x", "\u0661", "\u00B2", "y"}));
}

const Json kByteLevel = {{"type", "ByteLevel"},
                         {"add_prefix_space", false},
                         {"trim_offsets", true},
                         {"use_regex", true}};

// byte_level.rs `pre_tokenization`, `handling_of_newlines`, `handling_of_multiple_whitespaces`,
// `offsets_when_char_split_up`.
TEST(ByteLevelPreTokenizer, MatchesTokenizersByteLevelTests) {
  EXPECT_EQ(run(kByteLevel, "Hello my friend, how is your day going?"),
            (Pieces{"Hello", "\u0120my", "\u0120friend", ",", "\u0120how", "\u0120is", "\u0120your",
                    "\u0120day", "\u0120going", "?"}));
  EXPECT_EQ(run(kByteLevel, "Hello there\nHello there"),
            (Pieces{"Hello", "\u0120there", "\u010A", "Hello", "\u0120there"}));
  EXPECT_EQ(run(kByteLevel, "Hello there       dear"),
            (Pieces{"Hello", "\u0120there", "\u0120\u0120\u0120\u0120\u0120\u0120", "\u0120dear"}));
  EXPECT_EQ(run(kByteLevel, "i\u2B62j"), (Pieces{"i", "\u00E2\u0143\u00A2", "j"}));
}

// byte_level.rs `add_prefix_space` and `pre_tokenization_no_regex`.
TEST(ByteLevelPreTokenizer, PrefixSpaceAndNoRegex) {
  Json withPrefix = kByteLevel;
  withPrefix["add_prefix_space"] = true;
  for (const char* s : {" Hello my friend", "Hello my friend"}) {
    EXPECT_EQ(run(withPrefix, s), (Pieces{"\u0120Hello", "\u0120my", "\u0120friend"})) << s;
  }
  Json noRegex = kByteLevel;
  noRegex["use_regex"] = false;
  noRegex["add_prefix_space"] = true;
  EXPECT_EQ(run(noRegex, "Hello my friend, how?"),
            (Pieces{"\u0120Hello\u0120my\u0120friend,\u0120how?"}));
}

// A Sequence runs its steps in order: SmolLM's Digits then ByteLevel.
TEST(SequencePreTokenizer, DigitsThenByteLevel) {
  const Json seq = {
      {"type", "Sequence"},
      {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, kByteLevel}}};
  EXPECT_EQ(run(seq, "in 2026 it"), (Pieces{"in", "\u0120", "2", "0", "2", "6", "\u0120it"}));
}

// The GPT-2 regex's contractions are case-sensitive; Qwen's (?i:...) variant is not.
TEST(SplitPreTokenizer, CaseInsensitiveGroupAndLookahead) {
  const Json qwen = {{"type", "Split"},
                     {"pattern",
                      {{"Regex",
                        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
                        "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}}},
                     {"behavior", "Isolated"},
                     {"invert", false}};
  EXPECT_EQ(run(qwen, "WE'VE  got\u00e9 12"),
            (Pieces{"WE", "'VE", " ", " got\u00e9", " ", "1", "2"}));
  EXPECT_EQ(run(kByteLevel, "WE'VE"), (Pieces{"WE", "'", "VE"}));
}

// Oniguruma-style iteration: empty matches split text but never repeat at one position.
TEST(TokenizerRegex, EmptyMatchesFollowOnigurumaIteration) {
  TokenizerRegex re("x*", "test");
  EXPECT_EQ(re.findAll("ab"), (std::vector<ByteRange>{{0, 0}, {1, 1}, {2, 2}}));
  EXPECT_EQ(re.findAll("axxb"), (std::vector<ByteRange>{{0, 0}, {1, 3}, {4, 4}}));
}

// Oniguruma (Ruby syntax) meanings of the classes whose PCRE2 meaning differs, per Oniguruma's
// doc/RE: \s excludes U+180E, \w includes marks and connector punctuation, \h is a hex
// digit, \v is U+000B, ^/$ are line anchors, and (?m) lets '.' match a newline.
TEST(TokenizerRegex, FollowsOnigurumaMeaningsOfClasses) {
  auto all = [](const std::string& pattern, const std::string& text) {
    TokenizerRegex re(pattern, "test");
    std::vector<std::string> out;
    for (const auto& [b, e] : re.findAll(text)) out.push_back(text.substr(b, e - b));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(all(R"(\s+)", "a \u180e\u0085\u2028b"), (V{" ", "\u0085\u2028"}));
  EXPECT_EQ(all(R"([^\s\p{L}]+)", "a\u180e\u3000b"), (V{"\u180e"}));
  EXPECT_EQ(all(R"(\S+)", "x\u180ey z"), (V{"x\u180ey", "z"}));
  EXPECT_EQ(all(R"(\w+)", "e\u0301\u203fx\u00b2 y"), (V{"e\u0301\u203fx\u00b2", "y"}));
  EXPECT_EQ(all(R"([\w]+)", "ab\u0301-c"), (V{"ab\u0301", "c"}));
  EXPECT_EQ(all(R"(\h+)", "12abXYz \t"), (V{"12ab"}));
  EXPECT_EQ(all(R"(\v)", "a\x0b\nb"), (V{"\x0b"}));
  EXPECT_EQ(all("^b", "ab\nbc"), (V{"b"}));
  EXPECT_EQ(all("(?m:a.b)", "a\nb"), (V{"a\nb"}));
  EXPECT_EQ(all("a.b", "a\nb"), V{});
  EXPECT_EQ(all(R"([]a]+)", "x]a]y"), (V{"]a]"}));
  EXPECT_EQ(all(R"([[:alpha:]\d]+)", "ab12-c"), (V{"ab12", "c"}));
}

TEST(PreTokenizerErrors, UnknownTypeAndBadRegexAreNamed) {
  try {
    makePreTokenizer({{"type", "Whitespace"}}, "tok.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("Whitespace"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tok.json"), std::string::npos) << e.what();
  }
  try {
    makePreTokenizer({{"type", "Split"},
                      {"pattern", {{"Regex", "(unclosed"}}},
                      {"behavior", "Isolated"},
                      {"invert", false}},
                     "tok.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("(unclosed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(makePreTokenizer({{"type", "Split"},
                                 {"pattern", {{"Regex", "a"}}},
                                 {"behavior", "Sideways"},
                                 {"invert", false}},
                                "tok.json"),
               Error);
}

}  // namespace
}  // namespace slmq::core
