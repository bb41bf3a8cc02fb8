// Log-likelihood requests as lm-evaluation-harness builds them, and a batched scorer that runs
// a Model over many (context, continuation) requests.
#pragma once

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/eval/tasks/task_metrics.h"

namespace slmq::core {

class Model;
class Tokenizer;
class ForwardHooks;

/// Token ids of one request: the continuation is scored given the context.
struct LoglikelihoodRequest {
  std::vector<int> context;
  std::vector<int> continuation;
};

/// The harness's _encode_pair: trailing whitespace of `context` moves to the front of
/// `continuation`; continuation tokens = tokens of tokenize(context + continuation) after the
/// first len(tokenize(context)); no special tokens. An empty context becomes the prefix token
/// (BOS, else EOS) and the continuation is tokenized alone.
LoglikelihoodRequest encodeRequest(const Tokenizer& tokenizer, const std::string& context,
                                   const std::string& continuation);

/// Options of the batched scorer.
struct ScorerOptions {
  /// Model window; requests longer than max_length + 1 tokens are left-truncated as the harness
  /// does ((context + continuation)[-(max_length + 1):][:-1]). 0 = config().max_positions.
  int max_length = 0;
  /// Upper bound on padded tokens per forward call (batch · T); a longer single request runs alone.
  int max_batch_tokens = 2048;
};

/// Scores every request: summed log-probability of the continuation tokens, whether each was the
/// argmax (is_greedy), and the count. Requests are deduplicated by their input tokens (e.g. one-
/// token answers "A".."D" sharing a context run once), sorted by length and packed several per
/// forward, right-padded to the batch's longest (harmless under causal attention: a position never
/// sees later ones); log-softmax in double. Throws Error(InvalidInput) for an empty continuation
/// or one longer than the window, Error(Cancelled) if `progress` returns false.
std::vector<ChoiceScore> scoreRequests(const Model& model,
                                       const std::vector<LoglikelihoodRequest>& requests,
                                       const ScorerOptions& options = {},
                                       const ProgressFn& progress = {},
                                       ForwardHooks* hooks = nullptr);

}  // namespace slmq::core
