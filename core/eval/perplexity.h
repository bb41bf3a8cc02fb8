// Perplexity by the convention of DESIGN.md and shared/assets/fixtures: the text tokenised whole
// (no BOS unless the tokenizer adds one), non-overlapping chunks of seq_len tokens, a trailing
// partial chunk dropped, PPL = exp(mean NLL of tokens 1..seq_len-1 of every chunk).
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "core/common/progress.h"
#include "core/model/hooks.h"

namespace slmq::core {

class Model;

/// Options for evaluatePerplexity. Defaults match the fixtures.
struct PerplexityOptions {
  int seq_len = 512;   ///< tokens per chunk (>= 2)
  int max_chunks = 0;  ///< evaluate only the first max_chunks chunks; 0 = all
  int batch = 4;       ///< chunks per forward call (memory: batch·seq_len·vocab floats)
  ForwardHooks* hooks = nullptr;  ///< taps (fake quantization etc.); not owned; may be null
  ProgressFn progress;            ///< fraction of chunks done; returning false cancels
};

/// What a perplexity run measured.
struct PerplexityResult {
  int seq_len = 0;
  std::vector<double> chunk_nll;  ///< summed NLL (nats) of each chunk's seq_len-1 predictions
  std::size_t n_tokens = 0;       ///< tokens in the text
  std::size_t n_predicted = 0;    ///< chunks · (seq_len − 1)
  double total_nll = 0;           ///< Σ chunk_nll
  /// exp(total_nll / n_predicted); NaN when nothing was predicted.
  double perplexity() const;
};

/// Perplexity of `model` on `tokens`. Throws Error(InvalidInput) if seq_len < 2 or the text has
/// fewer than seq_len tokens, Error(Cancelled) if `progress` returns false (checked per batch).
/// Log-softmax and sums are in double. Thread-safe for distinct hooks.
PerplexityResult evaluatePerplexity(const Model& model, const std::vector<int>& tokens,
                                    const PerplexityOptions& options = {});

/// Reads the UTF-8 text file `textFile`, tokenises it whole with the model's tokenizer and
/// evaluates it. Throws Error(InvalidInput) if the model has no tokenizer, Error(NotFound) if the
/// file is missing.
PerplexityResult evaluatePerplexityFile(const Model& model, const std::filesystem::path& textFile,
                                        const PerplexityOptions& options = {});

}  // namespace slmq::core
