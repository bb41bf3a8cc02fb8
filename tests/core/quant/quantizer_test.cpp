// Quantizer tests: hand-computed cases of DESIGN.md's RTN convention (half to even as
// torch.round), fast versions against the scalar reference, and per-bit-width error limits in the
// manner of llama.cpp's test-quantize-fns.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/common/error.h"
#include "core/quant/quantizer.h"

using namespace slmq::core;

namespace {

MatrixRM randomMatrix(int rows, int cols, unsigned seed, float outlierEvery = 0) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, 0.05f);
  MatrixRM m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m(r, c) = nd(rng);
  if (outlierEvery > 0)
    for (int c = 0; c < cols; c += int(outlierEvery)) m.col(c) *= 20.f;
  return m;
}

WeightQuant wq(int bits, WeightGranularity g, int group, bool sym) {
  WeightQuant q;
  q.bits = bits;
  q.granularity = g;
  q.group_size = group;
  q.symmetric = sym;
  return q;
}

}  // namespace

// min = -1, max = 2, 2 bits asym: s = 3/3 = 1, z = round(1) = 1, q = clamp(round(x)+1, 0, 3):
// -1 -> 0, 0 -> 1, 0.5 -> round(0.5)=0 (half to even) -> 1, 2 -> 3; x̂ = q - z = -1, 0, 0, 2.
TEST(Quantizer, Asym2BitHandComputed) {
  const float x[4] = {-1.f, 0.f, 0.5f, 2.f};
  std::int8_t codes[4];
  float xhat[4];
  const QuantParams p = quantizeRowReference(x, 4, 2, false, 1.f, codes, xhat);
  EXPECT_FLOAT_EQ(p.scale, 1.f);
  EXPECT_FLOAT_EQ(p.zero + 2.f, 1.f);  // unsigned zero point z = 1
  const int unsignedCodes[4] = {0, 1, 1, 3};
  const float expected[4] = {-1.f, 0.f, 0.f, 2.f};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(codes[i] + 2, unsignedCodes[i]) << i;
    EXPECT_FLOAT_EQ(xhat[i], expected[i]) << i;
  }
}

// Symmetric 8 bit with absmax 127 gives s = 1, so x/s is x: 2.5 -> 2, -2.5 -> -2, 3.5 -> 4,
// 0.5 -> 0, -0.5 -> -0 (torch.round). -127 stays -127 (the code -128 is never produced by RTN).
TEST(Quantizer, SymHalfToEven) {
  const float x[7] = {127.f, 2.5f, -2.5f, 3.5f, 0.5f, -0.5f, -127.f};
  std::int8_t codes[7];
  float xhat[7];
  const QuantParams p = quantizeRowReference(x, 7, 8, true, 1.f, codes, xhat);
  EXPECT_FLOAT_EQ(p.scale, 1.f);
  EXPECT_FLOAT_EQ(p.zero, 0.f);
  const int expected[7] = {127, 2, -2, 4, 0, 0, -127};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(codes[i], expected[i]) << i;
  // The fast path on the same row.
  MatrixRM m(1, 7);
  for (int i = 0; i < 7; ++i) m(0, i) = x[i];
  const MatrixRM f = fakeQuantWeight(m, wq(8, WeightGranularity::PerChannel, 0, true));
  for (int i = 0; i < 7; ++i) EXPECT_FLOAT_EQ(f(0, i), float(expected[i])) << i;
}

// Asymmetric 4 bit of [0.1, 0.2, 0.3]: min clamps to 0, s = 0.3/15 = 0.02, z = 0, and
// 0.1/0.02 = 5, 0.2/0.02 = 10, 0.3/0.02 = 15: codes exactly (up to float rounding of x/s).
TEST(Quantizer, AsymMinClampedToZero) {
  const float x[3] = {0.1f, 0.2f, 0.3f};
  std::int8_t codes[3];
  float xhat[3];
  const QuantParams p = quantizeRowReference(x, 3, 4, false, 1.f, codes, xhat);
  EXPECT_NEAR(p.scale, 0.02f, 1e-8);
  EXPECT_FLOAT_EQ(p.zero + 8.f, 0.f);
  EXPECT_EQ(codes[0] + 8, 5);
  EXPECT_EQ(codes[1] + 8, 10);
  EXPECT_EQ(codes[2] + 8, 15);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(xhat[i], x[i], 1e-6);
}

