// The online R4 of a rotated (QuaRot / SpinQuant) model inside the packed execution: a
// LinearKernel that rotates its input with the fast Hadamard transform and hands it to the packed
// kernel it wraps, so that a packed down_proj whose weights were folded with R4 computes
// (x·R4)·Ŵᵀ by itself, with no hooks, in prefill and decode alike. Only down_proj's input is
// copied and rotated; the tap interface (OnlineR4Hooks) would make the forward copy every linear
// input.
#pragma once

#include <memory>
#include <string>

#include "core/model/weights.h"
#include "core/quant/hadamard.h"

namespace slmq::core {

/// y [tokens, out] = inner(x·R) for x [tokens, in = R.order()]: R applied to a per-thread copy
/// of x (Rotation::applyRows, O(n·(m + log n)) per row), then the wrapped kernel (which quantizes
/// the rotated activations itself, per token, for W8A8 / W4A8). Immutable; apply() may run
/// concurrently from several threads.
class RotatedInputKernel : public LinearKernel {
 public:
  /// `inner` must be non-null with inFeatures() == r.order(), else Error(InvalidInput). `r` is
  /// not owned and must outlive the kernel (onlineR4() of rotation.h lives for the process).
  RotatedInputKernel(std::shared_ptr<const LinearKernel> inner, const Rotation& r);

  void apply(const MatrixRM& x, MatrixRM& y) const override;
  /// The wrapped kernel's bytes: the rotation is computed, not stored.
  std::size_t storageBytes() const override { return m_inner->storageBytes(); }
  /// E.g. "online R4 (order 768) then int8 per-channel sym x int8 per-token".
  std::string describe() const override;
  int outFeatures() const override { return m_inner->outFeatures(); }
  int inFeatures() const override { return m_inner->inFeatures(); }

  const LinearKernel& inner() const { return *m_inner; }
  std::shared_ptr<const LinearKernel> sharedInner() const { return m_inner; }
  const Rotation& rotation() const { return *m_r; }

 private:
  std::shared_ptr<const LinearKernel> m_inner;
  const Rotation* m_r;
};

/// Wraps the packed kernel of every block's down_proj in a RotatedInputKernel with `r4` (the
/// rotation its weights were folded with: onlineR4(intermediate_size)). Returns the number of
/// layers wrapped. Throws Error(InvalidInput) naming the block if a down_proj has no packed
/// kernel (pack first: a float down_proj runs with OnlineR4Hooks instead) or is already wrapped,
/// or if its input width differs from r4.order().
int attachOnlineR4(ModelWeights& weights, const Rotation& r4);

/// Undoes attachOnlineR4 (the wrapped kernels back in place); returns the number unwrapped.
int detachOnlineR4(ModelWeights& weights);

}  // namespace slmq::core
