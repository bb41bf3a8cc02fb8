// Writes a model (ModelConfig + ModelWeights + SentencePiece tokenizer) as a GGUF v3 file that
// llama.cpp and our own loader read: architecture llama or qwen2, llama.cpp tensor names, Q/K
// rows of llama models re-interleaved for ggml's RoPE, block linears optionally as Q8_0 or Q4_0.
#pragma once

#include <filesystem>

#include "core/io/ggml_types.h"
#include "core/model/config.h"
#include "core/model/weights.h"

namespace slmq::core {

class Tokenizer;  // core/tokenizer/tokenizer.h

/// Export settings.
struct GgufExportOptions {
  /// Storage of the seven linear layers of every block: F32, F16, Q8_0 or Q4_0. A layer whose
  /// input width is not a multiple of the block size (32) is written as F32, as llama.cpp does
  /// with its fallback types. Embeddings, norms, biases and the LM head stay F32.
  GgmlType linear_type = GgmlType::F32;
  std::string name;  ///< general.name; empty = omitted
  /// Order of the online Hadamard (R4) the weights need on down_proj's input at run time
  /// (QuaRot / SpinQuant: QuantizeResult::online_r4_order), 0 = none. llama.cpp applies no
  /// online rotation, so a non-zero order is refused (Error(Unsupported)).
  int online_r4_order = 0;
};

/// Writes `config`/`weights` (and `tokenizer`, if it is a SentencePieceBpe; other tokenizers are
/// omitted) to `path`. Throws Error(Unsupported) for what GGUF llama/qwen2 cannot express
/// (Qwen3 q/k norms, NoPE layers, YaRN/Llama-3 RoPE, MLP biases, unsupported storage type, an
/// online R4 rotation),
/// Error(InvalidInput) for a non-finite weight, and Error naming `path` if writing fails.
void exportGgufModel(const ModelConfig& config, const ModelWeights& weights,
                     const Tokenizer* tokenizer, const std::filesystem::path& path,
                     const GgufExportOptions& options = {});

}  // namespace slmq::core
