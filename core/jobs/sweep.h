// Sweeps: a grid models × methods × settings × evaluations expanded into independent
// ExperimentSpecs, split into shards (`--shard i/n`) and run resumably (a point whose identical
// spec already has a done run in the store is skipped). Format (docs/cli.md; YAML alike):
//   {
//     "version": 1,
//     "base": { ... any ExperimentSpec fields: calibration, evaluations, analyses, seed ... },
//     "models": ["models/smol-ref", "/data/qwen"],
//     "methods": ["fp", "rtn", "smoothquant,rtn", [{"name": "gptq", "params": {"damp": 0.01}}]],
//     "settings": ["w8a8", "w4a16 g128", {"weight": {"bits": 4}}],
//     "evaluations": [ { ... EvaluationSpec ... } ]        (optional; default base.evaluations)
//   }
// "fp" ignores settings: it expands to the FP parent spec (fpParentSpec) once per model ×
// evaluations. Points are ordered model, evaluations, methods, settings; FP points first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/progress.h"
#include "core/jobs/experiment_spec.h"
#include "core/jobs/runner.h"

namespace slmq::core {

class Store;

/// Parses a sweep (at most 16 MiB; YAML when `source` ends in .yaml/.yml, see yaml_json.h, else
/// JSON; both nested at most 64 levels) and expands the grid (at most 10000 points before
/// de-duplication). Throws Error(InvalidInput) naming `source` and the field (the same messages
/// for both syntaxes) or, for YAML syntax, the line and column; every point is validated as an
/// ExperimentSpec. Duplicate points (equal specs) are kept once. (sweep_spec.cpp)
std::vector<ExperimentSpec> expandSweep(std::string_view text, std::string_view source = {});

/// A shard "i/n" (0 <= i < n): point k belongs to shard k mod n. Throws Error(InvalidInput).
struct Shard {
  int index = 0;
  int count = 1;
  static Shard parse(const std::string& text);
  bool contains(std::size_t point) const { return int(point % std::size_t(count)) == index; }
};

/// Outcome of one point.
struct SweepPointResult {
  std::size_t point = 0;    ///< index in the expanded grid
  std::string name;         ///< display name
  std::string status;       ///< "done", "skipped" (already done), "failed", "cancelled"
  std::int64_t run_id = 0;  ///< the stored run (the earlier one for "skipped"; 0 if none)
  std::string error;
};

/// Callbacks of runSweep.
struct SweepCallbacks {
  /// Before a point starts: its index in the shard (0-based), the shard's size, its name.
  std::function<void(std::size_t i, std::size_t n, const std::string& name)> on_point;
  /// After a point: its result.
  std::function<void(const SweepPointResult&)> on_result;
};

/// Runs the points of `shard` in order. A failed point is recorded and the sweep goes on; a
/// cancellation (progress returns false) stops the sweep and rethrows Error(Cancelled).
/// `progress` covers the whole shard.
std::vector<SweepPointResult> runSweep(const std::vector<ExperimentSpec>& points, Store& store,
                                       const Shard& shard, const ProgressFn& progress = {},
                                       const RunnerOptions& options = {},
                                       const SweepCallbacks& callbacks = {});

}  // namespace slmq::core
