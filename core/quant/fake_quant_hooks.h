// Activation fake-quantization through the tap interface: quantizes the input of every covered
// linear layer (per-token dynamic or per-tensor static) as the QuantSpec says, so that the float
// forward pass computes what an integer kernel with quantized activations would.
#pragma once

#include <vector>

#include "core/model/hooks.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {
class Rotation;
}

namespace slmq::core {

/// ForwardHooks that fake-quantize linear inputs. Resolves QuantSpec::forLayer once per layer at
/// construction. Optionally forwards every tap to a `next` hooks object after quantizing (e.g.
/// calibration statistics of the quantized inputs). Not thread-safe; cheap to construct.
class FakeQuantHooks : public ForwardHooks {
 public:
  /// `numBlocks` = ModelConfig::num_layers. `next` (not owned, may be null) sees every tap after
  /// this object has modified it.
  FakeQuantHooks(const QuantSpec& spec, int numBlocks, ForwardHooks* next = nullptr);

  /// Scale for a layer whose activations are per-tensor static (from calibration:
  /// absmax / (2^(b−1) − 1)). Throws Error(InvalidInput) if not positive.
  void setStaticScale(const LinearId& id, float scale);
  /// An online rotation of down_proj's input (QuaRot/SpinQuant R4, x [rows, intermediate] ← x·R4)
  /// applied before quantizing it; `r4` is not owned and must outlive the hooks (onlineR4() of
  /// rotation.h returns one that lives for the process). Null (the default) = none.
  void setOnlineR4(const Rotation* r4) { m_r4 = r4; }
  /// True if a static layer still lacks its scale (forward would throw).
  bool missingStaticScales() const;

  void blockInput(int block, MatrixRM& hidden) override;
  void blockOutput(int block, MatrixRM& hidden) override;
  /// x [rows, in] is replaced by its fake-quantized value. Throws Error(InvalidInput) for a static
  /// layer without a scale, or a block index beyond numBlocks.
  void linearInput(const LinearId& id, MatrixRM& x) override;
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override;
  bool modifiesLinearInputs() const override;

 private:
  int index(const LinearId& id) const;

  std::vector<ActQuant> m_act;  ///< [blocks · 7]
  std::vector<float> m_static;  ///< [blocks · 7], 0 = not set
  bool m_any = false;
  ForwardHooks* m_next = nullptr;
  const Rotation* m_r4 = nullptr;
};

}  // namespace slmq::core
