// The log-softmax normaliser of a logits row (log Σ exp, in double) with the row's argmax: what
// perplexity-style scores, KL divergence and log-likelihood scoring subtract from a logit.
#pragma once

namespace slmq::core {

/// log-softmax of one logits row: log p_v = x_v − log_z.
struct LogSoftmaxRow {
  double log_z = 0.0;  ///< log Σ_v exp(x_v), computed as max + log Σ exp(x_v − max) in double
  int argmax = 0;      ///< first index of the largest logit (the greedy token)
};

/// Normaliser and argmax of `x` [vocab] (vocab >= 1, not checked). Pure, thread-safe.
LogSoftmaxRow logSoftmaxRow(const float* x, int vocab);

}  // namespace slmq::core
