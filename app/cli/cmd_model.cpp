// `slmq info | tokenize | generate | ppl | bench`: open a model and run the exact forward pass.
// `bench --run N --store WS` measures a stored run's model as `slmq run` does (packed kernels)
// and adds the figures to the run. Argument parsing only; the work is in core (Model,
// evaluatePerplexity, measureThroughput, core/jobs/stored_run_eval.h).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/command.h"
#include "app/cli/run_target.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/eval/perplexity.h"
#include "core/eval/throughput.h"
#include "core/jobs/stored_run_eval.h"
#include "core/model/model.h"
#include "core/store/store.h"
#include "core/tokenizer/tokenizer.h"

namespace {

using nlohmann::json;
using slmq::cli::GlobalOptions;
using namespace slmq::core;

const char* ropeTypeName(RopeType t) {
  switch (t) {
    case RopeType::Default:
      return "default";
    case RopeType::Linear:
      return "linear";
    case RopeType::Yarn:
      return "yarn";
    case RopeType::Llama3:
      return "llama3";
  }
  return "?";
}

std::unique_ptr<Model> open(const std::string& path, const GlobalOptions& g) {
  setComputeThreads(g.threads);
  return Model::load(path);
}

const Tokenizer& needTokenizer(const Model& m) {
  if (!m.tokenizer())
    throw Error(ErrorKind::InvalidInput, m.sourcePath().string() + ": the model has no tokenizer");
  return *m.tokenizer();
}

ProgressFn stderrProgress(const GlobalOptions& g) {
  if (g.quiet) return {};
  if (g.json)  // JSON lines shaped like core/jobs/progress_protocol.h's progress events
    return [](double f, std::string_view stage) {
      std::cerr
          << json{{"event", "progress"}, {"fraction", f}, {"stage", std::string(stage)}}.dump()
          << std::endl;
      return true;
    };
  return [](double f, std::string_view stage) {
    std::fprintf(stderr, "\r%s %5.1f%%", std::string(stage).c_str(), 100.0 * f);
    if (f >= 1.0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
    return true;
  };
}

void info(const std::string& path, const GlobalOptions& g) {
  auto m = open(path, g);
  const ModelConfig& c = m->config();
  int nope = 0;
  for (bool r : c.use_rope) nope += r ? 0 : 1;
  json j = {
      {"path", path},
      {"architecture", c.arch_name},
      {"parameters", m->weights().parameterCount()},
      {"vocab_size", c.vocab_size},
      {"hidden_size", c.hidden_size},
      {"intermediate_size", c.intermediate_size},
      {"layers", c.num_layers},
      {"heads", c.num_heads},
      {"kv_heads", c.num_kv_heads},
      {"head_dim", c.head_dim},
      {"rms_norm_eps", c.rms_norm_eps},
      {"max_positions", c.max_positions},
      {"tied_embeddings", m->weights().tied()},
      {"qkv_bias", c.attention_bias},
      {"qk_norm", c.qk_norm},
      {"rope",
       {{"type", ropeTypeName(c.rope.type)}, {"theta", c.rope.theta}, {"factor", c.rope.factor}}},
      {"nope_layers", nope},
      {"source_dtype", c.source_dtype},
      {"tokenizer_vocab", m->tokenizer() ? m->tokenizer()->vocabSize() : 0}};
  if (g.json) {
    std::cout << j.dump() << "\n";
    return;
  }
  std::printf(
      "%s\n  architecture   %s\n  parameters     %zu\n  layers         %d (hidden %d, FFN %d)\n"
      "  heads          %d query / %d KV, head_dim %d\n  vocab          %d%s\n"
      "  rope           %s, theta %g%s\n  NoPE layers    %d\n  stored as      %s\n",
      path.c_str(), c.arch_name.c_str(), m->weights().parameterCount(), c.num_layers, c.hidden_size,
      c.intermediate_size, c.num_heads, c.num_kv_heads, c.head_dim, c.vocab_size,
      m->weights().tied() ? " (tied LM head)" : "", ropeTypeName(c.rope.type), c.rope.theta,
      c.rope.type == RopeType::Default ? "" : (", factor " + std::to_string(c.rope.factor)).c_str(),
      nope, c.source_dtype.c_str());
}

void tokenize(const std::string& path, const std::string& text, const GlobalOptions& g) {
  auto m = open(path, g);
  const Tokenizer& tok = needTokenizer(*m);
  const auto ids = tok.encode(text);
  if (g.json) {
    json pieces = json::array();
    for (int id : ids) pieces.push_back(tok.tokenText(id));
    std::cout << json{{"ids", ids}, {"tokens", pieces}, {"count", ids.size()}}.dump() << "\n";
    return;
  }
  for (int id : ids) std::printf("%d\t%s\n", id, json(tok.tokenText(id)).dump().c_str());
  std::printf("%zu tokens\n", ids.size());
}

void generate(const std::string& path, const std::string& prompt, int n, const GlobalOptions& g) {
  auto m = open(path, g);
  const Tokenizer& tok = needTokenizer(*m);
  const auto ids = tok.encode(prompt);
  if (ids.empty()) throw Error(ErrorKind::InvalidInput, "generate: the prompt has no tokens");
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = m->generateGreedy(ids, n);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::vector<int> added(out.begin() + std::ptrdiff_t(ids.size()), out.end());
  // Decode prompt + continuation together so that word-boundary rules (SentencePiece's leading
  // space) apply as they would to the whole text, then cut the prompt's part off.
  const std::string whole = tok.decode(out), head = tok.decode(ids);
  const std::string text =
      whole.compare(0, head.size(), head) == 0 ? whole.substr(head.size()) : tok.decode(added);
  if (g.json) {
    std::cout << json{{"prompt", prompt},
                      {"prompt_ids", ids},
                      {"output_ids", added},
                      {"text", text},
                      {"seconds", s}}
                     .dump()
              << "\n";
    return;
  }
  std::printf("%s%s\n", prompt.c_str(), text.c_str());
}

void ppl(const std::string& path, const std::string& textFile, int seqLen, int chunks, int batch,
         const GlobalOptions& g) {
  auto m = open(path, g);
  PerplexityOptions o;
  o.seq_len = seqLen;
  o.max_chunks = chunks;
  o.batch = batch;
  o.progress = stderrProgress(g);
  const auto t0 = std::chrono::steady_clock::now();
  const PerplexityResult r = evaluatePerplexityFile(*m, textFile, o);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double tps = double(r.chunk_nll.size()) * seqLen / s;
  if (g.json) {
    std::cout << json{{"model", path},
                      {"text", textFile},
                      {"seq_len", r.seq_len},
                      {"n_tokens", r.n_tokens},
                      {"n_chunks", r.chunk_nll.size()},
                      {"n_predicted", r.n_predicted},
                      {"perplexity", r.perplexity()},
                      {"chunk_nll", r.chunk_nll},
                      {"seconds", s},
                      {"tokens_per_s", tps}}
                     .dump()
              << "\n";
    return;
  }
  std::printf(
      "perplexity %.4f over %zu chunks of %d tokens (%zu predicted) in %.1f s (%.0f tok/s)\n",
      r.perplexity(), r.chunk_nll.size(), r.seq_len, r.n_predicted, s, tps);
}

void bench(const std::string& path, const ThroughputOptions& o0, const GlobalOptions& g) {
  auto m = open(path, g);
  ThroughputOptions o = o0;
  o.progress = stderrProgress(g);
  const ThroughputResult r = measureThroughput(*m, o);
  if (g.json) {
    std::cout << json{{"model", path},
                      {"threads", r.threads},
                      {"prompt_tokens", o.prompt_tokens},
                      {"context", o.context},
                      {"new_tokens", o.new_tokens},
                      {"prefill_tokens_per_s", r.prefill_tokens_per_s},
                      {"decode_tokens_per_s", r.decode_tokens_per_s},
                      {"prefill_seconds", r.prefill_seconds},
                      {"decode_seconds", r.decode_seconds},
                      {"prefill_cpu_seconds", r.prefill_cpu_seconds},
                      {"decode_cpu_seconds", r.decode_cpu_seconds}}
                     .dump()
              << "\n";
    return;
  }
  std::printf(
      "threads %d\nprefill %d tokens: %.1f tok/s (%.3f s wall, %.3f s CPU)\n"
      "decode %d tokens after %d: %.1f tok/s (%.3f s wall, %.3f s CPU)\n",
      r.threads, o.prompt_tokens, r.prefill_tokens_per_s, r.prefill_seconds, r.prefill_cpu_seconds,
      o.new_tokens, o.context, r.decode_tokens_per_s, r.decode_seconds, r.decode_cpu_seconds);
}

/// `bench --run N`: which of --prompt/--new/--repeats/--context were given on the command line.
struct BenchGiven {
  bool prompt = false, context = false, new_tokens = false, repeats = false;
};

void benchRun(const slmq::cli::RunTarget& t, const ThroughputOptions& o, const BenchGiven& given,
              const GlobalOptions& g) {
  Store store = t.openStore();
  // The run's stored bench settings (else the spec's defaults), overridden by what was given.
  BenchEval b = storedRunSpec(store, t.run).evaluations.bench.value_or(BenchEval{});
  if (given.prompt) b.prompt_tokens = o.prompt_tokens;
  if (given.new_tokens) b.gen_tokens = o.new_tokens;
  if (given.repeats) b.repetitions = o.repeats;
  if (given.context && o.context != b.prompt_tokens)
    throw Error(ErrorKind::InvalidInput,
                "bench --run: the runner decodes after a context of --prompt tokens; --context " +
                    std::to_string(o.context) + " differs from " + std::to_string(b.prompt_tokens));
  RunAdditions add;
  add.bench = b;
  StoredRunEvalOptions eo;
  eo.threads = g.threads;
  eo.on_log = slmq::cli::storedRunNotes(g);
  const StoredRunEvalResult res = evaluateStoredRun(store, t.run, add, stderrProgress(g), eo);
  const InferenceBenchResult& r = *res.bench;
  if (g.json) {
    json out = {{"model", res.spec.model},
                {"threads", r.threads},
                {"prompt_tokens", b.prompt_tokens},
                {"context", b.prompt_tokens},
                {"new_tokens", b.gen_tokens},
                {"repeats", b.repetitions},
                {"prefill_tokens_per_s", r.prefill_tokens_per_s},
                {"decode_tokens_per_s", r.decode_tokens_per_s},
                {"peak_rss_bytes", r.peak_rss_bytes},
                {"peak_rss_process_wide", r.peak_rss_process_wide},
                {"storage_bytes", r.storage_bytes},
                {"kernel_isa", r.kernel_isa},
                {"run", res.run_id},
                {"stored_metrics", res.stored.size()}};
    if (r.prefill_tokens_per_s > 0)
      out["prefill_seconds"] = b.prompt_tokens / r.prefill_tokens_per_s;
    if (r.decode_tokens_per_s > 0) out["decode_seconds"] = b.gen_tokens / r.decode_tokens_per_s;
    std::cout << out.dump() << "\n";
    return;
  }
  std::printf(
      "run %lld (%s), %d threads, kernels %s\nprefill %d tokens: %.1f tok/s\n"
      "decode %d tokens after %d: %.1f tok/s\npeak RSS %.1f MiB%s, size %.2f MiB\n"
      "stored %zu metrics on run %lld in %s\n",
      static_cast<long long>(res.run_id), res.run.name.c_str(), r.threads, r.kernel_isa.c_str(),
      b.prompt_tokens, r.prefill_tokens_per_s, b.gen_tokens, b.prompt_tokens, r.decode_tokens_per_s,
      double(r.peak_rss_bytes) / (1 << 20), r.peak_rss_process_wide ? " (process-wide)" : "",
      double(r.storage_bytes) / (1 << 20), res.stored.size(), static_cast<long long>(res.run_id),
      t.store.c_str());
}

slmq::cli::CommandRegistration reg(10, [](CLI::App& app, GlobalOptions& g) {
  {
    auto* c = app.add_subcommand("info", "Show a model's architecture and size");
    auto path = std::make_shared<std::string>();
    c->add_option("model", *path, "Model directory, .gguf or llama2.c .bin")->required();
    c->callback([path, &g] { info(*path, g); });
  }
  {
    auto* c = app.add_subcommand("tokenize", "Print the token ids of a text");
    auto path = std::make_shared<std::string>();
    auto text = std::make_shared<std::string>();
    c->add_option("model", *path, "Model directory, .gguf or llama2.c .bin")->required();
    c->add_option("text", *text, "Text to tokenize")->required();
    c->callback([path, text, &g] { tokenize(*path, *text, g); });
  }
  {
    auto* c = app.add_subcommand("generate", "Greedy generation from a prompt");
    auto path = std::make_shared<std::string>();
    auto prompt = std::make_shared<std::string>();
    auto n = std::make_shared<int>(32);
    c->add_option("model", *path, "Model directory, .gguf or llama2.c .bin")->required();
    c->add_option("prompt", *prompt, "Prompt text")->required();
    c->add_option("-n,--new", *n, "New tokens to generate")->check(CLI::Range(0, 1 << 20));
    c->callback([path, prompt, n, &g] { generate(*path, *prompt, *n, g); });
  }
  {
    auto* c = app.add_subcommand("ppl", "Perplexity of a text file (non-overlapping chunks)");
    auto path = std::make_shared<std::string>();
    auto text = std::make_shared<std::string>();
    auto seq = std::make_shared<int>(512);
    auto chunks = std::make_shared<int>(0);
    auto batch = std::make_shared<int>(4);
    c->add_option("model", *path, "Model directory, .gguf or llama2.c .bin")->required();
    c->add_option("--text", *text, "UTF-8 text file")->required()->check(CLI::ExistingFile);
    c->add_option("--seq-len", *seq, "Tokens per chunk")->check(CLI::Range(2, 1 << 20));
    c->add_option("--chunks", *chunks, "Evaluate only the first K chunks (0 = all)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--batch", *batch, "Chunks per forward pass")->check(CLI::Range(1, 1024));
    c->callback([=, &g] { ppl(*path, *text, *seq, *chunks, *batch, g); });
  }
  {
    auto* c = app.add_subcommand("bench", "Prefill and decode tokens per second");
    auto path = std::make_shared<std::string>();
    auto o = std::make_shared<ThroughputOptions>();
    auto target = std::make_shared<slmq::cli::RunTarget>();
    c->add_option("model", *path, "Model directory, .gguf or llama2.c .bin, or run:N");
    auto* prompt = c->add_option("--prompt", o->prompt_tokens, "Prefill length")
                       ->check(CLI::Range(0, 1 << 20));
    auto* context = c->add_option("--context", o->context, "Context before decoding")
                        ->check(CLI::Range(0, 1 << 20));
    auto* fresh =
        c->add_option("--new", o->new_tokens, "Decoded tokens")->check(CLI::Range(0, 1 << 20));
    auto* repeats = c->add_option("--repeats", o->repeats, "Repeats (best is reported)")
                        ->check(CLI::Range(1, 100));
    target->add(c);
    c->callback([=, &g] {
      if (target->resolve(*path, "bench")) {
        const BenchGiven given{prompt->count() > 0, context->count() > 0, fresh->count() > 0,
                               repeats->count() > 0};
        return benchRun(*target, *o, given, g);
      }
      if (path->empty())
        throw Error(ErrorKind::InvalidInput, "bench: give MODEL, or a stored run (--run N)");
      bench(*path, *o, g);
    });
  }
});

}  // namespace
