// A loaded decoder-only language model: config, float32 weights, tokenizer, and the forward pass
// (batched prefill, KV-cache decode, one block at a time for calibration).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/model/config.h"
#include "core/model/hooks.h"
#include "core/model/weights.h"

namespace slmq::core {

class Tokenizer;  // core/tokenizer/tokenizer.h

/// Key/value cache of one sequence for incremental decoding.
/// Rows beyond `length` are spare capacity (the cache grows geometrically), not positions.
struct KvCache {
  std::vector<MatrixRM> k;  ///< per layer [>= positions, kv_heads·head_dim] (post-RoPE)
  std::vector<MatrixRM> v;  ///< per layer [>= positions, kv_heads·head_dim]
  int length = 0;           ///< positions filled
};

/// A model in memory. Thread-safety: const methods may run concurrently on distinct inputs;
/// methods that change weights must not run concurrently with anything.
class Model {
 public:
  /// Opens a Hugging Face directory (config.json + safetensors [+ index] + tokenizer.json), a
  /// .gguf file, or a llama2.c .bin (tokenizer tok512.bin beside it, or `tokenizerPath`).
  /// Throws Error naming the file and the problem.
  static std::unique_ptr<Model> load(const std::filesystem::path& path,
                                     const std::filesystem::path& tokenizerPath = {});

  Model(ModelConfig config, ModelWeights weights, std::shared_ptr<const Tokenizer> tokenizer);

  const ModelConfig& config() const { return m_config; }
  const ModelWeights& weights() const { return m_weights; }
  ModelWeights& weights() { return m_weights; }
  /// May be null for a model loaded without a tokenizer.
  const Tokenizer* tokenizer() const { return m_tokenizer.get(); }
  std::shared_ptr<const Tokenizer> sharedTokenizer() const { return m_tokenizer; }
  /// Where it was loaded from (empty for a model built in memory).
  const std::filesystem::path& sourcePath() const { return m_source; }
  void setSourcePath(std::filesystem::path p) { m_source = std::move(p); }

  // --- whole-model forward -------------------------------------------------------------------
  /// Logits for `batch` sequences of equal length T laid out row-major in `tokens`
  /// (tokens.size() == batch·T), positions 0..T-1. Returns [batch·T, vocab].
  MatrixRM forward(const std::vector<int>& tokens, int batch = 1,
                   ForwardHooks* hooks = nullptr) const;
  /// Like forward() but returns the final hidden states after the last RMSNorm [batch·T, hidden].
  MatrixRM forwardHidden(const std::vector<int>& tokens, int batch = 1,
                         ForwardHooks* hooks = nullptr) const;

  // --- pieces, for calibration and block-wise methods ----------------------------------------
  /// Embedding rows for `tokens`: [tokens.size(), hidden].
  MatrixRM embed(const std::vector<int>& tokens) const;
  /// Runs block `block` in place on `hidden` [batch·T, hidden] (batch sequences of T tokens,
  /// positions 0..T-1), calling hooks' linear taps (not blockInput/blockOutput).
  void forwardBlock(int block, MatrixRM& hidden, int batch, ForwardHooks* hooks = nullptr) const;
  /// Final RMSNorm then LM head: [rows, hidden] -> [rows, vocab].
  MatrixRM logitsFromHidden(const MatrixRM& hidden) const;
  /// Applies the final RMSNorm only.
  MatrixRM finalNorm(const MatrixRM& hidden) const;

  // --- incremental decoding -------------------------------------------------------------------
  /// Appends `tokens` to the cache (prefill when the cache is empty) and returns the logits of
  /// the last token [vocab].
  VectorF decode(const std::vector<int>& tokens, KvCache& cache,
                 ForwardHooks* hooks = nullptr) const;
  /// Greedy generation of `n` new tokens after `prompt`; returns prompt + new tokens.
  std::vector<int> generateGreedy(const std::vector<int>& prompt, int n) const;

 private:
  /// Block `block` on `hidden` [batch·tokens, hidden]. With `cache` (batch 1) the new tokens sit
  /// at positions cache->length.. and attend to the cached ones; their K/V are appended at rows
  /// [cache->length, cache->length + tokens) of the layer's cache (cache->length is advanced by
  /// the caller after the last block).
  void runBlock(int block, MatrixRM& hidden, int batch, int tokens, KvCache* cache,
                ForwardHooks* hooks) const;
  MatrixRM lmHead(const MatrixRM& normed) const;

  ModelConfig m_config;
  ModelWeights m_weights;
  std::shared_ptr<const Tokenizer> m_tokenizer;
  std::filesystem::path m_source;
  std::vector<float> m_invFreq;  ///< RoPE inverse frequencies [head_dim/2]
  float m_ropeScaling = 1.0f;    ///< multiplies cos/sin (YaRN attention factor)
};

}  // namespace slmq::core
