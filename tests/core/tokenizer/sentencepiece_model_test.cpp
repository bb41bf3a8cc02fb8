// SentencePiece-style tokenizer on stories260K: the vocabulary from the GGUF file and from
// llama2.c's tok512.bin must give the same ids, and both must match llama2.c's run.c encode(),
// ported below line by line as the outside reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/llama2c.h"
#include "core/tokenizer/sentencepiece_bpe.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

// run.c's encode(t, text, bos=1, eos=0, tokens, &n): a direct port operating on the raw
// tokenizer.bin strings (spaces as ' ', no escaping), with its O(n²) global best-pair loop.
std::vector<int> runcEncode(const Llama2cVocab& v, const std::string& text) {
  // run.c sorts the vocabulary and bsearches it; a std::map is the same lookup.
  std::map<std::string, int> sorted;
  for (std::size_t i = 0; i < v.pieces.size(); ++i) sorted.emplace(v.pieces[i], int(i));
  const auto lookup = [&](const std::string& s) {
    const auto it = sorted.find(s);
    return it == sorted.end() ? -1 : it->second;
  };
  std::vector<int> tokens;
  tokens.push_back(1);                               // BOS
  if (!text.empty()) tokens.push_back(lookup(" "));  // dummy prefix
  std::string buf;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) buf.clear();
    buf += char(c);
    const bool nextIsCont =
        i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80;
    if (nextIsCont && buf.size() < 4) continue;
    const int id = lookup(buf);
    if (id != -1) {
      tokens.push_back(id);
    } else {
      for (unsigned char b : buf) tokens.push_back(int(b) + 3);
    }
    buf.clear();
  }
  while (true) {
    float bestScore = -1e10f;
    int bestId = -1, bestIdx = -1;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      const int id =
          lookup(v.pieces[std::size_t(tokens[i])] + v.pieces[std::size_t(tokens[i + 1])]);
      if (id != -1 && v.scores[std::size_t(id)] > bestScore) {
        bestScore = v.scores[std::size_t(id)];
        bestId = id;
        bestIdx = int(i);
      }
    }
    if (bestIdx == -1) break;
    tokens[std::size_t(bestIdx)] = bestId;
    tokens.erase(tokens.begin() + bestIdx + 1);
  }
  return tokens;
}

const std::vector<std::string> kTexts = {
    "Zoo",
    "Once upon a time, there was a little girl named Lily. She loved to play outside.",
    "Hello  world\n\tTabs and  double  spaces ",
    " leading space",
    "h\xc3\xa9llo w\xc3\xb6rld \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82!",  // héllo wörld 日本
                                                                             // 🙂!
    "\"Mom!\" said Tim. \"Can I have 3 cookies?\"",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "x",
};

class SentencePieceStories : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto dir = test::asset("models/stories260K");
    s_gguf = std::make_unique<GgufFile>(GgufFile::open(dir / "stories260K.gguf"));
    s_raw = readLlama2cTokenizer(dir / "tok512.bin", 512);
    s_fromGguf = loadGgufTokenizer(*s_gguf);
    s_fromBin = makeLlama2cTokenizer(s_raw, (dir / "tok512.bin").string());
  }
  static void TearDownTestSuite() {
    s_fromGguf.reset();
    s_fromBin.reset();
    s_gguf.reset();
  }
  static std::unique_ptr<GgufFile> s_gguf;
  static Llama2cVocab s_raw;
  static std::unique_ptr<SentencePieceBpe> s_fromGguf, s_fromBin;
};
std::unique_ptr<GgufFile> SentencePieceStories::s_gguf;
Llama2cVocab SentencePieceStories::s_raw;
std::unique_ptr<SentencePieceBpe> SentencePieceStories::s_fromGguf;
std::unique_ptr<SentencePieceBpe> SentencePieceStories::s_fromBin;

TEST_F(SentencePieceStories, Tok512IsReadWhole) {
  EXPECT_EQ(s_raw.max_token_length, 7);
  ASSERT_EQ(s_raw.pieces.size(), 512u);
  EXPECT_EQ(s_raw.pieces[1], "\n<s>\n");
  EXPECT_EQ(s_raw.pieces[3], "<0x00>");
  EXPECT_EQ(s_raw.pieces[347], "oo");
  EXPECT_EQ(s_raw.scores[347], -88.0f);
}