// 3 bit symmetric: s = absmax / 3. Row [0.75, -0.375, 0.125, -0.75]: s = 0.25 (exact);
// -0.375/0.25 = -1.5 -> -2, 0.125/0.25 = 0.5 -> 0; x̂ = [0.75, -0.5, 0, -0.75].
TEST(Quantizer, Sym3BitHandComputed) {
  MatrixRM m(1, 4);
  m << 0.75f, -0.375f, 0.125f, -0.75f;
  QuantizedTensor t;
  const MatrixRM r = fakeQuantWeightReference(m, wq(3, WeightGranularity::PerChannel, 0, true), &t);
  EXPECT_FLOAT_EQ(r(0, 0), 0.75f);
  EXPECT_FLOAT_EQ(r(0, 1), -0.5f);
  EXPECT_FLOAT_EQ(r(0, 2), 0.f);
  EXPECT_FLOAT_EQ(r(0, 3), -0.75f);
  EXPECT_EQ(t.codes[1], -2);
  EXPECT_EQ(t.codes[0], 3);
  EXPECT_FLOAT_EQ(t.scales(0, 0), 0.25f);
}

// A group of 4 over 6 columns: the last group of 2 is quantized on its own range.
TEST(Quantizer, ShorterLastGroupOnItsOwn) {
  MatrixRM m(1, 6);
  m << 1.f, -1.f, 0.5f, 0.25f, 0.09375f, -0.4375f;
  QuantizedTensor t;
  const MatrixRM r = fakeQuantWeight(m, wq(4, WeightGranularity::PerGroup, 4, true), &t);
  ASSERT_EQ(t.groups(), 2);
  EXPECT_NEAR(t.scales(0, 0), 1.f / 7.f, 1e-7);
  EXPECT_FLOAT_EQ(t.scales(0, 1), 0.0625f);  // 0.4375 / 7 = 1/16
  EXPECT_FLOAT_EQ(r(0, 5), -0.4375f);
  EXPECT_FLOAT_EQ(r(0, 4), 0.125f);  // 0.09375·16 = 1.5 -> 2 (half to even) -> 2/16
  EXPECT_EQ(t.codes[4], 2);
}

TEST(Quantizer, AllZeroGroupStaysZero) {
  MatrixRM m = MatrixRM::Zero(2, 8);
  for (bool sym : {true, false}) {
    const MatrixRM r = fakeQuantWeight(m, wq(4, WeightGranularity::PerGroup, 4, sym));
    EXPECT_EQ(r.cwiseAbs().maxCoeff(), 0.f);
    const MatrixRM ref = fakeQuantWeightReference(m, wq(4, WeightGranularity::PerGroup, 4, sym));
    EXPECT_EQ(ref.cwiseAbs().maxCoeff(), 0.f);
  }
}

// Fast vs reference: the fast version is built to be bit-identical (same division, rounding
// half to even by the 1.5·2^23 trick); any difference is a bug.
TEST(Quantizer, FastMatchesReferenceEveryScheme) {
  const MatrixRM w = randomMatrix(37, 300, 7, 17);  // 300 = 2·128 + 44: a short last group
  for (int bits = 2; bits <= 8; ++bits)
    for (bool sym : {true, false})
      for (auto g : {WeightGranularity::PerTensor, WeightGranularity::PerChannel,
                     WeightGranularity::PerGroup})
        for (int group : {32, 128}) {
          WeightQuant q = wq(bits, g, group, sym);
          QuantizedTensor pr, pf;
          const MatrixRM ref = fakeQuantWeightReference(w, q, &pr);
          const MatrixRM fast = fakeQuantWeight(w, q, &pf);
          ASSERT_EQ(pr.codes, pf.codes) << "bits " << bits << " sym " << sym;
          ASSERT_EQ((ref - fast).cwiseAbs().maxCoeff(), 0.f) << "bits " << bits;
          ASSERT_EQ((pr.scales - pf.scales).cwiseAbs().maxCoeff(), 0.f);
          ASSERT_EQ((pr.zeros - pf.zeros).cwiseAbs().maxCoeff(), 0.f);
          ASSERT_EQ((pf.dequantize() - fast).cwiseAbs().maxCoeff(), 0.f);
          MatrixRM inplace = w;
          fakeQuantWeightInPlace(inplace, q);
          ASSERT_EQ((inplace - fast).cwiseAbs().maxCoeff(), 0.f);
          // codes lie in the signed range
          for (auto c : pf.codes) {
            ASSERT_GE(c, codeMin(bits));
            ASSERT_LE(c, codeMax(bits));
          }
        }
}

