// The transformer forward pass in float32, in transformers' op order: RMSNorm, q/k/v projections
// (+ bias), optional per-head q/k RMSNorm, RoPE (skipped on NoPE layers), causal GQA attention
// with a float32 softmax, o projection, residual, RMSNorm, SwiGLU MLP, residual; final RMSNorm
// and the (tied) LM head. Products go through Eigen's GEMM; attention runs one (sequence, head)
// pair per OpenMP task.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/model/model.h"
#include "core/model/rope.h"

namespace slmq::core {
namespace {

using StridedMap = Eigen::Map<MatrixRM, 0, Eigen::OuterStride<>>;
using ConstStridedMap = Eigen::Map<const MatrixRM, 0, Eigen::OuterStride<>>;

// ---- RMSNorm ------------------------------------------------------------------------------------
// One row x [n] -> out [n]: w * (x * rsqrt(mean(x²) + eps)), as LlamaRMSNorm in float32.
inline void rmsNormRow(const float* x, const float* w, int n, float eps, float* out) {
  double ss = 0;
  for (int j = 0; j < n; ++j) {
    const float sq = x[j] * x[j];
    ss += sq;
  }
  const float variance = float(ss) / float(n);
  const float r = 1.0f / std::sqrt(variance + eps);
  for (int j = 0; j < n; ++j) out[j] = w[j] * (x[j] * r);
}

// x [rows, d] -> out [rows, d]
void rmsNorm(const MatrixRM& x, const VectorF& w, float eps, MatrixRM& out) {
  out.resize(x.rows(), x.cols());
  const int n = int(x.cols());
  const Eigen::Index rows = x.rows();
#pragma omp parallel for num_threads(computeThreads()) if (rows >= 64)
  for (Eigen::Index r = 0; r < rows; ++r)
    rmsNormRow(x.row(r).data(), w.data(), n, eps, out.row(r).data());
}

// ---- Linear -------------------------------------------------------------------------------------
// y [rows, out] = x [rows, in] · Wᵀ, W [out, in]. The output features are cut into tiles whose
// widths depend on the shape only, never on the thread count, and each tile is one
// single-threaded Eigen product x · W[c0:c0+len]ᵀ. Eigen's per-element summation order depends on
// the product's shape and the element's place in it (its GEMM kernel treats the last columns of a
// call differently), so a split by thread count made the logits differ between 1, 2 and 3
// threads; fixed tiles make them bit-identical. Threads take whole tiles: one join per group of
// products and no spinning inside Eigen's threaded GEMM (which degrades badly when the cores are
// shared). With few rows (decode) the product is memory-bound and the tiles stream W in parallel.
struct Product {
  const MatrixRM* x;  // [rows, in]
  const MatrixRM* w;  // [out, in]
  MatrixRM* y;        // [rows, out]
};

/// Tile width for `out` output features: at least 128 columns, at most 16 tiles, multiples of 16.
Eigen::Index tileWidth(Eigen::Index out) {
  return std::max<Eigen::Index>(128, ((out + 15) / 16 + 15) / 16 * 16);
}

// Several products in one parallel region (q/k/v share it, as do gate/up), so a decode step pays
// one join per group instead of one per product.
void matmulTransposedMany(const std::vector<Product>& ps) {
  struct Tile {
    const Product* p;
    Eigen::Index c0, len;
  };
  std::vector<Tile> tiles;
  double flops = 0;
  for (const auto& p : ps) {
    p.y->resize(p.x->rows(), p.w->rows());
    flops += 2.0 * double(p.x->rows()) * double(p.w->rows()) * double(p.w->cols());
    const Eigen::Index out = p.w->rows(), width = tileWidth(out);
    for (Eigen::Index c0 = 0; c0 < out; c0 += width)
      tiles.push_back({&p, c0, std::min(width, out - c0)});
  }
  auto run = [](const Tile& t) {
    // A single-threaded product: inside a parallel region Eigen does not start threads, and
    // outside one (nt == 1, or a product too small for Eigen to split) it runs on one as well.
    t.p->y->middleCols(t.c0, t.len).noalias() =
        *t.p->x * t.p->w->middleRows(t.c0, t.len).transpose();
  };
  // With more than one compute thread the tiles always run inside a parallel region (even when
  // there are fewer tiles than threads), so that Eigen never runs a tile with its own threads
  // and thread-count-dependent blocking.
  const int nt = computeThreads();
  if (nt <= 1 || flops < 2e5) {
    for (const Tile& t : tiles) run(t);
    return;
  }
  const int n = int(tiles.size());
#pragma omp parallel for num_threads(nt) schedule(dynamic)
  for (int i = 0; i < n; ++i) run(tiles[std::size_t(i)]);
}

void matmulTransposed(const MatrixRM& x, const MatrixRM& w, MatrixRM& y) {
  matmulTransposedMany({{&x, &w, &y}});
}

// Linear layers that read the same input x [rows, in]: y_i = x_i · W_iᵀ (+ b_i), with the
// hooks' taps around each (inputs first, then outputs, in the order given). A layer with a
// packed kernel runs through it; the float ones share one parallel region.
struct LinearCall {
  const Linear* l;
  LinearId id;
  MatrixRM* y;
};

void applyLinears(const std::vector<LinearCall>& calls, const MatrixRM& x, ForwardHooks* hooks) {
  std::vector<MatrixRM> copies(calls.size());
  std::vector<const MatrixRM*> inputs(calls.size(), &x);
  if (hooks) {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (hooks->modifiesLinearInputs()) {
        copies[i] = x;
        hooks->linearInput(calls[i].id, copies[i]);
        inputs[i] = &copies[i];
      } else {
        hooks->linearInput(calls[i].id, const_cast<MatrixRM&>(x));  // promised not to modify
      }
    }
  }
  std::vector<Product> fused;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].l->kernel)
      calls[i].l->kernel->apply(*inputs[i], *calls[i].y);
    else
      fused.push_back({inputs[i], &calls[i].l->weight, calls[i].y});
  }
  if (!fused.empty()) matmulTransposedMany(fused);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].l->bias.size() > 0) calls[i].y->rowwise() += calls[i].l->bias.transpose();
    if (hooks) hooks->linearOutput(calls[i].id, *inputs[i], *calls[i].y);
  }
}

