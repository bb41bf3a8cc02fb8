// Readers for Andrej Karpathy's llama2.c files: the legacy (version 0) checkpoint `model.bin`
// (a Config header of 7 int32 followed by float32 weights in run.c's order) and the tokenizer
// `tokenizer.bin` / `tok512.bin` (max_token_length, then per token: score, length, bytes).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/tensor.h"

namespace slmq::core {

/// run.c's Config. All counts are checked positive and consistent when read.
struct Llama2cConfig {
  int dim = 0;         ///< transformer dimension
  int hidden_dim = 0;  ///< FFN width
  int n_layers = 0;
  int n_heads = 0;             ///< query heads
  int n_kv_heads = 0;          ///< key/value heads (can be < n_heads: GQA)
  int vocab_size = 0;          ///< always positive here; see shared_weights
  int seq_len = 0;             ///< max sequence length the model was trained for
  bool shared_weights = true;  ///< header vocab_size > 0: the classifier reuses the embedding
  int headSize() const { return dim / n_heads; }
  int kvDim() const { return dim * n_kv_heads / n_heads; }
};

/// One transformer layer in run.c's layout. Weights are [out, in] row-major, exactly as in the
/// file: q/k rows are in Meta's interleaved RoPE order (pairs (2i, 2i+1) of each head).
struct Llama2cLayer {
  VectorF rms_att;  ///< [dim]
  MatrixRM wq;      ///< [n_heads·head_size, dim]
  MatrixRM wk;      ///< [kv_dim, dim]
  MatrixRM wv;      ///< [kv_dim, dim]
  MatrixRM wo;      ///< [dim, n_heads·head_size]
  VectorF rms_ffn;  ///< [dim]
  MatrixRM w1;      ///< [hidden_dim, dim]  gate
  MatrixRM w2;      ///< [dim, hidden_dim]  down
  MatrixRM w3;      ///< [hidden_dim, dim]  up
};

/// A whole checkpoint in float32.
struct Llama2cCheckpoint {
  Llama2cConfig config;
  MatrixRM token_embedding;  ///< [vocab, dim]
  std::vector<Llama2cLayer> layers;
  VectorF rms_final;  ///< [dim]
  MatrixRM wcls;      ///< [vocab, dim]; empty when config.shared_weights
};

/// Reads a legacy llama2.c checkpoint. The file size must equal exactly what the header implies
/// (including the unused RoPE tables run.c skips). Throws Error(NotFound) if missing,
/// Error(Unsupported) for the newer "ak42" export versions, Error(InvalidInput) naming the file
/// for a bad header or a size mismatch.
Llama2cCheckpoint readLlama2cCheckpoint(const std::filesystem::path& path);

/// The tokenizer file's contents, as stored: token texts use ' ' for SentencePiece's "▁", and
/// llama2.c's exporter writes BOS/EOS as "\n<s>\n" and "\n</s>\n".
struct Llama2cVocab {
  int max_token_length = 0;
  std::vector<std::string> pieces;
  std::vector<float> scores;
};

/// Reads `tokenizer.bin`-style files. `vocabSize` > 0 reads exactly that many tokens (as run.c
/// does) and refuses a file with fewer; 0 reads tokens until the end of the file. Every length is
/// checked against max_token_length and the file size. Throws Error naming the file and the
/// token index on any inconsistency.
Llama2cVocab readLlama2cTokenizer(const std::filesystem::path& path, int vocabSize = 0);

}  // namespace slmq::core
