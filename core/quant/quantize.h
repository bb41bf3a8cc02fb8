// The quantization pipeline behind `slmq quantize` and the job runner: parses a method list
// ("rtn", "gptq", "awq", "smoothquant", "smoothquant,gptq", ...), draws calibration data when a
// method needs it, runs the transforms then the weight quantizer on a Model in place, and
// measures the cost of quantizing (wall time, CPU time, peak RSS: the paper's consumption track).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/awq.h"
#include "core/quant/methods/gptq.h"
#include "core/quant/methods/omniquant.h"
#include "core/quant/methods/quarot.h"
#include "core/quant/methods/smoothquant.h"
#include "core/quant/methods/spinquant.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

/// Everything a quantization run needs besides the model.
struct QuantizeOptions {
  /// Comma-separated methods applied in order: transforms (smoothquant, awq, quarot) first, then
  /// the weight quantizer (gptq, or rtn — the default when no quantizer is named).
  std::string methods = "rtn";
  QuantSpec spec;
  CalibrationOptions calib;
  SmoothQuantOptions smoothquant;
  GptqOptions gptq;
  AwqOptions awq;
  QuarotOptions quarot;
  SpinQuantOptions spinquant;  ///< learned rotations (combines with rtn or gptq, like quarot)
  OmniQuantOptions omniquant;  ///< omniquant is itself the weight quantizer (no rtn/gptq after it)
};

/// Raw cost figures of calibration + quantization (not of loading or evaluation).
struct QuantizeCost {
  double wall_seconds = 0;           ///< elapsed time
  double cpu_seconds = 0;            ///< user + system CPU time of the process in that span
  std::uint64_t peak_rss_bytes = 0;  ///< peak resident set size within the span (or of the process
                                     ///< if the kernel refuses to reset the counter)
  double calibration_seconds = 0;    ///< of which reading + tokenising + drawing the windows
  std::int64_t calibration_tokens = 0;  ///< N · L (0 when no method needed calibration)
};

/// What a run did.
struct QuantizeResult {
  std::vector<std::string> methods;  ///< normalised method list, in the order run
  QuantizeCost cost;
  std::vector<std::string> log;  ///< notes: skipped folds, dead inputs, chosen α ...
  /// Per-tensor static activation scales, [num_layers·7] (0 where not static).
  std::vector<float> static_scales;
  /// Order of the online R4 rotation before down_proj the model now needs at inference
  /// (onlineR4(order) of rotation/rotation.h; quarot), 0 = none. makeEvalHooks applies it.
  int online_r4_order = 0;
  /// Activation clip ratio the method imposed where the spec left it at 1 (quarot: 0.9), 0 = none.
  /// makeEvalHooks applies it.
  float act_clip_override = 0.f;
  nlohmann::json toJson() const;
};

/// Splits and checks a method list. Throws Error(InvalidInput) naming an unknown method or an
/// impossible combination (two weight quantizers, a method twice).
std::vector<std::string> parseMethods(const std::string& methods);

/// `spec` with activation clip ratio `clip` wherever activations are quantized with ratio 1 (a
/// method's QuantizeResult::act_clip_override, e.g. QuaRot's 0.9); unchanged when clip <= 0.
/// The activation quantizers a run is evaluated with, and its packed kernels must use.
QuantSpec withActClip(QuantSpec spec, float clip);

/// Runs the pipeline on `model` in place. Throws Error (InvalidInput for bad options, NotFound
/// for a missing calibration file, Cancelled when `progress` returns false).
QuantizeResult quantizeModel(Model& model, const QuantizeOptions& opts,
                             const ProgressFn& progress = {});

/// Hooks that reproduce the run's activation quantization at evaluation time (per-token, or
/// static with the calibrated scales), and the online R4 rotation of a rotated model. Returns null
/// when the spec quantizes no activations and the model needs no online rotation.
std::unique_ptr<FakeQuantHooks> makeEvalHooks(const Model& model, const QuantSpec& spec,
                                              const QuantizeResult& result);

}  // namespace slmq::core
