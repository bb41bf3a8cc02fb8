// Model::load on damaged copies of a real checkpoint (written into a temporary folder; the assets
// are never touched): each gives one Error naming the file and the problem.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;
using slmq::test::TempDir;

namespace {

// A copy of smol-ref with `config` and the first `weightBytes` of model.safetensors (all if 0).
void copySmolRef(const TempDir& dir, const std::string& config, std::size_t weightBytes = 0) {
  const auto src = slmq::test::asset("models/smol-ref");
  std::string w = slmq::test::readFile(src / "model.safetensors");
  if (weightBytes) w.resize(weightBytes);
  slmq::test::writeFile(dir / "model.safetensors", w);
  slmq::test::writeFile(dir / "config.json", config);
}

std::string smolConfig() {
  return slmq::test::readFile(slmq::test::asset("models/smol-ref/config.json"));
}

std::string loadError(const TempDir& dir, ErrorKind kind) {
  try {
    Model::load(dir.path());
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "Model::load succeeded on a damaged checkpoint";
  return {};
}

TEST(CorruptModel, TruncatedSafetensorsNamesFileAndTensor) {
  TempDir dir;
  copySmolRef(dir, smolConfig(), 10'000'000);  // about half of the 18.9 MB
  const std::string m = loadError(dir, ErrorKind::InvalidInput);
  EXPECT_NE(m.find("model.safetensors"), std::string::npos) << m;
  EXPECT_NE(m.find("tensor '"), std::string::npos) << m;
  EXPECT_NE(m.find("beyond the end of the file (10000000 bytes)"), std::string::npos) << m;
}

TEST(CorruptModel, ConfigMissingRequiredFieldNamesFieldAndFile) {
  TempDir dir;
  auto j = nlohmann::json::parse(smolConfig());
  j.erase("num_hidden_layers");
  copySmolRef(dir, j.dump());
  const std::string m = loadError(dir, ErrorKind::InvalidInput);
  EXPECT_NE(m.find("config.json"), std::string::npos) << m;
  EXPECT_NE(m.find("num_hidden_layers"), std::string::npos) << m;
}

TEST(CorruptModel, UnknownArchitectureNamesIt) {
  TempDir dir;
  auto j = nlohmann::json::parse(smolConfig());
  j["architectures"] = {"GPTNeoXForCausalLM"};
  copySmolRef(dir, j.dump());
  const std::string m = loadError(dir, ErrorKind::Unsupported);
  EXPECT_NE(m.find("config.json"), std::string::npos) << m;
  EXPECT_NE(m.find("GPTNeoXForCausalLM"), std::string::npos) << m;
}

TEST(CorruptModel, MalformedConfigJson) {
  TempDir dir;
  copySmolRef(dir, smolConfig().substr(0, 100));
  const std::string m = loadError(dir, ErrorKind::InvalidInput);
  EXPECT_NE(m.find("config.json"), std::string::npos) << m;
  EXPECT_NE(m.find("malformed JSON"), std::string::npos) << m;
}

TEST(CorruptModel, ConfigShapesDisagreeingWithTensorsNameTheTensor) {
  TempDir dir;
  auto j = nlohmann::json::parse(smolConfig());
  j["intermediate_size"] = 1024;
  copySmolRef(dir, j.dump());
  const std::string m = loadError(dir, ErrorKind::InvalidInput);
  EXPECT_NE(m.find("mlp.gate_proj.weight"), std::string::npos) << m;
  EXPECT_NE(m.find("[768, 288]"), std::string::npos) << m;
}

TEST(CorruptModel, UntiedConfigWithoutLmHeadIsRefused) {
  TempDir dir;
  auto j = nlohmann::json::parse(smolConfig());
  j["tie_word_embeddings"] = false;
  copySmolRef(dir, j.dump());
  const std::string m = loadError(dir, ErrorKind::InvalidInput);
  EXPECT_NE(m.find("lm_head.weight"), std::string::npos) << m;
}

TEST(CorruptModel, OutOfVocabularyTokenIsRefusedByForward) {
  auto model = Model::load(slmq::test::asset("models/llama-yarn-random"));
  EXPECT_THROW(model->forward({1, 2, 8192}), Error);
  EXPECT_THROW(model->forward({1, 2, -1}), Error);
  EXPECT_THROW(model->forward({1, 2, 3}, 2), Error);  // 3 tokens are not 2 equal sequences
}

}  // namespace
