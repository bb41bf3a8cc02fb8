// Loaders for non-Hugging-Face model files, implemented by the GGUF / llama2.c readers
// (gguf_loader.cpp, llama2c_loader.cpp). Model::load dispatches to them by file type.
#pragma once

#include <filesystem>
#include <memory>

namespace slmq::core {

class Model;

/// Loads a GGUF v3 file (weights dequantized to float32, tokenizer from tokenizer.ggml.*).
/// Throws Error naming the file and the problem.
std::unique_ptr<Model> loadGgufModel(const std::filesystem::path& gguf);

/// Loads a llama2.c checkpoint `bin` with its tokenizer `tok` (tok512.bin style).
/// Throws Error naming the file and the problem.
std::unique_ptr<Model> loadLlama2cModel(const std::filesystem::path& bin,
                                        const std::filesystem::path& tok);

/// Loads a Hugging Face directory: config.json, safetensors (single or sharded) and, if present,
/// tokenizer.json. Throws Error naming the file and the problem.
std::unique_ptr<Model> loadHfModel(const std::filesystem::path& dir);

}  // namespace slmq::core
