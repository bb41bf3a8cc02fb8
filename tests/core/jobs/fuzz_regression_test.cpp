// Regressions found by the libFuzzer targets (issue 9): each input once crashed a parser and must
// now be refused with one Error(InvalidInput) naming the source.
//  - spec_fuzz: a 400-digit number in an experiment spec -> json::out_of_range escaped
//    ExperimentSpec::parse (it caught parse_error only) and terminated the process.
//  - sweep_yaml_fuzz: every YAML mapping read a key through a dangling reference to yaml-cpp's
//    iterator proxy (stack-use-after-scope under ASan; garbage or a crash without it). The YAML
//    case here is a plain mapping with many keys: it is clean only when the key is copied.
//  - sweep_yaml_fuzz: a document starting with ',' made yaml-cpp 0.7's LoadAll loop forever
//    (timeout, memory growing); documents are now counted with a bounded number of parser steps.
//  - sweep_yaml_fuzz: a byte 0xFF inside a YAML string passed yaml-cpp and made the JSON dump of
//    the expanded spec throw json::type_error (terminate); YAML strings are now checked as UTF-8.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/common/error.h"
#include "core/jobs/experiment_spec.h"
#include "core/jobs/sweep.h"
#include "core/jobs/yaml_json.h"

using namespace slmq::core;

namespace {

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    return e.what();
  }
  return "no error";
}

const std::string kHuge = "8" + std::string(400, '1');  // > DBL_MAX, as the crashing input

TEST(FuzzRegression, SpecNumberBeyondDoubleRange) {
  for (const std::string& text : {kHuge, "{\"model\": \"m\", \"seed\": " + kHuge + "}"}) {
    const std::string m = errorOf([&] { ExperimentSpec::parse(text, "fuzz/spec.json"); });
    EXPECT_EQ(m.rfind("fuzz/spec.json: not valid JSON", 0), 0u) << m;
  }
  // the sweep parser (which caught json::exception already) refuses it the same way
  const std::string m = errorOf([&] {
    expandSweep("{\"models\": [\"m\"], \"methods\": [\"fp\"], \"version\": " + kHuge + "}",
                "fuzz/sweep.json");
  });
  EXPECT_EQ(m.rfind("fuzz/sweep.json: not valid JSON", 0), 0u) << m;
  // and in YAML the number is refused as not finite, with its position
  const std::string y = errorOf([&] { yamlToJson("seed: " + kHuge + "\n", "fuzz/sweep.yaml"); });
  EXPECT_NE(y.find("fuzz/sweep.yaml: at line 1, column 7: "), std::string::npos) << y;
}

TEST(FuzzRegression, YamlMappingKeysAreReadSafely) {
  std::string yaml;
  for (int i = 0; i < 50; ++i)
    yaml += "key" + std::to_string(i) + ": {k: [" + std::to_string(i) + "]}\n";
  const nlohmann::json j = yamlToJson(yaml, "many.yaml");
  ASSERT_EQ(j.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(j.at("key" + std::to_string(i)).at("k").at(0), i);
}

TEST(FuzzRegression, YamlParserThatStopsConsumingIsRefused) {
  const std::string m = errorOf([] {
    expandSweep(", anchors\nversion: 1\nmodels: [m]\nmethods: [fp]\n", "fuzz/sweep.yaml");
  });
  EXPECT_EQ(m.rfind("fuzz/sweep.yaml: not valid YAML at line 1, column 1", 0), 0u) << m;
}

TEST(FuzzRegression, YamlStringsMustBeUtf8) {
  const std::string m = errorOf(
      [] { expandSweep("models: [\"models/smol\xff\"]\nmethods: [fp]\n", "fuzz/sweep.yaml"); });
  EXPECT_EQ(m, "fuzz/sweep.yaml: at line 1, column 10: not valid UTF-8 (byte 11 of this value)");
  // well-formed multi-byte text is kept
  EXPECT_EQ(yamlToJson("a: \"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n").at("a"),
            "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // overlong, surrogate and truncated sequences are not
  for (const char* bad : {"a: \xc0\xaf\n", "a: \xed\xa0\x80\n", "a: x\xe2\x82\n"})
    EXPECT_NE(errorOf([&] { yamlToJson(bad, "u.yaml"); }).find("not valid UTF-8"),
              std::string::npos)
        << bad;
}

}  // namespace
