// Hadamard matrices and randomized orthogonal rotations for QuaRot / SpinQuant (R1, R2, R4).
//
// Constructions, all exact in ±1 integers:
//   - Sylvester: H_{2n} = [[H_n, H_n], [H_n, -H_n]], orders 2^k;
//   - Paley I:  q ≡ 3 (mod 4) a prime power -> order q + 1 (H = I + [[0, 1ᵀ], [-1, Q]]);
//   - Paley II: q ≡ 1 (mod 4) a prime power -> order 2(q + 1) (C ⊗ [[1,1],[1,-1]] + I ⊗
//   [[1,-1],[-1,-1]]);
//     Q is the Jacobsthal matrix of GF(q), Q[i][j] = χ(a_i - a_j) with χ the quadratic character;
//   - Kronecker: H_{2^k} ⊗ H_m for any m above.
// Orders reached this way include 12 (Paley I, q=11), 20 (q=19), 28 (Paley I, q=27), 36 (Paley II,
// q=17), 40 (2·20), 52 (Paley II, q=25), 76 (Paley II, q=37), hence 288 = 8·36, 576 = 16·36, 896 =
// 32·28, 1536 = 128·12 and also 4864 = 64·76. Not reached: 172, 188, ... (no q fits). Fallback for
// an order with none of these constructions (e.g. any order not divisible by 4, or 188 = 4·47): a
// Haar-random orthogonal matrix (QR of a Gaussian matrix with the signs of R's diagonal moved into
// Q). It is orthogonal but not Hadamard (`isHadamard == false`); applying it costs a dense n×n
// product per row. We chose it over a block-diagonal Hadamard because it mixes every channel with
// every other, which is what the rotation is for (spreading outliers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/common/tensor.h"

namespace slmq::core {

/// Integer ±1 matrix (row-major).
using MatrixRMi = Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// How a Hadamard order n is built: n = 2^k · m with a base matrix of order m.
struct HadamardPlan {
  int order = 0;         ///< n
  int pow2 = 1;          ///< 2^k (Sylvester factor)
  int base = 1;          ///< m (1 = pure Sylvester)
  std::string baseKind;  ///< "sylvester", "paley1(q=11)", "paley2(q=17)"
  /// E.g. "sylvester 2^6" or "sylvester 16 ⊗ paley2(q=17) [36]".
  std::string describe() const;
};

/// The construction used for order n, or nullopt if none of ours applies (then use the fallback).
/// Prefers the smallest base m (largest power-of-two factor), which makes the fast transform
/// cheapest.
std::optional<HadamardPlan> hadamardPlan(int n);

/// The ±1 Hadamard matrix of order n with H·Hᵀ = n·I. Throws Error(Unsupported) if hadamardPlan(n)
/// is empty, Error(InvalidInput) for n < 1.
MatrixRMi hadamardMatrix(int n);

/// An orthogonal n×n rotation R applied to row vectors as x ← x·R. Either a randomized Hadamard
/// R = H·diag(s)/√n (s random ±1) or, without a construction, a random orthogonal matrix.
class Rotation {
 public:
  /// Randomized Hadamard of order n if one is known, else the random orthogonal fallback.
  /// `seed` makes it reproducible; `randomSigns = false` gives H/√n. Throws Error(InvalidInput)
  /// for n < 1 or n > 65536.
  static Rotation random(int n, std::uint64_t seed, bool randomSigns = true);

  int order() const { return m_order; }
  /// True when R = H·diag(s)/√n for a ±1 Hadamard H.
  bool isHadamard() const { return m_isHadamard; }
  /// "randomized hadamard: sylvester 16 ⊗ paley2(q=17) [36]" or "random orthogonal (QR of
  /// Gaussian)".
  const std::string& construction() const { return m_construction; }
  /// The n×n orthogonal matrix R in double precision (R·Rᵀ = I).
  MatrixRMd dense() const;
  /// x [rows, n] ← x·R, in place. For a Hadamard: per row a dense base product (m×m) then an
  /// in-place fast Walsh–Hadamard transform over the 2^k blocks, O(n·(m + log n)); for the fallback
  /// a dense product. Throws Error(InvalidInput) if x.cols() != n.
  void applyRows(MatrixRM& x) const;
  /// Same for double precision.
  void applyRows(MatrixRMd& x) const;
  /// x [rows, n] ← x·Rᵀ (= x·R⁻¹), in place, at the same cost as applyRows (for a Hadamard:
  /// signs and 1/√n first, then the transposed base product and the symmetric fast transform).
  /// The backward of applyRows. Throws Error(InvalidInput) if x.cols() != n.
  void applyRowsTransposed(MatrixRM& x) const;
  /// Same for double precision.
  void applyRowsTransposed(MatrixRMd& x) const;
  /// The ±1 signs s (all +1 for the fallback or without random signs), [n].
  const VectorD& signs() const { return m_signs; }

 private:
  int m_order = 0;
  bool m_isHadamard = false;
  std::string m_construction;
  int m_pow2 = 1;
  MatrixRMd m_base;  ///< m×m ±1 base (Hadamard) or n×n orthogonal (fallback)
  MatrixRM m_baseF;  ///< float copy of m_base
  VectorD m_signs;   ///< [n]
};

/// In-place fast Walsh–Hadamard transform of every row of x (length 2^k), unnormalised:
/// x ← x·H_{2^k} (Sylvester order). Throws Error(InvalidInput) if cols is not a power of two.
void fwhtRows(MatrixRM& x);

}  // namespace slmq::core
