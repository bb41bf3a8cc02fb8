// The BPE model and added-token matching against the cases of Hugging Face tokenizers' own test
// suite (tokenizers/src/models/bpe/model.rs, tokenizers/src/tokenizer/added_vocabulary.rs) and
// small hand-worked merges.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/tokenizer/added_vocabulary.h"
#include "core/tokenizer/bpe.h"

namespace slmq::core {
namespace {

using Merges = std::vector<std::pair<std::string, std::string>>;

std::vector<int> tokenize(const BpeModel& bpe, const std::string& word) {
  std::vector<int> out;
  bpe.tokenize(word, out);
  return out;
}

// model.rs `test_tokenize_with_and_without_dropout`: "unrelated" -> ["unrelated"].
TEST(BpeModel, MergesUnrelatedAsTokenizersDoes) {
  TokenIdMap vocab = {{"u", 0},     {"n", 1},    {"r", 2},        {"e", 3},
                      {"l", 4},     {"a", 5},    {"t", 6},        {"d", 7},
                      {"re", 8},    {"at", 9},   {"ed", 10},      {"un", 11},
                      {"ated", 12}, {"rel", 13}, {"related", 14}, {"unrelated", 15}};
  const Merges merges = {{"r", "e"},   {"a", "t"},  {"e", "d"},      {"u", "n"},
                         {"at", "ed"}, {"re", "l"}, {"rel", "ated"}, {"un", "related"}};
  BpeModel bpe(vocab, merges, {}, "test");
  EXPECT_EQ(tokenize(bpe, "unrelated"), (std::vector<int>{15}));
  // Without the last merge the word stops at "un" + "related".
  BpeModel partial(vocab, Merges(merges.begin(), merges.end() - 1), {}, "test");
  EXPECT_EQ(tokenize(partial, "unrelated"), (std::vector<int>{11, 14}));
}

// model.rs `test_unk_not_fused` / `test_unk_get_fused`.
TEST(BpeModel, UnknownCharactersFusedOrNot) {
  TokenIdMap vocab = {{"<unk>", 0}, {"a", 1}, {"b", 2}};
  BpeOptions opt;
  opt.unkToken = "<unk>";
  BpeModel notFused(vocab, {}, opt, "test");
  EXPECT_EQ(tokenize(notFused, "c"), (std::vector<int>{0}));
  EXPECT_EQ(tokenize(notFused, "cc"), (std::vector<int>{0, 0}));
  EXPECT_EQ(tokenize(notFused, "accb"), (std::vector<int>{1, 0, 0, 2}));
  opt.fuseUnk = true;
  BpeModel fused(vocab, {}, opt, "test");
  EXPECT_EQ(tokenize(fused, "cc"), (std::vector<int>{0}));
  EXPECT_EQ(tokenize(fused, "accb"), (std::vector<int>{1, 0, 2}));
  // No unk token: unknown characters are dropped, as tokenizers does.
  BpeModel noUnk(vocab, {}, {}, "test");
  EXPECT_EQ(tokenize(noUnk, "acb"), (std::vector<int>{1, 2}));
}

// model.rs `test_bpe_byte_fallback`: <0xNN> tokens for unknown bytes, unk when one is missing.
TEST(BpeModel, ByteFallback) {
  TokenIdMap vocab = {{"<unk>", 0}, {"<0x61>", 1}, {"<0xC3>", 2}, {"<0xA9>", 3}};
  BpeOptions opt;
  opt.unkToken = "<unk>";
  opt.byteFallback = true;
  BpeModel bpe(vocab, {}, opt, "test");
  EXPECT_EQ(tokenize(bpe, "c"), (std::vector<int>{0}));
  EXPECT_EQ(tokenize(bpe, "a"), (std::vector<int>{1}));
  EXPECT_EQ(tokenize(bpe, "\u00e9"), (std::vector<int>{2, 3}));  // é = C3 A9
}

// Lowest rank first, leftmost on ties: "aaaa" with "a a" (rank 0) and "aa aa" (rank 1).
TEST(BpeModel, RankOrderAndLeftmostTies) {
  TokenIdMap vocab = {{"a", 0}, {"aa", 1}, {"aaaa", 2}, {"b", 3}, {"ab", 4}, {"ba", 5}};
  BpeModel bpe(vocab, {{"a", "a"}, {"aa", "aa"}}, {}, "test");
  EXPECT_EQ(tokenize(bpe, "aaa"), (std::vector<int>{1, 0}));
  EXPECT_EQ(tokenize(bpe, "aaaa"), (std::vector<int>{2}));
  EXPECT_EQ(tokenize(bpe, "aaaaa"), (std::vector<int>{2, 0}));
  // "aba": "b a" ranks before "a b", so the right pair merges first.
  BpeModel ranked(vocab, {{"b", "a"}, {"a", "b"}}, {}, "test");
  EXPECT_EQ(tokenize(ranked, "aba"), (std::vector<int>{0, 5}));
  // A long run stays linear-ish and exact: 1001 a's -> 250 "aaaa" + "a".
  std::vector<int> want(250, 2);
  want.push_back(0);
  EXPECT_EQ(tokenize(bpe, std::string(1001, 'a')), want);
}

// ignore_merges: a word in the vocabulary is one token even if merges would not reach it.
TEST(BpeModel, IgnoreMerges) {
  TokenIdMap vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"abc", 3}};
  BpeModel plain(vocab, {}, {}, "test");
  EXPECT_EQ(tokenize(plain, "abc"), (std::vector<int>{0, 1, 2}));
  BpeOptions opt;
  opt.ignoreMerges = true;
  BpeModel ignoring(vocab, {}, opt, "test");
  EXPECT_EQ(tokenize(ignoring, "abc"), (std::vector<int>{3}));
}

