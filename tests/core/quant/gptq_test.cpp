// GPTQ solver tests on synthetic matrices: equals RTN when H is diagonal (no error to push
// anywhere), lazy block updates equal the one-column-at-a-time algorithm, dead inputs are zeroed,
// and on correlated inputs the layer-output error ‖X Wᵀ − X Ŵᵀ‖² is below RTN's.
#include <gtest/gtest.h>

#include <random>

#include "core/quant/methods/gptq.h"
#include "core/quant/quantizer.h"

using namespace slmq::core;

namespace {

MatrixRM gaussian(int rows, int cols, unsigned seed, float sd = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, sd);
  MatrixRM m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = nd(rng);
  return m;
}

/// Correlated inputs with a few large channels, like real activations: X = Z·B + noise with
/// Z [n, in/2] (features live near a lower-dimensional subspace), then column scales.
MatrixRM correlatedInputs(int n, int in, unsigned seed) {
  const MatrixRM z = gaussian(n, in / 2, seed);
  const MatrixRM b = gaussian(in / 2, in, seed + 1) / std::sqrt(float(in / 2));
  MatrixRM x = z * b + 0.1f * gaussian(n, in, seed + 2);
  for (int c = 0; c < in; c += 13) x.col(c) *= 8.f;
  return x;
}

MatrixRMd hessianOf(const MatrixRM& x) {
  return (2.0 / double(x.rows())) * (x.transpose().cast<double>() * x.cast<double>());
}

WeightQuant w4g(int group, bool sym = false) {
  WeightQuant q;
  q.bits = 4;
  q.granularity = WeightGranularity::PerGroup;
  q.group_size = group;
  q.symmetric = sym;
  return q;
}

double outErr(const MatrixRM& x, const MatrixRM& w, const MatrixRM& wq) {
  return (x * (w - wq).transpose()).squaredNorm();
}

}  // namespace

TEST(Gptq, DiagonalHessianEqualsRtn) {
  const MatrixRM w = gaussian(16, 96, 1, 0.05f);
  MatrixRMd h = MatrixRMd::Zero(96, 96);
  for (int i = 0; i < 96; ++i) h(i, i) = 1.0 + i;  // diagonal: U is diagonal, nothing propagates
  for (const WeightQuant& q : {w4g(32), w4g(64, true)}) {
    MatrixRM g = w;
    gptqQuantizeMatrix(g, h, q);
    const MatrixRM r = fakeQuantWeightReference(w, q);
    EXPECT_LT((g - r).cwiseAbs().maxCoeff(), 1e-7);
  }
}

TEST(Gptq, LazyBlocksEqualColumnByColumn) {
  const MatrixRM x = correlatedInputs(512, 160, 3);
  const MatrixRM w = gaussian(24, 160, 4, 0.05f);
  const MatrixRMd h = hessianOf(x);
  GptqOptions one, lazy;
  one.block_size = 1;
  lazy.block_size = 128;
  MatrixRM a = w, b = w;
  gptqQuantizeMatrix(a, h, w4g(32), one);
  gptqQuantizeMatrix(b, h, w4g(32), lazy);
  // Mathematically identical; float rounding of the updates may flip an occasional tie.
  const double differing = ((a - b).array().abs() > 1e-6f).cast<double>().mean();
  EXPECT_LT(differing, 0.002);
}

TEST(Gptq, DeadInputsAreZeroed) {
  MatrixRM x = correlatedInputs(256, 64, 5);
  x.col(7).setZero();
  const MatrixRM w = gaussian(8, 64, 6, 0.05f);
  MatrixRM g = w;
  const GptqLayerReport r = gptqQuantizeMatrix(g, hessianOf(x), w4g(32));
  EXPECT_EQ(r.dead_inputs, 1);
  EXPECT_EQ(g.col(7).cwiseAbs().maxCoeff(), 0.f);
}

TEST(Gptq, BeatsRtnOnCorrelatedInputs) {
  const MatrixRM x = correlatedInputs(2048, 288, 7);  // 288 = 2·128 + 32: short last group
  const MatrixRM w = gaussian(64, 288, 8, 0.05f);
  const MatrixRMd h = hessianOf(x);
  for (int bits : {3, 4}) {
    WeightQuant q = w4g(128);
    q.bits = bits;
    const double rtn = outErr(x, w, fakeQuantWeight(w, q));
    for (bool actOrder : {false, true})
      for (bool staticGroups : {false, true}) {
        GptqOptions o;
        o.act_order = actOrder;
        o.static_groups = staticGroups;
        MatrixRM g = w;
        gptqQuantizeMatrix(g, h, q, o);
        const double e = outErr(x, w, g);
        EXPECT_LT(e, 0.8 * rtn) << "bits " << bits << " act_order " << actOrder;
      }
    // per-channel too
    WeightQuant pc = q;
    pc.granularity = WeightGranularity::PerChannel;
    MatrixRM g = w;
    gptqQuantizeMatrix(g, h, pc);
    EXPECT_LT(outErr(x, w, g), 0.8 * outErr(x, w, fakeQuantWeight(w, pc)));
  }
}
