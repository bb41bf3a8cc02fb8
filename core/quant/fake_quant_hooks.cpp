// FakeQuantHooks: activation fake-quantization of linear inputs (see fake_quant_hooks.h).
#include "core/quant/fake_quant_hooks.h"

#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/quant/hadamard.h"
#include "core/quant/quantizer.h"

namespace slmq::core {

FakeQuantHooks::FakeQuantHooks(const QuantSpec& spec, int numBlocks, ForwardHooks* next)
    : m_next(next) {
  spec.validate();
  m_act.resize(std::size_t(numBlocks) * kModuleCount);
  m_static.assign(m_act.size(), 0.f);
  for (int b = 0; b < numBlocks; ++b)
    for (int m = 0; m < kModuleCount; ++m) {
      const ActQuant a = spec.forLayer({b, Module(m)}).act;
      m_act[std::size_t(b) * kModuleCount + m] = a;
      m_any = m_any || a.enabled();
    }
}

int FakeQuantHooks::index(const LinearId& id) const {
  const int i = id.block * kModuleCount + int(id.module);
  if (id.block < 0 || i >= int(m_act.size()))
    throw Error(ErrorKind::InvalidInput,
                "FakeQuantHooks: block " + std::to_string(id.block) + " is beyond the " +
                    std::to_string(m_act.size() / kModuleCount) + " blocks it was built for");
  return i;
}

void FakeQuantHooks::setStaticScale(const LinearId& id, float scale) {
  if (!(scale > 0.f) || !std::isfinite(scale))
    throw Error(ErrorKind::InvalidInput, "FakeQuantHooks: static scale of block " +
                                             std::to_string(id.block) + " module " +
                                             std::to_string(int(id.module)) + " is " +
                                             std::to_string(scale) + " (must be positive)");
  m_static[index(id)] = scale;
}

bool FakeQuantHooks::missingStaticScales() const {
  for (std::size_t i = 0; i < m_act.size(); ++i)
    if (m_act[i].enabled() && m_act[i].granularity == ActGranularity::PerTensorStatic &&
        m_static[i] <= 0.f)
      return true;
  return false;
}

void FakeQuantHooks::blockInput(int block, MatrixRM& hidden) {
  if (m_next) m_next->blockInput(block, hidden);
}

void FakeQuantHooks::blockOutput(int block, MatrixRM& hidden) {
  if (m_next) m_next->blockOutput(block, hidden);
}

void FakeQuantHooks::linearInput(const LinearId& id, MatrixRM& x) {
  const int i = index(id);
  if (m_r4 && id.module == Module::Down) m_r4->applyRows(x);
  const ActQuant& a = m_act[i];
  if (a.enabled()) {
    if (a.granularity == ActGranularity::PerToken) {
      fakeQuantActPerToken(x, a);
    } else {
      if (m_static[i] <= 0.f)
        throw Error(ErrorKind::InvalidInput,
                    "FakeQuantHooks: per-tensor static activation quantization of block " +
                        std::to_string(id.block) + " module " + moduleName(id.module) +
                        " has no calibrated scale");
      fakeQuantActStatic(x, m_static[i], a.bits);
    }
  }
  if (m_next) m_next->linearInput(id, x);
}

void FakeQuantHooks::linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) {
  if (m_next) m_next->linearOutput(id, x, y);
}

bool FakeQuantHooks::modifiesLinearInputs() const {
  return m_any || m_r4 || (m_next && m_next->modifiesLinearInputs());
}

}  // namespace slmq::core
