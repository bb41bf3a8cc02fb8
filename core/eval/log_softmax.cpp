// The log-softmax normaliser of a logits row; see log_softmax.h.
#include "core/eval/log_softmax.h"

#include <cmath>

namespace slmq::core {

LogSoftmaxRow logSoftmaxRow(const float* x, int vocab) {
  int am = 0;
  for (int v = 1; v < vocab; ++v)
    if (x[v] > x[am]) am = v;
  const double mx = x[am];
  double sum = 0.0;
  for (int v = 0; v < vocab; ++v) sum += std::exp(double(x[v]) - mx);
  return {mx + std::log(sum), am};
}

}  // namespace slmq::core
