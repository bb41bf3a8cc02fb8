// Sweep expansion and sharding: the grid's size and order (FP points first, fp ignores
// settings, duplicates once), shards disjoint and complete, errors that name the field.
#include <gtest/gtest.h>

#include <set>

#include "core/common/error.h"
#include "core/jobs/sweep.h"
#include "tests/core/jobs/sweep_grid.h"
#include "core/quant/quant_spec.h"

using namespace slmq::core;

namespace {

const char* const kSweep = slmq::test::kSweepGridJson;

TEST(Sweep, ExpandsTheGridWithFpPointsFirst) {
  const auto points = expandSweep(kSweep, "grid.json");
  // per model: 1 FP + 3 quantized methods x 3 settings = 10
  ASSERT_EQ(points.size(), 20u);
  EXPECT_TRUE(points[0].methods.empty());
  EXPECT_TRUE(points[1].methods.empty());
  EXPECT_EQ(points[0].model, "models/smol-ref");
  EXPECT_EQ(points[1].model, "models/qwen-ref");
  EXPECT_FALSE(points[0].calibration);  // FP points are the parents' specs: no calibration
  for (std::size_t i = 2; i < points.size(); ++i) {
    EXPECT_FALSE(points[i].methods.empty());
    EXPECT_TRUE(points[i].calibration);
  }
  EXPECT_EQ(points[2].methodLabel(), "rtn");
  EXPECT_EQ(points[5].methodLabel(), "smoothquant,rtn");
  EXPECT_EQ(points[8].methods[0].params.at("damp"), 0.02);
  EXPECT_EQ(QuantSpec::fromJson(points[4].quant).weight.bits, 3);
  for (std::size_t i = 0; i < points.size(); ++i)
    for (std::size_t j = i + 1; j < points.size(); ++j) EXPECT_FALSE(points[i] == points[j]);
}

TEST(Sweep, ShardsAreDisjointAndComplete) {
  const auto points = expandSweep(kSweep);
  for (int n : {1, 2, 3, 7, 25}) {
    std::multiset<std::size_t> seen;
    for (int i = 0; i < n; ++i) {
      const Shard s = Shard::parse(std::to_string(i) + "/" + std::to_string(n));
      for (std::size_t k = 0; k < points.size(); ++k)
        if (s.contains(k)) seen.insert(k);
    }
    ASSERT_EQ(seen.size(), points.size()) << n << " shards";
    for (std::size_t k = 0; k < points.size(); ++k) EXPECT_EQ(seen.count(k), 1u);
  }
}

TEST(Sweep, BadInputNamesTheProblem) {
  for (const char* bad : {"3/3", "-1/2", "1/0", "1", "a/b", "1/2x"})
    EXPECT_THROW(Shard::parse(bad), Error) << bad;
  auto message = [](const std::string& text) {
    try {
      expandSweep(text, "s.json");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(R"({"models": ["m"], "methods": ["fp"], "setings": []})").find("setings"),
            std::string::npos);
  EXPECT_NE(message(R"({"models": ["m"], "methods": ["rtn"]})").find("settings"),
            std::string::npos);
  EXPECT_NE(
      message(R"({"models": ["m"], "methods": ["rtn"], "settings": ["w9x"]})").find("settings[0]"),
      std::string::npos);
  EXPECT_NE(message(R"({"methods": ["fp"]})").find("models"), std::string::npos);
  EXPECT_NE(message("{not json").find("s.json"), std::string::npos);
  EXPECT_NE(
      message(R"({"models": ["m"], "methods": ["nosuch"], "settings": ["w8"]})").find("nosuch"),
      std::string::npos);
}

}  // namespace
