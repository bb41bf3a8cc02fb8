// The packed execution of a rotated (QuaRot) run is the function the fake-quantized evaluation
// computes, and its bench measures the online R4:
//   - QuaRot + RTN at W8A8 / W4A8 (per-channel weights, per-token activations with QuaRot's clip
//     0.9) and W4A16 on smol-ref (FFN 768 = 64·12) and qwen-ref (FFN 1408 = 32·44): perplexity
//     over 4 × 256 tokens of wikitext2_test of the PACKED model (integer kernels) with the run's
//     online R4 equals the fake-quant evaluation (W4A16 within 1e-5; with 8-bit activations
//     within 2e-3, since upstream rounding flips occasional codes), every down_proj of the packed
//     model + R4 hooks equals the fake-quant layer on the same real input to float rounding, and
//     without the R4 the perplexity is more than 5% off — the R4 is what makes it right;
//   - the packed model carries the R4 in its down_proj kernels (RotatedInputKernel) and needs no
//     hooks; benchRunModel of a QuaRot run packs it, names the R4 and the kernels in its note, and
//     greedy decoding through the bench's model gives the fake-quant model's tokens; a run with
//     no packed kernel (asymmetric activations) is benched in float with the R4 hooks, which a
//     counting tap sees in exactly the prefill and decode calls the bench options imply;
//   - GGUF export of a run that needs an online R4 is refused (llama.cpp has no online Hadamard),
//     nothing is written; an RTN run without rotation still exports.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/eval/perplexity.h"
#include "core/jobs/run_model.h"
#include "core/jobs/runner.h"
#include "core/model/model.h"
#include "core/quant/quant_spec.h"
#include "core/quant/rotation/rotated_input_kernel.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

constexpr int kChunks = 4;
constexpr int kSeqLen = 256;

ExperimentSpec rotatedSpec(const std::string& model, const std::string& scheme,
                           const std::string& first = "quarot") {
  ExperimentSpec s;
  s.model = slmq::test::asset("models/" + model).string();
  if (!first.empty()) s.methods.push_back({first, nlohmann::json::object()});
  s.methods.push_back({"rtn", nlohmann::json::object()});
  s.quant = QuantSpec::parse(scheme).toJson();
  return s;
}

double ppl(const RunModel& run, const std::vector<int>& tokens, ForwardHooks* hooks) {
  PerplexityOptions o;
  o.seq_len = kSeqLen;
  o.max_chunks = kChunks;
  o.hooks = hooks;
  return evaluatePerplexity(*run.model, tokens, o).perplexity();
}

int argmax(const VectorF& v) {
  Eigen::Index i = 0;
  v.maxCoeff(&i);
  return int(i);
}

/// Greedy continuation of `prompt` by `n` tokens through the KV-cache decode with `hooks`.
std::vector<int> greedy(const Model& m, const std::vector<int>& prompt, int n,
                        ForwardHooks* hooks) {
  KvCache cache;
  std::vector<int> out;
  int next = argmax(m.decode(prompt, cache, hooks));
  for (int i = 0; i < n; ++i) {
    out.push_back(next);
    if (i + 1 < n) next = argmax(m.decode({next}, cache, hooks));
  }
  return out;
}

/// Passes every tap on to `inner` after keeping a copy of each down_proj input as it arrives
/// (before `inner` rotates / quantizes it).
class DownInputTee : public ForwardHooks {
 public:
  explicit DownInputTee(ForwardHooks* inner) : m_inner(inner) {}
  void linearInput(const LinearId& id, MatrixRM& x) override {
    if (id.module == Module::Down) inputs.emplace_back(id.block, x);
    m_inner->linearInput(id, x);
  }
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override {
    m_inner->linearOutput(id, x, y);
  }
  std::vector<std::pair<int, MatrixRM>> inputs;

 private:
  ForwardHooks* m_inner;
};

struct Case {
  std::string model;
  std::string scheme;
  double pplTol;  ///< relative, packed + R4 vs fake quant over kChunks × kSeqLen tokens
};

class RotatedPacked : public ::testing::TestWithParam<Case> {};

