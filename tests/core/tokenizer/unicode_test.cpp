// UTF-8 helpers, GPT-2's byte-level alphabet and the Unicode normalizers against external
// references: Python's bytes.decode("utf-8", "replace") (the same maximal-subpart rule as Rust's
// from_utf8_lossy), GPT-2's published bytes_to_unicode, and UAX #15's NFC examples.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/utf8.h"

namespace slmq::core {
namespace {

// Expected strings computed with Python 3: b.decode("utf-8", "replace").
TEST(Utf8, LossyDecodingMatchesPython) {
  EXPECT_EQ(utf8::decodeLossy("Hello \xF0\x90\x80World"), "Hello \uFFFDWorld");
  EXPECT_EQ(utf8::decodeLossy("\xE2\x82"
                              "A"),
            "\uFFFD"
            "A");
  EXPECT_EQ(utf8::decodeLossy("\xED\xA0\x80x"), "\uFFFD\uFFFD\uFFFDx");          // surrogate
  EXPECT_EQ(utf8::decodeLossy("\xC0\xAF"), "\uFFFD\uFFFD");                      // overlong
  EXPECT_EQ(utf8::decodeLossy("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
  EXPECT_EQ(utf8::decodeLossy("a\x80"
                              "b"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(utf8::decodeLossy("\xE2\x82"), "\uFFFD");  // truncated at the end
  EXPECT_EQ(utf8::decodeLossy("na\u00efve \U0001F600"), "na\u00efve \U0001F600");
}

TEST(Utf8, FirstInvalidNamesTheByte) {
  EXPECT_EQ(utf8::firstInvalid("plain ascii text, long enough for the fast path"),
            std::string_view::npos);
  EXPECT_EQ(utf8::firstInvalid("\u65e5\u672c\U0001F44D"), std::string_view::npos);
  EXPECT_EQ(utf8::firstInvalid("0123456789\xFF"), 10u);
  EXPECT_EQ(utf8::firstInvalid("ab\xE2\x82"), 2u);
}

// GPT-2 encoder.py bytes_to_unicode(): printable bytes map to themselves, the other 68 bytes to
// U+0100.. in byte order (space is the 33rd: U+0120 'Ġ', newline the 11th: U+010A 'Ċ').
TEST(ByteLevel, AlphabetMatchesGpt2) {
  EXPECT_EQ(byte_level::charForByte('A'), U'A');
  EXPECT_EQ(byte_level::charForByte(' '), U'\u0120');
  EXPECT_EQ(byte_level::charForByte('\n'), U'\u010A');
  EXPECT_EQ(byte_level::charForByte(0x00), U'\u0100');
  EXPECT_EQ(byte_level::charForByte(0x7F), U'\u0121');
  EXPECT_EQ(byte_level::charForByte(0xAD), U'\u0143');
  EXPECT_EQ(byte_level::charForByte(0xE9), U'\u00E9');
  for (int b = 0; b < 256; ++b) {
    EXPECT_EQ(byte_level::byteForChar(byte_level::charForByte(static_cast<std::uint8_t>(b))), b);
  }
  EXPECT_EQ(byte_level::byteForChar(U'\u0144'), -1);
  EXPECT_EQ(byte_level::encode("a b\n"), "a\u0120b\u010A");
}

// byte_level.rs `decode_works_on_separated_tokens`: decoding each byte-level character as its
// own token gives back the text; a token outside the alphabet is passed through as its bytes.
TEST(ByteLevel, DecodeTokenRoundTripsAndPassesThroughForeignTokens) {
  const std::string text = "A Nuskhuri abbreviation of \u10D8\u10D4\u10E1\u10E3 ( iesu ) \"";
  const std::string encoded = byte_level::encode(text);
  std::string decoded;
  std::size_t pos = 0;
  while (pos < encoded.size()) {
    const auto len = utf8::sequenceLength(encoded, pos);
    ASSERT_GT(len, 0u);
    EXPECT_TRUE(byte_level::decodeToken(encoded.substr(pos, len), decoded));
    pos += len;
  }
  EXPECT_EQ(decoded, text);
  std::string out;
  EXPECT_FALSE(byte_level::decodeToken("<|\u4e2d|>", out));
  EXPECT_EQ(out, "<|\u4e2d|>");
}

// UAX #15 / Python unicodedata.normalize("NFC", ...): composition, canonical reordering of
// combining marks, singletons (Angstrom sign) and Hangul LV + T.
TEST(Normalizer, NfcMatchesUnicodeExamples) {
  const auto nfc = makeNormalizer({{"type", "NFC"}}, "t.json");
  EXPECT_EQ(nfc->normalize("e\u0301"), "\u00e9");
  EXPECT_EQ(nfc->normalize("\u1e0b\u0323"), "\u1e0d\u0307");
  EXPECT_EQ(nfc->normalize("\u212b"), "\u00c5");
  EXPECT_EQ(nfc->normalize("\uac00\u11a8"), "\uac01");
  EXPECT_EQ(nfc->normalize("A\u030a and ascii"), "\u00c5 and ascii");
  const auto nfd = makeNormalizer({{"type", "NFD"}}, "t.json");
  EXPECT_EQ(nfd->normalize("\u00e9"), "e\u0301");
  const auto nfkc = makeNormalizer({{"type", "NFKC"}}, "t.json");
  EXPECT_EQ(nfkc->normalize("\ufb01"), "fi");  // ligature is a compatibility character
  EXPECT_EQ(makeNormalizer(nullptr, "t.json"), nullptr);
}

TEST(Normalizer, UnknownTypeIsNamed) {
  try {
    makeNormalizer({{"type", "Sequence"}, {"normalizers", {{{"type", "Lowercase"}}}}}, "t.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("Lowercase"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("t.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace slmq::core
