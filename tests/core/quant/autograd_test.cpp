// Finite-difference checks of every backward in core/quant/autograd (double precision, central
// differences, relative error ≤ 1e-3 as the issue asks; we see ~1e-8), plus the STE quantizers
// against the reference quantizers of core/quant/quantizer.h.
#include <gtest/gtest.h>

#include <Eigen/QR>

#include <functional>
#include <random>

#include "core/common/compute_threads.h"
#include "core/quant/autograd/decoder_grad.h"
#include "core/quant/autograd/ops.h"
#include "core/quant/quantizer.h"
#include "tests/core/quant/autograd_test_support.h"

namespace {

using namespace slmq::core;
using namespace slmq::core::ad;
using MatD = Mat<double>;
using VecD = Vec<double>;

using slmq::test::randn;
VecD randv(Eigen::Index n, std::mt19937_64& rng, double sd = 1.0, double mean = 0.0) {
  return (randn(n, 1, rng, sd).array() + mean).matrix();
}

/// Relative error of a gradient (floor 1e-3, at most 200 entries probed).
double fdError(MatD& x, const MatD& g, const std::function<double()>& f) {
  return slmq::test::fdError(x.data(), x.size(), g.data(), f, 1e-3, 200);
}
double fdError(VecD& x, const VecD& g, const std::function<double()>& f) {
  return slmq::test::fdError(x.data(), x.size(), g.data(), f, 1e-3, 200);
}
/// Σ G ⊙ Y: a scalar loss whose gradient with respect to Y is G.
double dot(const MatD& g, const MatD& y) {
  return (g.array() * y.array()).sum();
}

constexpr double kTol = 1e-3;

TEST(AutogradOps, RmsNormGradients) {
  std::mt19937_64 rng(1);
  MatD x = randn(5, 12, rng);
  VecD w = randv(12, rng, 0.3, 1.0);
  const MatD G = randn(5, 12, rng);
  VecD rstd, dw;
  rmsNormForward<double>(x, w, 1e-6, rstd);
  const MatD dx = rmsNormBackward<double>(G, x, w, rstd, &dw);
  auto f = [&] {
    VecD r;
    return dot(G, rmsNormForward<double>(x, w, 1e-6, r));
  };
  EXPECT_LT(fdError(x, dx, f), kTol);
  EXPECT_LT(fdError(w, dw, f), kTol);
}

TEST(AutogradOps, LinearGradients) {
  std::mt19937_64 rng(2);
  MatD x = randn(6, 7, rng), w = randn(5, 7, rng);
  VecD b = randv(5, rng);
  const MatD G = randn(6, 5, rng);
  MatD dw;
  VecD db;
  const MatD dx = linearBackward<double>(G, x, w, &dw, &db);
  auto f = [&] { return dot(G, linearForward<double>(x, w, b)); };
  EXPECT_LT(fdError(x, dx, f), kTol);
  EXPECT_LT(fdError(w, dw, f), kTol);
  EXPECT_LT(fdError(b, db, f), kTol);
}

TEST(AutogradOps, SwigluGradients) {
  std::mt19937_64 rng(3);
  MatD g = randn(4, 9, rng, 2.0), u = randn(4, 9, rng);
  const MatD G = randn(4, 9, rng);
  MatD dg, du;
  swigluBackward<double>(G, g, u, dg, du);
  auto f = [&] { return dot(G, swigluForward<double>(g, u)); };
  EXPECT_LT(fdError(g, dg, f), kTol);
  EXPECT_LT(fdError(u, du, f), kTol);
  // silu(1) = 1·σ(1) = 0.7310585786
  MatD one = MatD::Ones(1, 1);
  EXPECT_NEAR(swigluForward<double>(one, one)(0, 0), 0.7310585786300049, 1e-12);
}

TEST(AutogradOps, RopeBackwardIsTheTransposedRotation) {
  std::mt19937_64 rng(4);
  const int heads = 3, hd = 8, T = 5;
  RopeCache<double> rc;
  rc.fill(T, {1.0f, 0.1f, 0.01f, 0.001f}, 1.0f);
  MatD x = randn(2 * T, heads * hd, rng);
  const MatD G = randn(2 * T, heads * hd, rng);
  MatD dx = G;
  ropeApply<double>(dx, heads, hd, T, rc, true);
  auto f = [&] {
    MatD y = x;
    ropeApply<double>(y, heads, hd, T, rc, false);
    return dot(G, y);
  };
  EXPECT_LT(fdError(x, dx, f), kTol);
  // Position 1, first pair: angle 1 rad -> (x1 cos1 − x2 sin1, x2 cos1 + x1 sin1).
  MatD e = MatD::Zero(T, hd);
  e(1, 0) = 1.0;
  ropeApply<double>(e, 1, hd, T, rc, false);
  EXPECT_NEAR(e(1, 0), std::cos(1.0), 1e-12);
  EXPECT_NEAR(e(1, 4), std::sin(1.0), 1e-12);
}

TEST(AutogradOps, GqaCausalAttentionGradients) {
  std::mt19937_64 rng(5);
  const int batch = 2, T = 6, H = 4, KVH = 2, hd = 4;
  MatD q = randn(batch * T, H * hd, rng), k = randn(batch * T, KVH * hd, rng),
       v = randn(batch * T, KVH * hd, rng);
  const MatD G = randn(batch * T, H * hd, rng);
  MatD dq, dk, dv;
  attentionBackward<double>(G, q, k, v, batch, T, H, KVH, hd, dq, dk, dv);
  auto f = [&] { return dot(G, attentionForward<double>(q, k, v, batch, T, H, KVH, hd)); };
  EXPECT_LT(fdError(q, dq, f), kTol);
  EXPECT_LT(fdError(k, dk, f), kTol);
  EXPECT_LT(fdError(v, dv, f), kTol);
  // The first query sees only the first key: its output is that key's value row.
  const MatD o = attentionForward<double>(q, k, v, batch, T, H, KVH, hd);
  EXPECT_NEAR((o.row(0).segment(3 * hd, hd) - v.row(0).segment(1 * hd, hd)).norm(), 0.0, 1e-12);
}

TEST(AutogradOps, CrossEntropyGradientsAndValue) {
  std::mt19937_64 rng(6);
  const int batch = 2, T = 4, vocab = 7;
  MatD logits = randn(batch * T, vocab, rng);
  const std::vector<int> tokens = {1, 2, 3, 4, 6, 5, 0, 1};
  MatD dl;
  const double loss = crossEntropyForwardBackward<double>(logits, tokens, batch, &dl);
  auto f = [&] { return crossEntropyForwardBackward<double>(logits, tokens, batch, nullptr); };
  EXPECT_LT(fdError(logits, dl, f), kTol);
  // Hand-computed: mean over the 6 predicted rows of logsumexp(row) − row[target].
  double ref = 0;
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t + 1 < T; ++t) {
      const auto row = logits.row(b * T + t);
      ref += std::log(row.array().exp().sum()) - row(tokens[std::size_t(b * T + t + 1)]);
    }
  EXPECT_NEAR(loss, ref / 6, 1e-12);
}

