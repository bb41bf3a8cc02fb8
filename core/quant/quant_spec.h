// QuantSpec: what a quantization run does to each linear layer — weight bits, granularity,
// symmetry, clipping, activation bits and granularity, which layers it covers, and per-layer
// overrides (mixed precision). Serialises to JSON (stored with every run) and parses short names
// such as "w4a8 g128 asym".
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/model/weights.h"

namespace slmq::core {

/// How many values share one scale (and zero point) in a weight matrix [out, in].
enum class WeightGranularity {
  PerTensor,   ///< one scale for the whole matrix
  PerChannel,  ///< one per output row
  PerGroup,    ///< one per output row and group of `group_size` consecutive input columns;
               ///< a shorter last group (in % group_size) is quantized on its own
};

/// How activation (linear input) scales are obtained.
enum class ActGranularity {
  PerToken,         ///< dynamic: one scale per row (token) of x [tokens, in], over its features
  PerTensorStatic,  ///< static: one scale per layer, computed from calibration data
};

/// Weight quantizer parameters. Codes follow DESIGN.md's RTN convention (see quantizer.h).
struct WeightQuant {
  int bits = 16;  ///< 2..8; 16 = weights stay in float (quantization off)
  WeightGranularity granularity = WeightGranularity::PerChannel;
  int group_size = 128;    ///< input columns per group (PerGroup only), >= 1
  bool symmetric = true;   ///< symmetric (no zero point) or asymmetric (min/max, zero point)
  float clip_ratio = 1.f;  ///< range shrink factor in (0, 1]: absmax (or min and max) × ratio
  bool enabled() const { return bits < 16; }
  bool operator==(const WeightQuant&) const = default;
};

/// Activation quantizer parameters for the input of a linear layer.
struct ActQuant {
  int bits = 16;  ///< 4..8; 16 = activations stay in float (off)
  ActGranularity granularity = ActGranularity::PerToken;
  bool symmetric = true;   ///< symmetric per DESIGN.md; asymmetric is accepted for experiments
  float clip_ratio = 1.f;  ///< range shrink factor in (0, 1]
  bool enabled() const { return bits < 16; }
  bool operator==(const ActQuant&) const = default;
};

/// The resolved quantization of one linear layer.
struct LayerQuant {
  WeightQuant weight;
  ActQuant act;
  bool operator==(const LayerQuant&) const = default;
};

/// Replaces the weight and/or activation quantizer of the layers it matches (mixed precision).
/// A later override in QuantSpec::overrides wins over an earlier one.
struct LayerOverride {
  int block = -1;                     ///< decoder block index, -1 = every block
  std::optional<Module> module;       ///< module, nullopt = every module
  std::optional<WeightQuant> weight;  ///< replaces the weight quantizer when set
  std::optional<ActQuant> act;        ///< replaces the activation quantizer when set
  bool matches(const LinearId& id) const {
    return (block < 0 || block == id.block) && (!module || *module == id.module);
  }
  bool operator==(const LayerOverride&) const = default;
};

/// The whole quantization recipe of a run.
struct QuantSpec {
  WeightQuant weight;           ///< default for every covered linear layer
  ActQuant act;                 ///< default for every covered linear layer
  bool decoder_linears = true;  ///< q,k,v,o,gate,up,down of every block (the default)
  bool embeddings = false;      ///< also fake-quantize the embedding table (weights only)
  bool lm_head = false;         ///< also the LM head (unties it first when tied)
  std::vector<LayerOverride> overrides;

  /// The quantizers of one decoder linear after applying coverage and overrides. When
  /// decoder_linears is false, the base quantizers are off but overrides still apply.
  LayerQuant forLayer(const LinearId& id) const;
  /// True if any layer quantizes weights / activations (cheap check for callers).
  bool quantizesWeights() const;
  bool quantizesActivations() const;

  /// Throws Error(InvalidInput) naming the field when a value is out of range
  /// (bits, group size, clip ratio, block index).
  void validate() const;

  /// Canonical short name, e.g. "w4a8 g128 asym" or "w8a8 pertensor-w static-a" (parse() reads it).
  std::string shortName() const;
  /// Parses a short name: whitespace/comma separated tokens, case-insensitive:
  ///   `wN` or `wNaM` (bits; 16 = off), `aM`, `gN` (per-group of N), `perchannel`|`pc`,
  ///   `pertensor`, `sym`, `asym`, `clipR` (weight clip ratio, e.g. clip0.9),
  ///   `pertoken` | `static` (activation granularity), `aclipR`, `asym-a`, `+emb`, `+head`.
  /// Default when absent: w16a16, per-channel, symmetric, per-token. Throws Error(InvalidInput)
  /// naming the token it could not read.
  static QuantSpec parse(const std::string& text);

  /// JSON round trip. fromJson throws Error(InvalidInput) naming the field ("weight.bits") and
  /// the problem; unknown fields are refused.
  nlohmann::json toJson() const;
  static QuantSpec fromJson(const nlohmann::json& j);

  bool operator==(const QuantSpec&) const = default;
};

/// "per-tensor", "per-channel", "per-group".
const char* granularityName(WeightGranularity g) noexcept;
/// "per-token", "per-tensor-static".
const char* granularityName(ActGranularity g) noexcept;

}  // namespace slmq::core
