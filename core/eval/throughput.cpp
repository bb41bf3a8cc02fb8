// Prefill / decode throughput measurement (see throughput.h).
#include "core/eval/throughput.h"

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/model/model.h"

namespace slmq::core {
namespace {

std::vector<int> pseudoRandomTokens(int n, int vocab, std::uint32_t seed) {
  std::vector<int> t(std::size_t(std::max(n, 0)));
  std::uint32_t s = seed;
  for (auto& x : t) {
    s = s * 1664525u + 1013904223u;  // Numerical Recipes LCG
    x = int((s >> 8) % std::uint32_t(vocab));
  }
  return t;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

ThroughputResult measureThroughput(const Model& model, const ThroughputOptions& o) {
  if (o.prompt_tokens < 0 || o.context < 0 || o.new_tokens < 0 || o.repeats < 1)
    throw Error(ErrorKind::InvalidInput, "throughput: sizes must be >= 0 and repeats >= 1");
  using clock = std::chrono::steady_clock;
  const int vocab = model.config().vocab_size;
  ThroughputResult r;
  r.threads = computeThreads();
  const int steps = (o.prompt_tokens > 0 ? o.repeats : 0) + (o.new_tokens > 0 ? o.repeats : 0);
  int done = 0;
  reportProgress(o.progress, 0.0, "bench");

  if (o.prompt_tokens > 0) {
    // As llama-bench's pp: the prompt goes into an empty KV cache, logits of the last token only.
    const auto prompt = pseudoRandomTokens(o.prompt_tokens, vocab, 1);
    {
      KvCache warm;
      model.decode(prompt, warm, o.hooks);  // warm-up: page in weights, start the thread pool
    }
    for (int i = 0; i < o.repeats; ++i) {
      KvCache cache;
      const double c0 = processCpuSeconds();
      const auto t0 = clock::now();
      model.decode(prompt, cache, o.hooks);
      const double s = seconds(t0, clock::now());
      const double cpu = processCpuSeconds() - c0;
      if (i == 0 || s < r.prefill_seconds) r.prefill_seconds = s;
      if (i == 0 || cpu < r.prefill_cpu_seconds) r.prefill_cpu_seconds = cpu;
      reportProgress(o.progress, double(++done) / steps, "bench prefill");
    }
    r.prefill_tokens_per_s = o.prompt_tokens / r.prefill_seconds;
  }
  if (o.new_tokens > 0) {
    const auto context = pseudoRandomTokens(std::max(o.context, 1), vocab, 2);
    const auto next = pseudoRandomTokens(o.new_tokens, vocab, 3);
    for (int i = 0; i < o.repeats; ++i) {
      KvCache cache;
      model.decode(context, cache, o.hooks);
      const double c0 = processCpuSeconds();
      const auto t0 = clock::now();
      for (int t : next) model.decode({t}, cache, o.hooks);
      const double s = seconds(t0, clock::now());
      const double cpu = processCpuSeconds() - c0;
      if (i == 0 || s < r.decode_seconds) r.decode_seconds = s;
      if (i == 0 || cpu < r.decode_cpu_seconds) r.decode_cpu_seconds = cpu;
      reportProgress(o.progress, double(++done) / steps, "bench decode");
    }
    r.decode_tokens_per_s = o.new_tokens / r.decode_seconds;
  }
  return r;
}

}  // namespace slmq::core
