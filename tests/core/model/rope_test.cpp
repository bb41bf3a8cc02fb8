// RoPE against the formulas: default inv_freq = θ^(−2i/d); linear divides by the factor;
// Llama-3 keeps high frequencies, divides low ones by the factor and blends the band between;
// YaRN's attention factor is 0.1·ln(s) + 1 (its paper's mscale); rotation is the complex product
// (x1 + i·x2)·e^{i·pos·f} in transformers' rotate-half layout.
#include <gtest/gtest.h>

#include <cmath>

#include "core/model/rope.h"

using namespace slmq::core;

TEST(Rope, DefaultInvFreqIsThetaToTheMinusTwoIOverD) {
  RopeConfig r;
  r.theta = 10000;
  const auto f = ropeInvFreq(r, 32);
  ASSERT_EQ(f.size(), 16u);
  for (int i = 0; i < 16; ++i)
    EXPECT_NEAR(f[std::size_t(i)], std::pow(10000.0, -2.0 * i / 32),
                2e-7 * std::pow(10000.0, -2.0 * i / 32));
  EXPECT_EQ(f[0], 1.0f);
  EXPECT_EQ(ropeAttentionScaling(r), 1.0f);
}

TEST(Rope, LinearDividesByFactor) {
  RopeConfig d, l;
  l.type = RopeType::Linear;
  l.factor = 4;
  const auto fd = ropeInvFreq(d, 64), fl = ropeInvFreq(l, 64);
  for (std::size_t i = 0; i < fd.size(); ++i) EXPECT_EQ(fl[i], fd[i] / 4.0f);
}

TEST(Rope, Llama3KeepsHighFrequenciesAndScalesLowOnes) {
  RopeConfig d, r;
  d.theta = r.theta = 500000;
  r.type = RopeType::Llama3;
  r.factor = 8;
  r.low_freq_factor = 1;
  r.high_freq_factor = 4;
  r.original_max_positions = 256;
  const auto fd = ropeInvFreq(d, 32), f = ropeInvFreq(r, 32);
  for (std::size_t i = 0; i < fd.size(); ++i) {
    const double wavelen = 2 * M_PI / fd[i];
    if (wavelen < 256.0 / 4)
      EXPECT_EQ(f[i], fd[i]) << i;  // high frequency: untouched
    else if (wavelen > 256.0 / 1)
      EXPECT_FLOAT_EQ(f[i], fd[i] / 8) << i;  // low frequency: divided by the factor
    else {
      const double s = (256.0 / wavelen - 1) / (4 - 1);
      EXPECT_NEAR(f[i], (1 - s) * fd[i] / 8 + s * fd[i], 1e-6 * fd[i]) << i;
    }
  }
}

TEST(Rope, YarnAttentionFactorAndFrequencyRange) {
  RopeConfig r;
  r.type = RopeType::Yarn;
  r.factor = 4;
  r.original_max_positions = 256;
  EXPECT_FLOAT_EQ(ropeAttentionScaling(r), float(0.1 * std::log(4.0) + 1));
  RopeConfig d;
  const auto fd = ropeInvFreq(d, 32), f = ropeInvFreq(r, 32);
  EXPECT_EQ(f[0], fd[0]);                    // fastest dims extrapolate (unchanged)
  EXPECT_FLOAT_EQ(f.back(), fd.back() / 4);  // slowest dims interpolate (divided by s)
  for (std::size_t i = 0; i < f.size(); ++i) {
    EXPECT_LE(f[i], fd[i] * 1.0000001f);
    EXPECT_GE(f[i], fd[i] / 4 * 0.9999999f);
  }
}

TEST(Rope, ApplyIsAComplexRotationInRotateHalfLayout) {
  RopeConfig r;
  const auto inv = ropeInvFreq(r, 8);
  RopeTable t;
  t.fill(5, 3, inv, 1.0f);  // positions 5, 6, 7
  float x[8] = {1, 2, 3, 4, -1, 0.5f, 2, -3};
  const float orig[8] = {1, 2, 3, 4, -1, 0.5f, 2, -3};
  applyRope(x, t.cosAt(6), t.sinAt(6), 4);
  for (int i = 0; i < 4; ++i) {
    const double a = 6.0 * inv[std::size_t(i)];
    EXPECT_NEAR(x[i], orig[i] * std::cos(a) - orig[i + 4] * std::sin(a), 1e-6);
    EXPECT_NEAR(x[i + 4], orig[i + 4] * std::cos(a) + orig[i] * std::sin(a), 1e-6);
  }
}