// ---- attention ----------------------------------------------------------------------------------
// For each sequence b and query head h: scores [T, S] = Q_h [T, hd] · K_kv(h)ᵀ [hd, S] · scale,
// causal mask (query t sees keys 0..past+t), softmax in float32, out_h [T, hd] = P [T, S] · V [S,
// hd]. Queries go in blocks of kQueryBlock rows so that masked-out keys beyond a block are never
// multiplied. q/out are [batch·T, H·hd]; keys/values of sequence b start at row b·kSeqStride.
constexpr int kQueryBlock = 64;

void attention(const MatrixRM& q, const float* k, const float* v, Eigen::Index kvCols,
               Eigen::Index kSeqStride, int batch, int T, int past, int H, int KVH, int hd,
               MatrixRM& out) {
  out.resize(q.rows(), q.cols());
  const int S = past + T;
  const int group = H / KVH;
  const float scale = 1.0f / std::sqrt(float(hd));  // transformers: head_dim ** -0.5
  const Eigen::Index qCols = q.cols();
  // Scores rows are padded to whole SIMD-alignment units and the buffer is Eigen-aligned, so every
  // row starts on an aligned address: Eigen's vectorised exp and sum peel their first elements to
  // reach alignment, and a malloc'd buffer (16-byte aligned, sometimes more) made the softmax —
  // and hence the logits — differ between identical calls.
  constexpr Eigen::Index kAlignFloats = std::max<Eigen::Index>(1, EIGEN_MAX_ALIGN_BYTES / 4);
  const Eigen::Index ld = (Eigen::Index(S) + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
#pragma omp parallel num_threads(computeThreads())
  {
    MatrixRM buf(std::min(T, kQueryBlock), ld);  // Eigen allocation: EIGEN_MAX_ALIGN_BYTES aligned
#pragma omp for collapse(2) schedule(dynamic)
    for (int b = 0; b < batch; ++b)
      for (int h = 0; h < H; ++h) {
        const int kvh = h / group;
        ConstStridedMap Q(q.data() + Eigen::Index(b) * T * qCols + Eigen::Index(h) * hd, T, hd,
                          Eigen::OuterStride<>(qCols));
        ConstStridedMap K(k + Eigen::Index(b) * kSeqStride * kvCols + Eigen::Index(kvh) * hd, S, hd,
                          Eigen::OuterStride<>(kvCols));
        ConstStridedMap V(v + Eigen::Index(b) * kSeqStride * kvCols + Eigen::Index(kvh) * hd, S, hd,
                          Eigen::OuterStride<>(kvCols));
        StridedMap O(out.data() + Eigen::Index(b) * T * qCols + Eigen::Index(h) * hd, T, hd,
                     Eigen::OuterStride<>(qCols));
        for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
          const int tn = std::min(kQueryBlock, T - t0);
          const int keys = past + t0 + tn;  // keys visible to the block's last query
          StridedMap scores(buf.data(), tn, keys, Eigen::OuterStride<>(ld));
          scores.noalias() = Q.middleRows(t0, tn) * K.topRows(keys).transpose();
          for (int i = 0; i < tn; ++i) {
            const int visible = past + t0 + i + 1;
            auto row = scores.row(i).head(visible).array();
            row *= scale;
            const float mx = row.maxCoeff();
            row = (row - mx).exp();
            const float inv = 1.0f / row.sum();
            row *= inv;
            scores.row(i).tail(keys - visible).setZero();
          }
          O.middleRows(t0, tn).noalias() = scores * V.topRows(keys);
        }
      }
  }
}

}  // namespace

