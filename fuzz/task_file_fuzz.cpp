// libFuzzer target: task files (core/eval/tasks/task_loaders.h). The first byte picks the loader
// (ARC, HellaSwag, LAMBADA, MosaicML multiple choice, MosaicML schema, PIQA); the rest is the
// file. Bad input must end in slmq::core::Error.
#include "core/common/error.h"
#include "core/eval/tasks/task_loaders.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int which = data[0] % 6;
  const auto path = slmq::fuzz::writeInput(data + 1, size - 1, ".jsonl");
  try {
    switch (which) {
      case 0:
        (void)slmq::core::loadArc(path, "arc_easy");
        break;
      case 1:
        (void)slmq::core::loadHellaswag(path);
        break;
      case 2:
        (void)slmq::core::loadLambada(path);
        break;
      case 3:
        (void)slmq::core::loadMosaicMultipleChoice(path, "boolq", "\nAnswer:");
        break;
      case 4:
        (void)slmq::core::loadMosaicMultipleChoice(path, "winogrande");
        break;
      default: {
        // PIQA: the same bytes serve as the jsonl and as the labels file.
        (void)slmq::core::loadPiqa(path, path);
        break;
      }
    }
  } catch (const slmq::core::Error&) {
  }
  return 0;
}
