// Rotation folding on a small random model built in memory (Qwen2-like: GQA, q/k/v and o biases,
// distinct norm weights) and Hadamard orders: the rotated float model must compute the original
// logits (computational invariance, QuaRot §3), H·Hᵀ = n·I for every order our reference models
// and the paper's models need, and the online R4 composes with activation fake-quantization.
#include <gtest/gtest.h>

#include <random>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/hadamard.h"
#include "core/quant/quantize.h"
#include "core/quant/rotation/rotation.h"

using namespace slmq::core;

namespace {

MatrixRM randn(int r, int c, std::mt19937& g, float sd = 0.2f) {
  std::normal_distribution<float> n(0.f, sd);
  MatrixRM m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n(g);
  return m;
}
VectorF randv(int n, std::mt19937& g, float mean, float sd) {
  std::normal_distribution<float> d(mean, sd);
  VectorF v(n);
  for (int i = 0; i < n; ++i) v(i) = d(g);
  return v;
}

// hidden 64, head_dim 16, 4 query / 2 kv heads, FFN 192 (= 64·3: 192 = 16·12, a Paley base).
Model tinyModel(bool qkNorm) {
  ModelConfig c;
  c.arch = qkNorm ? Architecture::Qwen3 : Architecture::Qwen2;
  c.vocab_size = 50;
  c.hidden_size = 64;
  c.intermediate_size = 192;
  c.num_layers = 2;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.head_dim = 16;
  c.rms_norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  c.attention_bias = true;
  c.o_bias = true;
  c.qk_norm = qkNorm;
  c.use_rope.assign(2, true);
  std::mt19937 g(7);
  ModelWeights w;
  w.embed = randn(c.vocab_size, c.hidden_size, g, 1.f);
  for (int l = 0; l < c.num_layers; ++l) {
    BlockWeights b;
    b.attn_norm = randv(64, g, 1.f, 0.5f);
    b.mlp_norm = randv(64, g, 1.f, 0.5f);
    if (qkNorm) {
      b.q_norm = randv(16, g, 1.f, 0.3f);
      b.k_norm = randv(16, g, 1.f, 0.3f);
    }
    b.q = {randn(64, 64, g), randv(64, g, 0, 0.1f), nullptr};
    b.k = {randn(32, 64, g), randv(32, g, 0, 0.1f), nullptr};
    b.v = {randn(32, 64, g), randv(32, g, 0, 0.1f), nullptr};
    b.o = {randn(64, 64, g), randv(64, g, 0, 0.1f), nullptr};
    b.gate = {randn(192, 64, g), {}, nullptr};
    b.up = {randn(192, 64, g), {}, nullptr};
    b.down = {randn(64, 192, g), randv(64, g, 0, 0.1f), nullptr};
    w.blocks.push_back(std::move(b));
  }
  w.final_norm = randv(64, g, 1.f, 0.5f);
  return Model(c, std::move(w), nullptr);
}

float maxAbs(const MatrixRM& m) {
  return m.cwiseAbs().maxCoeff();
}

const std::vector<int> kTokens = {1, 5, 9, 3, 44, 12, 7, 7, 0, 31, 18, 2};

}  // namespace

