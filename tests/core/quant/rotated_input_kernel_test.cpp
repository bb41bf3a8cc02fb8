// RotatedInputKernel (the online R4 inside a packed down_proj) against the definition
//   y = fakeQuantActPerToken(x·R) · Ŵᵀ,  Ŵ = the packed codes dequantized, R = Rotation::dense()
// computed with a dense double product (not the fast transform under test): W8A8, W4A8 and W4A16
// inner kernels, a Hadamard order with a Paley base (192 = 16·12), a power of two (256) and an
// order without construction (the dense random-orthogonal fallback, 90); prefill and decode row
// counts in turn (the per-thread scratch is resized). attachOnlineR4 / detachOnlineR4 on a model's
// weights, and the refusals (no packed kernel, wrapped twice, order mismatch).
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "core/common/error.h"
#include "core/quant/hadamard.h"
#include "core/quant/kernels/packed_linear.h"
#include "core/quant/quantizer.h"
#include "core/quant/rotation/rotated_input_kernel.h"

using namespace slmq::core;

namespace {

MatrixRM randn(int r, int c, std::mt19937& g, float sd) {
  std::normal_distribution<float> n(0.f, sd);
  MatrixRM m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n(g);
  return m;
}

struct Scheme {
  int wbits;
  int abits;  ///< 16 = float activations
};

class RotatedInputKernelTest : public ::testing::TestWithParam<std::tuple<int, Scheme>> {};

TEST_P(RotatedInputKernelTest, EqualsQuantizedProductOfTheDenselyRotatedInput) {
  const auto [n, s] = GetParam();
  std::mt19937 g(n * 31 + s.wbits);
  const int out = 48;
  const Rotation r = Rotation::random(n, 5, true);
  EXPECT_EQ(r.isHadamard(), n != 90) << r.construction();
  WeightQuant wq;
  wq.bits = s.wbits;
  ActQuant aq;
  aq.bits = s.abits;
  aq.clip_ratio = s.abits < 16 ? 0.9f : 1.f;
  const QuantizedTensor codes = quantizeWeight(randn(out, n, g, 0.1f), wq);
  const MatrixRM What = codes.dequantize();
  auto inner = std::make_shared<const PackedLinear>(codes, aq);
  const RotatedInputKernel k(inner, r);
  EXPECT_EQ(k.inFeatures(), n);
  EXPECT_EQ(k.outFeatures(), out);
  EXPECT_EQ(k.storageBytes(), inner->storageBytes());
  EXPECT_NE(k.describe().find("online R4 (order " + std::to_string(n) + ") then "),
            std::string::npos);
  const MatrixRMd R = r.dense();
  for (int rows : {7, 1, 33, 1}) {
    MatrixRM x = randn(rows, n, g, 1.f);
    x.col(3) *= 20.f;  // an outlier channel, what R4 is there to spread
    MatrixRM xr = (x.cast<double>() * R).cast<float>();
    if (aq.enabled()) fakeQuantActPerToken(xr, aq);
    const MatrixRM ref = (xr.cast<double>() * What.cast<double>().transpose()).cast<float>();
    MatrixRM y;
    k.apply(x, y);
    ASSERT_EQ(y.rows(), rows);
    ASSERT_EQ(y.cols(), out);
    const float err = (y - ref).cwiseAbs().maxCoeff();
    EXPECT_LE(err, 2e-5f * ref.cwiseAbs().maxCoeff())
        << "n " << n << " w" << s.wbits << "a" << s.abits << " rows " << rows;
  }
}

INSTANTIATE_TEST_SUITE_P(Orders, RotatedInputKernelTest,
                         ::testing::Combine(::testing::Values(192, 256, 90),
                                            ::testing::Values(Scheme{8, 8}, Scheme{4, 8},
                                                              Scheme{4, 16})));

ModelWeights packedDownWeights(int blocks, int n, std::mt19937& g) {
  ModelWeights w;
  w.blocks.resize(std::size_t(blocks));
  WeightQuant wq;
  wq.bits = 8;
  ActQuant aq;
  aq.bits = 8;
  for (auto& b : w.blocks)
    b.down.kernel =
        std::make_shared<const PackedLinear>(quantizeWeight(randn(16, n, g, 0.1f), wq), aq);
  return w;
}

TEST(AttachOnlineR4, WrapsEveryDownProjOnceAndDetachRestoresThem) {
  std::mt19937 g(3);
  const Rotation r = Rotation::random(64, 1, false);
  ModelWeights w = packedDownWeights(3, 64, g);
  const LinearKernel* first = w.blocks[0].down.kernel.get();
  EXPECT_EQ(attachOnlineR4(w, r), 3);
  for (const auto& b : w.blocks) {
    const auto* k = dynamic_cast<const RotatedInputKernel*>(b.down.kernel.get());
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(&k->rotation(), &r);
  }
  EXPECT_EQ(&dynamic_cast<const RotatedInputKernel&>(*w.blocks[0].down.kernel).inner(), first);
  EXPECT_THROW(attachOnlineR4(w, r), Error);  // already wrapped
  EXPECT_EQ(detachOnlineR4(w), 3);
  EXPECT_EQ(w.blocks[0].down.kernel.get(), first);
  EXPECT_EQ(detachOnlineR4(w), 0);
}

TEST(AttachOnlineR4, RefusesFloatLayersMismatchedOrdersAndNoKernel) {
  std::mt19937 g(4);
  ModelWeights w = packedDownWeights(2, 64, g);
  try {
    attachOnlineR4(w, Rotation::random(128, 1, false));
    ADD_FAILURE() << "order mismatch accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("order 128"), std::string::npos) << e.what();
  }
  ModelWeights f;
  f.blocks.resize(2);
  f.blocks[1].down.weight = randn(16, 64, g, 0.1f);
  try {
    attachOnlineR4(f, Rotation::random(64, 1, false));
    ADD_FAILURE() << "float down_proj accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("block 0 down_proj has no packed kernel"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(RotatedInputKernel(nullptr, Rotation::random(64, 1, false)), Error);
}

}  // namespace