TEST_P(RotatedPacked, PackedWithR4EqualsFakeQuantAndWithoutIsFarOff) {
  const Case c = GetParam();
  RunModel run = buildRunModel(rotatedSpec(c.model, c.scheme));
  ASSERT_NE(run.online_r4, nullptr);
  ASSERT_NE(run.hooks, nullptr);
  EXPECT_EQ(run.online_r4->order(), run.model->config().intermediate_size);
  EXPECT_TRUE(run.online_r4->isHadamard()) << run.online_r4->construction();
  const int layers = run.model->config().num_layers;
  const auto tokens = tokenizeTextFile(*run.model, resolveTextPath("wikitext2_test.txt"));

  // The fake-quant evaluation, and the real down_proj inputs along its trajectory.
  const double fake = ppl(run, tokens, run.hooks.get());
  std::vector<MatrixRM> downW;
  for (int l = 0; l < layers; ++l) downW.push_back(run.model->weights().blocks[l].down.weight);
  DownInputTee tee(run.hooks.get());
  run.model->forward(std::vector<int>(tokens.begin(), tokens.begin() + kSeqLen), 1, &tee);
  ASSERT_EQ(int(tee.inputs.size()), layers);

  ASSERT_TRUE(runPackable(run));
  const PackSummary ps = packRunModel(run);
  EXPECT_EQ(ps.packed, 7 * layers);
  ASSERT_TRUE(run.packed);
  for (int l = 0; l < layers; ++l) {
    const Linear& down = run.model->weights().blocks[std::size_t(l)].down;
    ASSERT_TRUE(down.kernel);
    EXPECT_EQ(down.weight.size(), 0);  // float weight released
    const auto* rk = dynamic_cast<const RotatedInputKernel*>(down.kernel.get());
    ASSERT_NE(rk, nullptr) << "block " << l << ": " << down.kernel->describe();
    EXPECT_EQ(&rk->rotation(), run.online_r4);
  }

  // Layer by layer on the same input: fake quant = (x·R4 fake-quantized) · Ŵᵀ in float; packed =
  // the down_proj kernel as is (R4 inside, then the integer kernel). Equal to float rounding.
  double worst = 0;
  for (const auto& [block, x] : tee.inputs) {
    const LinearId id{block, Module::Down};
    MatrixRM xf = x, yp;
    run.hooks->linearInput(id, xf);
    const MatrixRM yf = xf * downW[std::size_t(block)].transpose();
    run.model->weights().blocks[std::size_t(block)].down.kernel->apply(x, yp);
    ASSERT_EQ(yp.rows(), yf.rows());
    ASSERT_EQ(yp.cols(), yf.cols());
    worst = std::max(worst, double((yp - yf).cwiseAbs().maxCoeff() / yf.cwiseAbs().maxCoeff()));
  }
  EXPECT_LT(worst, 1e-5);

  const double packedR4 = ppl(run, tokens, nullptr);  // no hooks: the R4 is in the kernels
  EXPECT_EQ(detachOnlineR4(run.model->weights()), layers);
  const double packedNoR4 = ppl(run, tokens, nullptr);
  std::printf(
      "%s %s quarot+rtn: down_proj packed+R4 vs fake quant worst %.2e of max|y|; PPL "
      "fake-quant %.5f, packed+R4 %.5f (rel %+.2e), packed w/o R4 %.4f (%+.1f%%)\n",
      c.model.c_str(), c.scheme.c_str(), worst, fake, packedR4, packedR4 / fake - 1, packedNoR4,
      100 * (packedNoR4 / fake - 1));
  EXPECT_NEAR(packedR4 / fake, 1.0, c.pplTol);
  EXPECT_GT(packedNoR4 / fake, 1.05);
}

