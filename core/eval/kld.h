// KL divergence of a quantized model's next-token distributions against its 16-bit parent on the
// same tokens, with llama.cpp's statistics (tools/perplexity --kl-divergence): mean ± stderr,
// median, percentiles, max/min of the per-token KLD, "same top p" (top-1 agreement), Δp of the
// correct token's probability (mean, RMS), and both perplexities.
//
// Token convention (differs from llama.cpp on purpose): like our perplexity, the text is cut into
// non-overlapping chunks of seq_len tokens (a trailing partial chunk dropped) and positions
// 0..seq_len-2 of every chunk predict tokens 1..seq_len-1 — all of them are scored, whereas
// llama.cpp scores only the second half of each chunk. Log-probabilities are exact (double, full
// vocabulary), not llama.cpp's 16-bit quantised base log-probs.
#pragma once

#include <vector>

#include "core/common/progress.h"

namespace slmq::core {

class Model;
class ForwardHooks;

/// Comparison of one position's two distributions. P = reference (FP), Q = quantized.
struct KldToken {
  double kld = 0.0;       ///< KL(P || Q) = Σ_v P(v) (log P(v) − log Q(v)), nats
  bool same_top = false;  ///< argmax P == argmax Q (first index on ties)
  double p_ref = 0.0;     ///< P(correct next token)
  double p_q = 0.0;       ///< Q(correct next token)
  double nll_ref = 0.0;   ///< −log P(correct)
  double nll_q = 0.0;     ///< −log Q(correct)
};

/// Compares logit rows `ref` and `q` of length `vocab`; `target` is the correct next token.
/// Pure; log-softmax in double.
KldToken compareLogitRows(const float* ref, const float* q, int vocab, int target);

/// A mean and its standard error.
struct Estimate {
  double value = 0.0;
  double stderr_ = 0.0;
};

/// Statistics over a set of positions, computed as llama.cpp does: means with
/// sqrt((E[x²] − E[x]²)/(n − 1)) (0 when n ≤ 10), percentiles by linear interpolation on the sorted
/// values at fraction·(n − 1), median the middle value (mean of the two middles for even n).
struct KldStats {
  std::size_t count = 0;
  Estimate kld_mean;
  double kld_median = 0, kld_max = 0, kld_min = 0;
  double kld_p999 = 0, kld_p99 = 0, kld_p95 = 0, kld_p90 = 0;
  double kld_p10 = 0, kld_p05 = 0, kld_p01 = 0, kld_p001 = 0;
  Estimate same_top;  ///< fraction in [0, 1]; stderr sqrt(p(1−p)/(n−1))
  Estimate dp_mean;   ///< mean of Δp = p_q − p_ref
  Estimate dp_rms;    ///< sqrt(mean Δp²); stderr 0.5/rms · stderr(Δp²)
  double dp_max_abs = 0;
  Estimate ppl_q, ppl_ref;  ///< exp(mean nll); stderr ppl · stderr(nll)
  Estimate ln_ppl_ratio;    ///< mean(nll_q − nll_ref)
};

/// Computes KldStats of `tokens` (pure; sorts a copy).
KldStats kldStatistics(const std::vector<KldToken>& tokens);

/// llama.cpp's percentile: sorted `values`, p = fraction·(n − 1), linear interpolation.
double interpolatedPercentile(const std::vector<double>& sorted, double fraction);

/// Result of a KLD run: statistics over all scored positions and over each chunk alone.
struct KldReport {
  KldStats overall;
  std::vector<KldStats> chunks;
  int seq_len = 0;
  std::vector<KldToken> tokens;  ///< every scored position, chunk by chunk (if keep_tokens)
};

/// Options of the KLD driver.
struct KldOptions {
  int seq_len = 512;         ///< chunk length in tokens (≥ 2)
  int max_chunks = 0;        ///< 0 = every full chunk
  bool keep_tokens = false;  ///< return per-position values in KldReport::tokens
};

/// KLD of `quantized` against `reference` on `tokens`. Both models must share the vocabulary.
/// `quantizedHooks` (optional) runs on the quantized model's forward (activation fake
/// quantization); `reference` and `quantized` may be the same Model only when the hooks are the
/// whole difference (weights quantized in place need a second copy of the model). Throws
/// Error(InvalidInput) for mismatched vocabularies, seq_len < 2, fewer tokens than one chunk, or
/// token ids outside the vocabulary; Error(Cancelled) if `progress` returns false.
KldReport klDivergence(const Model& reference, const Model& quantized,
                       const std::vector<int>& tokens, const KldOptions& options = {},
                       const ProgressFn& progress = {}, ForwardHooks* quantizedHooks = nullptr);

}  // namespace slmq::core
