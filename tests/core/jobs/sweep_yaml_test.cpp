// YAML sweep specs: a YAML file equivalent to a JSON one expands to the same points, validation
// errors are the JSON ones, YAML syntax errors name the file, line and column, and what JSON cannot
// express (non-finite numbers, several documents, duplicate keys) or what would not end (alias
// cycles, alias bombs, absurd grids) is refused.
#include <gtest/gtest.h>

#include <string>

#include "core/common/error.h"
#include "core/jobs/sweep.h"
#include "tests/core/jobs/sweep_grid.h"
#include "core/jobs/yaml_json.h"

using namespace slmq::core;
using nlohmann::json;

namespace {

// The grid of sweep_grid.h (shared with sweep_test.cpp) in both syntaxes, the YAML written by hand
// (block and flow style, a comment, a quoted string and an anchor/alias).
const char* const kJson = slmq::test::kSweepGridJson;

const char* kYaml = R"(# the same grid as kJson
version: 1
base:
  evaluations:
    perplexity: {texts: [wikitext2_test.txt], max_chunks: 2}
  calibration:
    file: "text/c4_heldout500.txt"
    n_samples: 8
    seq_len: 0x80            # 128
models:
  - &smol models/smol-ref
  - models/qwen-ref
methods:
  - fp
  - rtn
  - smoothquant,rtn
  - - name: gptq
      params: {damp: 2.0e-2}
settings: [w8a8, 'w4a16 g128', {weight: {bits: 3}}]
)";

std::string messageOf(const std::string& text, const std::string& source) {
  try {
    expandSweep(text, source);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    return e.what();
  }
  return "no error";
}

TEST(SweepYaml, SameGridAsTheEquivalentJson) {
  const auto fromJson = expandSweep(kJson, "grid.json");
  const auto fromYaml = expandSweep(kYaml, "grid.yaml");
  ASSERT_EQ(fromJson.size(), 20u);  // 2 models x (1 FP + 3 methods x 3 settings)
  ASSERT_EQ(fromYaml.size(), fromJson.size());
  for (std::size_t i = 0; i < fromJson.size(); ++i)
    EXPECT_TRUE(fromYaml[i] == fromJson[i])
        << "point " << i << "\nyaml " << fromYaml[i].dump() << "\njson " << fromJson[i].dump();
  // .yml and upper-case extensions are YAML too
  EXPECT_EQ(expandSweep(kYaml, "GRID.YML").size(), 20u);
}

TEST(SweepYaml, ValidationErrorsAreTheJsonOnes) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"models": ["m"], "methods": ["fp"], "setings": []})",
       "{models: [m], methods: [fp], setings: []}"},
      {R"({"models": ["m"], "methods": ["rtn"]})", "models: [m]\nmethods: [rtn]\n"},
      {R"({"models": ["m"], "methods": ["rtn"], "settings": ["w9x"]})",
       "models: [m]\nmethods: [rtn]\nsettings: [w9x]\n"},
      {R"({"version": "1", "models": ["m"], "methods": ["fp"]})",
       "version: '1'\nmodels: [m]\nmethods: [fp]\n"},
      {R"({"models": [7], "methods": ["fp"]})", "models: [7]\nmethods: [fp]\n"},
      {R"([1, 2])", "- 1\n- 2\n"},
      {R"({"models": ["m"], "methods": ["nosuch"], "settings": ["w8"]})",
       "models: [m]\nmethods: [nosuch]\nsettings: [w8]\n"},
  };
  for (const auto& [j, y] : cases) {
    std::string expected = messageOf(j, "s.json");
    ASSERT_NE(expected, "no error") << j;
    expected.replace(expected.find("s.json"), 6, "s.yaml");
    EXPECT_EQ(messageOf(y, "s.yaml"), expected) << y;
  }
}

