// AWQ (Lin et al., 2024): activation-aware weight quantization. Per block, a grid search over α
// of per-input-channel scales s = mean|x|^α (normalised), chosen by the output MSE of the layers
// sharing the input on calibration rows, folded into the previous operation where shapes allow
// (norm -> q/k/v, norm -> gate/up, up -> down, v -> o only without GQA); then a per-group
// clipping search. Leaves weights scaled and clipped but in float: quantize afterwards (RTN).
#pragma once

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

struct AwqOptions {
  int grid = 20;                 ///< α ∈ {0, 1/grid, …, (grid−1)/grid}
  int sample_rows = 4096;        ///< calibration rows used for the output MSE of the scale search
  bool clip = true;              ///< run the clipping search
  int clip_grid = 20;            ///< shrink factors 1 − i/clip_grid ...
  double clip_max_shrink = 0.5;  ///< ... down to 1 − clip_max_shrink
  int clip_rows = 512;           ///< calibration rows used for the clipping search
};

/// Chooses the AWQ scale for inputs X [n, in] (rows of calibration inputs) with per-channel
/// mean|x| `meanAbs` [in], read by `weights` (each [out, in]) quantized by `q`. Returns s [in]
/// (all ones if no α beats α = 0) and writes the best α and its MSE to the out-parameters.
VectorD awqSearchScale(const MatrixRM& x, const VectorD& meanAbs,
                       const std::vector<const MatrixRM*>& weights,
                       const std::vector<WeightQuant>& q, int grid, double* bestAlpha = nullptr,
                       double* bestErr = nullptr);

/// Clipping search on W [out, in] with inputs X [n, in]: per (row, group) the max |w| shrunk by
/// 1 − i/grid (i = 0 … maxShrink·grid) that gives the least output error ‖X_g (w_g − Q(w_g))‖²;
/// W is clamped in place to ±(best max). Returns the mean chosen shrink factor.
double awqClipSearch(MatrixRM& w, const MatrixRM& x, const WeightQuant& q, int grid,
                     double maxShrink);

/// Runs AWQ's scale and clip search over every block (calibrated block by block on the output of
/// the already scaled/clipped earlier blocks). Weights stay float; quantize with applyRtn.
void awqModel(Model& model, const std::vector<int>& calibTokens, const CalibrationOptions& calib,
              const QuantSpec& spec, const AwqOptions& opts, const ProgressFn& progress = {},
              std::vector<std::string>* log = nullptr);

}  // namespace slmq::core
