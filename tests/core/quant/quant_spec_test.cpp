// QuantSpec tests: short-name parsing, JSON round trip, per-layer overrides, and errors that name
// the offending field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/quant/quant_spec.h"

using namespace slmq::core;

TEST(QuantSpec, ParsesShortNames) {
  const QuantSpec s = QuantSpec::parse("w4a8 g128 asym");
  EXPECT_EQ(s.weight.bits, 4);
  EXPECT_EQ(s.act.bits, 8);
  EXPECT_EQ(s.weight.granularity, WeightGranularity::PerGroup);
  EXPECT_EQ(s.weight.group_size, 128);
  EXPECT_FALSE(s.weight.symmetric);
  EXPECT_TRUE(s.act.symmetric);
  EXPECT_EQ(s.act.granularity, ActGranularity::PerToken);

  const QuantSpec w8 = QuantSpec::parse("W8 perchannel sym");
  EXPECT_EQ(w8.weight.bits, 8);
  EXPECT_EQ(w8.act.bits, 16);
  EXPECT_EQ(w8.weight.granularity, WeightGranularity::PerChannel);

  const QuantSpec st = QuantSpec::parse("w8a8, pertensor, static, clip0.9, +head");
  EXPECT_EQ(st.weight.granularity, WeightGranularity::PerTensor);
  EXPECT_EQ(st.act.granularity, ActGranularity::PerTensorStatic);
  EXPECT_FLOAT_EQ(st.weight.clip_ratio, 0.9f);
  EXPECT_TRUE(st.lm_head);
}

TEST(QuantSpec, ShortNameRoundTrip) {
  for (const char* n : {"w4a8 g128 asym", "w8a8 perchannel sym pertoken", "w3a16 g64 asym",
                        "w4a4 perchannel sym static aclip0.9", "w8a16 pertensor sym +emb +head"}) {
    const QuantSpec s = QuantSpec::parse(n);
    EXPECT_EQ(QuantSpec::parse(s.shortName()), s) << n << " -> " << s.shortName();
  }
}

TEST(QuantSpec, RejectsBadShortNames) {
  EXPECT_THROW(QuantSpec::parse(""), Error);
  EXPECT_THROW(QuantSpec::parse("w1"), Error);
  EXPECT_THROW(QuantSpec::parse("w4 g0"), Error);
  try {
    QuantSpec::parse("w4 banana");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("banana"), std::string::npos);
  }
}

TEST(QuantSpec, OverridesResolvePerLayer) {
  QuantSpec s = QuantSpec::parse("w4 g128 asym");
  LayerOverride down;
  down.module = Module::Down;
  down.weight = WeightQuant{8, WeightGranularity::PerChannel, 128, true, 1.f};
  LayerOverride firstBlock;
  firstBlock.block = 0;
  firstBlock.weight = WeightQuant{16, WeightGranularity::PerChannel, 128, true, 1.f};
  s.overrides = {down, firstBlock};
  EXPECT_EQ(s.forLayer({3, Module::Q}).weight.bits, 4);
  EXPECT_EQ(s.forLayer({3, Module::Down}).weight.bits, 8);
  EXPECT_EQ(s.forLayer({0, Module::Down}).weight.bits, 16);  // later override wins
  EXPECT_FALSE(s.forLayer({0, Module::Q}).weight.enabled());

  s.decoder_linears = false;
  EXPECT_FALSE(s.forLayer({3, Module::Q}).weight.enabled());
  EXPECT_EQ(s.forLayer({3, Module::Down}).weight.bits, 8);
}

TEST(QuantSpec, JsonRoundTrip) {
  QuantSpec s = QuantSpec::parse("w4a8 g64 asym aclip0.95 +emb");
  LayerOverride o;
  o.block = 5;
  o.module = Module::V;
  o.act = ActQuant{16, ActGranularity::PerToken, true, 1.f};
  s.overrides.push_back(o);
  const nlohmann::json j = s.toJson();
  const QuantSpec back = QuantSpec::fromJson(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back, s);
  EXPECT_EQ(j["overrides"][0]["module"], "v");
}

TEST(QuantSpec, JsonErrorsNameTheField) {
  auto expectField = [](const char* text, const char* field) {
    try {
      QuantSpec::fromJson(nlohmann::json::parse(text));
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expectField(R"({"weight": {"bits": 12}})", "weight.bits");
  expectField(R"({"weight": {"bits": "four"}})", "weight.bits");
  expectField(R"({"weight": {"granularity": "per-row"}})", "weight.granularity");
  expectField(R"({"act": {"clip_ratio": 1.5}})", "act.clip_ratio");
  expectField(R"({"wieght": {}})", "wieght");
  expectField(R"({"overrides": [{"module": "qq"}]})", "overrides[0].module");
  expectField(
      R"({"overrides": [{"block": 1, "weight": {"group_size": 0, "granularity": "per-group"}}]})",
      "overrides[0].weight.group_size");
  expectField(R"([1, 2])", "object");
}
