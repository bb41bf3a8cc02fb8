// config.json parsing: hub and newer styles, defaults as transformers applies them, and refusal
// (naming the field and the file) of unknown architectures and math-changing fields we do not
// implement.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/config_json.h"
#include "tests/testlib/expect_error.h"

using namespace slmq::core;
using nlohmann::json;
using slmq::test::expectError;

namespace {

json llama() {
  return json::parse(R"({
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 288,
    "intermediate_size": 768, "num_hidden_layers": 8, "num_attention_heads": 9,
    "num_key_value_heads": 3, "vocab_size": 8192, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
    "rope_scaling": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
    "hidden_act": "silu", "bos_token_id": 0, "eos_token_id": [2, 3]})");
}

ModelConfig parse(const json& j) {
  return parseHfConfig(j.dump(), "dir/config.json");
}

TEST(ConfigJson, HubStyleLlama) {
  const ModelConfig c = parse(llama());
  EXPECT_EQ(c.arch, Architecture::Llama);
  EXPECT_EQ(c.head_dim, 32);
  EXPECT_EQ(c.num_kv_heads, 3);
  EXPECT_EQ(c.rope.type, RopeType::Default);
  EXPECT_EQ(c.rope.theta, 10000.0);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_EQ(c.source_dtype, "bfloat16");
  EXPECT_EQ(c.eos_token_id, 2);
  EXPECT_EQ(c.use_rope, std::vector<bool>(8, true));
}

TEST(ConfigJson, NewerStyleRopeParametersAndYarnDefaults) {
  json j = llama();
  j.erase("rope_theta");
  j.erase("rope_scaling");
  j["max_position_embeddings"] = 1024;
  j["rope_parameters"] = {{"rope_type", "yarn"},
                          {"rope_theta", 5e5},
                          {"factor", 4.0},
                          {"original_max_position_embeddings", 256}};
  const ModelConfig c = parse(j);
  EXPECT_EQ(c.rope.type, RopeType::Yarn);
  EXPECT_EQ(c.rope.theta, 5e5);
  EXPECT_EQ(c.rope.original_max_positions, 256);
  EXPECT_EQ(c.rope.beta_fast, 32.0);
  EXPECT_EQ(c.rope.beta_slow, 1.0);
  EXPECT_NEAR(c.rope.attention_factor, 0.1 * std::log(4.0) + 1.0, 1e-15);  // YaRN paper mscale
}

TEST(ConfigJson, HubStyleRopeScalingTypeKeyAndLlama3) {
  json j = llama();
  j["rope_scaling"] = {{"type", "llama3"},
                       {"factor", 8.0},
                       {"low_freq_factor", 1.0},
                       {"high_freq_factor", 4.0},
                       {"original_max_position_embeddings", 8192}};
  const ModelConfig c = parse(j);
  EXPECT_EQ(c.rope.type, RopeType::Llama3);
  EXPECT_EQ(c.rope.factor, 8.0);
  EXPECT_EQ(c.rope.original_max_positions, 8192);
}

TEST(ConfigJson, Qwen2HasQkvBiasQwen3HasQkNormAndDefaultHeadDim128) {
  json q2 = llama();
  q2["architectures"] = {"Qwen2ForCausalLM"};
  q2["model_type"] = "qwen2";
  q2["hidden_size"] = 256;
  q2["num_attention_heads"] = 8;
  q2["num_key_value_heads"] = 2;
  const ModelConfig c2 = parse(q2);
  EXPECT_TRUE(c2.attention_bias);
  EXPECT_FALSE(c2.o_bias);
  EXPECT_EQ(c2.head_dim, 32);
  json q3 = q2;
  q3["architectures"] = {"Qwen3ForCausalLM"};
  q3["model_type"] = "qwen3";
  const ModelConfig c3 = parse(q3);
  EXPECT_TRUE(c3.qk_norm);
  EXPECT_FALSE(c3.attention_bias);
  EXPECT_EQ(c3.head_dim, 128);  // Qwen3Config's default, not hidden/heads
}

TEST(ConfigJson, SmolLM3NoRopeLayersListAndInterval) {
  json j = llama();
  j["architectures"] = {"SmolLM3ForCausalLM"};
  j["model_type"] = "smollm3";
  j["no_rope_layers"] = {1, 1, 1, 0, 1, 1, 1, 0};
  EXPECT_EQ(parse(j).use_rope, (std::vector<bool>{1, 1, 1, 0, 1, 1, 1, 0}));
  j.erase("no_rope_layers");
  j["no_rope_layer_interval"] = 2;
  EXPECT_EQ(parse(j).use_rope, (std::vector<bool>{1, 0, 1, 0, 1, 0, 1, 0}));
  j["no_rope_layers"] = {1, 0};
  expectError([&] { parse(j); }, ErrorKind::InvalidInput, {"dir/config.json", "no_rope_layers"});
}

TEST(ConfigJson, MissingRequiredFieldNamesFieldAndFile) {
  for (const char* f : {"hidden_size", "num_hidden_layers", "num_attention_heads", "vocab_size",
                        "intermediate_size"}) {
    json j = llama();
    j.erase(f);
    expectError([&] { parse(j); }, ErrorKind::InvalidInput, {"dir/config.json", f, "missing"});
  }
}

TEST(ConfigJson, UnknownArchitectureIsUnsupported) {
  json j = llama();
  j["architectures"] = {"MambaForCausalLM"};
  j["model_type"] = "mamba";
  expectError([&] { parse(j); }, ErrorKind::Unsupported,
              {"dir/config.json", "architectures", "MambaForCausalLM"});
}

TEST(ConfigJson, MalformedJsonIsInvalidInput) {
  expectError([&] { parseHfConfig("{\"hidden_size\": 12,", "dir/config.json"); },
              ErrorKind::InvalidInput, {"dir/config.json", "malformed JSON"});
}

TEST(ConfigJson, UnimplementedMathIsRefusedNotIgnored) {
  auto refuse = [](const char* field, json value, const char* mention) {
    json j = llama();
    j[field] = value;
    expectError([&] { parse(j); }, ErrorKind::Unsupported, {"dir/config.json", field, mention});
  };
  refuse("hidden_act", "gelu", "silu");
  refuse("use_sliding_window", true, "sliding");
  refuse("layer_types", {"full_attention", "sliding_attention"}, "sliding_attention");
  refuse("rope_scaling", {{"rope_type", "dynamic"}, {"factor", 2.0}}, "dynamic");
  refuse("rope_scaling", {{"rope_type", "longrope"}, {"factor", 2.0}}, "longrope");
  refuse("partial_rotary_factor", 0.5, "not implemented");
}

TEST(ConfigJson, InconsistentShapesAreInvalid) {
  json j = llama();
  j["num_key_value_heads"] = 4;  // 9 heads not divisible by 4
  expectError([&] { parse(j); }, ErrorKind::InvalidInput, {"num_key_value_heads"});
  j = llama();
  j["hidden_size"] = -5;
  expectError([&] { parse(j); }, ErrorKind::InvalidInput, {"hidden_size", "out-of-range"});
  j = llama();
  j["rope_scaling"] = {{"rope_type", "linear"}};
  expectError([&] { parse(j); }, ErrorKind::InvalidInput, {"factor", "missing"});
}

}  // namespace
