// libFuzzer target: sweep specs (core/jobs/sweep.h, expandSweep). Every expanded point is dumped
// again. Bad input must end in slmq::core::Error. Compiled with the spec sources only
// (sweep_spec.cpp, experiment_spec.cpp, quant_spec.cpp, yaml_json.cpp) and slmq_common.
#include <string>

#include "core/common/error.h"
#include "core/jobs/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto points = slmq::core::expandSweep(text, "fuzz/sweep.json");
    for (const auto& p : points) (void)p.dump();
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
