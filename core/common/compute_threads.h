// How many threads core's numeric kernels (Eigen GEMM, OpenMP loops) use. One process-wide
// setting, applied before a forward pass or a quantization run.
#pragma once

namespace slmq::core {

/// Sets the thread count for Eigen products and OpenMP parallel loops (n >= 1; values < 1 mean
/// "all hardware threads"). Not thread-safe with respect to running computations: call it
/// before starting work.
void setComputeThreads(int n);

/// The current setting (>= 1).
int computeThreads();

}  // namespace slmq::core
