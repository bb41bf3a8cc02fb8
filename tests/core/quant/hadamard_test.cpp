// Hadamard constructions: H·Hᵀ = n·I exactly for every order we claim, randomized rotations are
// orthogonal, the fast transform equals the dense product, and the fallback is documented.
#include "core/quant/hadamard.h"

#include <gtest/gtest.h>

#include <random>

#include "core/common/error.h"

namespace slmq::core {
namespace {

/// The orders we claim (the assets' models, SmolLM-135M, Qwen2.5-0.5B, and the classic bases).
const std::vector<int> kClaimedOrders = {1,   2,   4,   8,   12,   16,   20,   28,   32,  36,
                                         40,  52,  64,  76,  100,  108,  128,  244,  256, 288,
                                         512, 576, 768, 896, 1024, 1408, 1536, 2048, 4864};

TEST(Hadamard, EveryClaimedOrderIsExactlyHadamard) {
  for (int n : kClaimedOrders) {
    SCOPED_TRACE("order " + std::to_string(n));
    const auto plan = hadamardPlan(n);
    ASSERT_TRUE(plan.has_value());
    const MatrixRMi H = hadamardMatrix(n);
    ASSERT_EQ(H.rows(), n);
    EXPECT_TRUE((H.array().abs() == 1).all());
    // In float every partial sum is an integer of magnitude <= n < 2^24, so the product is exact.
    const MatrixRM Hf = H.cast<float>();
    const MatrixRM G = Hf * Hf.transpose();
    EXPECT_EQ((G - MatrixRM::Identity(n, n) * float(n)).cwiseAbs().maxCoeff(), 0.0f)
        << "H·Hᵀ != n·I";
  }
}

TEST(Hadamard, ConstructionsForTheModelSizes) {
  // The decompositions named in METHODS.md (smallest base).
  EXPECT_EQ(hadamardPlan(64)->describe(), "sylvester 2^6");
  EXPECT_EQ(hadamardPlan(288)->pow2, 8);
  EXPECT_EQ(hadamardPlan(288)->base, 36);
  EXPECT_EQ(hadamardPlan(576)->base, 36);
  EXPECT_EQ(hadamardPlan(576)->baseKind, "paley2(q=17)");
  EXPECT_EQ(hadamardPlan(896)->base, 28);
  EXPECT_EQ(hadamardPlan(896)->baseKind, "paley1(q=27)");
  EXPECT_EQ(hadamardPlan(1536)->base, 12);
  EXPECT_EQ(hadamardPlan(1536)->baseKind, "paley1(q=11)");
  // 4864 = 64 · 76 with Paley II over GF(37): a Hadamard matrix after all.
  EXPECT_EQ(hadamardPlan(4864)->base, 76);
  EXPECT_EQ(hadamardPlan(4864)->baseKind, "paley2(q=37)");
  // Prime-power fields: 28 via GF(3^3) (Paley I), 52 via GF(5^2) (Paley II), 244 via GF(3^5).
  EXPECT_EQ(hadamardPlan(52)->baseKind, "paley2(q=25)");
  EXPECT_EQ(hadamardPlan(244)->baseKind, "paley1(q=243)");
}

TEST(Hadamard, PrimePowerFieldsGiveHadamardMatrices) {
  for (int n : {28 /*q=27*/, 52 /*q=25*/, 100 /*q=49*/, 244 /*q=243*/}) {
    SCOPED_TRACE(n);
    const MatrixRMi H = hadamardMatrix(n);
    const MatrixRMi G = H * H.transpose();
    EXPECT_EQ((G - MatrixRMi::Identity(n, n) * n).cwiseAbs().maxCoeff(), 0);
  }
}

TEST(Hadamard, OrdersWithoutConstructionUseTheOrthogonalFallback) {
  for (int n : {3, 6, 19, 172, 188}) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(hadamardPlan(n).has_value());
    EXPECT_THROW(hadamardMatrix(n), Error);
    const Rotation r = Rotation::random(n, 7);
    EXPECT_FALSE(r.isHadamard());
    const MatrixRMd R = r.dense();
    EXPECT_LT((R * R.transpose() - MatrixRMd::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-12);
  }
  EXPECT_THROW(Rotation::random(0, 1), Error);
}

TEST(Hadamard, RandomizedRotationIsOrthogonalAndHadamard) {
  for (int n : {64, 288, 576, 896, 1536}) {
    SCOPED_TRACE(n);
    const Rotation r = Rotation::random(n, 1234);
    EXPECT_TRUE(r.isHadamard());
    const MatrixRMd R = r.dense();
    EXPECT_LT((R * R.transpose() - MatrixRMd::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-12);
    // R = H·diag(s)/√n exactly.
    const MatrixRMd expect =
        hadamardMatrix(n).cast<double>() * r.signs().asDiagonal() / std::sqrt(double(n));
    EXPECT_LT((R - expect).cwiseAbs().maxCoeff(), 1e-15);
    // The signs are random: neither all +1 nor all -1.
    EXPECT_GT(r.signs().sum(), -n);
    EXPECT_LT(r.signs().sum(), n);
    // Same seed, same matrix; other seed, other signs.
    EXPECT_EQ(Rotation::random(n, 1234).signs(), r.signs());
    EXPECT_NE(Rotation::random(n, 99).signs(), r.signs());
  }
}

TEST(Hadamard, FastTransformEqualsDenseProduct) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g;
  for (int n : {64, 288, 576, 896, 1536, 4864, 188}) {
    SCOPED_TRACE(n);
    const Rotation r = Rotation::random(n, 42);
    MatrixRM x(5, n);
    for (int i = 0; i < x.size(); ++i) x.data()[i] = g(rng);
    const MatrixRMd expect = x.cast<double>() * r.dense();
    MatrixRM fast = x;
    r.applyRows(fast);
    EXPECT_LT((fast.cast<double>() - expect).cwiseAbs().maxCoeff(), 1e-5);
    MatrixRMd fastD = x.cast<double>();
    r.applyRows(fastD);
    EXPECT_LT((fastD - expect).cwiseAbs().maxCoeff(), 1e-12);
    // Orthogonal: norms preserved.
    EXPECT_NEAR(fast.norm(), x.norm(), 1e-4 * x.norm());
  }
  MatrixRM bad(2, 10);
  EXPECT_THROW(Rotation::random(64, 1).applyRows(bad), Error);
}

TEST(Hadamard, FwhtMatchesSylvester) {
  MatrixRM x = MatrixRM::Random(3, 256);
  const MatrixRM expect = x * hadamardMatrix(256).cast<float>();
  fwhtRows(x);
  EXPECT_LT((x - expect).cwiseAbs().maxCoeff(), 1e-4);
  MatrixRM bad(1, 12);
  EXPECT_THROW(fwhtRows(bad), Error);
}

}  // namespace
}  // namespace slmq::core
