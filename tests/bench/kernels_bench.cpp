// Packed kernels vs the float32 GEMM on the linear shapes of smol-ref (hidden 288, FFN 768) and
// SmolLM-135M (576, 1536): prefill (512 tokens) and decode (1 token), plus W4A16 at 2..128 tokens
// (fused kernel vs dequantize + GEMM). Reports tokens/s as items_per_second. Arguments: {M, K, N}.
// Run e.g.
//   build/tests/bench/kernels_bench --benchmark_filter='smol' --benchmark_repetitions=3
// Threads follow SLMQ_THREADS / computeThreads() (2 by default on the dev machine).
#include <benchmark/benchmark.h>

#include "core/common/compute_threads.h"
#include "core/quant/kernels/cpu_isa.h"
#include "core/quant/kernels/packed_linear.h"
#include "tests/testlib/kernel_test_data.h"

using namespace slmq::core;

namespace {

using slmq::test::actQuant;
using slmq::test::randomMatrix;
using slmq::test::weightQuant;

void setThreads() {
  if (const char* e = std::getenv("SLMQ_THREADS")) setComputeThreads(std::atoi(e));
}

void BM_Fp32(benchmark::State& st) {
  setThreads();
  const int M = int(st.range(0)), K = int(st.range(1)), N = int(st.range(2));
  const MatrixRM x = randomMatrix(M, K, 1), w = randomMatrix(N, K, 2);
  MatrixRM y(M, N);
  Eigen::setNbThreads(computeThreads());
  for (auto _ : st) {
    y.noalias() = x * w.transpose();
    benchmark::DoNotOptimize(y.data());
  }
  st.SetItemsProcessed(st.iterations() * M);
}

void runPacked(benchmark::State& st, const WeightQuant& w8, const ActQuant& a, KernelIsa isa) {
  setThreads();
  const int M = int(st.range(0)), K = int(st.range(1)), N = int(st.range(2));
  const MatrixRM x = randomMatrix(M, K, 1), w = randomMatrix(N, K, 2);
  const PackedLinear k(quantizeWeight(w, w8), a);
  MatrixRM y;
  for (auto _ : st) {
    k.apply(x, y, isa);
    benchmark::DoNotOptimize(y.data());
  }
  st.SetItemsProcessed(st.iterations() * M);
}

void BM_W8A8(benchmark::State& st) {
  runPacked(st, weightQuant(8, 0, true), actQuant(8), KernelIsa::Avx2);
}
void BM_W8A8_vnni(benchmark::State& st) {
  runPacked(st, weightQuant(8, 0, true), actQuant(8), KernelIsa::Avx512Vnni);
}
void BM_W4A8_vnni(benchmark::State& st) {
  runPacked(st, weightQuant(4, 128, false), actQuant(8), KernelIsa::Avx512Vnni);
}
void BM_W8A8_portable(benchmark::State& st) {
  runPacked(st, weightQuant(8, 0, true), actQuant(8), KernelIsa::Portable);
}
void BM_W4A8(benchmark::State& st) {
  runPacked(st, weightQuant(4, 128, false), actQuant(8), KernelIsa::Avx2);
}
void BM_W4A16(benchmark::State& st) {
  runPacked(st, weightQuant(4, 128, false), actQuant(16), KernelIsa::Avx2);
}
void BM_W4A16_avx512(benchmark::State& st) {
  runPacked(st, weightQuant(4, 128, false), actQuant(16), KernelIsa::Avx512Vnni);
}
void BM_W4A16_portable(benchmark::State& st) {
  runPacked(st, weightQuant(4, 128, false), actQuant(16), KernelIsa::Portable);
}

void shapes(benchmark::internal::Benchmark* b) {
  for (int M : {512, 1}) {
    b->Args({M, 288, 288});   // smol-ref q/o
    b->Args({M, 288, 768});   // smol-ref gate/up
    b->Args({M, 768, 288});   // smol-ref down
    b->Args({M, 576, 1536});  // SmolLM-135M gate/up
  }
  b->UseRealTime();
}

// Small token counts of the fused float-activation kernel (below
// PackedLinear::kFloatGemmMinTokens) and the dequantize + GEMM path above it.
void smallM(benchmark::internal::Benchmark* b) {
  for (int M : {2, 4, 15, 16, 32, 64, 128}) {
    b->Args({M, 288, 768});   // smol-ref gate/up
    b->Args({M, 576, 1536});  // SmolLM-135M gate/up
  }
  b->UseRealTime();
}

}  // namespace

BENCHMARK(BM_Fp32)->Apply(shapes);
BENCHMARK(BM_W8A8)->Apply(shapes);
BENCHMARK(BM_W8A8_portable)->Apply(shapes);
BENCHMARK(BM_W8A8_vnni)->Apply(shapes);
BENCHMARK(BM_W4A8_vnni)->Apply(shapes);
BENCHMARK(BM_W4A8)->Apply(shapes);
BENCHMARK(BM_W4A16)->Apply(shapes);
BENCHMARK(BM_W4A16_avx512)->Apply(shapes);
BENCHMARK(BM_W4A16_portable)->Apply(shapes);
BENCHMARK(BM_W4A16)->Name("BM_W4A16_smallM")->Apply(smallM);
BENCHMARK(BM_W4A16_avx512)->Name("BM_W4A16_avx512_smallM")->Apply(smallM);
BENCHMARK_MAIN();