INSTANTIATE_TEST_SUITE_P(
    RefModels, RotatedPacked,
    // With 8-bit activations a float rounding difference upstream flips an occasional activation
    // code and end-to-end agreement is statistical: 2e-3 as kernels_model_test holds plain RTN
    // W8A8/W4A8 to against transformers (observed here 0.6e-3 to 1.3e-3; the layer-by-layer
    // check above is the exact one). Weight-only W4A16 has no codes to flip: 1e-5.
    ::testing::Values(Case{"smol-ref", "w8a8 pc sym", 2e-3}, Case{"smol-ref", "w4a8 pc sym", 2e-3},
                      Case{"smol-ref", "w4a16 g128 asym", 1e-5},
                      Case{"qwen-ref", "w8a8 pc sym", 2e-3}, Case{"qwen-ref", "w4a8 pc sym", 2e-3},
                      Case{"qwen-ref", "w4a16 g128 asym", 1e-5}),
    [](const ::testing::TestParamInfo<Case>& i) {
      std::string n = i.param.model + "_" + i.param.scheme;
      for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

/// Counts the down_proj inputs it is passed, by row count: 1 = a decode step, more = a prefill.
class DownCounter : public ForwardHooks {
 public:
  void linearInput(const LinearId& id, MatrixRM& x) override {
    if (id.module != Module::Down) return;
    if (x.rows() == 1)
      ++singles;
    else
      ++multi[int(x.rows())];
  }
  bool modifiesLinearInputs() const override { return false; }
  int singles = 0;
  std::map<int, int> multi;
};

/// The bench settings of these tests: a 16-token prompt, 4 decoded tokens, 2 repeats.
BenchEval smallBench() {
  BenchEval b;
  b.prompt_tokens = 16;
  b.gen_tokens = 4;
  b.repetitions = 2;
  return b;
}

TEST(RotatedPackedBench, BenchPacksWithR4AndDecodesTheFakeQuantTokens) {
  RunModel run = buildRunModel(rotatedSpec("smol-ref", "w8a8 pc sym"));
  const auto text = tokenizeTextFile(*run.model, resolveTextPath("wikitext2_test.txt"));
  const std::vector<int> prompt(text.begin(), text.begin() + 24);
  const std::vector<int> fakeTokens = greedy(*run.model, prompt, 8, run.hooks.get());

  const BenchEval b = smallBench();
  std::vector<MetricRecord> out;
  std::vector<std::string> notes;
  const InferenceBenchResult r =
      benchRunModel(run, b, 1, out, {}, [&](const std::string& n) { notes.push_back(n); });
  ASSERT_TRUE(run.packed);
  ASSERT_FALSE(notes.empty());
  const std::string& note = notes.back();
  std::printf("note: %s\n", note.c_str());
  EXPECT_NE(note.find("packed 56 linears"), std::string::npos) << note;
  EXPECT_NE(note.find("online R4 (Hadamard n=768"), std::string::npos) << note;
  EXPECT_NE(note.find("kernels " + r.kernel_isa), std::string::npos) << note;
  EXPECT_GT(r.prefill_tokens_per_s, 0);
  EXPECT_GT(r.decode_tokens_per_s, 0);
  for (const BlockWeights& bw : run.model->weights().blocks)
    EXPECT_NE(bw.down.kernel->describe().find("online R4 (order 768) then int8"), std::string::npos)
        << bw.down.kernel->describe();

  // The bench's model as it is (packed, R4 in down_proj, no hooks) decodes the fake-quant tokens.
  EXPECT_EQ(greedy(*run.model, prompt, 8, nullptr), fakeTokens);
}

TEST(RotatedPackedBench, FloatFallbackRunsTheR4HooksInEveryPrefillAndDecodeCall) {
  // Asymmetric activations have no packed kernel: the bench measures the float model, which
  // needs the R4 as a tap; a counter chained behind it sees every call the options imply.
  RunModel run = buildRunModel(rotatedSpec("smol-ref", "w8a8 pc sym asym-a"));
  ASSERT_FALSE(runPackable(run));
  ASSERT_NE(run.r4_hooks, nullptr);
  const int layers = run.model->config().num_layers;
  DownCounter counter;
  run.r4_hooks->setNext(&counter);
  const BenchEval b = smallBench();
  std::vector<MetricRecord> out;
  std::vector<std::string> notes;
  benchRunModel(run, b, 1, out, {}, [&](const std::string& n) { notes.push_back(n); });
  run.r4_hooks->setNext(nullptr);
  EXPECT_FALSE(run.packed);
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes.back().find("float32 + online R4 (Hadamard n=768"), std::string::npos)
      << notes.back();
  // Prefill: warm-up + repeats; decode: per repeat the context (= prompt) then gen_tokens steps.
  EXPECT_EQ(counter.singles, layers * b.repetitions * b.gen_tokens);
  EXPECT_EQ(counter.multi[b.prompt_tokens], layers * (1 + 2 * b.repetitions));
  EXPECT_EQ(counter.multi.size(), 1u);
}

TEST(RotatedPackedExport, GgufExportOfRotatedRunIsRefused) {
  const slmq::test::TempDir dir;
  RunModel rot = buildRunModel(rotatedSpec("smol-ref", "w8a8 pc sym"));
  const auto path = dir / "quarot.gguf";
  try {
    exportRunGguf(rot, path);
    ADD_FAILURE() << "export of a QuaRot run was not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("online Hadamard transform of order 768"), std::string::npos) << msg;
    EXPECT_NE(msg.find("llama.cpp"), std::string::npos) << msg;
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  // The core writer refuses on its own when told the order.
  GgufExportOptions o;
  o.online_r4_order = 768;
  EXPECT_THROW(
      exportGgufModel(rot.model->config(), rot.model->weights(), rot.model->tokenizer(), path, o),
      Error);
  EXPECT_FALSE(std::filesystem::exists(path));

  // Plain RTN (no rotation) exports, and the file loads back with the run's weights.
  RunModel rtn = buildRunModel(rotatedSpec("smol-ref", "w8a8 pc sym", ""));
  EXPECT_EQ(rtn.online_r4, nullptr);
  const auto ok = dir / "rtn.gguf";
  exportRunGguf(rtn, ok);
  const auto back = Model::load(ok);
  EXPECT_EQ(back->config().num_layers, rtn.model->config().num_layers);
  EXPECT_FLOAT_EQ(back->weights().blocks[3].down.weight(5, 7),
                  rtn.model->weights().blocks[3].down.weight(5, 7));
}

}  // namespace
