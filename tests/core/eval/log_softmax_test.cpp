// logSoftmaxRow against hand-computed cases: log Σ exp of small rows, stability for large logits
// (no overflow where exp(x) would), and argmax ties resolved to the first index (the greedy
// token, as torch.argmax).
#include "core/eval/log_softmax.h"

#include <gtest/gtest.h>

#include <cmath>

namespace slmq::core {
namespace {

TEST(LogSoftmaxRow, HandComputedNormaliser) {
  const float x[] = {0.f, std::log(3.f)};  // exp: 1 + 3 = 4
  const LogSoftmaxRow r = logSoftmaxRow(x, 2);
  EXPECT_NEAR(r.log_z, std::log(4.0), 1e-7);
  EXPECT_EQ(r.argmax, 1);
  const float one[] = {-2.5f};  // a single logit has probability 1
  EXPECT_DOUBLE_EQ(logSoftmaxRow(one, 1).log_z, -2.5);
}

TEST(LogSoftmaxRow, LargeLogitsDoNotOverflow) {
  const float x[] = {1000.f, 1000.f, -1000.f};  // exp(1000) overflows a double
  const LogSoftmaxRow r = logSoftmaxRow(x, 3);
  EXPECT_NEAR(r.log_z, 1000.0 + std::log(2.0), 1e-9);
  EXPECT_EQ(r.argmax, 0);  // tie: the first index
}

}  // namespace
}  // namespace slmq::core