TEST(SweepYaml, SyntaxErrorsNameFileLineAndColumn) {
  // line 3 opens a flow sequence that line 4 does not close
  const std::string unclosed = "version: 1\nmodels: [models/smol-ref\nmethods: [fp\n";
  const std::string m = messageOf(unclosed, "sweeps/bad.yaml");
  EXPECT_EQ(m.rfind("sweeps/bad.yaml: not valid YAML at line ", 0), 0u) << m;
  // a tab is not indentation in YAML: refused at its line
  const std::string tab = "models:\n  - m\nmethods:\n\t- fp\n";
  const std::string t = messageOf(tab, "t.yml");
  EXPECT_EQ(t.rfind("t.yml: not valid YAML at line 4, column ", 0), 0u) << t;
}

TEST(SweepYaml, RefusesWhatJsonCannotSay) {
  auto expectError = [](const std::string& yaml, const std::string& needle) {
    try {
      yamlToJson(yaml, "x.yaml");
      ADD_FAILURE() << "no error for:\n" << yaml;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("x.yaml:", 0), 0u) << e.what();
    }
  };
  expectError("a: 1\nb: 2\na: 3\n", "line 3, column 1: duplicate key \"a\"");
  expectError("seed: .inf\n", "line 1, column 7: \".inf\" is not a finite number");
  expectError("x: 1e999\n", "not a finite number");
  expectError("a: 1\n---\nb: 2\n", "more than one YAML document (the second at line 2)");
  expectError(", a\n", "not valid YAML at line 1, column 1");  // hung yaml-cpp's LoadAll (fuzz)
  expectError("? [a, b]\n: 1\n", "line 1, column 3: a mapping key must be a scalar");
  expectError("a: !custom 3\n", "unsupported tag");
  expectError("a: !!int three\n", "does not match its tag");
  expectError("&a [*a]\n", "nested deeper than 64 levels");  // an alias cycle
  // "billion laughs": 9 levels of 10 aliases = 10^9 values
  std::string bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    bomb += "]\n";
  }
  expectError(bomb, "more than 262144 values after expanding aliases");
}

TEST(SweepYaml, ScalarsFollowTheCoreSchema) {
  const json j = yamlToJson(
      "ints: [0, -7, +3, 0x1F, 0o17, 18446744073709551615, 99999999999999999999]\n"
      "floats: [1.5, -.5, 2e3, 1.]\n"
      "bools: [true, False, TRUE]\n"
      "nulls: [~, null, NULL, Null]\n"
      "strings: [yes, '0x10', \"true\", !!str 12, 1_000, 0x, .5e]\n"
      "empty:\n");
  EXPECT_EQ(j["ints"], json::parse("[0, -7, 3, 31, 15, 18446744073709551615, 1e20]"));
  EXPECT_TRUE(j["ints"][5].is_number_unsigned());
  EXPECT_TRUE(j["ints"][6].is_number_float());
  EXPECT_EQ(j["floats"], json::parse("[1.5, -0.5, 2000.0, 1.0]"));
  EXPECT_EQ(j["bools"], json::parse("[true, false, true]"));
  EXPECT_EQ(j["nulls"], json::parse("[null, null, null, null]"));
  // YAML 1.2: yes/no are strings (1.1 booleans are not), quoted scalars are never numbers
  EXPECT_EQ(j["strings"], json::parse(R"(["yes", "0x10", "true", "12", "1_000", "0x", ".5e"])"));
  EXPECT_TRUE(j["empty"].is_null());
}

TEST(SweepYaml, AbsurdGridsAreRefusedBeforeExpansion) {
  // 101 models x 100 settings x 1 method = 10100 points, over the 10000 limit
  std::string y = "models: [";
  for (int i = 0; i < 101; ++i) y += (i ? ", m" : "m") + std::to_string(i);
  y += "]\nmethods: [rtn]\nsettings: [";
  for (int i = 0; i < 100; ++i) y += std::string(i ? ", " : "") + "w8";
  y += "]\n";
  const std::string m = messageOf(y, "big.yaml");
  EXPECT_NE(m.find("big.yaml: the grid models x evaluations x methods x settings has 10100 points"),
            std::string::npos)
      << m;
}

}  // namespace
