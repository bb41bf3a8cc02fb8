// libFuzzer target: experiment specs (core/jobs/experiment_spec.h). An accepted spec must survive
// dump -> parse unchanged (specs are stored with every run and replayed from there). Bad input
// must end in slmq::core::Error.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/common/error.h"
#include "core/jobs/experiment_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto spec = slmq::core::ExperimentSpec::parse(text, "fuzz/spec.json");
    if (!(slmq::core::ExperimentSpec::parse(spec.dump(), "fuzz/dump.json") == spec)) {
      std::fprintf(stderr, "spec changed through dump/parse:\n%s\n", spec.dump().c_str());
      std::abort();
    }
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
