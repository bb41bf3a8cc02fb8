// Packed kernels on real models: smol-ref and qwen-ref executed with PackedLinear (W8A8, W4A8,
// W4A16, W8A4) reproduce (1) every linear layer of the fake-quant reference (RTN weights +
// per-token activation fake-quant) on the model's real activations to float rounding, (2) for
// weight-only schemes the whole fake-quant forward's logits, and (3) the perplexity that Hugging
// Face transformers computed for the same scheme (fixtures' chunk_nll.wikitext2_test.<scheme>).
// (1) also runs at decode sizes (1 and 3 tokens) with every ISA the CPU has.
// With quantized activations, float rounding differences upstream flip an occasional activation
// code, so end-to-end agreement is statistical: the perplexity tolerance says how much.
// Also: float weights are really freed and the storage sizes order W4 < W8 < FP.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/kernels/pack_model.h"
#include "core/quant/kernels/packed_linear.h"
#include "core/quant/methods/rtn.h"
#include "tests/core/quant/ppl_helper.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

struct Scheme {
  const char* fixture;  ///< scheme in the fixture file
  const char* spec;     ///< our short name
  double pplTol;        ///< relative tolerance on the perplexity of the first kChunks chunks
};

const Scheme kSchemes[] = {
    {"w8a8_perchannel_pertoken_sym", "w8a8 perchannel sym pertoken", 2e-3},
    {"w4a8_g128asym_pertoken_sym", "w4a8 g128 asym pertoken", 2e-3},
    {"rtn_w4_g128_asym", "w4 g128 asym", 1e-4},
    // 4-bit activation codes flip often enough under upstream rounding differences that 4 chunks
    // scatter by about ±2% (the RTN fixture test checks the fake-quant model over 64 chunks);
    // here W8A4 is held to the per-layer check only (tolerance 0 = perplexity printed only).
    {"w8a4_perchannel_pertoken_sym", "w8a4 perchannel sym pertoken", 0},
};

/// Records the (unquantized) input of every linear layer.
class InputRecorder : public ForwardHooks {
 public:
  std::vector<std::pair<LinearId, MatrixRM>> inputs;
  void linearInput(const LinearId& id, MatrixRM& x) override { inputs.emplace_back(id, x); }
  bool modifiesLinearInputs() const override { return false; }
};

constexpr int kChunks = 4;

