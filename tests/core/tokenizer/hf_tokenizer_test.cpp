// loadHfTokenizer on small hand-written tokenizer.json files: the whole pipeline (added tokens,
// NFC, ByteLevel, BPE merges in both spellings, templates, decoding) with hand-worked ids, and
// malformed files, each of which must give one clear error naming the file and the problem.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/tokenizer/hf_tokenizer.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;
using Ids = std::vector<int>;

// A GPT-2 style tokenizer.json with a tiny vocabulary. Merges (rank order):
// H e -> He, l l -> ll, He ll -> Hell, Hell o -> Hello, Ġ w -> Ġw, o r -> or, Ġw or -> Ġwor,
// Ã © -> Ã© (the UTF-8 bytes C3 A9 of "é" in the byte-level alphabet).
Json tinyTokenizer() {
  Json vocab = {{"<s>", 0},      {"</s>", 1},    {"<|end|>", 2},
                {"H", 3},        {"e", 4},       {"l", 5},
                {"o", 6},        {"\u0120", 7},  {"w", 8},
                {"r", 9},        {"d", 10},      {"He", 11},
                {"ll", 12},      {"Hell", 13},   {"Hello", 14},
                {"\u0120w", 15}, {"or", 16},     {"\u0120wor", 17},
                {"\u00C3", 18},  {"\u00A9", 19}, {"\u00C3\u00A9", 20}};
  Json merges = Json::array({Json::array({"H", "e"}), Json::array({"l", "l"}),
                             Json::array({"He", "ll"}), Json::array({"Hell", "o"}),
                             Json::array({"\u0120", "w"}), Json::array({"o", "r"}),
                             Json::array({"\u0120w", "or"}), Json::array({"\u00C3", "\u00A9"})});
  auto special = [](int id, const char* content) {
    return Json{{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
                {"rstrip", false}, {"normalized", false}, {"special", true}};
  };
  return Json{
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", Json::array({special(0, "<s>"), special(1, "</s>"), special(2, "<|end|>")})},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "ByteLevel"},
        {"add_prefix_space", false},
        {"trim_offsets", true},
        {"use_regex", true}}},
      {"post_processor", nullptr},
      {"decoder",
       {{"type", "ByteLevel"},
        {"add_prefix_space", true},
        {"trim_offsets", true},
        {"use_regex", true}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr},
        {"fuse_unk", false},
        {"byte_fallback", false},
        {"ignore_merges", false},
        {"vocab", vocab},
        {"merges", merges}}}};
}

std::filesystem::path write(const test::TempDir& dir, const std::string& text) {
  const auto p = dir / "tokenizer.json";
  test::writeFile(p, text);
  return p;
}

std::unique_ptr<Tokenizer> load(const test::TempDir& dir, const Json& j) {
  return loadHfTokenizer(write(dir, j.dump()));
}

TEST(HfTokenizer, EncodesAndDecodesHandWorkedExample) {
  test::TempDir dir;
  const auto tok = load(dir, tinyTokenizer());
  // "Hello" merges all the way; "Ġworld" -> Ġwor + l + d.
  EXPECT_EQ(tok->encode("Hello world"), (Ids{14, 17, 5, 10}));
  EXPECT_EQ(tok->decode({14, 17, 5, 10}), "Hello world");
  EXPECT_EQ(tok->tokenText(17), "\u0120wor");
  EXPECT_EQ(tok->vocabSize(), 21);
  EXPECT_EQ(tok->bosId(), -1);  // no template, no tokenizer_config.json
  EXPECT_EQ(tok->encode(""), Ids{});
}

TEST(HfTokenizer, MergesAsStringsEqualMergesAsPairs) {
  test::TempDir dir;
  Json j = tinyTokenizer();
  Json strings = Json::array();
  for (const auto& m : j["model"]["merges"]) {
    strings.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
  }
  j["model"]["merges"] = strings;
  EXPECT_EQ(load(dir, j)->encode("Hello world"), (Ids{14, 17, 5, 10}));
}

TEST(HfTokenizer, SpecialTokensAreMatchedBeforeSplittingAndSkippable) {
  test::TempDir dir;
  const auto tok = load(dir, tinyTokenizer());
  EXPECT_EQ(tok->encode("Hello<|end|> world"), (Ids{14, 2, 17, 5, 10}));
  EXPECT_EQ(tok->decode({14, 2, 17, 5, 10}), "Hello<|end|> world");
  EXPECT_EQ(tok->decode({14, 2, 17, 5, 10}, true), "Hello world");
  EXPECT_EQ(tok->tokenText(2), "<|end|>");
}