// ---- embeddings, norms, head --------------------------------------------------------------------
MatrixRM Model::embed(const std::vector<int>& tokens) const {
  MatrixRM h(Eigen::Index(tokens.size()), m_config.hidden_size);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const int t = tokens[i];
    if (t < 0 || t >= m_config.vocab_size)
      throw Error(ErrorKind::InvalidInput, "token id " + std::to_string(t) + " at index " +
                                               std::to_string(i) +
                                               " is outside the vocabulary [0, " +
                                               std::to_string(m_config.vocab_size) + ")");
    h.row(Eigen::Index(i)) = m_weights.embed.row(t);
  }
  return h;
}

MatrixRM Model::finalNorm(const MatrixRM& hidden) const {
  MatrixRM out;
  rmsNorm(hidden, m_weights.final_norm, float(m_config.rms_norm_eps), out);
  return out;
}

MatrixRM Model::lmHead(const MatrixRM& normed) const {
  const MatrixRM& head = m_weights.tied() ? m_weights.embed : m_weights.lm_head;
  MatrixRM logits;
  matmulTransposed(normed, head, logits);  // [rows, d] · [d, vocab]
  return logits;
}

MatrixRM Model::logitsFromHidden(const MatrixRM& hidden) const {
  return lmHead(finalNorm(hidden));
}

// ---- one decoder block --------------------------------------------------------------------------
void Model::runBlock(int block, MatrixRM& hidden, int batch, int T, KvCache* cache,
                     ForwardHooks* hooks) const {
  const ModelConfig& c = m_config;
  const BlockWeights& w = m_weights.blocks.at(std::size_t(block));
  const float eps = float(c.rms_norm_eps);
  const int H = c.num_heads, KVH = c.num_kv_heads, hd = c.head_dim;
  const int past = cache ? cache->length : 0;
  const Eigen::Index rows = hidden.rows();

  // attention: x = RMSNorm(h); q, k, v = x·Wqᵀ, x·Wkᵀ, x·Wvᵀ  [rows, H·hd], [rows, KVH·hd] ×2
  MatrixRM x, q, k, v;
  rmsNorm(hidden, w.attn_norm, eps, x);
  applyLinears({{&w.q, {block, Module::Q}, &q},
                {&w.k, {block, Module::K}, &k},
                {&w.v, {block, Module::V}, &v}},
               x, hooks);

  const bool rope = c.use_rope[std::size_t(block)];
  RopeTable table;
  if (rope) table.fill(past, T, m_invFreq, m_ropeScaling);
  const bool qkNorm = w.q_norm.size() > 0;
#pragma omp parallel for num_threads(computeThreads()) if (rows >= 16)
  for (Eigen::Index r = 0; r < rows; ++r) {
    const int pos = past + int(r % T);
    float* qr = q.row(r).data();
    float* kr = k.row(r).data();
    for (int h = 0; h < H; ++h) {
      if (qkNorm) rmsNormRow(qr + h * hd, w.q_norm.data(), hd, eps, qr + h * hd);
      if (rope) applyRope(qr + h * hd, table.cosAt(pos), table.sinAt(pos), hd / 2);
    }
    for (int h = 0; h < KVH; ++h) {
      if (qkNorm) rmsNormRow(kr + h * hd, w.k_norm.data(), hd, eps, kr + h * hd);
      if (rope) applyRope(kr + h * hd, table.cosAt(pos), table.sinAt(pos), hd / 2);
    }
  }

  MatrixRM attn;
  if (cache) {
    MatrixRM& ck = cache->k[std::size_t(block)];
    MatrixRM& cv = cache->v[std::size_t(block)];
    ck.middleRows(past, T) = k;
    cv.middleRows(past, T) = v;
    attention(q, ck.data(), cv.data(), ck.cols(), 0, 1, T, past, H, KVH, hd, attn);
  } else {
    attention(q, k.data(), v.data(), k.cols(), T, batch, T, 0, H, KVH, hd, attn);
  }
  MatrixRM o;
  applyLinears({{&w.o, {block, Module::O}, &o}}, attn, hooks);
  hidden += o;

  // MLP: x = RMSNorm(h); h += down(silu(x·Wgᵀ) ⊙ (x·Wuᵀ))   [rows, ff] -> [rows, d]
  rmsNorm(hidden, w.mlp_norm, eps, x);
  MatrixRM g, u;
  applyLinears({{&w.gate, {block, Module::Gate}, &g}, {&w.up, {block, Module::Up}, &u}}, x, hooks);
  // silu(g) = g / (1 + exp(-g)), then * u; rows split across threads
#pragma omp parallel for num_threads(computeThreads()) if (rows >= 8)
  for (Eigen::Index r = 0; r < rows; ++r) {
    auto a = g.row(r).array();
    a = (a / (1.0f + (-a).exp())) * u.row(r).array();
  }
  MatrixRM d;
  applyLinears({{&w.down, {block, Module::Down}, &d}}, g, hooks);
  hidden += d;
}

