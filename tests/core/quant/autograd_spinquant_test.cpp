// SpinQuant's loss as a function of R1/R2 on a tiny random Llama/Qwen2-shaped model: the gradient
// through the folded weights against finite differences (double), computational invariance of
// the float loss under orthogonal rotations, the loss against Model::forward, and the Cayley step.
#include <gtest/gtest.h>

#include <Eigen/LU>
#include <Eigen/QR>
#include <cmath>
#include <random>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/quant/methods/spinquant.h"
#include "core/quant/quantize.h"
#include "core/quant/rotation/rotation.h"

namespace {

using namespace slmq::core;
using MatD = ad::Mat<double>;

MatrixRM randn(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng, float sd) {
  std::normal_distribution<float> n(0.f, sd);
  MatrixRM m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n(rng);
  return m;
}
MatD randomOrthogonal(int n, std::mt19937_64& rng) {
  return Eigen::HouseholderQR<MatD>(randn(n, n, rng, 1.f).cast<double>()).householderQ();
}

/// hidden 12, 4 heads / 2 KV heads of 4, FFN 8, vocab 11, 2 layers; Qwen2-style q/k/v biases.
std::unique_ptr<Model> tinyModel(std::mt19937_64& rng, bool bias) {
  ModelConfig c;
  c.arch = bias ? Architecture::Qwen2 : Architecture::Llama;
  c.arch_name = "tiny";
  c.vocab_size = 11;
  c.hidden_size = 12;
  c.intermediate_size = 8;
  c.num_layers = 2;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.head_dim = 4;
  c.attention_bias = bias;
  c.tie_word_embeddings = true;
  c.use_rope = {true, false};
  ModelWeights w;
  w.embed = randn(11, 12, rng, 1.f);
  w.final_norm = (randn(12, 1, rng, 0.2f).array() + 1.f).matrix();
  for (int l = 0; l < 2; ++l) {
    BlockWeights b;
    b.attn_norm = (randn(12, 1, rng, 0.2f).array() + 1.f).matrix();
    b.mlp_norm = (randn(12, 1, rng, 0.2f).array() + 1.f).matrix();
    const int outs[7] = {16, 8, 8, 12, 8, 8, 12}, ins[7] = {12, 12, 12, 16, 12, 12, 8};
    for (int m = 0; m < 7; ++m) {
      b.linear(Module(m)).weight = randn(outs[m], ins[m], rng, 0.4f);
      if (bias && m < 3) b.linear(Module(m)).bias = randn(outs[m], 1, rng, 0.3f);
    }
    w.blocks.push_back(b);
  }
  return std::make_unique<Model>(c, std::move(w), nullptr);
}

TEST(SpinQuantGrad, RotationGradientsMatchFiniteDifferences) {
  setComputeThreads(1);
  std::mt19937_64 rng(21);
  for (bool bias : {false, true}) {
    auto model = tinyModel(rng, bias);
    untieEmbeddings(model->weights());
    foldNorms(model->weights());
    const QuantSpec fp;  // w16a16: the float network, so that the loss is differentiable
    // With an online R4 (order 8 = FFN) applied by the fast transform.
    const Rotation r4 = Rotation::random(8, 5);
    const auto p = SpinQuantProblem<double>::fromModel(*model, fp, bias ? &r4 : nullptr);
    MatD r1 = randomOrthogonal(12, rng);
    std::vector<MatD> r2 = {randomOrthogonal(4, rng), randomOrthogonal(4, rng)};
    std::vector<int> tokens(2 * 6);
    for (auto& t : tokens) t = int(rng() % 11);
    MatD dr1;
    std::vector<MatD> dr2;
    p.lossAndGrads(r1, r2, tokens, 2, &dr1, &dr2);
    const double h = 1e-6;
    auto check = [&](MatD& x, const MatD& g, const char* what) {
      double worst = 0;
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        const double keep = x.data()[i];
        x.data()[i] = keep + h;
        const double up = p.lossAndGrads(r1, r2, tokens, 2, nullptr, nullptr);
        x.data()[i] = keep - h;
        const double dn = p.lossAndGrads(r1, r2, tokens, 2, nullptr, nullptr);
        x.data()[i] = keep;
        const double num = (up - dn) / (2 * h);
        worst = std::max(worst, std::abs(g.data()[i] - num) / std::max(std::abs(num), 1e-3));
      }
      EXPECT_LT(worst, 1e-3) << what << " bias " << bias;
    };
    check(r1, dr1, "R1");
    check(r2[0], dr2[0], "R2 layer 0");
    check(r2[1], dr2[1], "R2 layer 1");
  }
}

