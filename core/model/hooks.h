// The tap interface: how calibration, activation statistics and quantization methods observe and
// replace what flows through the forward pass, without the forward pass knowing about them.
#pragma once

#include "core/common/tensor.h"
#include "core/model/weights.h"

namespace slmq::core {

/// Observes and may modify the forward pass. Every method has a no-op default; implement only
/// what you need. Matrices are [rows, features] where rows = batch·tokens of the current call
/// (row r is sequence r / tokens, position r % tokens). Called on the thread running the forward.
class ForwardHooks {
 public:
  virtual ~ForwardHooks() = default;
  /// Residual stream entering block `block`, [rows, hidden]. May modify (sequential calibration).
  virtual void blockInput(int block, MatrixRM& hidden) {}
  /// Residual stream leaving block `block`, [rows, hidden]. May modify.
  virtual void blockOutput(int block, MatrixRM& hidden) {}
  /// Input of a linear layer, [rows, in], before the product. May modify in place: activation
  /// fake-quantization, an online Hadamard (R4), SmoothQuant's runtime division. q/k/v (and
  /// gate/up) share their input, but each gets its own call with its own copy.
  virtual void linearInput(const LinearId& id, MatrixRM& x) {}
  /// Output of a linear layer, [rows, out], after bias. `x` is the (possibly modified) input.
  virtual void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) {}
  /// True if linearInput may modify its argument; lets the forward skip copies when false.
  virtual bool modifiesLinearInputs() const { return true; }
};

}  // namespace slmq::core