void Model::forwardBlock(int block, MatrixRM& hidden, int batch, ForwardHooks* hooks) const {
  if (block < 0 || block >= m_config.num_layers)
    throw Error(ErrorKind::InvalidInput, "forwardBlock: block " + std::to_string(block) +
                                             " out of range [0, " +
                                             std::to_string(m_config.num_layers) + ")");
  if (batch <= 0 || hidden.rows() % batch != 0 || hidden.cols() != m_config.hidden_size)
    throw Error(ErrorKind::InvalidInput,
                "forwardBlock: hidden has shape [" + std::to_string(hidden.rows()) + ", " +
                    std::to_string(hidden.cols()) + "], not [batch·T, hidden] for batch " +
                    std::to_string(batch));
  runBlock(block, hidden, batch, int(hidden.rows() / batch), nullptr, hooks);
}

// ---- whole model --------------------------------------------------------------------------------
MatrixRM Model::forwardHidden(const std::vector<int>& tokens, int batch,
                              ForwardHooks* hooks) const {
  if (batch <= 0 || tokens.empty() || tokens.size() % std::size_t(batch) != 0)
    throw Error(ErrorKind::InvalidInput,
                "forward: " + std::to_string(tokens.size()) + " tokens cannot be split into " +
                    std::to_string(batch) + " sequences of equal, non-zero length");
  const int T = int(tokens.size() / std::size_t(batch));
  MatrixRM h = embed(tokens);
  for (int b = 0; b < m_config.num_layers; ++b) {
    if (hooks) hooks->blockInput(b, h);
    runBlock(b, h, batch, T, nullptr, hooks);
    if (hooks) hooks->blockOutput(b, h);
  }
  return finalNorm(h);
}

MatrixRM Model::forward(const std::vector<int>& tokens, int batch, ForwardHooks* hooks) const {
  return lmHead(forwardHidden(tokens, batch, hooks));
}

VectorF Model::decode(const std::vector<int>& tokens, KvCache& cache, ForwardHooks* hooks) const {
  if (tokens.empty()) throw Error(ErrorKind::InvalidInput, "decode: no tokens given");
  const int L = m_config.num_layers;
  const int T = int(tokens.size());
  const int kvCols = m_config.num_kv_heads * m_config.head_dim;
  if (int(cache.k.size()) != L || int(cache.v.size()) != L) {
    if (cache.length != 0)
      throw Error(ErrorKind::InvalidInput, "decode: KV cache was made for another model");
    cache.k.assign(std::size_t(L), MatrixRM(0, kvCols));
    cache.v.assign(std::size_t(L), MatrixRM(0, kvCols));
  }
  const int need = cache.length + T;
  for (int l = 0; l < L; ++l) {
    for (MatrixRM* m : {&cache.k[std::size_t(l)], &cache.v[std::size_t(l)]}) {
      if (m->cols() != kvCols)
        throw Error(ErrorKind::InvalidInput, "decode: KV cache was made for another model");
      if (m->rows() < need)
        m->conservativeResize(std::max<Eigen::Index>({need, 2 * m->rows(), 64}), kvCols);
    }
  }
  MatrixRM h = embed(tokens);
  for (int l = 0; l < L; ++l) {
    if (hooks) hooks->blockInput(l, h);
    runBlock(l, h, 1, T, &cache, hooks);
    if (hooks) hooks->blockOutput(l, h);
  }
  cache.length = need;
  MatrixRM last = h.bottomRows(1);
  MatrixRM logits = lmHead(finalNorm(last));
  return logits.row(0).transpose();
}

}  // namespace slmq::core
