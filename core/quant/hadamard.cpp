// Hadamard constructions (Sylvester, Paley I/II over GF(q), Kronecker), the random orthogonal
// fallback, and the fast transforms used for online rotations. See hadamard.h.
#include "core/quant/hadamard.h"

#include <Eigen/QR>
#include <cmath>
#include <random>
#include <vector>

#include "core/common/error.h"

namespace slmq::core {

namespace {

// ---- GF(q), q = p^k, elements as integers 0..q-1 (base-p digits = polynomial coefficients) ----

/// q = p^k with p prime? Returns {p, k} or {0, 0}.
std::pair<int, int> primePower(int q) {
  if (q < 2) return {0, 0};
  int p = 0;
  for (int d = 2; d * d <= q; ++d)
    if (q % d == 0) {
      p = d;
      break;
    }
  if (p == 0) return {q, 1};
  int k = 0;
  while (q % p == 0) {
    q /= p;
    ++k;
  }
  return q == 1 ? std::make_pair(p, k) : std::make_pair(0, 0);
}

using Poly = std::vector<int>;  // coefficients, lowest degree first

Poly digits(int a, int p, int k) {
  Poly c(k);
  for (int i = 0; i < k; ++i, a /= p) c[i] = a % p;
  return c;
}

int fromDigits(const Poly& c, int p) {
  int a = 0;
  for (int i = int(c.size()) - 1; i >= 0; --i) a = a * p + c[i];
  return a;
}

/// Remainder of a modulo the monic polynomial f (degree deg f), coefficients mod p.
Poly polyMod(Poly a, const Poly& f, int p) {
  const int df = int(f.size()) - 1;
  for (int i = int(a.size()) - 1; i >= df; --i) {
    const int c = a[i] % p;
    if (c == 0) continue;
    for (int j = 0; j <= df; ++j) a[i - df + j] = ((a[i - df + j] - c * f[j]) % p + p) % p;
  }
  a.resize(std::min<int>(a.size(), df));
  return a;
}

/// A monic irreducible polynomial of degree k over GF(p) (brute force: no monic factor of degree
/// 1..k/2).
Poly irreducible(int p, int k) {
  int count = 1;
  for (int i = 0; i < k; ++i) count *= p;
  for (int low = 0; low < count; ++low) {
    Poly f = digits(low, p, k);
    f.push_back(1);
    bool reducible = false;
    for (int d = 1; d <= k / 2 && !reducible; ++d) {
      int nd = 1;
      for (int i = 0; i < d; ++i) nd *= p;
      for (int g = 0; g < nd && !reducible; ++g) {
        Poly h = digits(g, p, d);
        h.push_back(1);
        Poly r = polyMod(f, h, p);
        bool zero = true;
        for (int c : r) zero = zero && c == 0;
        reducible = zero;
      }
    }
    if (!reducible) return f;
  }
  throw Error(ErrorKind::Internal, "hadamard: no irreducible polynomial found");
}

/// Jacobsthal matrix of GF(q): Q[i][j] = χ(a_i − a_j), χ(0) = 0, χ(square) = 1, else −1.
MatrixRMi jacobsthal(int q) {
  const auto [p, k] = primePower(q);
  const Poly f = k > 1 ? irreducible(p, k) : Poly{0, 1};
  std::vector<int> isSquare(q, 0);
  for (int a = 1; a < q; ++a) {
    const Poly da = digits(a, p, k);
    Poly prod(2 * k - 1, 0);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) prod[i + j] = (prod[i + j] + da[i] * da[j]) % p;
    isSquare[fromDigits(k > 1 ? polyMod(prod, f, p) : prod, p)] = 1;
  }
  MatrixRMi Q(q, q);
  for (int i = 0; i < q; ++i) {
    const Poly di = digits(i, p, k);
    for (int j = 0; j < q; ++j) {
      const Poly dj = digits(j, p, k);
      Poly diff(k);
      for (int t = 0; t < k; ++t) diff[t] = ((di[t] - dj[t]) % p + p) % p;
      const int d = fromDigits(diff, p);
      Q(i, j) = d == 0 ? 0 : (isSquare[d] ? 1 : -1);
    }
  }
  return Q;
}

MatrixRMi paley1(int q) {  // order q + 1, q ≡ 3 mod 4
  const MatrixRMi Q = jacobsthal(q);
  MatrixRMi H = MatrixRMi::Identity(q + 1, q + 1);
  for (int j = 1; j <= q; ++j) {
    H(0, j) += 1;
    H(j, 0) -= 1;
  }
  H.bottomRightCorner(q, q) += Q;
  return H;
}

MatrixRMi paley2(int q) {  // order 2(q + 1), q ≡ 1 mod 4
  const MatrixRMi Q = jacobsthal(q);
  MatrixRMi C = MatrixRMi::Zero(q + 1, q + 1);
  for (int j = 1; j <= q; ++j) C(0, j) = C(j, 0) = 1;
  C.bottomRightCorner(q, q) = Q;
  const int n = 2 * (q + 1);
  MatrixRMi H(n, n);
  for (int i = 0; i <= q; ++i)
    for (int j = 0; j <= q; ++j) {
      const int c = C(i, j);
      if (c != 0) {  // c · [[1, 1], [1, -1]]
        H(2 * i, 2 * j) = c;
        H(2 * i, 2 * j + 1) = c;
        H(2 * i + 1, 2 * j) = c;
        H(2 * i + 1, 2 * j + 1) = -c;
      } else {  // diagonal: [[1, -1], [-1, -1]]
        H(2 * i, 2 * j) = 1;
        H(2 * i, 2 * j + 1) = -1;
        H(2 * i + 1, 2 * j) = -1;
        H(2 * i + 1, 2 * j + 1) = -1;
      }
    }
  return H;
}

/// Base matrix kinds for order m (m = 1, 2 Sylvester; else Paley), or empty.
std::string baseKindFor(int m) {
  if (m == 1 || m == 2) return "sylvester";
  if (m % 4 != 0) return {};
  if (auto [p, k] = primePower(m - 1); p != 0 && (m - 1) % 4 == 3)
    return "paley1(q=" + std::to_string(m - 1) + ")";
  if (auto [p, k] = primePower(m / 2 - 1); p != 0 && (m / 2 - 1) % 4 == 1)
    return "paley2(q=" + std::to_string(m / 2 - 1) + ")";
  return {};
}

MatrixRMi baseMatrix(const HadamardPlan& plan) {
  const int m = plan.base;
  if (m == 1) return MatrixRMi::Ones(1, 1);
  if (m == 2) return (MatrixRMi(2, 2) << 1, 1, 1, -1).finished();
  if (plan.baseKind.rfind("paley1", 0) == 0) return paley1(m - 1);
  return paley2(m / 2 - 1);
}

void checkOrder(int n) {
  if (n < 1 || n > 65536)
    throw Error(ErrorKind::InvalidInput,
                "hadamard: order " + std::to_string(n) + " is outside 1..65536");
}

template <class Mat>
void fwhtRowsImpl(Mat& x, int len, int stride) {
  // x's row viewed as [len, stride]: butterflies across the len blocks of `stride` values.
  using T = typename Mat::Scalar;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    T* v = x.row(r).data();
    for (int h = 1; h < len; h *= 2)
      for (int i = 0; i < len; i += 2 * h)
        for (int j = i; j < i + h; ++j) {
          T* a = v + std::size_t(j) * stride;
          T* b = v + std::size_t(j + h) * stride;
          for (int s = 0; s < stride; ++s) {
            const T u = a[s], w = b[s];
            a[s] = u + w;
            b[s] = u - w;
          }
        }
  }
}

}  // namespace

