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
  t.hooks = o.hooks;
  const ThroughputResult tr = measureThroughput(model, t);
  r.peak_rss_bytes = peakResidentBytes();
  r.prefill_tokens_per_s = tr.prefill_tokens_per_s;
  r.decode_tokens_per_s = tr.decode_tokens_per_s;
  r.prefill_cpu_seconds = tr.prefill_cpu_seconds;
  r.decode_cpu_seconds = tr.decode_cpu_seconds;
  r.threads = tr.threads;
  r.storage_bytes = modelStorageBytes(model.weights());
  r.kernel_isa = kernelIsaName(activeKernelIsa());
  return r;
}

const char* referenceShapeName(ReferenceShape shape) noexcept {
  return shape == ReferenceShape::SmolLM135M ? "SmolLM-135M" : "Qwen2.5-0.5B";
}

// Sizes as in the models' config.json:  vocab, hidden, FFN, layers, heads, KV heads, head dim
constexpr DecoderShape kSmolLM135MShape{49152, 576, 1536, 30, 9, 3, 64};
constexpr DecoderShape kQwen25_05BShape{151936, 896, 4864, 24, 14, 2, 64};

ModelConfig referenceShapeConfig(ReferenceShape shape) {
  ModelConfig c;
  c.tie_word_embeddings = true;
  c.source_dtype = "random";
  if (shape == ReferenceShape::SmolLM135M) {
    c.arch = Architecture::Llama;
    c.arch_name = "LlamaForCausalLM";
    c.rms_norm_eps = 1e-5;
    c.max_positions = 2048;
    c.rope.theta = 10000.0;
    c.bos_token_id = c.eos_token_id = 0;
    return withDecoderShape(c, kSmolLM135MShape);
  }
  c.arch = Architecture::Qwen2;
  c.arch_name = "Qwen2ForCausalLM";
  c.attention_bias = true;
  c.rms_norm_eps = 1e-6;
  c.max_positions = 32768;
  c.rope.theta = 1000000.0;
  c.bos_token_id = c.eos_token_id = 151643;
  return withDecoderShape(c, kQwen25_05BShape);
}

std::unique_ptr<Model> randomReferenceModel(ReferenceShape shape, const QuantSpec* spec,
                                            std::uint64_t seed) {
  RandomLinearFn pack;
  if (spec) {
    spec->validate();
    pack = [spec](int block, Module m, Linear& l) {
      const LayerQuant lq = spec->forLayer({block, m});
      if (spec->decoder_linears && lq.weight.enabled())
        packLinear(l, quantizeWeight(l.weight, lq.weight), lq.act);
    };
  }
  auto model = randomModel(referenceShapeConfig(shape), seed, pack);
  releaseFreedMemory();
  return model;
}

}  // namespace slmq::core
