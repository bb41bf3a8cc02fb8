// libFuzzer target: YAML sweep specs (core/jobs/yaml_json.h through expandSweep with a .yaml
// source): the YAML -> JSON conversion (scalar typing, aliases, depth and size bounds) and the
// shared sweep validation. Bad input must end in slmq::core::Error. yaml-cpp itself is the
// Debian library (not instrumented), so coverage guides through the conversion only; yaml.dict
// feeds it YAML's syntax.
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/jobs/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto points = slmq::core::expandSweep(text, "fuzz/sweep.yaml");
    for (const auto& p : points) (void)p.dump();
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