// Per-bit-width limits: every element is within half a step of its value (no clipping), and the
// RMS error of Gaussian data is close to the uniform-noise value step/sqrt(12). The relative RMS
// error (error / RMS of x) is bounded per bit width as llama.cpp's test-quantize-fns does.
TEST(Quantizer, PerBitWidthErrorLimits) {
  const MatrixRM w = randomMatrix(64, 512, 11);
  // Upper bounds of ‖Ŵ − W‖_rms / ‖W‖_rms for per-group-128 asymmetric quantization of Gaussian
  // data (the range of 128 Gaussians is about ±2.6σ: step ≈ 5.2σ/(2^b−1), rms ≈ step/√12).
  const double limit[9] = {0, 0, 0.60, 0.25, 0.115, 0.056, 0.028, 0.014, 0.007};
  for (int bits = 2; bits <= 8; ++bits) {
    QuantizedTensor t;
    const WeightQuant q = wq(bits, WeightGranularity::PerGroup, 128, false);
    const MatrixRM r = fakeQuantWeight(w, q, &t);
    for (int row = 0; row < w.rows(); ++row)
      for (int c = 0; c < w.cols(); ++c)
        ASSERT_LE(std::fabs(r(row, c) - w(row, c)), 0.5f * t.scales(row, c / 128) * 1.0001f);
    const double rel = std::sqrt((r - w).squaredNorm() / w.squaredNorm());
    EXPECT_LT(rel, limit[bits]) << "bits " << bits;
    EXPECT_GT(rel, limit[bits] / 4) << "bits " << bits << " suspiciously small error";
  }
}

TEST(Quantizer, ActivationPerTokenMatchesReference) {
  const MatrixRM x = randomMatrix(19, 288, 3, 31);
  for (int bits : {4, 6, 8}) {
    ActQuant a;
    a.bits = bits;
    const MatrixRM ref = fakeQuantActPerTokenReference(x, a);
    MatrixRM fast = x;
    fakeQuantActPerToken(fast, a);
    ASSERT_EQ((ref - fast).cwiseAbs().maxCoeff(), 0.f) << bits;
    // each token's absmax is preserved exactly (it maps to the largest code)
    for (int r = 0; r < x.rows(); ++r)
      EXPECT_FLOAT_EQ(fast.row(r).cwiseAbs().maxCoeff(), x.row(r).cwiseAbs().maxCoeff());
  }
}

// Static per-tensor: scale 0.5, 4 bits: codes clamp to [-8, 7] -> values in [-4, 3.5];
// 1.25/0.5 = 2.5 -> 2 -> 1.0; 100 -> 3.5; -100 -> -4.
TEST(Quantizer, ActivationStaticClamps) {
  MatrixRM x(1, 4);
  x << 1.25f, 100.f, -100.f, 0.3f;
  fakeQuantActStatic(x, 0.5f, 4);
  EXPECT_FLOAT_EQ(x(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(x(0, 1), 3.5f);
  EXPECT_FLOAT_EQ(x(0, 2), -4.0f);
  EXPECT_FLOAT_EQ(x(0, 3), 0.5f);
  EXPECT_THROW(fakeQuantActStatic(x, 0.f, 4), Error);
}

TEST(Quantizer, ClipRatioShrinksRange) {
  MatrixRM m(1, 3);
  m << 1.f, 0.5f, -0.2f;
  WeightQuant q = wq(8, WeightGranularity::PerChannel, 0, true);
  q.clip_ratio = 0.5f;
  QuantizedTensor t;
  const MatrixRM r = fakeQuantWeight(m, q, &t);
  EXPECT_NEAR(t.scales(0, 0), 0.5f / 127.f, 1e-9);
  EXPECT_NEAR(r(0, 0), 0.5f, 1e-6);  // clipped
  EXPECT_NEAR(r(0, 1), 0.5f, 1e-6);
}

TEST(Quantizer, RejectsBadBits) {
  MatrixRM m = MatrixRM::Ones(2, 2);
  EXPECT_THROW(fakeQuantWeight(m, wq(1, WeightGranularity::PerChannel, 0, true)), Error);
  EXPECT_THROW(fakeQuantWeight(m, wq(9, WeightGranularity::PerChannel, 0, true)), Error);
  EXPECT_EQ(fakeQuantWeight(m, wq(16, WeightGranularity::PerChannel, 0, true)), m);
}
