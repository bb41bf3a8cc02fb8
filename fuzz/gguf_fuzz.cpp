// libFuzzer target: GGUF header, metadata and tensor table (core/io/gguf.h), plus the
// SentencePiece vocabulary read from `tokenizer.ggml.*` and small tensors dequantized. Bad input
// must end in slmq::core::Error.
#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/tokenizer/sentencepiece_bpe.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = slmq::fuzz::writeInput(data, size, ".gguf");
  try {
    auto gguf = slmq::core::GgufFile::open(path);
    for (const auto& t : gguf.tensors()) {
      try {
        if (t.bytes <= (1u << 20)) (void)gguf.readFloats(t.name);
      } catch (const slmq::core::Error&) {
      }
    }
    try {
      auto tok = slmq::core::loadGgufTokenizer(gguf);
      const auto ids = tok->encode("Hello world, once upon a time.");
      (void)tok->decode(ids);
    } catch (const slmq::core::Error&) {
    }
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
