// ExperimentSpec JSON: a full round trip, defaults, the shorthand method form, and validation
// errors that name the offending field.
#include <gtest/gtest.h>

#include <string>

#include "core/common/error.h"
#include "core/jobs/experiment_spec.h"

using namespace slmq;
using nlohmann::json;

namespace {

core::ExperimentSpec fullSpec() {
  core::ExperimentSpec s;
  s.name = "SQ+GPTQ W4A8 smol-ref";
  s.model = "models/smol-ref";
  s.methods = {{"smoothquant", json{{"alpha", 0.5}}}, {"gptq", json{{"damp", 0.01}}}};
  s.quant = json{{"weight", {{"bits", 4}, {"group_size", 128}, {"symmetric", false}}},
                 {"activation", {{"bits", 8}, {"granularity", "per_token"}}}};
  s.calibration = core::CalibrationSpec{"text/wikitext2_valid.txt", 32, 256, 1234};
  s.evaluations.perplexity =
      core::PerplexityEval{{"wikitext2_test.txt", "c4_heldout500.txt"}, 512, 16};
  s.evaluations.tasks = {{"arc_easy", 200}, {"mmlu", 0}};
  s.evaluations.kld = core::KldEval{"wikitext2_test.txt", 512, 8};
  s.evaluations.bench = core::BenchEval{64, 32, 2};
  core::SensitivitySpec sens;
  sens.metric = "kld";
  sens.bits = {4, 3};
  sens.mode = "all_but_this";
  sens.modules = {"q_proj", "down_proj"};
  sens.text = "wikitext2_valid.txt";
  sens.max_chunks = 2;
  s.analyses.sensitivity = sens;
  core::StatsSpec stats;
  stats.histogram_bins = 256;
  stats.channel_stats = false;
  stats.tensors = {"weight", "input", "output"};
  stats.layers = {0, 7};
  s.analyses.stats = stats;
  s.seed = 18446744073709551615ull;  // the largest seed survives (uint64, not double)
  return s;
}

/// The message of the Error that parsing `text` throws ("" if none).
std::string errorOf(const std::string& text,
                    core::ErrorKind expected = core::ErrorKind::InvalidInput) {
  try {
    core::ExperimentSpec::parse(text, "study.json");
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected an error for " << text;
  return {};
}

}  // namespace

TEST(ExperimentSpec, RoundTripKeepsEveryField) {
  const auto spec = fullSpec();
  const std::string text = spec.dump();
  const auto back = core::ExperimentSpec::parse(text, "spec.json");
  EXPECT_EQ(back, spec);
  EXPECT_EQ(back.dump(), text);  // stable text too
  EXPECT_EQ(back.seed, 18446744073709551615ull);
  EXPECT_EQ(back.methods[1].params["damp"].get<double>(), 0.01);
  EXPECT_EQ(back.quant["weight"]["group_size"].get<int>(), 128);
  EXPECT_EQ(back.methodLabel(), "smoothquant,gptq");
  // What the JSON looks like to other tools (the GUI's preview, a sweep file).
  const json j = json::parse(text);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["calibration"]["n_samples"], 32);
  EXPECT_EQ(j["evaluations"]["tasks"][0]["name"], "arc_easy");
  EXPECT_EQ(j["analyses"]["sensitivity"]["mode"], "all_but_this");
}

