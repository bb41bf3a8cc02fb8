// The cost of quantizing (the paper's third track) for one method, one process per run so that
// the peak RSS is that run's alone:
//   quantize_cost_bench MODEL METHODS SPEC [samples] [seq_len] [threads]
// e.g. `quantize_cost_bench smol-ref gptq "w4 g128 asym" 128 512 2`. MODEL: an asset name or a
// model path; METHODS as `slmq quantize --method` ("rtn", "gptq", "smoothquant,gptq", ...); SPEC a
// QuantSpec short name. Calibration text: the default (wikitext2_valid.txt). Prints one JSON
// object on stdout: wall and CPU seconds, peak RSS, calibration time and tokens.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <omp.h>

#include "core/common/error.h"
#include "core/jobs/runner.h"
#include "core/model/model.h"
#include "core/quant/quantize.h"

using namespace slmq::core;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL METHODS SPEC [samples] [seq_len] [threads]\n", argv[0]);
    return 2;
  }
  try {
    const std::string name = argv[1];
    QuantizeOptions o;
    o.methods = argv[2];
    o.spec = QuantSpec::parse(argv[3]);
    if (argc > 4) o.calib.samples = std::atoi(argv[4]);
    if (argc > 5) o.calib.seq_len = std::atoi(argv[5]);
    if (argc > 6) omp_set_num_threads(std::max(1, std::atoi(argv[6])));
    auto model = Model::load(resolveModelPath(name));
    const QuantizeResult r = quantizeModel(*model, o);
    std::printf(
        "{\"model\": \"%s\", \"methods\": \"%s\", \"spec\": \"%s\", \"samples\": %d, "
        "\"seq_len\": %d, \"threads\": %d, \"wall_s\": %.2f, \"cpu_s\": %.2f, "
        "\"peak_rss_mib\": %.1f, \"calibration_s\": %.2f, \"calibration_tokens\": %lld}\n",
        name.c_str(), o.methods.c_str(), argv[3], o.calib.samples, o.calib.seq_len,
        omp_get_max_threads(), r.cost.wall_seconds, r.cost.cpu_seconds,
        double(r.cost.peak_rss_bytes) / (1 << 20), r.cost.calibration_seconds,
        static_cast<long long>(r.cost.calibration_tokens));
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