// continuing_subword_prefix: merges drop the prefix of their right part ("a ##b" -> "a##b").
TEST(BpeModel, ContinuingSubwordPrefix) {
  TokenIdMap vocab = {{"a", 0}, {"##b", 1}, {"##c", 2}, {"ab", 3}, {"ab##c", 4}};
  BpeOptions opt;
  opt.continuingSubwordPrefix = "##";
  BpeModel bpe(vocab, {{"a", "##b"}}, opt, "test");
  EXPECT_EQ(tokenize(bpe, "abc"), (std::vector<int>{3, 2}));
}

TEST(BpeModel, MergeWithUnknownTokenIsNamed) {
  TokenIdMap vocab = {{"a", 0}, {"b", 1}};
  try {
    BpeModel bpe(vocab, {{"a", "b"}}, {}, "tok.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    const std::string m = e.what();
    EXPECT_NE(m.find("tok.json"), std::string::npos) << m;
    EXPECT_NE(m.find("\"ab\""), std::string::npos) << m;
  }
  EXPECT_THROW(BpeModel(vocab, {{"a", "zz"}}, {}, "tok.json"), Error);
  BpeOptions opt;
  opt.unkToken = "<unk>";
  EXPECT_THROW(BpeModel(vocab, {}, opt, "tok.json"), Error);
  EXPECT_THROW(BpeModel(TokenIdMap{{"a", 0}, {"b", 0}}, {}, {}, "tok.json"), Error);
}

// ---- Added tokens (added_vocabulary.rs tests, without their lowercase normalizer) ----

std::vector<std::pair<std::string, int>> splits(const AddedVocabulary& v, const std::string& text,
                                                bool normalized = false) {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& s : v.split(text, normalized)) {
    out.emplace_back(text.substr(s.range.first, s.range.second - s.range.first), s.addedId);
  }
  return out;
}

AddedToken token(int id, std::string content, bool special = false) {
  AddedToken t;
  t.id = id;
  t.content = std::move(content);
  t.special = special;
  t.normalized = false;
  return t;
}

// `can_extract_added_tokens`.
TEST(AddedVocabulary, ExtractsAddedAndSpecialTokens) {
  AddedVocabulary v(
      {token(0, "my"), token(1, "name"), token(2, "[CLS]", true), token(3, "[SEP]", true)}, {});
  using S = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(splits(v, "[CLS] My name is Anthony [SEP]"),
            (S{{"[CLS]", 2}, {" My ", -1}, {"name", 1}, {" is Anthony ", -1}, {"[SEP]", 3}}));
}

// `options_use_cases`: lstrip + rstrip swallow spaces; single_word keeps "ony" inside a word.
TEST(AddedVocabulary, StripAndSingleWordOptions) {
  auto my = token(0, "my");
  my.lstrip = my.rstrip = true;
  auto ony = token(2, "ony");
  ony.singleWord = true;
  AddedVocabulary v({my, token(1, "name"), ony, token(3, "[CLS]", true), token(4, "[SEP]", true)},
                    {});
  using S = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(splits(v, "[CLS] my name is anthony [SEP]"),
            (S{{"[CLS]", 3}, {" my ", 0}, {"name", 1}, {" is anthony ", -1}, {"[SEP]", 4}}));
}

// `test_single_word_is_correct` and `test_single_word_is_unicode_correct`.
TEST(AddedVocabulary, SingleWordBoundaries) {
  auto mask = token(0, "<mask>");
  mask.singleWord = true;
  AddedVocabulary v({mask}, {});
  using S = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(splits(v, "<mask> My name <mask> A<mask> <mask>ony <mask>"),
            (S{{"<mask>", 0},
               {" My name ", -1},
               {"<mask>", 0},
               {" A<mask> <mask>ony ", -1},
               {"<mask>", 0}}));
  // Punctuation and dashes are not word characters; a combining mark (U+0330) is.
  EXPECT_EQ(splits(v, "<mask>, <mask>- \u25CC\u0330<mask>"),
            (S{{"<mask>", 0}, {", ", -1}, {"<mask>", 0}, {"- \u25CC\u0330<mask>", -1}}));
}

// `test_lstrip_unicode_space`: tabs and U+2000 are whitespace; strips never overlap.
TEST(AddedVocabulary, StripUnicodeSpaceWithoutOverlap) {
  auto mask = token(0, "<mask>");
  mask.lstrip = mask.rstrip = mask.singleWord = true;
  AddedVocabulary v({mask}, {});
  using S = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(
      splits(v, "Hi <mask> there\t<mask>\t<mask>\u2000"),
      (S{{"Hi", -1}, {" <mask> ", 0}, {"there", -1}, {"\t<mask>\t", 0}, {"<mask>\u2000", 0}}));
}

// Leftmost-longest: the longer of two tokens starting at one position wins; normalized tokens
// live in their own set.
TEST(AddedVocabulary, LeftmostLongestAndNormalizedSet) {
  auto norm = token(2, "xy");
  norm.normalized = true;
  AddedVocabulary v({token(0, "<a>"), token(1, "<a><b>"), norm}, {"xy", "xy", "xy"});
  using S = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(splits(v, "q<a><b><a>xy"), (S{{"q", -1}, {"<a><b>", 1}, {"<a>", 0}, {"xy", -1}}));
  EXPECT_EQ(splits(v, "q<a>xy", true), (S{{"q<a>", -1}, {"xy", 2}}));
  EXPECT_EQ(splits(v, ""), (S{{"", -1}}));
}

}  // namespace
}  // namespace slmq::core
