// Builds a ModelConfig + ModelWeights (+ tokenizer) from a GGUF file of architecture `llama` or
// `qwen2`, and the RoPE row layout conversion shared with the llama2.c loader.
#pragma once

#include <memory>

#include "core/common/tensor.h"
#include "core/model/config.h"
#include "core/model/weights.h"

namespace slmq::core {

class GgufFile;   // core/io/gguf.h
class Tokenizer;  // core/tokenizer/tokenizer.h

/// What a file loader produces before a Model is built from it.
struct ModelParts {
  ModelConfig config;
  ModelWeights weights;
  std::shared_ptr<const Tokenizer> tokenizer;  ///< null if the file's vocabulary is unsupported
};

/// Reads config, float32 weights and tokenizer from an open GGUF file. `llama` Q/K rows are
/// converted from ggml's interleaved RoPE layout to the half-split layout our forward pass uses
/// (see unpermuteInterleavedRope); `qwen2` is stored NEOX-style already. A separate `output`
/// tensor byte-identical to `token_embd` is treated as tied. A tokenizer.ggml.model other than
/// "llama" loads no tokenizer (logged). Throws Error(Unsupported) naming the architecture for
/// anything but llama/qwen2 or for RoPE scaling other than none/linear, Error(InvalidInput)
/// naming the file and tensor for missing tensors or wrong shapes.
ModelParts readGgufModel(const GgufFile& gguf);

/// Reorders the rows of a Q or K projection (or bias) [heads·headDim, in] from Meta/ggml's
/// interleaved RoPE pairs (2i, 2i+1) to Hugging Face's rotate_half pairs (i, i + headDim/2):
/// per head, row 2i -> i and row 2i+1 -> i + headDim/2 (the inverse of transformers'
/// convert_llama_weights_to_hf `permute`). Throws Error(Internal) if rows != heads·headDim.
void unpermuteInterleavedRope(MatrixRM& w, int heads, int headDim);
void unpermuteInterleavedRope(VectorF& b, int heads, int headDim);

}  // namespace slmq::core
