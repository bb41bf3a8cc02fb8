// The weights of a decoder-only transformer in float32, independent of the file they came from.
// Quantization methods transform these in place (fold scales, rotate, fake-quantize) or attach a
// packed kernel to a Linear.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/model/config.h"

namespace slmq::core {

/// The seven linear layers of a decoder block, in the paper's words.
enum class Module { Q, K, V, O, Gate, Up, Down };
inline constexpr int kModuleCount = 7;
/// "q", "k", "v", "o", "gate", "up", "down".
const char* moduleName(Module m) noexcept;
/// Inverse of moduleName; also accepts "q_proj", "gate_proj", ... Throws Error(InvalidInput).
Module moduleFromName(const std::string& name);

/// Names one linear layer: decoder block index and module.
struct LinearId {
  int block = 0;
  Module module = Module::Q;
  bool operator==(const LinearId&) const = default;
};

/// A packed low-bit execution of a Linear (int8 / int4 kernels). Replaces the float GEMM.
class LinearKernel {
 public:
  virtual ~LinearKernel() = default;
  /// y [tokens, out] = x [tokens, in] · Wᵀ. `y` is resized by the kernel. The bias is not the
  /// kernel's business: the forward adds Linear::bias after apply().
  virtual void apply(const MatrixRM& x, MatrixRM& y) const = 0;
  /// Bytes of packed weights, scales and zero points (the storage-size column).
  virtual std::size_t storageBytes() const = 0;
  /// Short description, e.g. "int4 g128 asym x int8 per-token".
  virtual std::string describe() const = 0;
  /// Output and input features of the layer it replaces (so that a Linear whose float weight was
  /// freed still knows its shape).
  virtual int outFeatures() const = 0;
  virtual int inFeatures() const = 0;
};

/// y = x Wᵀ + b.
struct Linear {
  MatrixRM weight;                             ///< [out, in]
  VectorF bias;                                ///< [out], or empty
  std::shared_ptr<const LinearKernel> kernel;  ///< if set, forward uses it instead of `weight`
  int out() const {
    return weight.size() == 0 && kernel ? kernel->outFeatures() : int(weight.rows());
  }
  int in() const {
    return weight.size() == 0 && kernel ? kernel->inFeatures() : int(weight.cols());
  }
};

/// One decoder block: pre-norm attention and pre-norm SwiGLU MLP with residuals.
struct BlockWeights {
  VectorF attn_norm;       ///< [hidden] input_layernorm
  VectorF mlp_norm;        ///< [hidden] post_attention_layernorm
  VectorF q_norm, k_norm;  ///< [head_dim] (Qwen3 qk_norm), else empty
  Linear q, k, v, o, gate, up, down;
  Linear& linear(Module m);
  const Linear& linear(Module m) const;
};

/// All weights. `lm_head` is empty when tied to `embed` (until a method unties them).
struct ModelWeights {
  MatrixRM embed;  ///< [vocab, hidden]
  std::vector<BlockWeights> blocks;
  VectorF final_norm;  ///< [hidden]
  MatrixRM lm_head;    ///< [vocab, hidden], or empty when tied
  bool tied() const { return lm_head.size() == 0; }
  Linear& linear(const LinearId& id) { return blocks.at(id.block).linear(id.module); }
  const Linear& linear(const LinearId& id) const { return blocks.at(id.block).linear(id.module); }
  /// Number of parameters (embeddings counted once when tied).
  std::size_t parameterCount() const;
};

}  // namespace slmq::core
