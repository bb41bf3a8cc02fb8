// Bit-reproducibility of the forward pass on the trained reference models: two identical calls,
// and the same call with 1, 2 and 3 compute threads, must give bit-identical logits (prefill,
// batched forward, single-block forward and KV-cache decode). Guards the fix for logits that
// differed by ~1e-5 between identical calls (attention's softmax ran on a scratch buffer whose
// 16- vs 32-byte alignment came from malloc, and Eigen's vectorised exp/sum peel to alignment),
// which GPTQ amplified into different roundings.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/compute_threads.h"
#include "core/io/safetensors.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

/// Number of elements whose bit patterns differ (shapes must match).
template <class M>
long long bitDifferences(const M& a, const M& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return -1;
  long long n = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (std::memcmp(a.data() + i, b.data() + i, sizeof(float)) != 0) ++n;
  return n;
}

/// Heap churn between two calls, so that scratch buffers land at other addresses (and other
/// alignments) the second time: odd-sized blocks kept alive, large ones freed (glibc raises its
/// mmap threshold after freeing an mmapped block, moving later large buffers onto the heap).
class HeapChurn {
 public:
  explicit HeapChurn(int seed) {
    for (int i = 0; i < 64; ++i)
      m_keep.push_back(std::make_unique<char[]>(std::size_t(8 + 24 * ((i + seed) % 7))));
    for (std::size_t sz : {std::size_t(1) << 17, std::size_t(3) << 18, std::size_t(5) << 19}) {
      auto big = std::make_unique<char[]>(sz + std::size_t(seed) * 16);
      big[0] = 1;
    }
  }

 private:
  std::vector<std::unique_ptr<char[]>> m_keep;
};

class Determinism : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { s_threads = computeThreads(); }
  static void TearDownTestSuite() { setComputeThreads(s_threads); }
  void TearDown() override { setComputeThreads(s_threads); }

  static const Model& model(const std::string& name) {
    static std::map<std::string, std::unique_ptr<Model>> models;
    auto& m = models[name];
    if (!m) m = Model::load(slmq::test::asset("models/" + name));
    return *m;
  }
  /// The first n tokens of c4_heldout500 as tokenised by transformers (fixture).
  static std::vector<int> tokens(const std::string& name, std::size_t n) {
    SafetensorsFile f(slmq::test::asset("fixtures/" + name + "/reference.safetensors"));
    const auto all = f.readInt32("tokens.c4_heldout500");
    if (all.size() < n) throw std::runtime_error("fixture has too few c4 tokens");
    return {all.begin(), all.begin() + std::ptrdiff_t(n)};
  }
  static int s_threads;
};
int Determinism::s_threads = 1;

// Two identical forwards in one process, with the heap moved in between, on several shapes:
// batch 2 × 128 (query blocks of 64), one sequence of 150 (a partial query block) and 37 tokens.
TEST_P(Determinism, RepeatedForwardIsBitIdentical) {
  const Model& m = model(GetParam());
  for (int threads : {1, 2}) {
    setComputeThreads(threads);
    for (auto [len, batch] : {std::pair{128, 2}, std::pair{150, 1}, std::pair{37, 1}}) {
      const auto ids = tokens(GetParam(), std::size_t(len) * std::size_t(batch));
      const MatrixRM a = m.forward(ids, batch);
      HeapChurn churn(len + threads);
      const MatrixRM b = m.forward(ids, batch);
      const MatrixRM c = m.forward(ids, batch);
      EXPECT_EQ(bitDifferences(a, b), 0) << threads << " threads, " << batch << " x " << len;
      EXPECT_EQ(bitDifferences(a, c), 0) << threads << " threads, " << batch << " x " << len;
      if (bitDifferences(a, b) != 0)
        std::printf("%s %d threads %d x %d: max|Δ| = %.3g\n", GetParam().c_str(), threads, batch,
                    len, double((a - b).cwiseAbs().maxCoeff()));
    }
  }
}

// The same forward on 1, 2 and 3 threads: linear layers split their output features across
// threads (each slice a single-threaded product whose per-element summation order does not
// depend on the slice), attention runs whole (sequence, head) pairs, norms whole rows.
TEST_P(Determinism, ForwardIsIndependentOfThreadCount) {
  const Model& m = model(GetParam());
  for (auto [len, batch] : {std::pair{256, 2}, std::pair{77, 1}}) {
    const auto ids = tokens(GetParam(), std::size_t(len) * std::size_t(batch));
    setComputeThreads(1);
    const MatrixRM one = m.forward(ids, batch);
    for (int threads : {2, 3}) {
      setComputeThreads(threads);
      const MatrixRM many = m.forward(ids, batch);
      EXPECT_EQ(bitDifferences(one, many), 0)
          << threads << " vs 1 threads, " << batch << " x " << len;
      if (bitDifferences(one, many) != 0)
        std::printf("%s %d vs 1 threads: max|Δ| = %.3g\n", GetParam().c_str(), threads,
                    double((one - many).cwiseAbs().maxCoeff()));
    }
  }
}

// KV-cache decode: a 48-token prefill then 12 single-token steps, twice and on 1 vs 2 threads.
TEST_P(Determinism, DecodeIsBitIdenticalAcrossCallsAndThreads) {
  const Model& m = model(GetParam());
  const auto ids = tokens(GetParam(), 60);
  auto run = [&](int threads) {
    setComputeThreads(threads);
    KvCache cache;
    std::vector<VectorF> out;
    out.push_back(m.decode({ids.begin(), ids.begin() + 48}, cache));
    for (int t = 48; t < 60; ++t) out.push_back(m.decode({ids[std::size_t(t)]}, cache));
    return out;
  };
  const auto a = run(2);
  HeapChurn churn(5);
  const auto b = run(2);
  const auto c = run(1);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(bitDifferences(a[i], b[i]), 0) << "step " << i << ", repeated on 2 threads";
    EXPECT_EQ(bitDifferences(a[i], c[i]), 0) << "step " << i << ", 2 vs 1 threads";
  }
}

// forwardBlock (the calibration path, GPTQ's Hessians come from it) repeated and across threads.
TEST_P(Determinism, ForwardBlockIsBitIdentical) {
  const Model& m = model(GetParam());
  const auto ids = tokens(GetParam(), 2 * 128);
  auto run = [&](int threads) {
    setComputeThreads(threads);
    MatrixRM h = m.embed(ids);
    for (int b = 0; b < m.config().num_layers; ++b) m.forwardBlock(b, h, 2);
    return h;
  };
  const MatrixRM a = run(2);
  HeapChurn churn(3);
  EXPECT_EQ(bitDifferences(a, run(2)), 0) << "repeated on 2 threads";
  EXPECT_EQ(bitDifferences(a, run(1)), 0) << "2 vs 1 threads";
}

INSTANTIATE_TEST_SUITE_P(RefModels, Determinism, ::testing::Values("smol-ref", "qwen-ref"),
                         [](const auto& info) {
                           return info.param == "smol-ref" ? std::string("Smol")
                                                           : std::string("Qwen");
                         });

}  // namespace
