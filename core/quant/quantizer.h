// The uniform quantizers every method shares: a readable scalar reference (per element,
// std::nearbyint under FE_TONEAREST = round half to even, as torch.round) and fast versions that
// the compiler vectorises, checked against the reference by tests/core/quant/quantizer_test.cpp.
//
// Convention (DESIGN.md "RTN", METHODS.md "Quantizer"), written in one signed form for both cases:
//   x̂ = scale · (code − zero),   code ∈ [−2^(b−1), 2^(b−1)−1]
// - symmetric:  scale = absmax / (2^(b−1) − 1), zero = 0, code = clamp(round(x / scale)).
// - asymmetric: scale = (max − min) / (2^b − 1) with min ≤ 0 ≤ max, z = round(−min / scale),
//   q = clamp(round(x / scale) + z, 0, 2^b − 1). We store code = q − 2^(b−1) and
//   zero = z − 2^(b−1), so x̂ = scale·(q − z) = scale·(code − zero) exactly. The unsigned code
//   and zero point (what an int4 kernel packs into nibbles) are code + 2^(b−1), zero + 2^(b−1).
// - a range of zero (all-zero group) gives scale = 1, zero-point as above, x̂ = 0.
// - clip ratio r: absmax ← r·absmax (sym) or min ← r·min, max ← r·max (asym).
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/tensor.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

/// Scale and (signed-form) zero point of one group: x̂ = scale · (code − zero).
struct QuantParams {
  float scale = 1.f;
  float zero = 0.f;  ///< integer-valued; 0 when symmetric
};

/// Smallest / largest signed code for `bits`: −2^(b−1) and 2^(b−1) − 1.
inline int codeMin(int bits) {
  return -(1 << (bits - 1));
}
inline int codeMax(int bits) {
  return (1 << (bits - 1)) - 1;
}

/// Parameters of a group whose values span [minv, maxv] (min and max of the group; the
/// symmetric case uses max(|minv|, |maxv|)). `clip` scales the range as documented above.
QuantParams quantParamsFromRange(float minv, float maxv, int bits, bool symmetric,
                                 float clip = 1.f);

/// code = clamp(nearbyint(x / scale) + zero, codeMin, codeMax) (round half to even).
int quantizeValue(float x, const QuantParams& p, int bits);
/// x̂ = scale · (code − zero).
inline float dequantizeValue(int code, const QuantParams& p) {
  return p.scale * (float(code) - p.zero);
}

// --- readable references ---------------------------------------------------------------------

/// Scalar reference for one group of `n` contiguous values: computes its parameters from its own
/// min/max, writes `codes[n]` (may be null) and the fake-quantized values `xhat[n]` (may alias
/// `x`). Returns the parameters.
QuantParams quantizeRowReference(const float* x, int n, int bits, bool symmetric, float clip,
                                 std::int8_t* codes, float* xhat);

/// Codes, scales and zero points of a weight matrix [out, in], for packed kernels.
/// Element (r, c) dequantizes to scales(r, g) · (codes[r·in + c] − zeros(r, g)) with
/// g = c / group (group = in for per-channel; per-tensor repeats one scale on every row).
struct QuantizedTensor {
  int rows = 0;                    ///< out
  int cols = 0;                    ///< in
  std::vector<std::int8_t> codes;  ///< [out·in] row-major, signed form (see file header)
  MatrixRM scales;                 ///< [out, groups]
  MatrixRM zeros;                  ///< [out, groups], signed form, integer-valued; 0 if sym
  int bits = 8;
  int group = 0;  ///< input columns per group (cols for per-channel/tensor)
  bool sym = true;
  int groups() const { return int(scales.cols()); }
  /// The dequantized matrix [out, in].
  MatrixRM dequantize() const;
};

/// Reference weight fake-quant of W [out, in] under `q` (row by row with quantizeRowReference;
/// per-tensor uses one range over the matrix). Returns Ŵ [out, in]; fills `packed` if non-null.
/// Throws Error(InvalidInput) if q is out of range. q.bits == 16 returns W unchanged.
MatrixRM fakeQuantWeightReference(const MatrixRM& w, const WeightQuant& q,
                                  QuantizedTensor* packed = nullptr);

/// Reference per-token activation fake-quant of x [tokens, in]: each row is one group.
MatrixRM fakeQuantActPerTokenReference(const MatrixRM& x, const ActQuant& q);

// --- fast versions (same results as the references, tested) -------------------------------

/// Fast weight fake-quant: Ŵ [out, in]. Same contract as fakeQuantWeightReference.
MatrixRM fakeQuantWeight(const MatrixRM& w, const WeightQuant& q,
                         QuantizedTensor* packed = nullptr);
/// In place variant of fakeQuantWeight.
void fakeQuantWeightInPlace(MatrixRM& w, const WeightQuant& q);
/// Codes, scales and zeros of W under q (q must be enabled).
QuantizedTensor quantizeWeight(const MatrixRM& w, const WeightQuant& q);

/// Dynamic per-token fake-quant of x [tokens, in] in place (each row its own scale).
void fakeQuantActPerToken(MatrixRM& x, const ActQuant& q);
/// Static per-tensor fake-quant of x [tokens, in] in place with a calibrated `scale`
/// (symmetric, zero = 0; codes clamp to the bit range).
void fakeQuantActStatic(MatrixRM& x, float scale, int bits);
/// Fake-quant of a contiguous span with fixed parameters, in place (vectorised).
void fakeQuantSpan(float* x, int n, const QuantParams& p, int bits);

}  // namespace slmq::core
