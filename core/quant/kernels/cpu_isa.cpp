// CPU feature detection for the packed kernels (see cpu_isa.h).
#include "core/quant/kernels/cpu_isa.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace slmq::core {

namespace {
KernelIsa detect() noexcept {
  KernelIsa best = kernelIsaSupported(KernelIsa::Avx512Vnni) ? KernelIsa::Avx512Vnni
                   : kernelIsaSupported(KernelIsa::Avx2)     ? KernelIsa::Avx2
                                                             : KernelIsa::Portable;
  if (const char* env = std::getenv("SLMQ_KERNEL_ISA")) {
    if (std::strcmp(env, "portable") == 0) return KernelIsa::Portable;
    if (std::strcmp(env, "avx2") == 0 && kernelIsaSupported(KernelIsa::Avx2))
      return KernelIsa::Avx2;
  }
  return best;
}

std::atomic<int>& activeSlot() {
  static std::atomic<int> slot{int(detect())};
  return slot;
}
}  // namespace

const char* kernelIsaName(KernelIsa isa) noexcept {
  switch (isa) {
    case KernelIsa::Portable:
      return "portable";
    case KernelIsa::Avx2:
      return "avx2";
    case KernelIsa::Avx512Vnni:
      return "avx512vnni";
  }
  return "?";
}

bool kernelIsaSupported(KernelIsa isa) noexcept {
  switch (isa) {
    case KernelIsa::Portable:
      return true;
    case KernelIsa::Avx2:
#if defined(__x86_64__) || defined(__i386__)
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
      return false;
#endif
    case KernelIsa::Avx512Vnni:
#if defined(__x86_64__) || defined(__i386__)
      return kernelIsaSupported(KernelIsa::Avx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vnni");
#else
      return false;
#endif
  }
  return false;
}

KernelIsa activeKernelIsa() noexcept {
  return KernelIsa(activeSlot().load(std::memory_order_relaxed));
}

KernelIsa setKernelIsa(KernelIsa isa) noexcept {
  if (!kernelIsaSupported(isa)) isa = KernelIsa::Portable;
  activeSlot().store(int(isa), std::memory_order_relaxed);
  return isa;
}

}  // namespace slmq::core