TEST(AutogradOps, ActQuantMatchesReferenceAndMasksClippedValues) {
  std::mt19937_64 rng(7);
  const MatD x = randn(5, 33, rng);
  ActQuant aq;
  aq.bits = 4;
  const MatrixRM ref = fakeQuantActPerTokenReference(x.cast<float>(), aq);
  const Mat<float> got = actQuantForward<float>(x.cast<float>(), 4, 1.0f, nullptr);
  EXPECT_EQ((ref - got).cwiseAbs().maxCoeff(), 0.0f);
  MatD mask;
  actQuantForward<double>(x, 4, 0.5, &mask);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const double a = x.row(r).cwiseAbs().maxCoeff();
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      if (std::abs(x(r, c)) <= 0.5 * a) EXPECT_EQ(mask(r, c), 1.0);
    EXPECT_LT(mask.row(r).sum(), double(x.cols()));  // the absmax itself is clipped
  }
}

TEST(AutogradOps, LwcAtFullRangeIsTheReferenceQuantizer) {
  std::mt19937_64 rng(8);
  const Mat<float> w = randn(6, 40, rng).cast<float>();
  for (bool sym : {false, true})
    for (int group : {0, 16}) {
      WeightQuant q;
      q.bits = 4;
      q.symmetric = sym;
      q.granularity = group ? WeightGranularity::PerGroup : WeightGranularity::PerChannel;
      q.group_size = group ? group : 128;
      const int groups = group ? 3 : 1;  // 40 = 16 + 16 + 8 (shorter last group)
      const Mat<float> ones = Mat<float>::Ones(6, groups);
      const Mat<float> got = lwcForward<float>(w, ones, ones, LwcShape{4, group, sym});
      EXPECT_EQ((got - fakeQuantWeightReference(w, q)).cwiseAbs().maxCoeff(), 0.0f)
          << "sym " << sym << " group " << group;
    }
}

