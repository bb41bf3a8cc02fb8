// The tokenizer.json tokenizers of every model in the shared assets against Hugging Face
// tokenizers' own output: the `tokenizer_cases` of fixtures/<model>/reference.json and the
// whole-file `tokens.<text>` arrays of fixtures/<model>/reference.safetensors (computed with
// transformers 5.17), plus decode(encode(text)) == text.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <nlohmann/json.hpp>

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include "core/common/error.h"
#include "core/tokenizer/hf_tokenizer.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;

// Models of the assets that come with a tokenizer.json.
const char* const kModels[] = {"smol-ref",          "qwen-ref",      "smol-nope-ref",
                               "smol-mha-ref",      "qwen3-random",  "llama-yarn-random",
                               "llama3rope-random", "smollm3-random"};

// A test-local reader of the int32 tensors of a safetensors file (8-byte little-endian header
// length, JSON header, raw data), with the bounds checks a reader needs.
std::map<std::string, std::vector<std::int32_t>> readInt32Tensors(const std::filesystem::path& p,
                                                                  const std::string& prefix) {
  const std::string bytes = test::readFile(p);
  if (bytes.size() < 8) throw std::runtime_error(p.string() + ": shorter than 8 bytes");
  std::uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | static_cast<unsigned char>(bytes[i]);
  if (headerLen > bytes.size() - 8) throw std::runtime_error(p.string() + ": header too long");
  const Json header = Json::parse(bytes.substr(8, headerLen));
  const std::size_t dataStart = 8 + headerLen;
  std::map<std::string, std::vector<std::int32_t>> out;
  for (const auto& [name, info] : header.items()) {
    if (name.rfind(prefix, 0) != 0 || info.value("dtype", "") != "I32") continue;
    const auto begin = info["data_offsets"][0].get<std::uint64_t>();
    const auto end = info["data_offsets"][1].get<std::uint64_t>();
    if (begin > end || end > bytes.size() - dataStart || (end - begin) % 4 != 0) {
      throw std::runtime_error(p.string() + ": tensor " + name + " lies outside the file");
    }
    std::vector<std::int32_t> v((end - begin) / 4);
    std::memcpy(v.data(), bytes.data() + dataStart + begin, end - begin);  // little-endian host
    out.emplace(name, std::move(v));
  }
  return out;
}

// Index and ids of the first difference, for readable failures on long arrays.
std::string firstDifference(const std::vector<int>& got, const std::vector<std::int32_t>& want) {
  const std::size_t n = std::min(got.size(), want.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      return "first difference at token " + std::to_string(i) + ": got " + std::to_string(got[i]) +
             ", want " + std::to_string(want[i]);
    }
  }
  return "lengths differ: got " + std::to_string(got.size()) + ", want " +
         std::to_string(want.size());
}

// ICU's NFC of `text`: what decode(encode(text)) gives for a tokenizer with an NFC normalizer.
std::string icuNfc(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* nfc = icu::Normalizer2::getNFCInstance(status);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                     nullptr, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFC failed");
  return out;
}

class HfTokenizerModelTest : public ::testing::TestWithParam<const char*> {};

TEST_P(HfTokenizerModelTest, ReproducesReferenceTokenizerCases) {
  const std::string model = GetParam();
  const auto tok = loadHfTokenizer(test::asset("models/" + model + "/tokenizer.json"));
  const Json ref =
      Json::parse(test::readFile(test::asset("fixtures/" + model + "/reference.json")));
  const auto& cases = ref.at("tokenizer_cases");
  ASSERT_GE(cases.size(), 10u);
  for (const auto& c : cases) {
    const auto text = c.at("text").get<std::string>();
    const auto want = c.at("ids").get<std::vector<int>>();
    EXPECT_EQ(tok->encode(text), want) << model << ": text " << c.at("text").dump();
    EXPECT_EQ(tok->decode(want), text) << model << ": decode of " << c.at("text").dump();
  }
}

// Models whose fixture holds whole-file token arrays (the trained -ref models).
const char* const kModelsWithTokenArrays[] = {"smol-ref", "qwen-ref", "smol-nope-ref",
                                              "smol-mha-ref"};

class HfTokenizerWholeFileTest : public ::testing::TestWithParam<const char*> {};

