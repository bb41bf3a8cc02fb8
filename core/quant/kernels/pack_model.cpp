// packLinear / packModel / modelStorageBytes (see pack_model.h).
#include "core/quant/kernels/pack_model.h"

#include <memory>

#include "core/common/error.h"
#include "core/quant/kernels/packed_linear.h"

namespace slmq::core {

void packLinear(Linear& linear, const QuantizedTensor& codes, const ActQuant& act) {
  if (linear.weight.size() > 0 &&
      (codes.rows != linear.weight.rows() || codes.cols != linear.weight.cols()))
    throw Error(ErrorKind::InvalidInput, "packLinear: codes [" + std::to_string(codes.rows) + ", " +
                                             std::to_string(codes.cols) +
                                             "] do not match the layer's weight [" +
                                             std::to_string(linear.weight.rows()) + ", " +
                                             std::to_string(linear.weight.cols()) + "]");
  auto kernel = std::make_shared<const PackedLinear>(codes, act);
  linear.kernel = std::move(kernel);
  linear.weight = MatrixRM();  // frees the float32 weight
}

PackSummary packModel(ModelWeights& weights, const QuantSpec& spec, const ProgressFn& progress) {
  spec.validate();
  PackSummary summary;
  const int blocks = int(weights.blocks.size());
  for (int b = 0; b < blocks; ++b) {
    reportProgress(progress, double(b) / std::max(blocks, 1), "pack block " + std::to_string(b));
    for (int m = 0; m < kModuleCount; ++m) {
      const LinearId id{b, Module(m)};
      Linear& l = weights.linear(id);
      if (l.kernel) continue;
      const LayerQuant lq = spec.forLayer(id);
      if (!spec.decoder_linears || !lq.weight.enabled()) {
        ++summary.kept_float;
        continue;
      }
      if (l.weight.size() == 0)
        throw Error(ErrorKind::InvalidInput, "packModel: block " + std::to_string(b) + " " +
                                                 moduleName(Module(m)) + " has no weight");
      const std::size_t bytes = std::size_t(l.weight.size()) * sizeof(float);
      packLinear(l, quantizeWeight(l.weight, lq.weight), lq.act);
      summary.freed_bytes += bytes;
      summary.packed_bytes += l.kernel->storageBytes();
      ++summary.packed;
    }
  }
  reportProgress(progress, 1.0, "packed");
  return summary;
}

std::size_t modelStorageBytes(const ModelWeights& w) {
  std::size_t floats = std::size_t(w.embed.size() + w.final_norm.size() + w.lm_head.size());
  std::size_t packed = 0;
  for (const BlockWeights& b : w.blocks) {
    floats +=
        std::size_t(b.attn_norm.size() + b.mlp_norm.size() + b.q_norm.size() + b.k_norm.size());
    for (int m = 0; m < kModuleCount; ++m) {
      const Linear& l = b.linear(Module(m));
      floats += std::size_t(l.weight.size() + l.bias.size());
      if (l.kernel) packed += l.kernel->storageBytes();
    }
  }
  return floats * sizeof(float) + packed;
}

}  // namespace slmq::core
