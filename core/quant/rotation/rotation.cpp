// Norm folding, untying and rotation folding (QuaRot / SpinQuant computational invariance), and
// the online R4 hook. See rotation.h for the conventions.
#include "core/quant/rotation/rotation.h"

#include <map>
#include <mutex>
#include <string>

#include "core/common/error.h"

namespace slmq::core {

namespace {

std::string shapeOf(const MatrixRM& m) {
  return "[" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "]";
}

// W [out, in] ← W·diag(g): column j scaled by g_j.
void scaleColumns(Linear& lin, const VectorF& g, const char* what) {
  if (lin.weight.cols() != g.size())
    throw Error(ErrorKind::InvalidInput, std::string("foldNorms: ") + what + " weight " +
                                             shapeOf(lin.weight) + " does not match norm of size " +
                                             std::to_string(g.size()));
  lin.weight = lin.weight * g.asDiagonal();
}

bool allOnes(const VectorF& v) {
  return (v.array() == 1.0f).all();
}

// W [out, in] ← W·R (readers of the residual stream).
void rotateInput(MatrixRM& w, const MatrixRM& r, const std::string& what) {
  if (w.cols() != r.rows())
    throw Error(ErrorKind::InvalidInput, "applyRotation: " + what + " " + shapeOf(w) +
                                             " cannot be rotated by R1 " + shapeOf(r));
  MatrixRM out = w * r;
  w = std::move(out);
}

// W [out, in] ← Rᵀ·W, b ← Rᵀ·b (writers of the residual stream).
void rotateOutput(Linear& lin, const MatrixRM& r, const std::string& what) {
  if (lin.weight.rows() != r.rows())
    throw Error(ErrorKind::InvalidInput, "applyRotation: " + what + " " + shapeOf(lin.weight) +
                                             " cannot be rotated by R1 " + shapeOf(r));
  MatrixRM out = r.transpose() * lin.weight;
  lin.weight = std::move(out);
  if (lin.bias.size() > 0) {
    VectorF b = r.transpose() * lin.bias;
    lin.bias = std::move(b);
  }
}

std::string blockName(int b, const char* m) {
  return "block " + std::to_string(b) + " " + m;
}

}  // namespace

void untieEmbeddings(ModelWeights& w) {
  if (w.tied()) w.lm_head = w.embed;
}

bool normsFolded(const ModelWeights& w) {
  for (const auto& b : w.blocks)
    if (!allOnes(b.attn_norm) || !allOnes(b.mlp_norm)) return false;
  return allOnes(w.final_norm);
}

void foldNorms(ModelWeights& w) {
  if (w.tied())
    throw Error(ErrorKind::InvalidInput,
                "foldNorms: embedding and LM head are tied; call untieEmbeddings first (folding "
                "the final norm into the LM head would change the embedding)");
  for (std::size_t i = 0; i < w.blocks.size(); ++i) {
    auto& b = w.blocks[i];
    for (Module m : {Module::Q, Module::K, Module::V})
      scaleColumns(b.linear(m), b.attn_norm, blockName(int(i), moduleName(m)).c_str());
    for (Module m : {Module::Gate, Module::Up})
      scaleColumns(b.linear(m), b.mlp_norm, blockName(int(i), moduleName(m)).c_str());
    b.attn_norm.setOnes();
    b.mlp_norm.setOnes();
  }
  if (w.lm_head.cols() != w.final_norm.size())
    throw Error(ErrorKind::InvalidInput, "foldNorms: lm_head " + shapeOf(w.lm_head) +
                                             " does not match final norm of size " +
                                             std::to_string(w.final_norm.size()));
  w.lm_head = w.lm_head * w.final_norm.asDiagonal();
  w.final_norm.setOnes();
}

const Rotation& onlineR4(int n) {
  // One instance per order for the process: the weights and the hook must use the same matrix.
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<Rotation>> cache;
  std::lock_guard lock(mutex);
  auto& slot = cache[n];
  if (!slot) slot = std::make_unique<Rotation>(Rotation::random(n, 0x5eed4u, false));
  return *slot;
}

void applyRotation(ModelWeights& w, const ModelConfig& cfg, const Rotations& rot) {
  const int d = cfg.hidden_size, hd = cfg.head_dim;
  const int layers = int(w.blocks.size());
  if (rot.r1.size() > 0) {
    if (rot.r1.rows() != d || rot.r1.cols() != d)
      throw Error(ErrorKind::InvalidInput, "applyRotation: R1 is " + shapeOf(rot.r1) +
                                               ", expected [hidden, hidden] = [" +
                                               std::to_string(d) + ", " + std::to_string(d) + "]");
    if (w.tied() || !normsFolded(w))
      throw Error(ErrorKind::InvalidInput,
                  "applyRotation: R1 needs untied embeddings and folded RMSNorm weights (call "
                  "untieEmbeddings and foldNorms first)");
  }
  if (!rot.r2.empty()) {
    if (int(rot.r2.size()) != layers)
      throw Error(ErrorKind::InvalidInput, "applyRotation: " + std::to_string(rot.r2.size()) +
                                               " R2 matrices for " + std::to_string(layers) +
                                               " layers");
    for (const auto& r : rot.r2)
      if (r.rows() != hd || r.cols() != hd)
        throw Error(ErrorKind::InvalidInput,
                    "applyRotation: R2 is " + shapeOf(r) + ", expected [head_dim, head_dim] = [" +
                        std::to_string(hd) + ", " + std::to_string(hd) + "]");
  }

  if (rot.r1.size() > 0) {
    const MatrixRM& r1 = rot.r1;
    rotateInput(w.embed, r1, "embedding");  // E [vocab, d] ← E·R1
    rotateInput(w.lm_head, r1, "lm_head");
    for (int i = 0; i < layers; ++i) {
      auto& b = w.blocks[i];
      for (Module m : {Module::Q, Module::K, Module::V, Module::Gate, Module::Up})
        rotateInput(b.linear(m).weight, r1, blockName(i, moduleName(m)));
      rotateOutput(b.o, r1, blockName(i, "o"));
      rotateOutput(b.down, r1, blockName(i, "down"));
    }
  }

  for (int i = 0; i < int(rot.r2.size()); ++i) {
    const MatrixRM& r2 = rot.r2[i];
    auto& b = w.blocks[i];
    // W_v [kv_heads·hd, d]: each head's row block ← R2ᵀ·block; bias block ← R2ᵀ·b.
    if (b.v.weight.rows() != cfg.num_kv_heads * hd || b.o.weight.cols() != cfg.num_heads * hd)
      throw Error(ErrorKind::InvalidInput, "applyRotation: " + blockName(i, "v/o") + " shapes " +
                                               shapeOf(b.v.weight) + " / " + shapeOf(b.o.weight) +
                                               " do not match heads × head_dim");
    for (int h = 0; h < cfg.num_kv_heads; ++h) {
      MatrixRM blk = r2.transpose() * b.v.weight.middleRows(h * hd, hd);
      b.v.weight.middleRows(h * hd, hd) = blk;
      if (b.v.bias.size() > 0) {
        VectorF bb = r2.transpose() * b.v.bias.segment(h * hd, hd);
        b.v.bias.segment(h * hd, hd) = bb;
      }
    }
    // W_o [d, heads·hd]: each head's column block ← block·R2.
    for (int h = 0; h < cfg.num_heads; ++h) {
      MatrixRM blk = b.o.weight.middleCols(h * hd, hd) * r2;
      b.o.weight.middleCols(h * hd, hd) = blk;
    }
  }

  if (rot.online_r4) {
    const Rotation& r4 = onlineR4(cfg.intermediate_size);
    for (int i = 0; i < layers; ++i) {
      auto& down = w.blocks[i].down;  // [d, intermediate] ← W·R4, i.e. every row ← row·R4
      if (down.weight.cols() != cfg.intermediate_size)
        throw Error(ErrorKind::InvalidInput, "applyRotation: " + blockName(i, "down") + " " +
                                                 shapeOf(down.weight) +
                                                 " does not match intermediate_size " +
                                                 std::to_string(cfg.intermediate_size));
      MatrixRMd wd = down.weight.cast<double>();
      r4.applyRows(wd);
      down.weight = wd.cast<float>();
    }
  }
}

Rotations randomHadamardRotations(const ModelConfig& cfg, std::uint64_t seed,
                                  std::vector<std::string>* log) {
  Rotations rot;
  Rotation r1 = Rotation::random(cfg.hidden_size, seed);
  rot.r1 = r1.dense().cast<float>();
  if (log)
    log->push_back("R1 [" + std::to_string(cfg.hidden_size) + "]: " + r1.construction() +
                   (r1.isHadamard() ? "" : " (fallback: no Hadamard construction for this order)"));
  std::string r2desc;
  for (int l = 0; l < cfg.num_layers; ++l) {
    Rotation r2 = Rotation::random(cfg.head_dim, seed + 1 + std::uint64_t(l));
    rot.r2.push_back(r2.dense().cast<float>());
    r2desc = r2.construction() +
             (r2.isHadamard() ? "" : " (fallback: no Hadamard construction for this order)");
  }
  if (log) log->push_back("R2 [" + std::to_string(cfg.head_dim) + "] per layer: " + r2desc);
  rot.online_r4 = true;
  if (log) {
    const Rotation& r4 = onlineR4(cfg.intermediate_size);
    log->push_back("R4 [" + std::to_string(cfg.intermediate_size) +
                   "] online: " + r4.construction() +
                   (r4.isHadamard() ? "" : " (fallback: no Hadamard construction for this order)"));
  }
  return rot;
}

// --- OnlineR4Hooks ----------------------------------------------------------------------------

OnlineR4Hooks::OnlineR4Hooks(int intermediate, ForwardHooks* next)
    : m_r4(&onlineR4(intermediate)), m_next(next) {}

void OnlineR4Hooks::blockInput(int block, MatrixRM& hidden) {
  if (m_next) m_next->blockInput(block, hidden);
}

void OnlineR4Hooks::blockOutput(int block, MatrixRM& hidden) {
  if (m_next) m_next->blockOutput(block, hidden);
}

void OnlineR4Hooks::linearInput(const LinearId& id, MatrixRM& x) {
  if (id.module == Module::Down) m_r4->applyRows(x);  // x [rows, intermediate] ← x·R4
  if (m_next) m_next->linearInput(id, x);
}

void OnlineR4Hooks::linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) {
  if (m_next) m_next->linearOutput(id, x, y);
}

}  // namespace slmq::core
