// Progress helper.
#include "core/common/progress.h"

#include <string>

#include "core/common/error.h"

namespace slmq::core {

void reportProgress(const ProgressFn& progress, double fraction, std::string_view stage) {
  if (progress && !progress(fraction, stage)) {
    throw Error(ErrorKind::Cancelled, "cancelled during " + std::string(stage));
  }
}

}  // namespace slmq::core