std::string HadamardPlan::describe() const {
  if (base == 1) {
    int k = 0;
    while ((1 << k) < pow2) ++k;
    return "sylvester 2^" + std::to_string(k);
  }
  if (pow2 == 1) return baseKind + " [" + std::to_string(base) + "]";
  return "sylvester " + std::to_string(pow2) + " ⊗ " + baseKind + " [" + std::to_string(base) + "]";
}

std::optional<HadamardPlan> hadamardPlan(int n) {
  if (n < 1) return std::nullopt;
  int pow2 = 1, odd = n;
  while (odd % 2 == 0) {
    odd /= 2;
    pow2 *= 2;
  }
  if (odd == 1) return HadamardPlan{n, n, 1, "sylvester"};
  for (int m = odd * 2; n % m == 0; m *= 2) {  // smallest base first
    const std::string kind = baseKindFor(m);
    if (!kind.empty()) return HadamardPlan{n, n / m, m, kind};
  }
  return std::nullopt;
}

MatrixRMi hadamardMatrix(int n) {
  checkOrder(n);
  const auto plan = hadamardPlan(n);
  if (!plan)
    throw Error(ErrorKind::Unsupported,
                "hadamard: no construction for order " + std::to_string(n) +
                    " (need n = 2^k·m with m = q+1, q ≡ 3 mod 4, or m = 2(q+1), q ≡ 1 mod 4, q a "
                    "prime power); use Rotation::random for the orthogonal fallback");
  MatrixRMi H = baseMatrix(*plan);
  while (H.rows() < n) {
    const Eigen::Index s = H.rows();
    MatrixRMi H2(2 * s, 2 * s);
    H2 << H, H, H, -H;
    H = std::move(H2);
  }
  return H;
}