TEST(ExperimentSpec, MinimalSpecIsTheFpBaselineWithDefaults) {
  const auto s = core::ExperimentSpec::parse(R"({"model": "models/qwen-ref"})");
  EXPECT_EQ(s.model, "models/qwen-ref");
  EXPECT_TRUE(s.methods.empty());
  EXPECT_EQ(s.methodLabel(), "fp");
  EXPECT_FALSE(s.calibration.has_value());
  EXPECT_FALSE(s.evaluations.perplexity.has_value());
  EXPECT_TRUE(s.quant.is_object());
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(core::ExperimentSpec::parse(s.dump()), s);

  const auto c = core::ExperimentSpec::parse(
      R"({"model":"m","methods":["rtn"],"calibration":{"file":"c.txt"},
          "evaluations":{"perplexity":{"texts":["w.txt"]}},"analyses":{"stats":{}}})");
  ASSERT_EQ(c.methods.size(), 1u);  // shorthand "rtn" = {"name":"rtn"}
  EXPECT_EQ(c.methods[0].name, "rtn");
  EXPECT_EQ(c.calibration->n_samples, 128);  // the paper's 128 x 512 calibration
  EXPECT_EQ(c.calibration->seq_len, 512);
  EXPECT_EQ(c.evaluations.perplexity->seq_len, 512);
  EXPECT_EQ(c.evaluations.perplexity->max_chunks, 0);
  EXPECT_EQ(c.analyses.stats->histogram_bins, 128);
}

TEST(ExperimentSpec, ValidationErrorsNameTheField) {
  EXPECT_NE(errorOf(R"({"methods": []})").find("study.json: spec.model: is required"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model": 3})").find("spec.model: expected a string, got number 3"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","methods":[{"name":"gtpq"}]})")
                .find("spec.methods[0].name: unknown method 'gtpq' (known: rtn, gptq"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","methods":["rtn", 5]})").find("spec.methods[1]"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","evaluations":{"perplexity":{"texts":["a"],"seq_len":-3}}})")
                .find("spec.evaluations.perplexity.seq_len: expected an integer > 1, got -3"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","evaluations":{"perplexity":{"texts":["a"],"seq_len":512.5}}})")
                .find("spec.evaluations.perplexity.seq_len: expected an integer > 1"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","evaluations":{"perplexity":{"texts":[]}}})")
                .find("spec.evaluations.perplexity.texts: needs at least one text"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","evaluations":{"tasks":[{"name":"arc_easy","limt":5}]}})")
                .find("spec.evaluations.tasks[0].limt: unknown field"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","evaluations":{"tasks":[{"name":"boolq"}]}})")
                .find("spec.evaluations.tasks[0].name: unknown task 'boolq'"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","calibration":{"file":"c","n_samples":0}})")
                .find("spec.calibration.n_samples: expected an integer > 0, got 0"),
            std::string::npos);
  EXPECT_NE(
      errorOf(R"({"model":"m","analyses":{"sensitivity":{"metric":"ppl","text":"t"}}})")
          .find("spec.analyses.sensitivity.metric: expected one of dppl, kld, mse, got 'ppl'"),
      std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","analyses":{"sensitivity":{"bits":[4, 1],"text":"t"}}})")
                .find("spec.analyses.sensitivity.bits[1]: expected an integer in [2, 16], got 1"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","analyses":{"sensitivity":{}}})")
                .find("spec.analyses.sensitivity.text: is required for metric 'dppl'"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","analyses":{"stats":{"tensors":["weights"]}}})")
                .find("spec.analyses.stats.tensors[0]: expected one of weight, input, output"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","quant":[4]})").find("spec.quant: expected an object"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","seed":-1})").find("spec.seed: expected an integer >= 0"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","sed":1})").find("spec.sed: unknown field"), std::string::npos);
  EXPECT_NE(errorOf(R"([1,2])").find("spec: expected an object, got array"), std::string::npos);
  EXPECT_NE(errorOf(R"({"model": "m",)").find("study.json: not valid JSON"), std::string::npos);
  EXPECT_NE(errorOf(R"({"model":"m","version":2})", core::ErrorKind::Unsupported)
                .find("spec.version: 2 was written by a newer slmq"),
            std::string::npos);
}

TEST(ExperimentSpec, HostileInputIsRefusedNotCrashedOn) {
  std::string deep(100000, '[');  // would overflow a recursive parser's stack
  EXPECT_NE(errorOf(R"({"model":"m","quant":{"x":)" + deep + "}}").find("nested deeper than 64"),
            std::string::npos);
  std::string huge = R"({"model":")" + std::string(17u << 20, 'a') + "\"}";
  EXPECT_NE(errorOf(huge, core::ErrorKind::Resource).find("too large for an experiment spec"),
            std::string::npos);
}
