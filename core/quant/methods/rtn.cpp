// RTN: direct fake-quantization of weights under a QuantSpec (see rtn.h).
#include "core/quant/methods/rtn.h"

#include <string>

#include "core/quant/quantizer.h"

namespace slmq::core {

WeightQuant embeddingWeightQuant(const QuantSpec& spec) {
  return spec.weight;
}

void applyRtn(ModelWeights& weights, const QuantSpec& spec, const ProgressFn& progress) {
  spec.validate();
  const int blocks = int(weights.blocks.size());
  for (int b = 0; b < blocks; ++b) {
    reportProgress(progress, double(b) / std::max(1, blocks), "rtn block " + std::to_string(b));
    for (int m = 0; m < kModuleCount; ++m) {
      const LinearId id{b, Module(m)};
      fakeQuantWeightInPlace(weights.linear(id).weight, spec.forLayer(id).weight);
    }
  }
  const WeightQuant eq = embeddingWeightQuant(spec);
  if (eq.enabled() && (spec.embeddings || spec.lm_head)) {
    if (weights.tied() && spec.embeddings != spec.lm_head)
      weights.lm_head = weights.embed;  // untie
    if (spec.embeddings) fakeQuantWeightInPlace(weights.embed, eq);
    if (spec.lm_head && !weights.tied()) fakeQuantWeightInPlace(weights.lm_head, eq);
  }
  reportProgress(progress, 1.0, "rtn done");
}

}  // namespace slmq::core
