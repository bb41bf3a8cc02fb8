// Randomly initialised models of a given config: for speed and memory measurements (which do not
// depend on weight values) and for tests that need a whole model of some shape without a file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/model/config.h"
#include "core/model/weights.h"

namespace slmq::core {

class Model;

/// The sizes that fix a decoder's tensor shapes (config.json names).
struct DecoderShape {
  int vocab_size = 0;
  int hidden_size = 0;
  int intermediate_size = 0;  ///< FFN width
  int num_layers = 0;
  int num_heads = 0;     ///< query heads
  int num_kv_heads = 0;  ///< key/value heads (GQA)
  int head_dim = 0;
};

/// `config` with the sizes of `shape`; every layer rotary (use_rope: num_layers × true).
ModelConfig withDecoderShape(ModelConfig config, const DecoderShape& shape);

/// Called for each decoder linear right after its random weights (and bias) are drawn, with its
/// block index and module. It may replace the float weights, e.g. attach a packed kernel and free
/// `linear.weight`.
using RandomLinearFn = std::function<void(int block, Module module, Linear& linear)>;

/// A model with `config`'s shapes and pseudo-random weights: uniform in [−a, a] with std 0.02
/// (xorshift64*, drawn in a fixed order: embeddings, lm_head if untied, then per block q k v o
/// gate up down, each weight followed by its bias when config.attention_bias puts one on q/k/v);
/// norms 1; no tokenizer. Deterministic in `seed`. `onLinear`, if set, runs on each decoder
/// linear as it is built (see RandomLinearFn), so its float weights need never all exist at once.
/// Throws Error(Resource) for a config without layers, hidden size or vocabulary, and if the
/// float32 weights would not fit in available memory: all of them, or with `onLinear` the
/// embeddings and one block's linears (the callback being expected to release them).
std::unique_ptr<Model> randomModel(const ModelConfig& config, std::uint64_t seed = 1,
                                   const RandomLinearFn& onLinear = {});

}  // namespace slmq::core