TEST(SpinQuantGrad, FastR4EqualsTheDenseProduct) {
  // The fast transform of R4 (and its transpose in the backward) against the dense R4 matrix,
  // with 4-bit activations behind it (so that R4 matters to the loss).
  setComputeThreads(1);
  std::mt19937_64 rng(24);
  auto model = tinyModel(rng, false);
  untieEmbeddings(model->weights());
  foldNorms(model->weights());
  const Rotation r4 = Rotation::random(8, 9);
  ASSERT_TRUE(r4.isHadamard());
  auto fast = SpinQuantProblem<double>::fromModel(*model, QuantSpec::parse("w16a4"), &r4);
  auto dense = fast;
  dense.dense_r4 = true;
  const MatD r1 = randomOrthogonal(12, rng);
  const std::vector<MatD> r2 = {randomOrthogonal(4, rng), randomOrthogonal(4, rng)};
  std::vector<int> tokens(2 * 6);
  for (auto& t : tokens) t = int(rng() % 11);
  MatD g1f, g1d;
  std::vector<MatD> g2f, g2d;
  const double lf = fast.lossAndGrads(r1, r2, tokens, 2, &g1f, &g2f);
  const double ld = dense.lossAndGrads(r1, r2, tokens, 2, &g1d, &g2d);
  EXPECT_NEAR(lf, ld, 1e-12);
  EXPECT_LT((g1f - g1d).cwiseAbs().maxCoeff(), 1e-10 * g1d.cwiseAbs().maxCoeff());
  for (int l = 0; l < 2; ++l)
    EXPECT_LT((g2f[l] - g2d[l]).cwiseAbs().maxCoeff(), 1e-10 * g2d[l].cwiseAbs().maxCoeff());
}

TEST(SpinQuantGrad, TransposedRotationIsTheInverse) {
  // x·Rᵀ by applyRowsTransposed = x·dense()ᵀ, and undoes applyRows, for Sylvester (8), Paley
  // bases (12 = paley1(11), 768 = 64·12, 1408 = 32·44) and the non-Hadamard fallback (10).
  std::mt19937_64 rng(25);
  for (int n : {8, 12, 768, 1408, 10}) {
    const Rotation r = Rotation::random(n, 3);
    const MatD x = randn(3, n, rng, 1.f).cast<double>();
    MatD y = x;
    r.applyRowsTransposed(y);
    EXPECT_LT((y - x * r.dense().transpose()).cwiseAbs().maxCoeff(), 1e-12) << n;
    r.applyRows(y);
    EXPECT_LT((y - x).cwiseAbs().maxCoeff(), 1e-12) << n;
    MatrixRM xf = x.cast<float>();
    r.applyRowsTransposed(xf);
    EXPECT_LT((xf.cast<double>() - x * r.dense().transpose()).cwiseAbs().maxCoeff(), 1e-5) << n;
  }
  MatrixRM wrong(2, 7);
  EXPECT_THROW(Rotation::random(8, 1).applyRowsTransposed(wrong), Error);
}