TEST_P(HfTokenizerWholeFileTest, ReproducesWholeFileTokens) {
  const std::string model = GetParam();
  const auto tok = loadHfTokenizer(test::asset("models/" + model + "/tokenizer.json"));
  const auto tensors =
      readInt32Tensors(test::asset("fixtures/" + model + "/reference.safetensors"), "tokens.");
  ASSERT_FALSE(tensors.empty()) << model << ": no tokens.* arrays in the fixture";
  for (const auto& [name, want] : tensors) {
    const std::string textName = name.substr(std::strlen("tokens."));
    const std::string text = test::readFile(test::asset("text/" + textName + ".txt"));
    const auto t0 = std::chrono::steady_clock::now();
    const auto got = tok->encode(text);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(std::equal(got.begin(), got.end(), want.begin(), want.end()))
        << model << " " << textName << ": " << firstDifference(got, want);
    // Qwen's tokenizer normalizes to NFC first, so decoding gives back NFC(text).
    const bool nfc = model.rfind("qwen", 0) == 0;
    const std::string expectedDecode = nfc ? icuNfc(text) : text;
    if (nfc)
      std::printf("  %s %s: NFC changes the text: %s\n", model.c_str(), textName.c_str(),
                  expectedDecode == text ? "no" : "yes");
    EXPECT_TRUE(tok->decode(got) == expectedDecode)
        << model << " " << textName << ": decode(encode(x)) != x";
    RecordProperty(textName + "_encode_seconds", std::to_string(seconds));
    std::printf("  %s %s: %zu bytes -> %zu tokens in %.3f s\n", model.c_str(), textName.c_str(),
                text.size(), got.size(), seconds);
  }
}

// encode/decode are const and thread-safe: four threads encoding the same file at once all get
// the reference tokens.
TEST(HfTokenizerConcurrency, ParallelEncodesGiveReferenceTokens) {
  const auto tok = loadHfTokenizer(test::asset("models/qwen-ref/tokenizer.json"));
  const auto want =
      readInt32Tensors(test::asset("fixtures/qwen-ref/reference.safetensors"), "tokens.ptb_test")
          .at("tokens.ptb_test");
  const std::string text = test::readFile(test::asset("text/ptb_test.txt"));
  std::vector<std::vector<int>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = tok->encode(text); });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) {
    EXPECT_TRUE(std::equal(g.begin(), g.end(), want.begin(), want.end()))
        << firstDifference(g, want);
  }
}

// Random Unicode text (ASCII, Latin accents, combining marks, CJK, emoji, all kinds of
// whitespace, digits, special-token fragments) survives encode -> decode unchanged with a
// tokenizer that has no normalizer (byte-level BPE is lossless).
TEST(HfTokenizerRoundTrip, RandomUnicodeTextIsLossless) {
  const auto tok = loadHfTokenizer(test::asset("models/smol-ref/tokenizer.json"));
  const std::vector<std::string> atoms = {"a",
                                          "Z",
                                          "q",
                                          " ",
                                          "  ",
                                          "\t",
                                          "\n",
                                          "\r\n",
                                          "\u00a0",
                                          "\u3000",
                                          "\u2028",
                                          "\u0085",
                                          "7",
                                          "\u0663",
                                          "\u00b2",
                                          "'s",
                                          "'LL",
                                          "\u00e9",
                                          "e\u0301",
                                          "\u0301",
                                          "\u4e2d",
                                          "\u6587",
                                          "\U0001F600",
                                          "\U0001F44D\U0001F3FD",
                                          "<|endoftext|>",
                                          "<|im_start|>",
                                          "<|",
                                          "|>",
                                          ".",
                                          "--",
                                          "_",
                                          "\u05d0",
                                          "\u0627",
                                          "\ufeff",
                                          std::string(1, '\0')};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::size_t> pick(0, atoms.size() - 1), len(0, 40);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text;
    for (std::size_t n = len(rng); n > 0; --n) text += atoms[pick(rng)];
    const auto ids = tok->encode(text);
    ASSERT_EQ(tok->decode(ids), text) << "trial " << trial;
  }
}

// Random bytes: either valid UTF-8 that round-trips, or one InvalidInput error — never a crash.
TEST(HfTokenizerRoundTrip, RandomBytesNeverCrash) {
  const auto tok = loadHfTokenizer(test::asset("models/qwen-ref/tokenizer.json"));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
  int rejected = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text;
    for (int n = len(rng); n > 0; --n) text += static_cast<char>(byte(rng));
    try {
      const auto ids = tok->encode(text);
      for (int id : ids) ASSERT_TRUE(id >= 0 && id < tok->vocabSize());
    } catch (const Error& e) {
      ASSERT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);  // most random byte strings are not UTF-8
}

std::string paramName(const ::testing::TestParamInfo<const char*>& info) {
  std::string n = info.param;
  for (auto& ch : n) {
    if (ch == '-') ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Assets, HfTokenizerModelTest, ::testing::ValuesIn(kModels), paramName);
INSTANTIATE_TEST_SUITE_P(Assets, HfTokenizerWholeFileTest,
                         ::testing::ValuesIn(kModelsWithTokenArrays), paramName);

}  // namespace
}  // namespace slmq::core
