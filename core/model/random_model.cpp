// Randomly initialised models; see random_model.h.
#include "core/model/random_model.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/model/model.h"

namespace slmq::core {

namespace {

/// Uniform values in [-a, a] (std a/√3) from xorshift64*: fast, deterministic, value-agnostic.
class FastRandom {
 public:
  explicit FastRandom(std::uint64_t seed) : m_s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  void fill(float* p, std::size_t n, float a) {
    for (std::size_t i = 0; i < n; ++i) {
      m_s ^= m_s >> 12;
      m_s ^= m_s << 25;
      m_s ^= m_s >> 27;
      const std::uint64_t r = m_s * 0x2545F4914F6CDD1Dull;
      p[i] = a * (float(r >> 40) * (2.f / 16777216.f) - 1.f);
    }
  }

 private:
  std::uint64_t m_s;
};

constexpr float kUniformA = 0.02f * 1.7320508f;  // std 0.02

}  // namespace

ModelConfig withDecoderShape(ModelConfig config, const DecoderShape& shape) {
  config.vocab_size = shape.vocab_size;
  config.hidden_size = shape.hidden_size;
  config.intermediate_size = shape.intermediate_size;
  config.num_layers = shape.num_layers;
  config.num_heads = shape.num_heads;
  config.num_kv_heads = shape.num_kv_heads;
  config.head_dim = shape.head_dim;
  config.use_rope.assign(std::size_t(std::max(shape.num_layers, 0)), true);
  return config;
}

std::unique_ptr<Model> randomModel(const ModelConfig& c, std::uint64_t seed,
                                   const RandomLinearFn& onLinear) {
  const std::size_t d = std::size_t(c.hidden_size), f = std::size_t(c.intermediate_size);
  const std::size_t qd = std::size_t(c.num_heads) * c.head_dim;
  const std::size_t kvd = std::size_t(c.num_kv_heads) * c.head_dim;
  const std::size_t perBlock = d * (qd + 2 * kvd) + qd * d + 3 * d * f;
  const std::size_t floats = std::size_t(c.vocab_size) * d * (c.tie_word_embeddings ? 1 : 2) +
                             (onLinear ? perBlock : perBlock * c.num_layers);
  const std::uint64_t avail = availableMemoryBytes();
  if (c.num_layers < 1 || c.hidden_size < 1 || c.vocab_size < 1 ||
      (avail > 0 && floats * sizeof(float) > avail))
    throw Error(ErrorKind::Resource, "random model: " + std::to_string(floats * 4 >> 20) +
                                         " MiB of float32 weights needed, " +
                                         std::to_string(avail >> 20) + " MiB available");
  FastRandom rng(seed);
  ModelWeights w;
  w.embed.resize(c.vocab_size, c.hidden_size);
  rng.fill(w.embed.data(), std::size_t(w.embed.size()), kUniformA);
  if (!c.tie_word_embeddings) {
    w.lm_head.resize(c.vocab_size, c.hidden_size);
    rng.fill(w.lm_head.data(), std::size_t(w.lm_head.size()), kUniformA);
  }
  w.final_norm = VectorF::Ones(c.hidden_size);
  w.blocks.resize(std::size_t(c.num_layers));
  for (int b = 0; b < c.num_layers; ++b) {
    BlockWeights& blk = w.blocks[std::size_t(b)];
    blk.attn_norm = VectorF::Ones(c.hidden_size);
    blk.mlp_norm = VectorF::Ones(c.hidden_size);
    // W [out, in] of each decoder linear.
    const std::pair<Module, std::pair<std::size_t, std::size_t>> shapes[] = {
        {Module::Q, {qd, d}},   {Module::K, {kvd, d}}, {Module::V, {kvd, d}}, {Module::O, {d, qd}},
        {Module::Gate, {f, d}}, {Module::Up, {f, d}},  {Module::Down, {d, f}}};
    for (const auto& [m, shape] : shapes) {
      Linear& l = blk.linear(m);
      l.weight.resize(Eigen::Index(shape.first), Eigen::Index(shape.second));
      rng.fill(l.weight.data(), std::size_t(l.weight.size()), kUniformA);
      if (c.attention_bias && (m == Module::Q || m == Module::K || m == Module::V)) {
        l.bias.resize(Eigen::Index(shape.first));
        rng.fill(l.bias.data(), std::size_t(l.bias.size()), kUniformA);
      }
      if (onLinear) onLinear(b, m, l);
    }
  }
  return std::make_unique<Model>(c, std::move(w), nullptr);
}

}  // namespace slmq::core