TEST(SpinQuantGrad, FloatLossIsRotationInvariantAndMatchesTheModelForward) {
  setComputeThreads(1);
  std::mt19937_64 rng(22);
  auto model = tinyModel(rng, true);
  std::vector<int> tokens(2 * 6);
  for (auto& t : tokens) t = int(rng() % 11);
  // Cross-entropy of the original model's logits (core/model/forward.cpp), in double.
  const MatrixRM logits = model->forward(tokens, 2);
  double ref = 0;
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t + 1 < 6; ++t) {
      const auto row = logits.row(b * 6 + t).cast<double>();
      ref += std::log((row.array() - row.maxCoeff()).exp().sum()) + row.maxCoeff() -
             row(tokens[std::size_t(b * 6 + t + 1)]);
    }
  ref /= 10;
  untieEmbeddings(model->weights());
  foldNorms(model->weights());
  const auto p = SpinQuantProblem<double>::fromModel(*model, QuantSpec{}, nullptr);
  const MatD I1 = MatD::Identity(12, 12);
  const double atIdentity = p.lossAndGrads(I1, {}, tokens, 2, nullptr, nullptr);
  const MatD r1 = randomOrthogonal(12, rng);
  const std::vector<MatD> r2 = {randomOrthogonal(4, rng), randomOrthogonal(4, rng)};
  const double rotated = p.lossAndGrads(r1, r2, tokens, 2, nullptr, nullptr);
  EXPECT_NEAR(atIdentity, ref, 1e-5);
  EXPECT_NEAR(rotated, atIdentity, 1e-10);
}

TEST(SpinQuantGrad, CayleyStepStaysOrthogonalAndDescends) {
  // f(R) = ‖R − Q‖² for an orthogonal target Q: the Cayley step must keep R orthogonal and
  // lower f (its Riemannian gradient is not zero away from Q).
  std::mt19937_64 rng(23);
  MatD q = randomOrthogonal(6, rng), r = randomOrthogonal(6, rng);
  double f0 = (r - q).squaredNorm();
  for (int i = 0; i < 20; ++i) {
    cayleyStep(r, 2 * (r - q), 0.1);
    EXPECT_LT((r * r.transpose() - MatD::Identity(6, 6)).cwiseAbs().maxCoeff(), 1e-10);
  }
  EXPECT_LT((r - q).squaredNorm(), 0.5 * f0);
}

/// SGDG's step as SpinQuant's train_utils/optimizer.py (Li et al. 2020, Alg. 1) writes it, with
/// momentum 0 and on X = Rᵀ, M = −Gᵀ; its 5 fixed-point iterations of the Cayley transform run
/// here to convergence (200 iterations) so that the exact transform can be compared with it.
MatD referenceSgdgStep(const MatD& r, const MatD& g, double lr, double* alphaOut) {
  const MatD unity = r;           // p.data, rows unit-norm for orthogonal R
  const MatD V = -g.transpose();  // momentum · 0 − gᵀ
  const MatD MX = V * unity;      // torch.mm(V, unity)
  const MatD XMX = unity * MX;    // torch.mm(unity, MX)
  const MatD XXMX = unity.transpose() * XMX;
  const MatD Wh = MX - 0.5 * XXMX;
  const MatD W = Wh - Wh.transpose();
  double norm1 = 0;  // matrix_norm_one: max over columns of the column's |.| sum
  for (Eigen::Index j = 0; j < W.cols(); ++j) norm1 = std::max(norm1, W.col(j).cwiseAbs().sum());
  const double t = 0.5 * 2 / (norm1 + 1e-8);
  const double alpha = std::min(t, lr);
  const MatD X = unity.transpose();
  MatD Y = X + alpha * V;  // Cayley_loop(X, W, tan_vec = V, alpha)
  for (int i = 0; i < 200; ++i) Y = X + alpha * W * (0.5 * (X + Y));
  *alphaOut = alpha;
  return Y.transpose();
}

TEST(SpinQuantCayley, StepEqualsTheReferenceSgdgUpdate) {
  std::mt19937_64 rng(31);
  for (int n : {5, 16}) {
    const MatD r = randomOrthogonal(n, rng);
    const MatD g = randn(n, n, rng, 1.f).cast<double>();
    for (double lr : {1e-3, 0.05, 1.5}) {  // 1.5: the step cap 1/‖W‖₁ is the one that binds
      double alphaRef = 0;
      const MatD want = referenceSgdgStep(r, g, lr, &alphaRef);
      MatD got = r;
      const double alpha = cayleyStep(got, g, lr);
      EXPECT_NEAR(alpha, alphaRef, 1e-12 * alphaRef) << n << " " << lr;
      EXPECT_LT((got - want).cwiseAbs().maxCoeff(), 1e-10) << n << " " << lr;
    }
  }
}

