// Mixed-precision allocation from measured sensitivities: choose the weight bits of every
// (block, module) from a set (2/3/4/8) so that the summed sensitivity is least under a budget of
// average bits per weight — a multiple-choice knapsack solved exactly by dynamic programming over
// the integer bit cost (divided by the gcd of all costs) — and emit the choice as a QuantSpec with
// per-layer overrides, with the trail (every value considered) for the views.
//
// Budget accounting: by default bits of the codes only (Σ n_u·b_u ≤ B·Σ n_u over the decoder
// linears). With `count_overhead`, every group (or row, or tensor) adds a 16-bit scale plus, when
// asymmetric, a b-bit zero point — the layout of our packed int4/int8 kernels' metadata.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <vector>

#include "core/analysis/sensitivity.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

class Model;

/// One unit as the allocator sees it.
struct AllocationUnit {
  int block = 0;
  Module module = Module::Q;
  int rows = 0, cols = 0;      ///< weight shape [out, in]
  std::map<int, double> cost;  ///< bits -> measured sensitivity (lower is better)
  int chosen_bits = 0;         ///< filled by allocateBits
  std::int64_t weights() const { return std::int64_t(rows) * cols; }
};

/// Allocator options.
struct AllocationOptions {
  double avg_bits = 4.0;                 ///< budget B in bits per weight (> 0)
  std::vector<int> bits = {2, 3, 4, 8};  ///< candidate bit widths (each needs a measured cost)
  WeightQuant quantizer;        ///< granularity/symmetry used for every width (bits ignored)
  bool count_overhead = false;  ///< also charge scales and zero points (see file header)
  AllocationOptions() {
    quantizer.granularity = WeightGranularity::PerGroup;
    quantizer.group_size = 128;
    quantizer.symmetric = false;
  }
};

/// What the allocator chose.
struct Allocation {
  std::vector<AllocationUnit> units;  ///< with chosen_bits
  double budget_avg_bits = 0;
  double avg_bits = 0;           ///< achieved, by the same accounting as the budget
  double code_avg_bits = 0;      ///< codes only
  double predicted_cost = 0;     ///< Σ sensitivity of the chosen widths
  QuantSpec spec;                ///< base = the most common width, overrides for the others
  std::map<int, int> histogram;  ///< bits -> number of units
  nlohmann::json toJson() const;
  /// The allocation as layer metrics for the store and the views: per unit "chosen_bits"
  /// (bits = value = the chosen width) and the trail "considered_<costMetric>" (the unit's
  /// measured cost at every width weighed, bits = that width). `costMetric` names the scan's
  /// metric, e.g. sensitivityMetricName(scan.metric).
  std::vector<LayerMetricRecord> toLayerMetrics(const std::string& costMetric) const;
};

/// Bits a unit of shape [rows, cols] occupies at `bits` under `q` (codes, plus scale/zero
/// metadata when `overhead`).
std::int64_t unitBitCost(int rows, int cols, int bits, const WeightQuant& q, bool overhead);

/// Exact multiple-choice knapsack (DP over gcd-reduced integer costs). Throws
/// Error(InvalidInput) if a unit lacks a cost for a candidate width or the budget cannot hold
/// every unit at its smallest width; Error(Resource) if units × reduced budget exceeds 2·10⁸ cells.
Allocation allocateBits(std::vector<AllocationUnit> units, const AllocationOptions& options);

/// Units of `model` with costs from a weight-only sensitivity scan (only-this mode): for every
/// width in options.bits the scan's setting with that many weight bits. Throws
/// Error(InvalidInput) if a width or unit is missing.
std::vector<AllocationUnit> allocationUnits(const Model& model, const SensitivityResult& scan,
                                            const std::vector<int>& bits);

/// Perplexity (perplexity.h convention, first `maxChunks` chunks, 0 = all) of `model` with `spec`
/// applied to a copy: weights by RTN, activations by FakeQuantHooks (per-token only).
double rtnPerplexity(const Model& model, const QuantSpec& spec, const std::vector<int>& tokens,
                     int seqLen, int maxChunks, const ProgressFn& progress = {});

/// A uniform QuantSpec at `bits` with the allocator's quantizer (for comparisons).
QuantSpec uniformSpec(int bits, const AllocationOptions& options);

}  // namespace slmq::core