void checkModel(const std::string& name) {
  const auto fx = slmq::test::fixture(name);
  const std::vector<int> tokens = fx.readInt32("tokens.wikitext2_test");
  const auto fp = Model::load(asset("models/" + name));
  const std::vector<int> prompt(tokens.begin(), tokens.begin() + 200);
  const std::size_t fpBytes = modelStorageBytes(fp->weights());
  std::size_t w8Bytes = 0, w4Bytes = 0;
  for (const Scheme& s : kSchemes) {
    SCOPED_TRACE(name + " " + s.spec);
    const QuantSpec spec = QuantSpec::parse(s.spec);
    // Fake-quant reference model.
    Model fake(fp->config(), fp->weights(), fp->sharedTokenizer());
    applyRtn(fake.weights(), spec);
    FakeQuantHooks hooks(spec, fake.config().num_layers);
    // Packed model.
    Model packed(fp->config(), fp->weights(), fp->sharedTokenizer());
    const PackSummary sum = packModel(packed.weights(), spec);
    EXPECT_EQ(sum.packed, 7 * packed.config().num_layers);
    const Linear& q0 = packed.weights().linear({0, Module::Q});
    EXPECT_EQ(q0.weight.size(), 0) << "float weight not freed";
    EXPECT_EQ(q0.out(), fp->weights().linear({0, Module::Q}).out());
    EXPECT_EQ(q0.in(), fp->config().hidden_size);

    // (1) Every linear layer on the real activations of the fake-quant model.
    InputRecorder rec;
    fake.forward(prompt, 1, &rec);
    ASSERT_EQ(rec.inputs.size(), std::size_t(7 * fp->config().num_layers));
    double worst = 0;
    for (const auto& [id, x] : rec.inputs) {
      const ActQuant act = spec.forLayer(id).act;
      const MatrixRM xq = act.enabled() ? fakeQuantActPerTokenReference(x, act) : x;
      const MatrixRM ref = xq * fake.weights().linear(id).weight.transpose();
      MatrixRM got;
      packed.weights().linear(id).kernel->apply(x, got);
      worst =
          std::max(worst, double((got - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff()));
    }
    std::printf("%s %-30s worst layer max|Δy|/max|y| %.3g\n", name.c_str(), s.fixture, worst);
    EXPECT_LT(worst, 1e-5);

    // (1b) The same at decode sizes (1 and 3 tokens: the fused small-M kernels; the prompt above
    // runs the prefill path) with every ISA this CPU has.
    double worstDecode = 0;
    for (const auto& [id, x] : rec.inputs) {
      const ActQuant act = spec.forLayer(id).act;
      const auto* kernel =
          dynamic_cast<const PackedLinear*>(packed.weights().linear(id).kernel.get());
      ASSERT_NE(kernel, nullptr);
      for (auto [row, M] : {std::pair{0, 1}, std::pair{57, 1}, std::pair{101, 3}}) {
        const MatrixRM xs = x.middleRows(row, M);
        const MatrixRM xq = act.enabled() ? fakeQuantActPerTokenReference(xs, act) : xs;
        const MatrixRM ref = xq * fake.weights().linear(id).weight.transpose();
        for (KernelIsa isa : {KernelIsa::Portable, KernelIsa::Avx2, KernelIsa::Avx512Vnni}) {
          if (!kernelIsaSupported(isa)) continue;
          MatrixRM got;
          kernel->apply(xs, got, isa);
          worstDecode = std::max(
              worstDecode, double((got - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff()));
        }
      }
    }
    std::printf("%s %-30s decode sizes, all ISAs: worst max|Δy|/max|y| %.3g\n", name.c_str(),
                s.fixture, worstDecode);
    EXPECT_LT(worstDecode, 1e-5);

    // (2) Weight-only: the whole forward's logits against the fake-quant forward.
    if (!spec.quantizesActivations()) {
      const MatrixRM ref = fake.forward(prompt, 1, &hooks);
      const MatrixRM got = packed.forward(prompt, 1);
      const float diff = (got - ref).cwiseAbs().maxCoeff();
      std::printf("%s %-30s max |Δlogit| %.3g\n", name.c_str(), s.fixture, diff);
      EXPECT_LE(diff, 1e-4f * ref.cwiseAbs().maxCoeff());
    }

    // (3) Perplexity of the first chunks against transformers' fake-quant reference.
    const double ours = slmq::test::pplFromNll(slmq::test::chunkNll(packed, tokens, kChunks));
    const double theirs = slmq::test::fixturePpl(fx, "wikitext2_test", s.fixture, kChunks);
    std::printf("%s %-30s ppl packed %.4f transformers %.4f (%+.4f%%)\n", name.c_str(), s.fixture,
                ours, theirs, 100 * (ours / theirs - 1));
    if (s.pplTol > 0) {
      EXPECT_NEAR(ours / theirs, 1.0, s.pplTol);
    }

    const std::size_t bytes = modelStorageBytes(packed.weights());
    if (std::string(s.fixture).rfind("w8a8", 0) == 0) w8Bytes = bytes;
    if (std::string(s.fixture).rfind("w4a8", 0) == 0) w4Bytes = bytes;
  }
  std::printf("%s storage: fp32 %zu, w8 %zu, w4 %zu bytes\n", name.c_str(), fpBytes, w8Bytes,
              w4Bytes);
  EXPECT_LT(w4Bytes, w8Bytes);
  EXPECT_LT(w8Bytes, fpBytes);
}

}  // namespace

TEST(PackedModel, SmolRefMatchesFakeQuantAndTransformers) {
  checkModel("smol-ref");
}
TEST(PackedModel, QwenRefMatchesFakeQuantAndTransformers) {
  checkModel("qwen-ref");
}
