// Prefill and decode throughput of a model's forward pass (the TPS column of the inference
// track, and `slmq bench`): prefill = one forward over a prompt; decode = tokens generated one at
// a time with the KV cache after a prefilled context.
#pragma once

#include "core/common/progress.h"

namespace slmq::core {

class Model;
class ForwardHooks;

/// What to time. Token ids are a fixed pseudo-random sequence inside the vocabulary.
struct ThroughputOptions {
  int prompt_tokens = 512;  ///< prefill length (0 = skip prefill)
  int context = 128;        ///< tokens in the cache before decoding starts
  int new_tokens = 128;     ///< tokens decoded one at a time (0 = skip decode)
  int repeats = 3;          ///< each measurement is repeated; the best is reported
  ProgressFn progress;      ///< called between repeats; returning false cancels
  /// Taps every timed forward call runs with (warm-up, prefill, context and each decoded token),
  /// e.g. the online R4 Hadamard a rotated model needs; not owned, may be null. Their cost is
  /// part of the measurement.
  ForwardHooks* hooks = nullptr;
};

/// Measured rates (best of the repeats) and wall times.
struct ThroughputResult {
  double prefill_tokens_per_s = 0;  ///< prompt_tokens / best prefill seconds
  double decode_tokens_per_s = 0;   ///< new_tokens / best decode seconds (context excluded)
  double prefill_seconds = 0;       ///< best
  double decode_seconds = 0;        ///< best
  double prefill_cpu_seconds = 0;   ///< least process CPU time of a prefill (all threads)
  double decode_cpu_seconds = 0;    ///< least process CPU time of the decode run
  int threads = 1;                  ///< computeThreads() during the run
};

/// Times `model`. Prefill is measured as llama-bench's "pp": the prompt into an empty KV cache,
/// logits of the last token only. CPU times help read results on a loaded machine. Throws
/// Error(InvalidInput) for negative sizes, Error(Cancelled) on cancel.
ThroughputResult measureThroughput(const Model& model, const ThroughputOptions& options = {});

}  // namespace slmq::core
