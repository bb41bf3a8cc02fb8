// libFuzzer target: Hugging Face config.json (core/model/config_json.h). Bad input must end in
// slmq::core::Error.
#include <string>

#include "core/common/error.h"
#include "core/model/config_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)slmq::core::parseHfConfig(std::string(reinterpret_cast<const char*>(data), size),
                                    "fuzz/config.json");
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
