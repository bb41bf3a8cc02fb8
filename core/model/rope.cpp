// RoPE inverse frequencies and tables, mirroring transformers' modeling_rope_utils in float32
// (see rope.h). Each line names the torch expression it reproduces; scalars meeting a float32
// tensor are rounded to float32 first, as PyTorch does, and `a / t` is reciprocal(t)·a.
#include "core/model/rope.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace slmq::core {
namespace {

// base ** (torch.arange(0, dim, 2).float() / dim)   [dim/2]
std::vector<float> posFreqs(double theta, int dim) {
  std::vector<float> p(std::size_t(dim / 2));
  const float base = float(theta);
  for (int i = 0; i < dim / 2; ++i) {
    const float e = float(2 * i) / float(dim);
    p[std::size_t(i)] = float(std::pow(double(base), double(e)));
  }
  return p;
}

float recip(float x) {
  return 1.0f / x;
}

}  // namespace

std::vector<float> ropeInvFreq(const RopeConfig& rope, int dim) {
  if (dim <= 0 || dim % 2) throw Error(ErrorKind::Internal, "ropeInvFreq: odd rotary dimension");
  const int half = dim / 2;
  std::vector<float> pos = posFreqs(rope.theta, dim);
  std::vector<float> inv(static_cast<std::size_t>(half));
  for (int i = 0; i < half; ++i) inv[std::size_t(i)] = recip(pos[std::size_t(i)]);  // 1.0 / pos

  switch (rope.type) {
    case RopeType::Default:
      break;
    case RopeType::Linear: {
      const float f = float(rope.factor);
      for (auto& v : inv) v = v / f;  // inv_freq /= factor
      break;
    }
    case RopeType::Llama3: {
      const float factor = float(rope.factor);
      const double oldCtx = rope.original_max_positions;
      const float lowWl = float(oldCtx / rope.low_freq_factor);
      const float highWl = float(oldCtx / rope.high_freq_factor);
      const float twoPi = float(2 * M_PI);
      const float lowF = float(rope.low_freq_factor);
      const float denom = float(rope.high_freq_factor - rope.low_freq_factor);
      for (int i = 0; i < half; ++i) {
        const float f = inv[std::size_t(i)];
        const float wavelen = recip(f) * twoPi;          // 2π / inv_freq
        float llama = wavelen > lowWl ? f / factor : f;  // where(>low, /factor, .)
        const float smooth = (recip(wavelen) * float(oldCtx) - lowF) / denom;
        const float smoothed = (1.0f - smooth) * llama / factor + smooth * llama;
        const bool medium = !(wavelen < highWl) && !(wavelen > lowWl);
        if (medium) llama = smoothed;
        inv[std::size_t(i)] = llama;
      }
      break;
    }
    case RopeType::Yarn: {
      const double base = rope.theta;
      const double factor = rope.factor;
      const double maxPos = rope.original_max_positions;
      auto correctionDim = [&](double rotations) {
        return (dim * std::log(maxPos / (rotations * 2 * M_PI))) / (2 * std::log(base));
      };
      double low = correctionDim(rope.beta_fast), high = correctionDim(rope.beta_slow);
      if (rope.truncate) {
        low = std::floor(low);
        high = std::ceil(high);
      }
      low = std::max(low, 0.0);
      high = std::min(high, double(dim - 1));
      if (low == high) high += 0.001;  // linear_ramp_factor: prevent singularity
      const float lowF = float(low), range = float(high - low);
      const float factorF = float(factor);
      for (int i = 0; i < half; ++i) {
        const float p = pos[std::size_t(i)];
        const float extrapolation = recip(p);            // 1.0 / pos_freqs
        const float interpolation = recip(factorF * p);  // 1.0 / (factor * pos_freqs)
        const float ramp = std::clamp((float(i) - lowF) / range, 0.0f, 1.0f);
        const float extraFactor = 1.0f - ramp;  // 1 - linear_ramp_factor
        inv[std::size_t(i)] = interpolation * (1.0f - extraFactor) + extrapolation * extraFactor;
      }
      break;
    }
  }
  return inv;
}

float ropeAttentionScaling(const RopeConfig& rope) {
  if (rope.type != RopeType::Yarn) return 1.0f;
  if (rope.attention_factor > 0) return float(rope.attention_factor);
  return rope.factor <= 1 ? 1.0f : float(0.1 * std::log(rope.factor) + 1.0);
}

void RopeTable::fill(int firstPos, int n, const std::vector<float>& invFreq, float scaling) {
  half = int(invFreq.size());
  first = firstPos;
  count = n;
  cos.resize(std::size_t(n) * std::size_t(half));
  sin.resize(std::size_t(n) * std::size_t(half));
  for (int r = 0; r < n; ++r)
    for (int i = 0; i < half; ++i) {
      // inv_freq @ position_ids in float32, then emb.cos() * attention_scaling
      const float angle = float(firstPos + r) * invFreq[std::size_t(i)];
      const std::size_t k = std::size_t(r) * std::size_t(half) + std::size_t(i);
      cos[k] = float(std::cos(double(angle))) * scaling;
      sin[k] = float(std::sin(double(angle))) * scaling;
    }
}

void applyRope(float* x, const float* c, const float* s, int half) noexcept {
  for (int i = 0; i < half; ++i) {
    const float x1 = x[i], x2 = x[i + half];
    const float a = x1 * c[i], b = x2 * s[i];  // q·cos + rotate_half(q)·sin, products rounded
    const float d = x2 * c[i], e = x1 * s[i];
    x[i] = a - b;
    x[i + half] = d + e;
  }
}

}  // namespace slmq::core
