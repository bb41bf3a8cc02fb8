// Test data shared by the packed-kernel tests and benchmarks (tests/core/quant/kernels_test.cpp,
// tests/bench/kernels_bench.cpp): seeded Gaussian matrices and the quantization settings they
// run. Header-only, so that the benchmarks use it without linking slmq_testlib.
#pragma once

#include <random>

#include "core/common/tensor.h"
#include "core/quant/quant_spec.h"

namespace slmq::test {

/// rows × cols standard normal values from std::mt19937(seed), drawn in row-major order. With
/// `outlierEvery` > 0, columns c with c % outlierEvery == 3 are scaled by 20 (outlier channels,
/// as LLM activations have them).
inline core::MatrixRM randomMatrix(int rows, int cols, unsigned seed, int outlierEvery = 0) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  core::MatrixRM m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      m(r, c) = g(rng) * ((outlierEvery > 0 && c % outlierEvery == 3) ? 20.f : 1.f);
  return m;
}

/// Weight quantization with `bits`, per group of `group` columns (group 0 = per channel),
/// symmetric or asymmetric.
inline core::WeightQuant weightQuant(int bits, int group, bool symmetric) {
  core::WeightQuant q;
  q.bits = bits;
  q.granularity =
      group > 0 ? core::WeightGranularity::PerGroup : core::WeightGranularity::PerChannel;
  q.group_size = group > 0 ? group : 128;
  q.symmetric = symmetric;
  return q;
}

/// Dynamic per-token activation quantization with `bits` (16 = float activations) and range
/// shrink factor `clip` in (0, 1].
inline core::ActQuant actQuant(int bits, float clip = 1.f) {
  core::ActQuant q;
  q.bits = bits;
  q.clip_ratio = clip;
  return q;
}

}  // namespace slmq::test