TEST_F(SentencePieceStories, BothSourcesHoldTheSameVocabulary) {
  ASSERT_EQ(s_fromGguf->vocabSize(), 512);
  ASSERT_EQ(s_fromBin->vocabSize(), 512);
  for (int i = 0; i < 512; ++i) {
    EXPECT_EQ(s_fromGguf->tokenText(i), s_fromBin->tokenText(i)) << i;
    EXPECT_EQ(s_fromGguf->token(i).score, s_fromBin->token(i).score) << i;
    EXPECT_EQ(s_fromGguf->token(i).type, s_fromBin->token(i).type) << i;
  }
  EXPECT_EQ(s_fromGguf->bosId(), 1);
  EXPECT_EQ(s_fromGguf->eosId(), 2);
}

TEST_F(SentencePieceStories, ZooIsEncodedAsLlama2cDoes) {
  // Worked out from tok512.bin: " " is 410, "Z" 469, "oo" 347 (score −88); neither " Z", "Zo"
  // nor "Zoo" is in the vocabulary, so the only merge is o+o.
  const std::vector<int> expected = {1, 410, 469, 347};
  EXPECT_EQ(runcEncode(s_raw, "Zoo"), expected);
  EXPECT_EQ(s_fromBin->encode("Zoo"), expected);
  EXPECT_EQ(s_fromGguf->encode("Zoo"), expected);
  EXPECT_EQ(s_fromGguf->encode("Zoo", /*addSpecial=*/false),
            std::vector<int>(expected.begin() + 1, expected.end()));
  EXPECT_EQ(s_fromGguf->decode(expected), "<s>Zoo");
  EXPECT_EQ(s_fromGguf->decode(expected, /*skipSpecial=*/true), "Zoo");
}

TEST_F(SentencePieceStories, GgufTok512AndRunCAgreeOnSeveralTexts) {
  for (const std::string& text : kTexts) {
    const std::vector<int> reference = runcEncode(s_raw, text);
    EXPECT_EQ(s_fromBin->encode(text), reference) << text;
    EXPECT_EQ(s_fromGguf->encode(text), reference) << text;
    // Byte fallback must reproduce the text exactly.
    EXPECT_EQ(s_fromGguf->decode(reference, /*skipSpecial=*/true), text) << text;
  }
}

TEST_F(SentencePieceStories, TinyStoriesLinesMatchRunC) {
  // 300 lines of TinyStories' validation text, each encoded as run.c would encode it.
  std::ifstream in(test::asset("text/tinystories_val.txt"));
  std::string line;
  int lines = 0, tokens = 0;
  while (lines < 300 && std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<int> reference = runcEncode(s_raw, line);
    ASSERT_EQ(s_fromGguf->encode(line), reference) << line;
    ASSERT_EQ(s_fromBin->encode(line), reference) << line;
    EXPECT_EQ(s_fromGguf->decode(reference, true), line);
    ++lines;
    tokens += int(reference.size());
  }
  EXPECT_EQ(lines, 300);
  EXPECT_GT(tokens, 300 * 10);
}

TEST_F(SentencePieceStories, EmptyTextIsJustBos) {
  EXPECT_EQ(s_fromGguf->encode(""), std::vector<int>{1});
  EXPECT_EQ(runcEncode(s_raw, ""), std::vector<int>{1});
  EXPECT_TRUE(s_fromGguf->encode("", false).empty());
}

TEST_F(SentencePieceStories, ByteFallbackUsesByteTokens) {
  // "日" is not in the 512-token vocabulary: its three UTF-8 bytes E6 97 A5 become <0xE6>...
  const std::vector<int> ids = s_fromGguf->encode("\xe6\x97\xa5", false);
  EXPECT_EQ(ids, (std::vector<int>{410, 0xE6 + 3, 0x97 + 3, 0xA5 + 3}));
}

TEST(SentencePieceCorrupt, TruncatedTok512NamesTheToken) {
  test::TempDir dir;
  std::string bytes = test::readFile(test::asset("models/stories260K/tok512.bin"));
  bytes.resize(bytes.size() - 3);
  test::writeFile(dir / "tok.bin", bytes);
  try {
    readLlama2cTokenizer(dir / "tok.bin", 512);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("token 511"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tok.bin"), std::string::npos) << e.what();
  }
  std::string bad = test::readFile(test::asset("models/stories260K/tok512.bin"));
  const std::int32_t huge = 1 << 30;
  std::memcpy(bad.data() + 4 + 4, &huge, 4);  // token 0's length
  test::writeFile(dir / "len.bin", bad);
  EXPECT_THROW(readLlama2cTokenizer(dir / "len.bin"), Error);
}

}  // namespace
}  // namespace slmq::core
