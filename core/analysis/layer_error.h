// Per-layer error of a quantized model against its FP parent: mean squared error, cosine
// similarity and SQNR of every block output and every linear module output, in two views:
// - "local": the quantized block b is fed the FP residual entering block b, so its error is its
//   own (module outputs inside the block still see the quantized modules before them);
// - "propagated": the quantized model runs end to end and every output is compared with FP's at
//   the same place (errors accumulate along depth).
// Both run block by block so that only one block's module outputs are held at a time.
#pragma once

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/common/tensor.h"
#include "core/model/hooks.h"
#include "core/store/records.h"

namespace slmq::core {

class Model;

/// Error of `test` against `reference` (same shape [rows, features]).
struct ErrorStats {
  double mse = 0;      ///< mean over all values of (test − ref)²
  double cosine = 0;   ///< mean over rows of cos(test_r, ref_r) (1 for two zero rows)
  double sqnr_db = 0;  ///< 10·log10(Σ ref² / Σ (test − ref)²); +inf when identical
};

/// Computes ErrorStats. Throws Error(InvalidInput) on a shape mismatch or empty input.
ErrorStats compareTensors(const MatrixRM& reference, const MatrixRM& test);

/// One row of the report.
struct LayerErrorEntry {
  int layer = 0;
  std::string module;  ///< "block" or "q_proj" …
  std::string view;    ///< "local" or "propagated"
  ErrorStats error;
};

/// Everything measured.
struct LayerErrorReport {
  std::vector<LayerErrorEntry> entries;
  /// layer_metrics rows: metric "<mse|cos|sqnr>_<view>", bits = `bits` (the run's weight bits).
  std::vector<LayerMetricRecord> toLayerMetrics(int bits) const;
};

/// Compares `quantized` (run with `quantizedHooks`, e.g. FakeQuantHooks for activations; may be
/// null) against `fp` on `windows` sequences of `seqLen` tokens (the first of `tokens`). The two
/// models must have the same shapes. Throws Error(InvalidInput) on mismatches or too few tokens,
/// Error(Cancelled) via `progress`.
LayerErrorReport measureLayerError(const Model& fp, const Model& quantized,
                                   const std::vector<int>& tokens, int windows, int seqLen,
                                   ForwardHooks* quantizedHooks = nullptr,
                                   const ProgressFn& progress = {});

}  // namespace slmq::core
