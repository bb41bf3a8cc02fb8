// Attaching packed low-bit kernels to a model's linear layers, so that a quantized run executes
// with real integer kernels (and its memory and size are real), plus the storage size of a model.
#pragma once

#include <cstddef>

#include "core/common/progress.h"
#include "core/model/weights.h"
#include "core/quant/quant_spec.h"
#include "core/quant/quantizer.h"

namespace slmq::core {

/// What packModel did.
struct PackSummary {
  int packed = 0;                ///< linear layers now executed by a PackedLinear
  int kept_float = 0;            ///< covered layers left in float (weights not quantized)
  std::size_t packed_bytes = 0;  ///< Σ storageBytes() of the attached kernels
  std::size_t freed_bytes = 0;   ///< float32 weight bytes released
};

/// Replaces `linear`'s float weight by a PackedLinear built from `codes` (e.g. from GPTQ or any
/// method that produced its own QuantizedTensor) with activation quantizer `act`, and frees the
/// float weight. The bias stays float (the forward adds it). Throws Error(InvalidInput) if the
/// shapes disagree with the layer, or as PackedLinear's constructor.
void packLinear(Linear& linear, const QuantizedTensor& codes, const ActQuant& act);

/// For every decoder linear that `spec` quantizes (spec.forLayer(id).weight.enabled()), quantizes
/// its current float weight with the layer's weight quantizer (RTN grid: quantizeWeight) and
/// attaches a PackedLinear with the layer's activation quantizer, freeing the float weight.
/// On weights that a method already fake-quantized on the same grid (RTN, or GPTQ whose groups use
/// their full code range) this recovers the method's codes; otherwise prefer packLinear with the
/// method's own codes. Embeddings and LM head stay float. Layers already packed are left alone.
/// Throws Error(InvalidInput) for an invalid spec, Error(Unsupported) for activation quantizers
/// the kernels cannot run (asymmetric or static), Error(Cancelled) via `progress`.
PackSummary packModel(ModelWeights& weights, const QuantSpec& spec,
                      const ProgressFn& progress = {});

/// Bytes needed to store the model as it is in memory now: float32 tensors at 4 bytes per value
/// (embeddings, untied LM head, norms, biases, unpacked linear weights) plus every attached
/// kernel's storageBytes(). The "S" of SLMQinfer.
std::size_t modelStorageBytes(const ModelWeights& weights);

}  // namespace slmq::core