TEST(AutogradOps, LwcGradientsThroughClippingRange) {
  // With identity rounding the quantizer is piecewise smooth: ŵ = w inside [lo, hi] and the
  // clamp values outside, so γ, β and W get exact gradients that finite differences can check.
  std::mt19937_64 rng(9);
  for (bool sym : {false, true}) {
    MatD w = randn(5, 24, rng);
    std::uniform_real_distribution<double> u(0.6, 0.95);
    MatD gamma(5, 3), beta(5, 3);
    for (Eigen::Index i = 0; i < gamma.size(); ++i)
      gamma.data()[i] = u(rng), beta.data()[i] = u(rng);
    const MatD G = randn(5, 24, rng);
    const LwcShape shape{3, 8, sym};
    MatD dg, db, dw;
    lwcBackward<double>(G, w, gamma, beta, shape, dg, db, &dw, Rounding::Identity);
    auto f = [&] { return dot(G, lwcForward<double>(w, gamma, beta, shape, Rounding::Identity)); };
    EXPECT_LT(fdError(gamma, dg, f), kTol) << "sym " << sym;
    if (!sym) EXPECT_LT(fdError(beta, db, f), kTol);
    EXPECT_LT(fdError(w, dw, f), kTol) << "sym " << sym;
    EXPECT_GT(dg.cwiseAbs().maxCoeff(), 1e-3);  // not vacuous: the clamp is active
  }
}

// ---- block and network ------------------------------------------------------------------------

BlockParams<double> tinyBlock(const BlockShape& s, std::mt19937_64& rng, bool bias) {
  BlockParams<double> p;
  p.attn_norm = randv(s.hidden, rng, 0.2, 1.0);
  p.mlp_norm = randv(s.hidden, rng, 0.2, 1.0);
  const int qd = s.heads * s.head_dim, kd = s.kv_heads * s.head_dim;
  const int outs[7] = {qd, kd, kd, s.hidden, s.ffn, s.ffn, s.hidden};
  const int ins[7] = {s.hidden, s.hidden, s.hidden, qd, s.hidden, s.hidden, s.ffn};
  for (int m = 0; m < 7; ++m) {
    p.w[m] = randn(outs[m], ins[m], rng, 0.4);
    if (bias && m < 3) p.b[m] = randv(outs[m], rng, 0.3);
  }
  return p;
}

