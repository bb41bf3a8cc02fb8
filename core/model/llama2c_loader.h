// Builds ModelConfig + ModelWeights + tokenizer from a llama2.c checkpoint and tokenizer.bin.
#pragma once

#include <filesystem>

#include "core/model/gguf_loader.h"

namespace slmq::core {

struct Llama2cCheckpoint;  // core/io/llama2c.h

/// Converts a checkpoint read by readLlama2cCheckpoint into our layout: arch Llama, RMSNorm eps
/// 1e-5 and RoPE theta 10000 (run.c's constants), tied when the header says shared weights, and
/// Q/K rows un-permuted from run.c's interleaved RoPE pairs to the half-split layout. Consumes
/// `ck` (its matrices are moved).
ModelParts convertLlama2cCheckpoint(Llama2cCheckpoint&& ck);

/// Reads `bin` and `tok` into ModelParts; the tokenizer must have exactly vocab_size tokens.
/// Throws Error naming the offending file.
ModelParts readLlama2cModel(const std::filesystem::path& bin, const std::filesystem::path& tok);

}  // namespace slmq::core
