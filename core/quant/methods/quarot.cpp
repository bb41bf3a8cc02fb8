// QuaRot: norm folding, untying and fixed random Hadamard rotations (quarot.h).
#include "core/quant/methods/quarot.h"

#include "core/common/error.h"
#include "core/quant/rotation/rotation.h"

namespace slmq::core {

const Rotation* quarotModel(Model& model, const QuarotOptions& opts,
                            std::vector<std::string>* log) {
  ModelWeights& w = model.weights();
  for (int b = 0; b < int(w.blocks.size()); ++b)
    for (int m = 0; m < kModuleCount; ++m)
      if (w.blocks[b].linear(Module(m)).kernel)
        throw Error(ErrorKind::InvalidInput,
                    "quarot: block " + std::to_string(b) + " " + moduleName(Module(m)) +
                        " already runs a packed kernel; rotate the float model before packing");
  const ModelConfig& cfg = model.config();
  const bool wasTied = w.tied();
  untieEmbeddings(w);
  foldNorms(w);
  Rotations rot = randomHadamardRotations(cfg, opts.seed, log);
  if (!opts.r2) rot.r2.clear();
  rot.online_r4 = opts.r4;
  applyRotation(w, cfg, rot);
  if (log) {
    if (wasTied) log->push_back("quarot: embedding and LM head untied");
    log->push_back("quarot: RMSNorm weights folded into q/k/v, gate/up and the LM head" +
                   std::string(cfg.qk_norm ? " (per-head q/k norms left in place)" : ""));
    if (!opts.r2) log->push_back("quarot: R2 off");
    if (!opts.r4) log->push_back("quarot: R4 off");
  }
  return opts.r4 ? &onlineR4(cfg.intermediate_size) : nullptr;
}

}  // namespace slmq::core
