// Rotary position embeddings computed exactly as Hugging Face transformers does in float32:
// inv_freq per rope type (default, linear, YaRN, Llama-3), the attention scaling that multiplies
// cos and sin (YaRN's mscale), cos/sin tables, and the rotate-half application.
#pragma once

#include <vector>

#include "core/model/config.h"

namespace slmq::core {

/// inv_freq [head_dim/2] in float32 for `rope` over rotary dimension `dim`.
std::vector<float> ropeInvFreq(const RopeConfig& rope, int dim);
/// The factor transformers multiplies cos and sin by (1 except YaRN).
float ropeAttentionScaling(const RopeConfig& rope);

/// cos/sin tables for positions [first, first + count): row i (position first + i) holds dim/2
/// values (the second half of transformers' cat(freqs, freqs) repeats the first). Already
/// multiplied by the attention scaling.
struct RopeTable {
  int half = 0;            ///< dim / 2
  int first = 0;           ///< position of row 0
  int count = 0;           ///< rows
  std::vector<float> cos;  ///< [count, half]
  std::vector<float> sin;  ///< [count, half]
  /// Fills the table for positions [first, first + count).
  void fill(int first, int count, const std::vector<float>& invFreq, float scaling);
  const float* cosAt(int position) const {
    return cos.data() + std::size_t(position - first) * std::size_t(half);
  }
  const float* sinAt(int position) const {
    return sin.data() + std::size_t(position - first) * std::size_t(half);
  }
};

/// Rotates one head vector `x` [2·half] in place at the position whose tables are `cos`/`sin`
/// [half]: x1' = x1·cos − x2·sin, x2' = x2·cos + x1·sin (transformers' rotate_half convention).
void applyRope(float* x, const float* cos, const float* sin, int half) noexcept;

}  // namespace slmq::core
