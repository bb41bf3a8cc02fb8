// Packed low-bit kernels against the fake-quant reference: y = fakeQuantAct(x) · Ŵᵀ with Ŵ the
// reference quantizer's dequantized weights, computed here in double. Both the AVX2 and the
// portable path, prefill-sized and decode-sized token counts, odd shapes (hidden 288 with a
// shorter last group, 172 needing padding, odd row counts), clipped activations; the int4 ×
// float kernels at every group shape and small token count, and near-zero groups.
#include "core/quant/kernels/packed_linear.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/testlib/kernel_test_data.h"

namespace slmq::core {
namespace {

using test::actQuant;
using test::randomMatrix;
using test::weightQuant;

struct Case {
  const char* name;
  WeightQuant w;
  ActQuant a;
};

/// Checks |y − ref| ≤ tol · Σ_k |x̂_ik Ŵ_jk| element-wise (float rounding of a K-term sum).
void expectMatchesReference(const PackedLinear& kernel, const MatrixRM& x, const MatrixRM& w,
                            const Case& c, KernelIsa isa) {
  MatrixRM wref = fakeQuantWeightReference(w, c.w);
  const MatrixRM xref = c.a.enabled() ? fakeQuantActPerTokenReference(x, c.a) : x;
  const MatrixRMd ref = xref.cast<double>() * wref.cast<double>().transpose();
  const MatrixRMd mag = xref.cast<double>().cwiseAbs() * wref.cast<double>().cwiseAbs().transpose();
  MatrixRM y;
  kernel.apply(x, y, isa);
  ASSERT_EQ(y.rows(), x.rows());
  ASSERT_EQ(y.cols(), w.rows());
  double worst = 0;
  for (int i = 0; i < y.rows(); ++i)
    for (int j = 0; j < y.cols(); ++j)
      worst = std::max(worst, std::abs(double(y(i, j)) - ref(i, j)) / (mag(i, j) + 1e-30));
  EXPECT_LT(worst, 2e-6) << c.name << " " << kernelIsaName(isa) << " M=" << x.rows()
                         << " K=" << x.cols() << " N=" << w.rows();
}

std::vector<KernelIsa> isas() {
  std::vector<KernelIsa> v{KernelIsa::Portable};
  if (kernelIsaSupported(KernelIsa::Avx2)) v.push_back(KernelIsa::Avx2);
  if (kernelIsaSupported(KernelIsa::Avx512Vnni)) v.push_back(KernelIsa::Avx512Vnni);
  return v;
}

TEST(PackedKernels, MatchFakeQuantReference) {
  const std::vector<Case> cases = {
      {"W8A8 per-channel sym", weightQuant(8, 0, true), actQuant(8)},
      {"W8A8 per-channel asym", weightQuant(8, 0, false), actQuant(8)},
      {"W8A16 per-channel sym", weightQuant(8, 0, true), actQuant(16)},
      {"W4A16 g128 asym", weightQuant(4, 128, false), actQuant(16)},
      {"W4A16 g32 sym", weightQuant(4, 32, true), actQuant(16)},
      {"W4A8 g128 asym", weightQuant(4, 128, false), actQuant(8)},
      {"W4A8 g64 sym", weightQuant(4, 64, true), actQuant(8)},
      {"W4A8 per-channel asym", weightQuant(4, 0, false), actQuant(8)},
      {"W3A8 g64 asym", weightQuant(3, 64, false), actQuant(8)},
      {"W4A4 g128 sym", weightQuant(4, 128, true), actQuant(4)},
      {"W8A8 clip 0.9", weightQuant(8, 0, true), actQuant(8, 0.9f)},
  };
  // (K, N): hidden 288 (groups 128, 128, 32), 172 (needs padding), 768, odd N.
  const std::vector<std::pair<int, int>> shapes = {{288, 96}, {172, 13}, {768, 288}, {64, 7}};
  for (const Case& c : cases)
    for (auto [K, N] : shapes) {
      const MatrixRM w = randomMatrix(N, K, 1 + K + N, 0) * 0.05f;
      const QuantizedTensor qt = quantizeWeight(w, c.w);
      const PackedLinear kernel(qt, c.a);
      EXPECT_EQ(kernel.out(), N);
      EXPECT_EQ(kernel.in(), K);
      // Packing is lossless: the kernel's dequantized weights equal the reference's exactly.
      EXPECT_EQ(kernel.dequantizedWeight(), qt.dequantize()) << c.name;
      for (int M : {1, 3, 4, 9, 40}) {
        const MatrixRM x = randomMatrix(M, K, 100 + M, 17);
        for (KernelIsa isa : isas()) expectMatchesReference(kernel, x, w, c, isa);
      }
    }
}

// The fused float-activation kernels (below PackedLinear::kFloatGemmMinTokens) tile 1..4 tokens ×
// 1, 2 or 4 rows and walk groups in 32-element chunks: group sizes that are not a multiple of 32
// (48, 96 padded inside every group), a shorter last group (300 = 2·128 + 44), one group per row,
// 2- and 3-bit codes in nibbles, row counts leaving tails (37), every token count up to 5, 15,
// and 17 (the dequantize + GEMM path). Activations with a large common offset, so that Σ x per
// group is far from zero.
TEST(PackedKernels, FloatActivationsInt4AtEveryGroupShapeAndTokenCount) {
  const std::vector<std::pair<Case, int>> cases = {
      {{"W4A16 g48 asym", weightQuant(4, 48, false), actQuant(16)}, 288},
      {{"W4A16 g96 sym", weightQuant(4, 96, true), actQuant(16)}, 288},
      {{"W4A16 g128 asym, last group 44", weightQuant(4, 128, false), actQuant(16)}, 300},
      {{"W4A16 per-channel asym", weightQuant(4, 0, false), actQuant(16)}, 200},
      {{"W3A16 g64 asym", weightQuant(3, 64, false), actQuant(16)}, 160},
      {{"W2A16 g32 sym", weightQuant(2, 32, true), actQuant(16)}, 96},
  };
  const int N = 37;
  for (const auto& [c, K] : cases) {
    const MatrixRM w = randomMatrix(N, K, 7 + K, 0) * 0.05f;
    const PackedLinear kernel(quantizeWeight(w, c.w), c.a);
    for (int M : {1, 2, 3, 4, 5, 15, 17}) {
      const MatrixRM x = (randomMatrix(M, K, 200 + M, 13).array() + 3.f).matrix();
      for (KernelIsa isa : isas()) expectMatchesReference(kernel, x, w, c, isa);
    }
  }
}

// Groups whose codes nearly all equal the zero point (tiny weights beside one large one per
// group: Ŵ is 0 there) under activations with a large offset. The reference's error bound
// Σ|x̂·Ŵ| is then small, and a kernel that computed Σ code·x − zero·Σ x in float would lose
// digits to cancellation far beyond it; the kernels subtract the zero point exactly.
TEST(PackedKernels, FloatActivationsNearZeroGroupsStayWithinRounding) {
  const int K = 256, N = 9;
  MatrixRM w = randomMatrix(N, K, 21) * 1e-4f;
  for (int r = 0; r < N; ++r)
    for (int g = 0; g < K / 64; ++g) w(r, g * 64 + (r * 7 + g * 5) % 64) = 1.f;
  for (const Case& c : {Case{"W4A16 g64 asym", weightQuant(4, 64, false), actQuant(16)},
                        Case{"W4A16 g64 sym", weightQuant(4, 64, true), actQuant(16)}}) {
    const PackedLinear kernel(quantizeWeight(w, c.w), c.a);
    for (int M : {1, 2, 4}) {
      const MatrixRM x = (randomMatrix(M, K, 300 + M).array() + 8.f).matrix();
      for (KernelIsa isa : isas()) expectMatchesReference(kernel, x, w, c, isa);
    }
  }
}

TEST(PackedKernels, ActivationCodesEqualReferenceIncludingClippedMinus128) {
  const int K = 288;
  const MatrixRM w = randomMatrix(8, K, 3);
  const PackedLinear kernel(quantizeWeight(w, weightQuant(8, 0, true)), actQuant(8, 0.9f));
  kernels_detail::PackedView v;
  v.N = 8;
  v.K = K;
  v.G = K;
  v.ng = 1;
  v.gpad = v.lastPad = v.kpad = K;
  MatrixRM x = randomMatrix(6, K, 9, 11);
  x(2, 5) = -1000.f;  // a clipped negative extreme -> code −128
  std::vector<std::int16_t> codes(6 * K);
  std::vector<float> sx(6);
  std::vector<std::int32_t> sums(6);
  quantizeActivationsPerToken(x, actQuant(8, 0.9f), v, codes.data(), sx.data(), sums.data(), 1);
  const MatrixRM ref = fakeQuantActPerTokenReference(x, actQuant(8, 0.9f));
  bool sawMinus128 = false;
  for (int i = 0; i < 6; ++i) {
    int sum = 0;
    for (int k = 0; k < K; ++k) {
      EXPECT_EQ(sx[i] * float(codes[i * K + k]), ref(i, k)) << i << "," << k;
      sum += codes[i * K + k];
      sawMinus128 = sawMinus128 || codes[i * K + k] == -128;
    }
    EXPECT_EQ(sums[i], sum);
  }
  EXPECT_TRUE(sawMinus128);
}

TEST(PackedKernels, StorageBytesAreThePackedSizes) {
  const MatrixRM w = randomMatrix(64, 256, 4);
  // int4 g128 asym: 64·256/2 bytes of nibbles + 64·2 float scales + 64·2 one-byte zero points.
  EXPECT_EQ(
      PackedLinear(quantizeWeight(w, weightQuant(4, 128, false)), actQuant(16)).storageBytes(),
      64u * 128 + 64 * 2 * 4 + 64 * 2);
  // int4 g128 sym: no zero points stored.
  EXPECT_EQ(PackedLinear(quantizeWeight(w, weightQuant(4, 128, true)), actQuant(16)).storageBytes(),
            64u * 128 + 64 * 2 * 4);
  // int8 per-channel sym: one byte per weight + one scale per row.
  EXPECT_EQ(PackedLinear(quantizeWeight(w, weightQuant(8, 0, true)), actQuant(8)).storageBytes(),
            64u * 256 + 64 * 4);
}

TEST(PackedKernels, RejectsBadInput) {
  const MatrixRM w = randomMatrix(4, 64, 5);
  QuantizedTensor qt = quantizeWeight(w, weightQuant(4, 32, false));
  const PackedLinear kernel(qt, actQuant(8));
  MatrixRM y;
  EXPECT_THROW(kernel.apply(MatrixRM::Zero(2, 63), y), Error);
  ActQuant asym = actQuant(8);
  asym.symmetric = false;
  try {
    PackedLinear bad(qt, asym);
    ADD_FAILURE() << "asymmetric activations accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
  }
  QuantizedTensor broken = qt;
  broken.codes[7] = 9;  // outside the 4-bit range
  EXPECT_THROW(PackedLinear(broken, actQuant(8)), Error);
  broken = qt;
  broken.codes.pop_back();
  EXPECT_THROW(PackedLinear(broken, actQuant(8)), Error);
  broken = qt;
  broken.scales(1, 0) = 0.f;
  EXPECT_THROW(PackedLinear(broken, actQuant(8)), Error);
}

TEST(PackedKernels, EmptyBatchGivesEmptyOutput) {
  const MatrixRM w = randomMatrix(4, 64, 6);
  const PackedLinear kernel(quantizeWeight(w, weightQuant(8, 0, true)), actQuant(8));
  MatrixRM y;
  kernel.apply(MatrixRM(0, 64), y);
  EXPECT_EQ(y.rows(), 0);
  EXPECT_EQ(y.cols(), 4);
}

}  // namespace
}  // namespace slmq::core
