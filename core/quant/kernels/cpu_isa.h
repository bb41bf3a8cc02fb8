// Run-time selection of the instruction set the packed low-bit kernels use: AVX-512 (VNNI) or
// AVX2 (+FMA) where the CPU has it, else the portable C++ path. All compute the reference's sums
// (tests hold them together); the choice can be forced for comparisons.
#pragma once

namespace slmq::core {

/// Instruction sets the packed kernels are written for.
enum class KernelIsa {
  Portable,    ///< plain C++ (the compiler may still vectorise it)
  Avx2,        ///< AVX2 + FMA intrinsics (_mm256_madd_epi16 integer dot products)
  Avx512Vnni,  ///< AVX2 path, but int8 activations use AVX-512 VNNI's _mm256_dpbusd_epi32
               ///< (AVX512VL; Intel since Ice Lake, AMD since Zen 4) and int4 weights × float
               ///< activations use 512-bit AVX-512 F kernels
};

/// "portable" / "avx2" / "avx512vnni".
const char* kernelIsaName(KernelIsa isa) noexcept;

/// True if this CPU can run `isa` (`__builtin_cpu_supports`).
bool kernelIsaSupported(KernelIsa isa) noexcept;

/// The ISA kernels use by default: the best supported one, unless forced with setKernelIsa() or
/// the environment variable SLMQ_KERNEL_ISA=portable|avx2|avx512vnni (read once).
KernelIsa activeKernelIsa() noexcept;

/// Forces the default ISA process-wide (not thread-safe with running kernels). An unsupported
/// request falls back to Portable. Returns the ISA now active.
KernelIsa setKernelIsa(KernelIsa isa) noexcept;

}  // namespace slmq::core