TEST(HfTokenizer, TemplateProcessingAddsBosAndEos) {
  test::TempDir dir;
  Json j = tinyTokenizer();
  j["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", Json::array({Json{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                              Json{{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                              Json{{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}})},
      {"pair", Json::array()},
      {"special_tokens",
       {{"<s>", {{"id", "<s>"}, {"ids", {0}}, {"tokens", {"<s>"}}}},
        {"</s>", {{"id", "</s>"}, {"ids", {1}}, {"tokens", {"</s>"}}}}}}};
  const auto tok = load(dir, j);
  EXPECT_EQ(tok->encode("Hello"), (Ids{0, 14, 1}));
  EXPECT_EQ(tok->encode("Hello", false), (Ids{14}));
  EXPECT_EQ(tok->bosId(), 0);
  EXPECT_EQ(tok->eosId(), 1);
  EXPECT_EQ(tok->decode({0, 14, 1}, true), "Hello");
  // The string form of a template means the same.
  j["post_processor"]["single"] = "<s> $A </s>";
  EXPECT_EQ(load(dir, j)->encode("Hello"), (Ids{0, 14, 1}));
}

// Llama-3's layout: Sequence[ByteLevel (offsets only), TemplateProcessing "<s> $A"]; and
// RoBERTa's cls/sep processor.
TEST(HfTokenizer, SequenceAndRobertaPostProcessors) {
  test::TempDir dir;
  Json j = tinyTokenizer();
  j["post_processor"] = {
      {"type", "Sequence"},
      {"processors",
       Json::array({Json{{"type", "ByteLevel"},
                         {"add_prefix_space", true},
                         {"trim_offsets", false},
                         {"use_regex", true}},
                    Json{{"type", "TemplateProcessing"},
                         {"single", "<s> $A"},
                         {"pair", "<s> $A <s> $B"},
                         {"special_tokens",
                          {{"<s>", {{"id", "<s>"}, {"ids", {0}}, {"tokens", {"<s>"}}}}}}}})}};
  EXPECT_EQ(load(dir, j)->encode("Hello"), (Ids{0, 14}));
  j["post_processor"] = {{"type", "RobertaProcessing"},
                         {"sep", {"</s>", 1}},
                         {"cls", {"<s>", 0}},
                         {"trim_offsets", true},
                         {"add_prefix_space", false}};
  EXPECT_EQ(load(dir, j)->encode("Hello"), (Ids{0, 14, 1}));
  j["post_processor"]["sep"] = {"</s>", 4000};
  EXPECT_THROW(load(dir, j), Error);  // id outside the vocabulary
}

TEST(HfTokenizer, BosAndEosFromTokenizerConfig) {
  test::TempDir dir;
  test::writeFile(dir / "tokenizer_config.json",
                  R"({"bos_token": "<s>", "eos_token": {"content": "</s>"}})");
  const auto tok = load(dir, tinyTokenizer());
  EXPECT_EQ(tok->bosId(), 0);
  EXPECT_EQ(tok->eosId(), 1);
  EXPECT_EQ(tok->encode("Hello"), (Ids{14}));  // declared, not added
}

TEST(HfTokenizer, NfcNormalizerComposesBeforeBpe) {
  test::TempDir dir;
  Json j = tinyTokenizer();
  // e + U+0301 (combining acute) is é (C3 A9) after NFC; without NFC the combining mark's
  // bytes have no tokens here and are dropped, leaving "e".
  EXPECT_EQ(load(dir, j)->encode("e\u0301"), (Ids{4}));
  j["normalizer"] = {{"type", "Sequence"}, {"normalizers", Json::array({{{"type", "NFC"}}})}};
  const auto tok = load(dir, j);
  EXPECT_EQ(tok->encode("e\u0301"), (Ids{20}));
  EXPECT_EQ(tok->decode({20}), "\u00e9");
}

TEST(HfTokenizer, DecodeOfPartialUtf8GivesReplacementCharacter) {
  test::TempDir dir;
  const auto tok = load(dir, tinyTokenizer());
  EXPECT_EQ(tok->decode({18}), "\uFFFD");  // byte C3 alone
  EXPECT_EQ(tok->decode({18, 19}), "\u00e9");
  EXPECT_EQ(tok->decode({14, 999999}), "Hello");  // ids without a token are skipped
  EXPECT_THROW(tok->tokenText(999999), Error);
}

TEST(HfTokenizer, RejectsInvalidUtf8Text) {
  test::TempDir dir;
  const auto tok = load(dir, tinyTokenizer());
  try {
    tok->encode(std::string("ab\xC3(", 4));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("byte 2"), std::string::npos) << e.what();
  }
}

// ---- Malformed files: one clear error naming the file and the problem ----

void expectError(const std::string& fileText, ErrorKind kind, const std::string& needle) {
  test::TempDir dir;
  const auto path = write(dir, fileText);
  try {
    loadHfTokenizer(path);
    FAIL() << "no error for a file expected to fail with \"" << needle << "\"";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(e.kind(), kind) << m;
    EXPECT_NE(m.find(path.string()), std::string::npos) << "message does not name the file: " << m;
    EXPECT_NE(m.find(needle), std::string::npos)
        << "message does not say \"" << needle << "\": " << m;
  }
}

Json with(const char* key, const Json& value) {
  Json j = tinyTokenizer();
  j[key] = value;
  return j;
}

Json withModel(const char* key, const Json& value) {
  Json j = tinyTokenizer();
  j["model"][key] = value;
  return j;
}

TEST(HfTokenizerErrors, MissingFile) {
  test::TempDir dir;
  try {
    loadHfTokenizer(dir / "nope.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("nope.json"), std::string::npos);
  }
}

TEST(HfTokenizerErrors, BadJson) {
  expectError("{\"model\": {\"type\": \"BPE\", ", ErrorKind::InvalidInput, "malformed JSON");
  const auto full = tinyTokenizer().dump();
  expectError(full.substr(0, full.size() / 2), ErrorKind::InvalidInput, "malformed JSON");
  expectError("[1, 2]", ErrorKind::InvalidInput, "not a JSON object");
  expectError(std::string(5000, '[') + std::string(5000, ']'), ErrorKind::InvalidInput,
              "nested deeper");
}

TEST(HfTokenizerErrors, MissingOrUnknownModel) {
  Json noModel = tinyTokenizer();
  noModel.erase("model");
  expectError(noModel.dump(), ErrorKind::InvalidInput, "no \"model\"");
  expectError(withModel("type", "WordPiece").dump(), ErrorKind::Unsupported, "WordPiece");
  expectError(withModel("vocab", Json::array()).dump(), ErrorKind::InvalidInput, "vocab");
  expectError(withModel("vocab", {{"a", "zero"}}).dump(), ErrorKind::InvalidInput, "\"a\"");
  expectError(withModel("dropout", 0.1).dump(), ErrorKind::Unsupported, "dropout");
}

TEST(HfTokenizerErrors, MergeReferencingUnknownToken) {
  Json j = tinyTokenizer();
  j["model"]["merges"].push_back(Json::array({"H", "zz"}));
  expectError(j.dump(), ErrorKind::InvalidInput, "\"zz\"");
  Json k = tinyTokenizer();
  k["model"]["merges"].push_back(Json::array({"e", "d"}));  // "ed" is not in the vocabulary
  expectError(k.dump(), ErrorKind::InvalidInput, "\"ed\"");
  expectError(withModel("merges", Json::array({"H e x"})).dump(), ErrorKind::InvalidInput,
              "two tokens");
}

TEST(HfTokenizerErrors, UnknownComponentsAreNamed) {
  expectError(with("normalizer", {{"type", "Lowercase"}}).dump(), ErrorKind::Unsupported,
              "Lowercase");
  expectError(with("pre_tokenizer", {{"type", "Metaspace"}}).dump(), ErrorKind::Unsupported,
              "Metaspace");
  expectError(with("decoder", {{"type", "WordPiece"}}).dump(), ErrorKind::Unsupported, "WordPiece");
  expectError(with("post_processor", {{"type", "Fancy"}}).dump(), ErrorKind::Unsupported, "Fancy");
  expectError(with("post_processor", {{"type", "TemplateProcessing"},
                                      {"single", "<bos> $A"},
                                      {"special_tokens", Json::object()}})
                  .dump(),
              ErrorKind::InvalidInput, "<bos>");
  expectError(with("added_tokens", Json::array({{{"content", "x"}}})).dump(),
              ErrorKind::InvalidInput, "added token");
}

}  // namespace
}  // namespace slmq::core