TEST(AutogradBlock, DecoderBlockGradients) {
  setComputeThreads(1);  // thousands of tiny forwards: thread start-up would dominate
  std::mt19937_64 rng(10);
  const BlockShape s = slmq::test::tinyBlockShape();
  const int batch = 2, T = 5;
  for (bool withR4 : {false, true}) {
    BlockParams<double> p = tinyBlock(s, rng, /*bias=*/true);
    MatD r4 = Eigen::HouseholderQR<MatD>(randn(s.ffn, s.ffn, rng)).householderQ();
    if (withR4) p.down_rotation = &r4;
    RopeCache<double> rope;
    rope.fill(T, s.inv_freq, s.rope_scaling);
    MatD h = randn(batch * T, s.hidden, rng);
    const MatD G = randn(batch * T, s.hidden, rng);
    BlockTape<double> tape;
    blockForward<double>(s, p, rope, h, batch, &tape);
    BlockGrads<double> g;
    const MatD dh = blockBackward<double>(s, p, rope, tape, G, batch, &g);
    auto f = [&] { return dot(G, blockForward<double>(s, p, rope, h, batch, nullptr)); };
    EXPECT_LT(fdError(h, dh, f), kTol) << "R4 " << withR4;
    EXPECT_LT(fdError(p.attn_norm, g.attn_norm, f), kTol);
    EXPECT_LT(fdError(p.mlp_norm, g.mlp_norm, f), kTol);
    for (int m = 0; m < 7; ++m) {
      EXPECT_LT(fdError(p.w[m], g.w[m], f), kTol) << moduleName(Module(m));
      if (p.b[m].size()) EXPECT_LT(fdError(p.b[m], g.b[m], f), kTol) << moduleName(Module(m));
    }
  }
}

TEST(AutogradBlock, NetworkGradientsWithNoPeLayer) {
  setComputeThreads(1);
  std::mt19937_64 rng(11);
  const BlockShape s = slmq::test::tinyBlockShape();
  const int batch = 2, T = 5, vocab = 9;
  NetParams<double> p;
  p.blocks = {tinyBlock(s, rng, false), tinyBlock(s, rng, false)};
  p.blocks[1].rope = false;
  p.final_norm = randv(s.hidden, rng, 0.2, 1.0);
  p.head = randn(vocab, s.hidden, rng);
  MatD h0 = randn(batch * T, s.hidden, rng);
  std::vector<int> tokens(batch * T);
  for (auto& t : tokens) t = int(rng() % vocab);
  NetGrads<double> g;
  networkLossAndGrads<double>(s, p, h0, tokens, batch, &g);
  auto f = [&] { return networkLossAndGrads<double>(s, p, h0, tokens, batch, nullptr); };
  EXPECT_LT(fdError(h0, g.h0, f), kTol);
  EXPECT_LT(fdError(p.head, g.head, f), kTol);
  EXPECT_LT(fdError(p.final_norm, g.final_norm, f), kTol);
  for (int m = 0; m < 7; ++m) EXPECT_LT(fdError(p.blocks[0].w[m], g.blocks[0].w[m], f), kTol);
}

TEST(AutogradBlock, FloatGradientsAgreeWithDouble) {
  // The float path (what training uses) against the double one: relative error ≤ 1e-2.
  std::mt19937_64 rng(12);
  const BlockShape s = slmq::test::tinyBlockShape();
  const int batch = 2, T = 5;
  const BlockParams<double> p = tinyBlock(s, rng, true);
  BlockParams<float> pf;
  pf.attn_norm = p.attn_norm.cast<float>();
  pf.mlp_norm = p.mlp_norm.cast<float>();
  for (int m = 0; m < 7; ++m) {
    pf.w[m] = p.w[m].cast<float>();
    pf.b[m] = p.b[m].cast<float>();
  }
  RopeCache<double> rd;
  RopeCache<float> rf;
  rd.fill(T, s.inv_freq, 1.0f);
  rf.fill(T, s.inv_freq, 1.0f);
  const MatD h = randn(batch * T, s.hidden, rng), G = randn(batch * T, s.hidden, rng);
  BlockTape<double> td;
  BlockTape<float> tf;
  blockForward<double>(s, p, rd, h, batch, &td);
  blockForward<float>(s, pf, rf, h.cast<float>(), batch, &tf);
  BlockGrads<double> gd;
  BlockGrads<float> gf;
  const MatD dd = blockBackward<double>(s, p, rd, td, G, batch, &gd);
  const Mat<float> df = blockBackward<float>(s, pf, rf, tf, G.cast<float>(), batch, &gf);
  EXPECT_LT((df.cast<double>() - dd).norm() / dd.norm(), 1e-2);
  for (int m = 0; m < 7; ++m)
    EXPECT_LT((gf.w[m].cast<double>() - gd.w[m]).norm() / gd.w[m].norm(), 1e-2);
}

}  // namespace
