// QuaRot (Ashkboos et al., 2024): make the residual stream, the attention values and the FFN's
// down_proj input free of outlier channels by folding fixed random Hadamard rotations into the
// weights (R1, R2) and one online Hadamard before down_proj (R4), keeping the float model exactly
// equivalent; weights are then quantized by GPTQ or RTN on the rotated model (quantize.h) and
// activations per token with clip ratio 0.9.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/model.h"
#include "core/quant/hadamard.h"

namespace slmq::core {

/// QuaRot parameters.
struct QuarotOptions {
  std::uint64_t seed = 0;       ///< seeds R1 (seed) and R2 of layer l (seed + 1 + l)
  bool r2 = true;               ///< rotate v/o per head
  bool r4 = true;               ///< online Hadamard before down_proj
  float act_clip_ratio = 0.9f;  ///< QuaRot's per-token activation clip ratio; applied by the
                                ///< pipeline where the spec's activation clip ratio is 1 (unset)
};

/// Unties the embedding, folds the RMSNorm weights and folds R1/R2/R4 into `model`'s weights.
/// Returns the online R4 the model must now run with (see FakeQuantHooks::setOnlineR4 and
/// OnlineR4Hooks), or null when opts.r4 is false. `log` (may be null) receives the constructions
/// used, naming any non-Hadamard fallback. Throws Error(InvalidInput) for weights already packed.
const Rotation* quarotModel(Model& model, const QuarotOptions& opts = {},
                            std::vector<std::string>* log = nullptr);

}  // namespace slmq::core
