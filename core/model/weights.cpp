// Module names and weight bookkeeping (see weights.h).
#include "core/model/weights.h"

#include "core/common/error.h"

namespace slmq::core {

const char* moduleName(Module m) noexcept {
  switch (m) {
    case Module::Q:
      return "q";
    case Module::K:
      return "k";
    case Module::V:
      return "v";
    case Module::O:
      return "o";
    case Module::Gate:
      return "gate";
    case Module::Up:
      return "up";
    case Module::Down:
      return "down";
  }
  return "?";
}

Module moduleFromName(const std::string& name) {
  std::string n = name;
  if (n.size() > 5 && n.compare(n.size() - 5, 5, "_proj") == 0) n.resize(n.size() - 5);
  for (int i = 0; i < kModuleCount; ++i)
    if (n == moduleName(Module(i))) return Module(i);
  throw Error(ErrorKind::InvalidInput, "unknown linear module name '" + name +
                                           "' (expected q, k, v, o, gate, up, down or *_proj)");
}

Linear& BlockWeights::linear(Module m) {
  return const_cast<Linear&>(static_cast<const BlockWeights*>(this)->linear(m));
}

const Linear& BlockWeights::linear(Module m) const {
  switch (m) {
    case Module::Q:
      return q;
    case Module::K:
      return k;
    case Module::V:
      return v;
    case Module::O:
      return o;
    case Module::Gate:
      return gate;
    case Module::Up:
      return up;
    case Module::Down:
      return down;
  }
  throw Error(ErrorKind::Internal, "BlockWeights::linear: invalid module");
}

std::size_t ModelWeights::parameterCount() const {
  std::size_t n =
      std::size_t(embed.size()) + std::size_t(final_norm.size()) + std::size_t(lm_head.size());
  for (const auto& b : blocks) {
    n += std::size_t(b.attn_norm.size() + b.mlp_norm.size() + b.q_norm.size() + b.k_norm.size());
    for (int i = 0; i < kModuleCount; ++i) {
      const Linear& l = b.linear(Module(i));
      n += std::size_t(l.weight.size() + l.bias.size());
    }
  }
  return n;
}

}  // namespace slmq::core
