// One row of the inference track per process (so that peak RSS belongs to that row alone):
//   inference_track_bench MODEL SCHEME [threads] [repeats] [rtn|quarot|quarot-taps|taps]
// MODEL: an asset name (smol-ref, qwen-ref), a model path, or the random reference shapes
// "SmolLM-135M" / "Qwen2.5-0.5B". SCHEME: "fp32" or a QuantSpec short name ("w8a8",
// "w4a16 g128 asym", "w4a8 g128 asym"). Prints one JSON object on stdout.
// The last argument picks the method of a quantized row (default rtn): "quarot" quantizes a
// loaded model as `slmq run` does (quarot,rtn; packRunModel, which puts the online R4 into the
// down_proj kernels); for a random reference shape it packs as rtn and attaches the R4 of its
// FFN width (the weights are random either way: the cost is the same, the function is not
// evaluated). "quarot-taps" runs the R4 as OnlineR4Hooks instead (the tap interface), "taps"
// runs hooks that modify nothing but make the forward copy every linear input, as any
// input-modifying hook does: what the tap interface costs besides the Hadamard.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/eval/inference_bench.h"
#include "core/jobs/run_model.h"
#include "core/jobs/runner.h"
#include "core/model/model.h"
#include "core/quant/kernels/pack_model.h"
#include "core/quant/rotation/rotated_input_kernel.h"
#include "core/quant/rotation/rotation.h"

using namespace slmq::core;

namespace {

/// Claims to modify linear inputs (so the forward hands it a copy of each) and leaves them alone.
class CopyOnlyHooks : public ForwardHooks {
 public:
  bool modifiesLinearInputs() const override { return true; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL SCHEME [threads] [repeats] [rtn|quarot|taps]\n", argv[0]);
    return 2;
  }
  try {
    const std::string name = argv[1], scheme = argv[2];
    InferenceBenchOptions o;
    if (argc > 3) o.threads = std::atoi(argv[3]);
    if (argc > 4) o.repeats = std::atoi(argv[4]);
    const std::string method = argc > 5 ? argv[5] : "rtn";
    if (method != "rtn" && method != "quarot" && method != "quarot-taps" && method != "taps")
      throw Error(ErrorKind::InvalidInput,
                  "method must be rtn, quarot, quarot-taps or taps, got " + method);
    const bool quarot = method.rfind("quarot", 0) == 0;
    const bool fp = scheme == "fp32";
    const QuantSpec spec = fp ? QuantSpec{} : QuantSpec::parse(scheme);
    std::unique_ptr<Model> model;
    RunModel run;  // a loaded model quantized as the runner does
    std::unique_ptr<ForwardHooks> hooks;
    std::string r4;
    if (name == "SmolLM-135M" || name == "Qwen2.5-0.5B") {
      const ReferenceShape shape =
          name == "SmolLM-135M" ? ReferenceShape::SmolLM135M : ReferenceShape::Qwen25_05B;
      model = randomReferenceModel(shape, fp ? nullptr : &spec);
      if (quarot) {
        const int n = model->config().intermediate_size;
        if (method == "quarot-taps")
          hooks = std::make_unique<OnlineR4Hooks>(n);
        else
          attachOnlineR4(model->weights(), onlineR4(n));
        r4 = onlineR4(n).construction();
      }
    } else if (fp) {
      model = Model::load(resolveModelPath(name));
    } else {
      ExperimentSpec es;
      es.model = name;
      if (quarot) es.methods.push_back({"quarot", nlohmann::json::object()});
      es.methods.push_back({"rtn", nlohmann::json::object()});
      es.quant = spec.toJson();
      run = buildRunModel(es);
      packRunModel(run);
      if (run.online_r4) {
        r4 = run.online_r4->construction();
        if (method == "quarot-taps") {
          detachOnlineR4(run.model->weights());
          hooks = std::move(run.r4_hooks);
        }
      }
    }
    if (method == "taps") hooks = std::make_unique<CopyOnlyHooks>();
    o.hooks = hooks.get();
    const Model& m = model ? *model : *run.model;
    const InferenceBenchResult r = benchInference(m, o);
    std::printf(
        "{\"model\": \"%s\", \"scheme\": \"%s\", \"prefill_tps\": %.1f, \"decode_tps\": %.1f, "
        "\"prefill_tok_per_cpu_s\": %.1f, \"decode_tok_per_cpu_s\": %.1f, "
        "\"peak_rss_mib\": %.1f, \"storage_mib\": %.2f, \"threads\": %d, \"isa\": \"%s\", "
        "\"method\": \"%s\", \"online_r4\": \"%s\"}\n",
        name.c_str(), scheme.c_str(), r.prefill_tokens_per_s, r.decode_tokens_per_s,
        o.prompt_tokens / r.prefill_cpu_seconds, o.new_tokens / r.decode_cpu_seconds,
        double(r.peak_rss_bytes) / (1 << 20), double(r.storage_bytes) / (1 << 20), r.threads,
        r.kernel_isa.c_str(), method.c_str(), r4.c_str());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
