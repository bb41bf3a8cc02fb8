// Inference-track benchmark and random models of the paper's shapes (see inference_bench.h).
#include "core/eval/inference_bench.h"

#include <malloc.h>

#include <cmath>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/eval/throughput.h"
#include "core/model/model.h"
#include "core/quant/kernels/cpu_isa.h"
#include "core/quant/kernels/pack_model.h"

namespace slmq::core {

namespace {

/// Restores the compute thread count on scope exit.
class ThreadsGuard {
 public:
  explicit ThreadsGuard(int n) : m_saved(computeThreads()) { setComputeThreads(n); }
  ~ThreadsGuard() { setComputeThreads(m_saved); }

 private:
  int m_saved;
};

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

void releaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

InferenceBenchResult benchInference(const Model& model, const InferenceBenchOptions& o) {
  if (o.threads < 1)
    throw Error(ErrorKind::InvalidInput,
                "inference bench: threads must be >= 1, got " + std::to_string(o.threads));
  ThreadsGuard threads(o.threads);
  releaseFreedMemory();
  InferenceBenchResult r;
  r.peak_rss_process_wide = !resetPeakResident();
  ThroughputOptions t;
  t.prompt_tokens = o.prompt_tokens;
  t.context = o.context;
  t.new_tokens = o.new_tokens;
  t.repeats = o.repeats;
  t.progress = o.progress;
  const ThroughputResult tr = measureThroughput(model, t);
  r.peak_rss_bytes = peakResidentBytes();
  r.prefill_tokens_per_s = tr.prefill_tokens_per_s;
  r.decode_tokens_per_s = tr.decode_tokens_per_s;
  r.threads = tr.threads;
  r.storage_bytes = modelStorageBytes(model.weights());
  r.kernel_isa = kernelIsaName(activeKernelIsa());
  return r;
}

const char* referenceShapeName(ReferenceShape shape) noexcept {
  return shape == ReferenceShape::SmolLM135M ? "SmolLM-135M" : "Qwen2.5-0.5B";
}

ModelConfig referenceShapeConfig(ReferenceShape shape) {
  ModelConfig c;
  if (shape == ReferenceShape::SmolLM135M) {
    c.arch = Architecture::Llama;
    c.arch_name = "LlamaForCausalLM";
    c.vocab_size = 49152;
    c.hidden_size = 576;
    c.intermediate_size = 1536;
    c.num_layers = 30;
    c.num_heads = 9;
    c.num_kv_heads = 3;
    c.head_dim = 64;
    c.rms_norm_eps = 1e-5;
    c.max_positions = 2048;
    c.tie_word_embeddings = true;
    c.rope.theta = 10000.0;
    c.bos_token_id = 0;
    c.eos_token_id = 0;
  } else {
    c.arch = Architecture::Qwen2;
    c.arch_name = "Qwen2ForCausalLM";
    c.vocab_size = 151936;
    c.hidden_size = 896;
    c.intermediate_size = 4864;
    c.num_layers = 24;
    c.num_heads = 14;
    c.num_kv_heads = 2;
    c.head_dim = 64;
    c.rms_norm_eps = 1e-6;
    c.max_positions = 32768;
    c.tie_word_embeddings = true;
    c.attention_bias = true;
    c.rope.theta = 1000000.0;
    c.bos_token_id = 151643;
    c.eos_token_id = 151643;
  }
  c.use_rope.assign(std::size_t(c.num_layers), true);
  c.source_dtype = "random";
  return c;
}

namespace {

std::unique_ptr<Model> buildRandom(const ModelConfig& c, const QuantSpec* spec,
                                   std::uint64_t seed) {
  const std::size_t d = std::size_t(c.hidden_size), f = std::size_t(c.intermediate_size);
  const std::size_t qd = std::size_t(c.num_heads) * c.head_dim;
  const std::size_t kvd = std::size_t(c.num_kv_heads) * c.head_dim;
  const std::size_t perBlock = d * (qd + 2 * kvd) + qd * d + 3 * d * f;
  const std::size_t floats = std::size_t(c.vocab_size) * d * (c.tie_word_embeddings ? 1 : 2) +
                             (spec ? perBlock : perBlock * c.num_layers);
  const std::uint64_t avail = availableMemoryBytes();
  if (c.num_layers < 1 || c.hidden_size < 1 || c.vocab_size < 1 ||
      (avail > 0 && floats * sizeof(float) > avail))
    throw Error(ErrorKind::Resource, "random model: " + std::to_string(floats * 4 >> 20) +
                                         " MiB of float32 weights needed, " +
                                         std::to_string(avail >> 20) + " MiB available");
  if (spec) spec->validate();
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
      if (spec) {
        const LayerQuant lq = spec->forLayer({b, m});
        if (spec->decoder_linears && lq.weight.enabled())
          packLinear(l, quantizeWeight(l.weight, lq.weight), lq.act);
      }
    }
  }
  auto model = std::make_unique<Model>(c, std::move(w), nullptr);
  releaseFreedMemory();
  return model;
}

}  // namespace

std::unique_ptr<Model> randomModel(const ModelConfig& config, std::uint64_t seed) {
  return buildRandom(config, nullptr, seed);
}

std::unique_ptr<Model> randomReferenceModel(ReferenceShape shape, const QuantSpec* spec,
                                            std::uint64_t seed) {
  return buildRandom(referenceShapeConfig(shape), spec, seed);
}

}  // namespace slmq::core
