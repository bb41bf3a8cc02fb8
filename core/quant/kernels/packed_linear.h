// A linear layer executed from packed integer weights instead of a float GEMM: int8 codes
// (W8, or any width 5..8) or int4 nibbles (W4, or 2..4) with per-group scales and zero points,
// times either float activations (W4A16, W8A16) or int8 per-token dynamic activations (W8A8, W4A8,
// W4A4) with int32 accumulation per group and float scaling.
//
// Reference semantics (what tests hold the kernels to, within float rounding):
//   y [M, N] = fakeQuantActPerToken(x) [M, K] · Ŵᵀ [K, N],   Ŵ = QuantizedTensor::dequantize()
// computed as, for token i and output row j,
//   A8:  y_ij = s_x(i) · Σ_g s_w(j,g) · ( Σ_{k∈g} c_w(j,k)·c_x(i,k) − z_w(j,g)·Σ_{k∈g} c_x(i,k) )
//   A16: y_ij = Σ_k s_w(j,g(k)) · (c_w(j,k) − z_w(j,g(k))) · x_ik
// with the bracket of A8 in exact int32 arithmetic (one float rounding per group).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/weights.h"
#include "core/quant/kernels/cpu_isa.h"
#include "core/quant/quant_spec.h"
#include "core/quant/quantizer.h"

namespace slmq::core {

namespace kernels_detail {

/// Packed weights as the kernels see them. Every group g occupies `gpad` elements of a row
/// (the last group `lastPad`), a multiple of 32, padded with zero codes; row stride `kpad`.
/// Int4 rows are nibbles in chunks of 32 elements / 16 bytes: byte b of a chunk holds element b
/// (low nibble) and element b + 16 (high nibble), as ggml's q4_0.
struct PackedView {
  int N = 0, K = 0;                  ///< out, in
  int G = 0, ng = 0;                 ///< group size (columns), number of groups
  int gpad = 0;                      ///< padded length of a full group (elements)
  int lastPad = 0;                   ///< padded length of the last group
  int kpad = 0;                      ///< row stride in elements
  bool int4 = false;                 ///< nibble storage (else int8)
  const std::int8_t* w8 = nullptr;   ///< [N·kpad] signed codes
  const std::uint8_t* w4 = nullptr;  ///< [N·kpad/2] unsigned codes (signed code + 8)
  const float* scale = nullptr;      ///< [N·ng]
  /// [N·ng] integer subtracted from the stored code (signed zero point for int8, zero + 8 for
  /// nibbles); null when it is the same for every group (`zeroConst`: 0 for sym int8, 8 for
  /// sym int4).
  const std::int8_t* zero = nullptr;
  int zeroConst = 0;
  int zeroAt(int r, int g) const { return zero ? zero[std::size_t(r) * ng + g] : zeroConst; }
  bool hasZeros() const { return zero != nullptr || zeroConst != 0; }
  int groupLen(int g) const { return g == ng - 1 ? K - g * G : G; }
  int groupPad(int g) const { return g == ng - 1 ? lastPad : gpad; }
};

/// Per-token quantized activations in the weights' padded layout.
struct ActView {
  int M = 0;
  const std::int16_t* a = nullptr;     ///< [M·kpad] codes, zero in the padding
  const std::int8_t* a8 = nullptr;     ///< [M·kpad] codes as int8 (VNNI path only)
  const float* sx = nullptr;           ///< [M] per-token scales
  const std::int32_t* sumA = nullptr;  ///< [M·ng] Σ codes per group (when w.hasZeros(); always
                                       ///< for the VNNI path)
};

/// Float activations in the padded layout (zero padding), for the small-M A16 path.
struct FloatActView {
  int M = 0;
  const float* x = nullptr;  ///< [M·kpad]
};

// Kernels: y [M, N] row-major (ldy = N). Parallel over output rows with `threads` OpenMP threads.
void gemmIntPortable(const PackedView& w, const ActView& a, float* y, int threads);
void gemmFloatPortable(const PackedView& w, const FloatActView& x, float* y, int threads);
void gemmIntAvx2(const PackedView& w, const ActView& a, float* y, int threads);
void gemmFloatAvx2(const PackedView& w, const FloatActView& x, float* y, int threads);
void gemmIntVnni(const PackedView& w, const ActView& a, float* y, int threads);
/// Float activations on 512-bit vectors (int4 weights; int8 weights use gemmFloatAvx2).
void gemmFloatAvx512(const PackedView& w, const FloatActView& x, float* y, int threads);
/// Ŵ row r of int4 weights into dst[K] (unpadded), the values of QuantizedTensor::dequantize bit
/// for bit: AVX2 resp. AVX-512 (table look-up).
void dequantRowW4Avx2(const PackedView& w, int r, float* dst);
void dequantRowW4Avx512(const PackedView& w, int r, float* dst);
/// min(0, x) and max(0, x) over x[n] (AVX2).
void rangeAvx2(const float* x, int n, float& mn, float& mx);
/// Codes of a span x[n] with scale s (symmetric, zero 0) as quantizeValue, returns Σ codes (AVX2).
template <class T>
std::int32_t quantSpanAvx2(const float* x, int n, float s, float qmin, float qmax, T* out);

}  // namespace kernels_detail

/// Packed low-bit execution of one Linear. Immutable after construction; apply() may run
/// concurrently from several threads (each call uses its own scratch).
class PackedLinear : public LinearKernel {
 public:
  /// Packs `w` (from quantizeWeight / fakeQuantWeight's `packed`): bits 2..4 as nibbles, 5..8 as
  /// int8. `act`: bits 16 = float activations, else dynamic per-token symmetric quantization with
  /// act.bits (2..8) and act.clip_ratio, exactly as fakeQuantActPerToken. Throws
  /// Error(InvalidInput) for inconsistent tensors (sizes, codes outside the bit range) and
  /// Error(Unsupported) for asymmetric or static activation quantization.
  PackedLinear(const QuantizedTensor& w, const ActQuant& act);

