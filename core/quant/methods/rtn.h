// Round-to-nearest (RTN): the QuantSpec's weight quantizer applied directly to every covered
// weight matrix, in place (fake quantization: weights stay float, holding dequantized values).
#pragma once

#include "core/common/progress.h"
#include "core/model/weights.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

/// Fake-quantizes, in place, every decoder linear that spec.forLayer() quantizes, plus the
/// embedding table and/or LM head when the spec opts in (per output row: one row per token).
/// A tied LM head is untied first when only one of embeddings / LM head is quantized, so the other
/// keeps its float values. Activation quantization is not applied here (see FakeQuantHooks).
/// Throws Error(InvalidInput) for an invalid spec; Error(Cancelled) if `progress` says so.
void applyRtn(ModelWeights& weights, const QuantSpec& spec, const ProgressFn& progress = {});

/// The weight quantizer used for the embedding table / LM head: the spec's base weight quantizer
/// (its granularity applies along the hidden dimension of each token's row).
WeightQuant embeddingWeightQuant(const QuantSpec& spec);

}  // namespace slmq::core