Rotation Rotation::random(int n, std::uint64_t seed, bool randomSigns) {
  checkOrder(n);
  Rotation r;
  r.m_order = n;
  std::mt19937_64 rng(seed);
  const auto plan = hadamardPlan(n);
  if (plan) {
    r.m_isHadamard = true;
    r.m_construction = "randomized hadamard: " + plan->describe();
    r.m_pow2 = plan->pow2;
    r.m_base = baseMatrix(*plan).cast<double>();
    r.m_signs = VectorD::Ones(n);
    if (randomSigns) {
      std::bernoulli_distribution coin(0.5);
      for (int i = 0; i < n; ++i) r.m_signs[i] = coin(rng) ? 1.0 : -1.0;
    }
  } else {
    // Haar-random orthogonal: QR of a standard Gaussian matrix, Q·diag(sign(diag(R))).
    r.m_isHadamard = false;
    r.m_construction =
        "random orthogonal (QR of Gaussian, sign-fixed); no Hadamard construction for " +
        std::to_string(n);
    std::normal_distribution<double> gauss;
    MatrixRMd G(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) G(i, j) = gauss(rng);
    Eigen::HouseholderQR<MatrixRMd> qr(G);
    MatrixRMd Q = qr.householderQ();
    const MatrixRMd R = qr.matrixQR().triangularView<Eigen::Upper>();
    for (int j = 0; j < n; ++j)
      if (R(j, j) < 0) Q.col(j) = -Q.col(j);
    r.m_base = std::move(Q);
    r.m_signs = VectorD::Ones(n);
    r.m_pow2 = 1;
  }
  r.m_baseF = r.m_base.cast<float>();
  return r;
}

MatrixRMd Rotation::dense() const {
  if (!m_isHadamard) return m_base;
  // R = (H_{2^k} ⊗ B)·diag(s)/√n
  MatrixRMd R = MatrixRMd::Identity(m_order, m_order);
  applyRows(R);
  return R;
}

namespace {
template <class Mat, class Base>
void applyRotation(Mat& x, int n, bool isHadamard, int pow2, const Base& base,
                   const VectorD& signs) {
  using T = typename Mat::Scalar;
  if (x.cols() != n)
    throw Error(ErrorKind::InvalidInput, "hadamard: rotation of order " + std::to_string(n) +
                                             " applied to rows of length " +
                                             std::to_string(x.cols()));
  if (!isHadamard) {
    Mat y = x * base;
    x = std::move(y);
    return;
  }
  const int m = int(base.rows());
  if (m > 1) {
    // Each row viewed as X [pow2, m]: X ← X·B (rows of length m times the base matrix).
    Eigen::Map<Mat> X(x.data(), x.rows() * pow2, m);
    Mat Y = X * base;
    X = Y;
  }
  if (pow2 > 1) fwhtRowsImpl(x, pow2, m);  // X ← H_{2^k}·X (Sylvester is symmetric)
  const T norm = T(1.0 / std::sqrt(double(n)));
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (int j = 0; j < n; ++j) x(r, j) *= T(signs[j]) * norm;
}
// x ← x·Rᵀ with R = P·diag(s)/√n (P = the base product and the fast transform above, which act
// on different index factors of a row and commute): scale by s/√n, then Pᵀ (base transposed;
// Sylvester's H is symmetric).
template <class Mat, class Base>
void applyRotationTransposed(Mat& x, int n, bool isHadamard, int pow2, const Base& base,
                             const VectorD& signs) {
  using T = typename Mat::Scalar;
  if (x.cols() != n)
    throw Error(ErrorKind::InvalidInput, "hadamard: transposed rotation of order " +
                                             std::to_string(n) + " applied to rows of length " +
                                             std::to_string(x.cols()));
  if (!isHadamard) {
    Mat y = x * base.transpose();
    x = std::move(y);
    return;
  }
  const T norm = T(1.0 / std::sqrt(double(n)));
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (int j = 0; j < n; ++j) x(r, j) *= T(signs[j]) * norm;
  const int m = int(base.rows());
  if (m > 1) {
    Eigen::Map<Mat> X(x.data(), x.rows() * pow2, m);
    Mat Y = X * base.transpose();
    X = Y;
  }
  if (pow2 > 1) fwhtRowsImpl(x, pow2, m);
}
}  // namespace

void Rotation::applyRowsTransposed(MatrixRM& x) const {
  applyRotationTransposed(x, m_order, m_isHadamard, m_pow2, m_baseF, m_signs);
}

void Rotation::applyRowsTransposed(MatrixRMd& x) const {
  applyRotationTransposed(x, m_order, m_isHadamard, m_pow2, m_base, m_signs);
}

void Rotation::applyRows(MatrixRM& x) const {
  applyRotation(x, m_order, m_isHadamard, m_pow2, m_baseF, m_signs);
}

void Rotation::applyRows(MatrixRMd& x) const {
  applyRotation(x, m_order, m_isHadamard, m_pow2, m_base, m_signs);
}

void fwhtRows(MatrixRM& x) {
  const Eigen::Index n = x.cols();
  if (n < 1 || (n & (n - 1)) != 0)
    throw Error(ErrorKind::InvalidInput,
                "hadamard: fast Walsh-Hadamard transform needs a power-of-two length, got " +
                    std::to_string(n));
  fwhtRowsImpl(x, int(n), 1);
}

}  // namespace slmq::core
