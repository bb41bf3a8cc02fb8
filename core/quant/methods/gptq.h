// GPTQ (Frantar et al., 2023): column-by-column quantization of W [out, in] that pushes each
// column's rounding error onto the not-yet-quantized columns through the inverse Hessian of the
// layer input (METHODS.md). The solver works on one matrix; gptqModel runs it sequentially,
// block after block, each calibrated on the outputs of the already-quantized earlier blocks.
#pragma once

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/common/tensor.h"
#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

/// GPTQ parameters (defaults as in the reference implementation).
struct GptqOptions {
  double damp = 0.01;          ///< λ: H += λ · mean(diag H) · I
  bool act_order = false;      ///< quantize columns in decreasing diag(H) order
  bool static_groups = false;  ///< with act_order: group parameters from the original W, in
                               ///< original column order (packable); else computed on the fly
  int block_size = 128;        ///< columns per lazy-batch block
};

/// What the solver did to one matrix.
struct GptqLayerReport {
  int dead_inputs = 0;   ///< columns with H_ii = 0 (zeroed)
  double damp_used = 0;  ///< absolute damping added to the diagonal
  double error = 0;      ///< Σ_i ‖(w_i − q_i)‖² / U_ii² (GPTQ's "error", the proxy loss)
};

/// Readable single-matrix GPTQ. W [out, in] is replaced by its fake-quantized value under `q`;
/// H [in, in] = 2/n Σ x xᵀ of the layer input (taken by value: it is damped and factorised).
/// Throws Error(InvalidInput) on shape mismatch, Error(Internal) if H cannot be factorised even
/// after raising the damping 100-fold.
GptqLayerReport gptqQuantizeMatrix(MatrixRM& w, MatrixRMd h, const WeightQuant& q,
                                   const GptqOptions& opts = {});

/// Sequential GPTQ over every decoder block of `model` (weights changed in place): for block b,
/// collect the Hessians of its four inputs on the current residual stream (the outputs of the
/// already-quantized blocks 0..b−1; with activation quantization in the spec the collected inputs
/// are fake-quantized as at inference), quantize q,k,v,o,gate,up,down, then advance the stream
/// through the quantized block. Layers whose spec weight bits are 16 are left alone.
/// `log` (may be null) receives one line per noteworthy event. `onlineR4` (not owned, may be null):
/// the online rotation of down_proj's input of a rotated model (QuaRot/SpinQuant R4), applied to
/// the calibration inputs before they are quantized and collected, as at inference.
void gptqModel(Model& model, const std::vector<int>& calibTokens, const CalibrationOptions& calib,
               const QuantSpec& spec, const GptqOptions& opts, const ProgressFn& progress = {},
               std::vector<std::string>* log = nullptr, const Rotation* onlineR4 = nullptr);

}  // namespace slmq::core