TEST(Rotation, HadamardOrdersUsedAreHadamard) {
  // smol-ref 288/32/768, qwen-ref 256/32/1408, stories 64/172(no)/8, qwen3-random 128/384,
  // SmolLM-135M 576/64/1536, Qwen2.5-0.5B 896/64/4864.
  for (int n : {288, 32, 768, 256, 1408, 64, 128, 384, 192, 576, 1536, 896, 4864}) {
    ASSERT_TRUE(hadamardPlan(n).has_value()) << n;
    // ±1 entries and sums up to n are exact in float, so the float product is exact.
    const MatrixRM h = hadamardMatrix(n).cast<float>();
    const MatrixRM hht = h * h.transpose();
    EXPECT_EQ((hht - MatrixRM::Identity(n, n) * float(n)).cwiseAbs().maxCoeff(), 0.f)
        << "order " << n;
    const Rotation r = Rotation::random(n, 3);
    EXPECT_TRUE(r.isHadamard()) << n;
    if (n <= 1536) {
      const MatrixRMd d = r.dense();
      EXPECT_LT((d * d.transpose() - MatrixRMd::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-12) << n;
    }
  }
  // 172 (stories260K's FFN) has no construction: the fallback is orthogonal and says so.
  EXPECT_FALSE(hadamardPlan(172).has_value());
  EXPECT_FALSE(onlineR4(172).isHadamard());
  const MatrixRMd f = onlineR4(172).dense();
  EXPECT_LT((f * f.transpose() - MatrixRMd::Identity(172, 172)).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(Rotation, FoldNormsKeepsLogits) {
  Model m = tinyModel(false);
  const MatrixRM ref = m.forward(kTokens);
  EXPECT_THROW(foldNorms(m.weights()), Error);  // still tied
  untieEmbeddings(m.weights());
  foldNorms(m.weights());
  EXPECT_TRUE(normsFolded(m.weights()));
  EXPECT_LT(maxAbs(m.forward(kTokens) - ref), 1e-5f * maxAbs(ref));
}

class RotationFold : public ::testing::TestWithParam<bool> {};

TEST_P(RotationFold, R1R2R4KeepLogits) {
  Model m = tinyModel(GetParam());
  const MatrixRM ref = m.forward(kTokens);
  std::vector<std::string> log;
  const Rotations rot = randomHadamardRotations(m.config(), 11, &log);
  EXPECT_THROW(applyRotation(m.weights(), m.config(), rot), Error);  // norms not folded
  untieEmbeddings(m.weights());
  foldNorms(m.weights());
  applyRotation(m.weights(), m.config(), rot);
  EXPECT_EQ(log.size(), 3u);
  // Without the online R4 the model is not equivalent; with it, it is.
  EXPECT_GT(maxAbs(m.forward(kTokens) - ref), 1e-2f * maxAbs(ref));
  OnlineR4Hooks r4(m.config().intermediate_size);
  const MatrixRM got = m.forward(kTokens, 1, &r4);
  EXPECT_LT(maxAbs(got - ref), 1e-5f * maxAbs(ref)) << "qk_norm " << GetParam();
  // The rotation really changed the weights (not an identity).
  EXPECT_GT((m.weights().embed - tinyModel(false).weights().embed).cwiseAbs().maxCoeff(), 0.1f);
}
INSTANTIATE_TEST_SUITE_P(Qwen2AndQwen3, RotationFold, ::testing::Values(false, true));

TEST(Rotation, R2AloneIsPerHeadAndKeepsLogits) {
  // R2 needs neither untying nor folded norms (it never touches the residual stream).
  Model m = tinyModel(true);
  const MatrixRM ref = m.forward(kTokens);
  Rotations rot;
  for (int l = 0; l < 2; ++l) rot.r2.push_back(Rotation::random(16, 40 + l).dense().cast<float>());
  applyRotation(m.weights(), m.config(), rot);
  EXPECT_LT(maxAbs(m.forward(kTokens) - ref), 1e-5f * maxAbs(ref));
}

TEST(Rotation, OnlineR4ComposesWithActivationQuant) {
  // R4 then per-token fake quant: OnlineR4Hooks → FakeQuantHooks must equal FakeQuantHooks with
  // setOnlineR4, and rotating by hand then quantizing.
  Model m = tinyModel(false);
  untieEmbeddings(m.weights());
  foldNorms(m.weights());
  applyRotation(m.weights(), m.config(), randomHadamardRotations(m.config(), 1));
  const QuantSpec spec = QuantSpec::parse("w16a4");
  FakeQuantHooks fq(spec, 2);
  OnlineR4Hooks chained(192, &fq);
  FakeQuantHooks withR4(spec, 2);
  withR4.setOnlineR4(&onlineR4(192));
  const MatrixRM a = m.forward(kTokens, 1, &chained);
  const MatrixRM b = m.forward(kTokens, 1, &withR4);
  EXPECT_EQ(maxAbs(a - b), 0.f);
  // By hand on one matrix: the down input is rotated before it is quantized.
  std::mt19937 g(3);
  MatrixRM x = randn(5, 192, g), y = x;
  withR4.linearInput({0, Module::Down}, x);
  onlineR4(192).applyRows(y);
  FakeQuantHooks plain(spec, 2);
  plain.linearInput({0, Module::Down}, y);
  EXPECT_EQ(maxAbs(x - y), 0.f);
}

TEST(Rotation, BadShapesAreRefused) {
  Model m = tinyModel(false);
  untieEmbeddings(m.weights());
  foldNorms(m.weights());
  Rotations rot;
  rot.r1 = MatrixRM::Identity(32, 32);
  EXPECT_THROW(applyRotation(m.weights(), m.config(), rot), Error);
  rot.r1.resize(0, 0);
  rot.r2.assign(3, MatrixRM::Identity(16, 16));  // 3 layers for 2
  EXPECT_THROW(applyRotation(m.weights(), m.config(), rot), Error);
  rot.r2.assign(2, MatrixRM::Identity(8, 8));
  EXPECT_THROW(applyRotation(m.weights(), m.config(), rot), Error);
}

TEST(Rotation, QuarotInThePipeline) {
  EXPECT_EQ(parseMethods("gptq,quarot"), (std::vector<std::string>{"quarot", "gptq"}));
  EXPECT_THROW(parseMethods("quarot,smoothquant"), Error);
  EXPECT_THROW(parseMethods("awq,quarot,rtn"), Error);
  // quarot + RTN needs no calibration data: the rotations are data-free.
  Model m = tinyModel(false);
  const MatrixRM ref = m.forward(kTokens);
  QuantizeOptions o;
  o.methods = "quarot";
  o.spec = QuantSpec::parse("w16");
  const QuantizeResult r = quantizeModel(m, o);
  EXPECT_EQ(r.online_r4_order, 192);
  EXPECT_EQ(r.act_clip_override, 0.f);  // no activation quantization, nothing to clip
  const auto hooks = makeEvalHooks(m, o.spec, r);
  ASSERT_NE(hooks, nullptr);  // the online R4 is needed even without activation quantization
  EXPECT_LT(maxAbs(m.forward(kTokens, 1, hooks.get()) - ref), 1e-5f * maxAbs(ref));
  // W4A4: QuaRot's clip ratio 0.9 is imposed where the spec sets none, and the eval hooks use it.
  Model q = tinyModel(false);
  o.methods = "quarot,rtn";
  o.spec = QuantSpec::parse("w16a4");
  const QuantizeResult r4 = quantizeModel(q, o);
  EXPECT_FLOAT_EQ(r4.act_clip_override, 0.9f);
  QuantSpec clipped = o.spec;
  clipped.act.clip_ratio = 0.9f;
  FakeQuantHooks byHand(clipped, 2);
  byHand.setOnlineR4(&onlineR4(192));
  const auto evalHooks = makeEvalHooks(q, o.spec, r4);
  EXPECT_EQ(maxAbs(q.forward(kTokens, 1, evalHooks.get()) - q.forward(kTokens, 1, &byHand)), 0.f);
  // Static per-tensor activation scales would be calibrated without the online R4: refused.
  Model s = tinyModel(false);
  o.spec = QuantSpec::parse("w8a8 static");
  EXPECT_THROW(quantizeModel(s, o), Error);
}
