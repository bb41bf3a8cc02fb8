// libFuzzer target: tokenizer.json (core/tokenizer/hf_tokenizer.h). A tokenizer that loads is
// also used to encode and decode a fixed text, so a vocabulary/merges table that passes
// validation but breaks encoding is found too. Bad input must end in slmq::core::Error.
#include "core/common/error.h"
#include "core/tokenizer/hf_tokenizer.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = slmq::fuzz::writeInput(data, size, "-tokenizer.json");
  try {
    auto tok = slmq::core::loadHfTokenizer(path);
    const auto ids = tok->encode("Hello world! Ünïcödé 123 <|endoftext|>\n  tabs\tand  spaces");
    (void)tok->decode(ids);
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
