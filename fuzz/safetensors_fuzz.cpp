// libFuzzer target: safetensors header and tensor table (core/io/safetensors.h). Every tensor the
// header accepts is also read, so a range check that lets a bad offset through shows up as an
// ASan report. Bad input must end in slmq::core::Error.
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = slmq::fuzz::writeInput(data, size, ".safetensors");
  try {
    slmq::core::SafetensorsFile file(path);
    for (const auto& t : file.tensors()) {
      const auto bytes = file.bytes(t.name);
      volatile std::uint8_t sink = 0;
      for (std::size_t i = 0; i < bytes.size(); i += 64) sink ^= std::uint8_t(bytes[i]);
      try {
        if (t.numel() <= (std::int64_t(1) << 20)) (void)file.readFloat32(t.name);
      } catch (const slmq::core::Error&) {
      }
    }
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