  /// y [tokens, out] = x [tokens, in] · Ŵᵀ (no bias: the forward adds it), with the active ISA.
  /// Throws Error(InvalidInput) if x.cols() != in().
  void apply(const MatrixRM& x, MatrixRM& y) const override;
  /// The same with an explicit ISA (must be supported by this CPU, else Error(Unsupported)).
  void apply(const MatrixRM& x, MatrixRM& y, KernelIsa isa) const;
  /// Packed codes + scales + zero points (+ padding), in bytes.
  std::size_t storageBytes() const override;
  /// E.g. "int4 g128 asym x int8 per-token".
  std::string describe() const override;

  int outFeatures() const override { return m_view.N; }
  int inFeatures() const override { return m_view.K; }
  int out() const { return m_view.N; }
  int in() const { return m_view.K; }
  int weightBits() const { return m_bits; }
  bool floatActivations() const { return !m_act.enabled(); }
  /// Ŵ [out, in] from the packed data (reference semantics, for tests and tools).
  MatrixRM dequantizedWeight() const;
  /// Token count from which float-activation calls dequantize blocks of rows and use a float
  /// GEMM instead of the fused small-M kernel.
  static constexpr int kFloatGemmMinTokens = 16;

 private:
  void applyFloatGemm(const MatrixRM& x, MatrixRM& y, int threads, KernelIsa isa) const;

  kernels_detail::PackedView m_view;
  int m_bits = 8;
  bool m_sym = true;
  ActQuant m_act;
  std::vector<std::int8_t> m_w8;
  std::vector<std::uint8_t> m_w4;
  std::vector<float> m_scale;
  std::vector<std::int8_t> m_zero;  ///< empty when every group has the same (see PackedView)
};

/// Per-token activation quantization into the padded layout of `w` (exactly fakeQuantActPerToken's
/// codes and scales). `codes` [M·kpad], `sx` [M], `sumA` [M·ng] (only filled if non-null).
void quantizeActivationsPerToken(const MatrixRM& x, const ActQuant& act,
                                 const kernels_detail::PackedView& w, std::int16_t* codes,
                                 float* sx, std::int32_t* sumA, int threads);
/// The same with int8 codes (activation bits <= 8), for the VNNI kernel.
void quantizeActivationsPerToken(const MatrixRM& x, const ActQuant& act,
                                 const kernels_detail::PackedView& w, std::int8_t* codes, float* sx,
                                 std::int32_t* sumA, int threads);

}  // namespace slmq::core
