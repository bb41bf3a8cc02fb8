// Test helpers for the autograd tests: seeded Gaussian matrices in double precision, the worst
// relative error of an analytic gradient against central finite differences, and a tiny decoder
// block shape (GQA, two RoPE frequencies) small enough to difference every parameter.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "core/quant/autograd/decoder_grad.h"
#include "core/quant/autograd/ops.h"

namespace slmq::test {

/// [r, c] matrix of N(0, sd²) draws from `rng`.
inline core::ad::Mat<double> randn(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng,
                                   double sd = 1.0) {
  std::normal_distribution<double> n(0.0, sd);
  core::ad::Mat<double> m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n(rng);
  return m;
}

/// Max over entries of |analytic − numeric| / max(|numeric|, floor), with central differences
/// (step h) of `loss` in every entry of `x`, or in `maxEntries` entries spread evenly over it.
inline double fdError(double* x, Eigen::Index n, const double* analytic,
                      const std::function<double()>& loss, double floor, Eigen::Index maxEntries,
                      double h = 1e-6) {
  double worst = 0;
  const Eigen::Index step = std::max<Eigen::Index>(1, n / std::max<Eigen::Index>(1, maxEntries));
  for (Eigen::Index i = 0; i < n; i += step) {
    const double keep = x[i];
    x[i] = keep + h;
    const double up = loss();
    x[i] = keep - h;
    const double dn = loss();
    x[i] = keep;
    const double num = (up - dn) / (2 * h);
    worst = std::max(worst, std::abs(analytic[i] - num) / std::max(std::abs(num), floor));
  }
  return worst;
}

/// hidden 12, 4 query heads over 2 KV heads of 4, FFN 10, RoPE frequencies {1, 0.01}.
inline core::ad::BlockShape tinyBlockShape() {
  core::ad::BlockShape s;
  s.hidden = 12;
  s.heads = 4;
  s.kv_heads = 2;
  s.head_dim = 4;
  s.ffn = 10;
  s.eps = 1e-6;
  s.inv_freq = {1.0f, 0.01f};
  s.rope_scaling = 1.0f;
  return s;
}

}  // namespace slmq::test
