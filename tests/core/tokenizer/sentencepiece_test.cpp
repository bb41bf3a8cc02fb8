// SentencePiece-style BPE on hand-built vocabularies: merge order by score (not position), ties
// to the leftmost pair, byte fallback, the unknown token when no byte tokens exist, BOS/EOS
// switches and decoding of "▁" and byte pieces. Expected ids are worked out by hand below.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/common/error.h"
#include "core/tokenizer/sentencepiece_bpe.h"

namespace slmq::core {
namespace {

const std::string S = "\xe2\x96\x81";  // "▁"

std::vector<SpmToken> vocab(float abScore, float bcScore, bool withBytes) {
  std::vector<SpmToken> v = {{"<unk>", 0, SpmTokenType::Unknown},
                             {"<s>", 0, SpmTokenType::Control},
                             {"</s>", 0, SpmTokenType::Control}};
  if (withBytes) {
    for (int b = 0; b < 256; ++b) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "<0x%02X>", b);
      v.push_back({buf, 0, SpmTokenType::Byte});
    }
  }
  // ids from here: base+0 "▁", +1 "a", +2 "b", +3 "c", +4 "ab", +5 "bc", +6 "▁a", +7 "abc"
  v.push_back({S, -10, SpmTokenType::Normal});
  v.push_back({"a", -10, SpmTokenType::Normal});
  v.push_back({"b", -10, SpmTokenType::Normal});
  v.push_back({"c", -10, SpmTokenType::Normal});
  v.push_back({"ab", abScore, SpmTokenType::Normal});
  v.push_back({"bc", bcScore, SpmTokenType::Normal});
  v.push_back({S + "a", -2, SpmTokenType::Normal});
  v.push_back({"abc", -3, SpmTokenType::Normal});
  return v;
}

TEST(SentencePieceBpe, MergesTheHighestScoringPairFirst) {
  // "abc" -> ▁ a b c. Pairs: ▁a (−2), ab (−1), bc (−0.5): bc first -> ▁ a bc; then ▁a (−2) beats
  // abc (−3) -> ▁a bc; "▁abc" is not a token. A left-to-right merger would give ▁ abc instead.
  const SentencePieceBpe t(vocab(-1.0f, -0.5f, false), {}, "hand");
  const int base = 3;
  EXPECT_EQ(t.encode("abc"), (std::vector<int>{1, base + 6, base + 5}));
  EXPECT_EQ(t.decode(t.encode("abc"), true), "abc");
}

TEST(SentencePieceBpe, TiesGoToTheLeftmostPair) {
  // ab and bc both score −1: ab (leftmost) merges -> ▁ ab c; ▁ab is not a token, abc (−3) is.
  const SentencePieceBpe t(vocab(-1.0f, -1.0f, false), {}, "hand");
  const int base = 3;
  EXPECT_EQ(t.encode("abc", false), (std::vector<int>{base + 0, base + 7}));
}

TEST(SentencePieceBpe, ByteFallbackAndUnknown) {
  const SentencePieceBpe withBytes(vocab(-1, -1, true), {}, "hand");
  // "é" (C3 A9) is not a token: its bytes become <0xC3> <0xA9> = ids 3 + 0xC3, 3 + 0xA9.
  const int base = 3 + 256;
  EXPECT_EQ(withBytes.encode("\xc3\xa9", false), (std::vector<int>{base + 0, 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ(withBytes.decode({base + 0, 3 + 0xC3, 3 + 0xA9}), "\xc3\xa9");
  const SentencePieceBpe noBytes(vocab(-1, -1, false), {}, "hand");
  EXPECT_EQ(noBytes.encode("\xc3\xa9", false), (std::vector<int>{3, 0, 0}));  // ▁ <unk> <unk>
}

TEST(SentencePieceBpe, SwitchesForBosEosAndPrefix) {
  SpmOptions o;
  o.add_bos = false;
  o.add_eos = true;
  o.add_space_prefix = false;
  const SentencePieceBpe t(vocab(-1, -0.5f, false), o, "hand");
  const int base = 3;
  // No "▁" prefix: a b c -> bc first -> a bc; "abc" needs a+bc which is a token (−3) -> abc.
  EXPECT_EQ(t.encode("abc"), (std::vector<int>{base + 7, 2}));
  EXPECT_EQ(t.encode("abc", false), (std::vector<int>{base + 7}));
  EXPECT_EQ(t.decode({1, base + 6, 2}), "<s> a</s>");  // no prefix to strip when none was added
  EXPECT_EQ(t.decode({1, base + 6, 2}, true), " a");
}

TEST(SentencePieceBpe, RejectsBadSpecialIdsAndDecodesOnlyValidIds) {
  SpmOptions o;
  o.bos_id = 99;
  EXPECT_THROW(SentencePieceBpe(vocab(-1, -1, false), o, "hand"), Error);
  EXPECT_THROW(SentencePieceBpe({}, {}, "hand"), Error);
  const SentencePieceBpe t(vocab(-1, -1, false), {}, "hand");
  EXPECT_THROW(t.decode({1000}), Error);
  EXPECT_EQ(t.decode({3 + 6}), "a");  // "▁a" first piece: the dummy-prefix space is dropped
}

}  // namespace
}  // namespace slmq::core
