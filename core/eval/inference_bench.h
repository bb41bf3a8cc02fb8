// The inference track of the paper (SLMQinfer's inputs): prefill and decode tokens/s, peak resident
// memory during inference and storage size of a model as it is executed (float, or with packed
// low-bit kernels attached by packModel). Also builds randomly initialised models with the exact
// shapes of SmolLM-135M and Qwen2.5-0.5B, since speed does not depend on weight values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/common/progress.h"
#include "core/model/config.h"
#include "core/model/random_model.h"  // randomModel: callers of randomReferenceModel use it too
#include "core/quant/quant_spec.h"

namespace slmq::core {

class Model;
class ForwardHooks;

/// What to measure. Defaults are the paper's / issue 5's: 512-token prefill, 128 new tokens after
/// a 128-token context, 2 threads, best of 3.
struct InferenceBenchOptions {
  int threads = 2;          ///< compute threads during the measurement (restored afterwards)
  int prompt_tokens = 512;  ///< prefill length
  int context = 128;        ///< tokens in the KV cache before decoding
  int new_tokens = 128;     ///< tokens decoded one at a time
  int repeats = 3;          ///< best of this many runs
  ProgressFn progress;      ///< returning false cancels (Error Cancelled)
  /// Taps that every measured forward call (prefill and each decode step) runs with, not owned,
  /// may be null: e.g. OnlineR4Hooks for a QuaRot/SpinQuant model, whose down_proj weights
  /// expect the online Hadamard (R4) on their input; its cost is then part of the figures.
  ForwardHooks* hooks = nullptr;
};

/// One row of the inference track.
struct InferenceBenchResult {
  double prefill_tokens_per_s = 0;
  double decode_tokens_per_s = 0;
  /// Least process CPU time (all threads) of a prefill / of the decode run: on a loaded machine
  /// a steadier measure of the work done than wall time (ThroughputResult's figures).
  double prefill_cpu_seconds = 0;
  double decode_cpu_seconds = 0;
  std::uint64_t peak_rss_bytes = 0;    ///< peak resident set size while running inference
  bool peak_rss_process_wide = false;  ///< true if the kernel refused to reset the peak counter:
                                       ///< then peak_rss_bytes is the process's peak so far
  std::uint64_t storage_bytes = 0;     ///< modelStorageBytes() of the weights as executed
  int threads = 0;
  std::string kernel_isa;  ///< "avx2", "portable" (packed kernels' instruction set)
};

/// Measures `model` as it is (float, or packed). Throws Error(InvalidInput) for bad options,
/// Error(Cancelled) via progress.
InferenceBenchResult benchInference(const Model& model, const InferenceBenchOptions& options = {});

/// Published shapes of the paper's models.
enum class ReferenceShape {
  SmolLM135M,  ///< HuggingFaceTB/SmolLM-135M: Llama, hidden 576, 30 layers, 9/3 heads, FFN 1536,
               ///< vocab 49152, tied, theta 1e4, eps 1e-5
  Qwen25_05B,  ///< Qwen/Qwen2.5-0.5B: hidden 896, 24 layers, 14/2 heads, FFN 4864, vocab 151936,
               ///< QKV bias, tied, theta 1e6, eps 1e-6
};

/// "SmolLM-135M" / "Qwen2.5-0.5B".
const char* referenceShapeName(ReferenceShape shape) noexcept;
/// The config of a reference shape (as in its config.json).
ModelConfig referenceShapeConfig(ReferenceShape shape);

/// A random model of a reference shape, optionally packed with low-bit kernels: `spec` empty
/// (nullptr) = float32; otherwise packModel(spec) is applied layer by layer as the model is built,
/// so the float32 decoder weights never all exist at once.
std::unique_ptr<Model> randomReferenceModel(ReferenceShape shape, const QuantSpec* spec = nullptr,
                                            std::uint64_t seed = 1);

}  // namespace slmq::core
