// Process-wide compute thread count (see compute_threads.h).
#include "core/common/compute_threads.h"

#include <omp.h>

#include <Eigen/Core>
#include <atomic>
#include <thread>

namespace slmq::core {
namespace {
std::atomic<int> g_threads{0};
}

void setComputeThreads(int n) {
  if (n < 1) n = int(std::max(1u, std::thread::hardware_concurrency()));
  g_threads = n;
  omp_set_num_threads(n);
  Eigen::setNbThreads(n);
}

int computeThreads() {
  int n = g_threads.load();
  return n >= 1 ? n : std::max(1, omp_get_max_threads());
}

}  // namespace slmq::core
