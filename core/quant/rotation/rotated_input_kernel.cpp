// RotatedInputKernel and attaching it to down_proj (see rotated_input_kernel.h).
#include "core/quant/rotation/rotated_input_kernel.h"

#include "core/common/error.h"

namespace slmq::core {

RotatedInputKernel::RotatedInputKernel(std::shared_ptr<const LinearKernel> inner, const Rotation& r)
    : m_inner(std::move(inner)), m_r(&r) {
  if (!m_inner) throw Error(ErrorKind::InvalidInput, "RotatedInputKernel: no kernel to wrap");
  if (m_inner->inFeatures() != r.order())
    throw Error(ErrorKind::InvalidInput, "RotatedInputKernel: rotation of order " +
                                             std::to_string(r.order()) + " before a kernel of " +
                                             std::to_string(m_inner->inFeatures()) + " inputs");
}

void RotatedInputKernel::apply(const MatrixRM& x, MatrixRM& y) const {
  // One scratch per thread, reused while the row count stays the same (prefill repeats, every
  // decode step), so the copy allocates nothing in steady state.
  thread_local MatrixRM scratch;
  scratch = x;                 // x [tokens, n]
  m_r->applyRows(scratch);     // ← x·R (fast transform; throws if n != order)
  m_inner->apply(scratch, y);  // y [tokens, out] = (x·R)·Ŵᵀ
}

std::string RotatedInputKernel::describe() const {
  return "online R4 (order " + std::to_string(m_r->order()) + ") then " + m_inner->describe();
}

int attachOnlineR4(ModelWeights& w, const Rotation& r4) {
  int n = 0;
  for (std::size_t b = 0; b < w.blocks.size(); ++b) {
    Linear& down = w.blocks[b].down;
    const std::string name = "block " + std::to_string(b) + " down_proj";
    if (!down.kernel || down.weight.size() > 0)
      throw Error(ErrorKind::InvalidInput,
                  "attachOnlineR4: " + name +
                      " has no packed kernel (pack the model first; a float layer runs the online "
                      "R4 through OnlineR4Hooks)");
    if (dynamic_cast<const RotatedInputKernel*>(down.kernel.get()))
      throw Error(ErrorKind::InvalidInput,
                  "attachOnlineR4: " + name + " already rotates its input");
    down.kernel = std::make_shared<const RotatedInputKernel>(down.kernel, r4);
    ++n;
  }
  return n;
}

int detachOnlineR4(ModelWeights& w) {
  int n = 0;
  for (BlockWeights& b : w.blocks)
    if (const auto* k = dynamic_cast<const RotatedInputKernel*>(b.down.kernel.get())) {
      b.down.kernel = k->sharedInner();
      ++n;
    }
  return n;
}

}  // namespace slmq::core
