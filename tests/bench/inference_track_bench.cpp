// One row of the inference track per process (so that peak RSS belongs to that row alone):
//   inference_track_bench MODEL SCHEME [threads] [repeats]
// MODEL: an asset name (smol-ref, qwen-ref), a model path, or the random reference shapes
// "SmolLM-135M" / "Qwen2.5-0.5B". SCHEME: "fp32" or a QuantSpec short name ("w8a8",
// "w4a16 g128 asym", "w4a8 g128 asym"). Prints one JSON object on stdout.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/common/error.h"
#include "core/jobs/runner.h"
#include "core/eval/inference_bench.h"
#include "core/model/model.h"
#include "core/quant/kernels/pack_model.h"

using namespace slmq::core;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL SCHEME [threads] [repeats]\n", argv[0]);
    return 2;
  }
  try {
    const std::string name = argv[1], scheme = argv[2];
    InferenceBenchOptions o;
    if (argc > 3) o.threads = std::atoi(argv[3]);
    if (argc > 4) o.repeats = std::atoi(argv[4]);
    const bool fp = scheme == "fp32";
    const QuantSpec spec = fp ? QuantSpec{} : QuantSpec::parse(scheme);
    std::unique_ptr<Model> model;
    if (name == "SmolLM-135M" || name == "Qwen2.5-0.5B") {
      const ReferenceShape shape =
          name == "SmolLM-135M" ? ReferenceShape::SmolLM135M : ReferenceShape::Qwen25_05B;
      model = randomReferenceModel(shape, fp ? nullptr : &spec);
    } else {
      model = Model::load(resolveModelPath(name));
      if (!fp) packModel(model->weights(), spec);
    }
    const InferenceBenchResult r = benchInference(*model, o);
    std::printf(
        "{\"model\": \"%s\", \"scheme\": \"%s\", \"prefill_tps\": %.1f, \"decode_tps\": %.1f, "
        "\"peak_rss_mib\": %.1f, \"storage_mib\": %.2f, \"threads\": %d, \"isa\": \"%s\"}\n",
        name.c_str(), scheme.c_str(), r.prefill_tokens_per_s, r.decode_tokens_per_s,
        double(r.peak_rss_bytes) / (1 << 20), double(r.storage_bytes) / (1 << 20), r.threads,
        r.kernel_isa.c_str());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