TEST(SpinQuantCayley, FirstOrderDecreaseMatchesTheRiemannianGradient) {
  // For f(R) = ‖R·A − B‖²_F (G = 2·(R·A − B)·Aᵀ) and a small step α:
  // f(R_new) − f(R) = −α/4·‖G − R·Gᵀ·R‖²_F + O(α²) (spinquant.h). A wrong sign or transpose of
  // the skew matrix changes the sign or the size of this.
  std::mt19937_64 rng(32);
  const int n = 7;
  const MatD A = randn(n, 15, rng, 1.f).cast<double>();
  const MatD B = randomOrthogonal(n, rng) * A;
  const MatD r = randomOrthogonal(n, rng);
  auto f = [&](const MatD& x) { return (x * A - B).squaredNorm(); };
  const MatD g = 2 * (r * A - B) * A.transpose();
  MatD next = r;
  const double alpha = cayleyStep(next, g, 1e-6);
  ASSERT_EQ(alpha, 1e-6);
  const double predicted = -alpha / 4 * (g - r * g.transpose() * r).squaredNorm();
  EXPECT_LT(predicted, 0);
  EXPECT_NEAR(f(next) - f(r), predicted, 1e-4 * std::abs(predicted));
}

TEST(SpinQuantCayley, SolvesOrthogonalProcrustesMonotonically) {
  // min over orthogonal R of ‖R·A − B‖²_F with B = Q·A, Q orthogonal with det +1 (the Cayley
  // transform keeps det R = det R0 = 1): full deterministic gradient, constant small lr. The loss
  // must fall at every step and reach ≈ 0 at R = Q, with RᵀR = I throughout.
  std::mt19937_64 rng(33);
  const int n = 8;
  const MatD A = randn(n, 20, rng, 1.f).cast<double>();
  MatD Q = randomOrthogonal(n, rng);
  if (Q.determinant() < 0) Q.col(0) *= -1;
  const MatD B = Q * A;
  auto f = [&](const MatD& x) { return (x * A - B).squaredNorm(); };
  MatD r = MatD::Identity(n, n);
  const double f0 = f(r);
  double prev = f0;
  int rises = 0;
  for (int step = 0; step < 1500; ++step) {
    cayleyStep(r, 2 * (r * A - B) * A.transpose(), 0.005);
    const double now = f(r);
    if (now > prev * (1 + 1e-12) + 1e-18) ++rises;
    prev = now;
    ASSERT_LT((r.transpose() * r - MatD::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-5) << step;
  }
  EXPECT_EQ(rises, 0);
  EXPECT_LT(prev, 1e-10 * f0);
  EXPECT_LT((r - Q).cwiseAbs().maxCoeff(), 1e-5);
}

TEST(SpinQuantCayley, CosineScheduleAsTransformers) {
  // get_cosine_schedule_with_warmup(0 warm-up): lr · ½(1 + cos(π · step / steps)).
  EXPECT_DOUBLE_EQ(cosineLr(1.5, 0, 100), 1.5);
  EXPECT_NEAR(cosineLr(1.5, 50, 100), 0.75, 1e-15);
  EXPECT_NEAR(cosineLr(1.5, 25, 100), 0.75 * (1 + std::sqrt(0.5)), 1e-15);
  EXPECT_NEAR(cosineLr(1.5, 100, 100), 0, 1e-15);
  EXPECT_NEAR(cosineLr(2.0, 99, 100), 1 + std::cos(M_PI * 0.99), 1e-15);
}

}  // namespace

namespace {

TEST(SpinQuantPipeline, MethodListsWithLearnedMethods) {
  using slmq::core::parseMethods;
  EXPECT_EQ(parseMethods("spinquant"), (std::vector<std::string>{"spinquant", "rtn"}));
  EXPECT_EQ(parseMethods("gptq,spinquant"), (std::vector<std::string>{"spinquant", "gptq"}));
  EXPECT_EQ(parseMethods("omniquant"), (std::vector<std::string>{"omniquant"}));
  EXPECT_THROW(parseMethods("omniquant,gptq"), slmq::core::Error);
  EXPECT_THROW(parseMethods("omniquant,rtn"), slmq::core::Error);
  EXPECT_THROW(parseMethods("spinquant,smoothquant"), slmq::core::Error);
}

}  // namespace
