// Robustness of the GGUF and llama2.c readers against damaged files: every truncation and
// thousands of seeded random byte mutations of small valid files must either load or throw
// slmq::core::Error — never crash, hang or throw anything else.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/gguf_writer.h"
#include "core/io/llama2c.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

std::vector<std::uint8_t> validFile() {
  GgufWriter w;
  w.set("general.architecture", ggufString("llama"));
  w.set("n", ggufUint(GgufType::Uint32, 5));
  w.set("strs", ggufStringArray({"a", "bc", "def"}));
  w.set("nested", ggufArray(GgufType::Array, {ggufInt32Array({1, 2}), ggufInt32Array({3})}));
  w.set("f", ggufFloat32Array({1.0f, 2.0f}));
  MatrixRM m = MatrixRM::Constant(2, 32, 0.5f);
  w.addMatrixF32("a", m);
  std::vector<std::uint8_t> q8(34 * 2, 1);
  w.addTensor("b", {32, 2}, GgmlType::Q8_0, q8);
  std::vector<std::uint8_t> q6(210, 7);
  w.addTensor("c", {256}, GgmlType::Q6_K, q6);
  return w.serialize();
}

// Opens `bytes`; on success reads every tensor. Returns false if anything but Error escaped.
bool survives(const test::TempDir& dir, const std::vector<std::uint8_t>& bytes) {
  const auto path = dir / "f.gguf";
  test::writeFile(path, std::string(bytes.begin(), bytes.end()));
  try {
    const GgufFile f = GgufFile::open(path);
    for (const GgufTensorInfo& t : f.tensors()) {
      try {
        (void)f.readFloats(t.name);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::Unsupported) throw;  // a mutated type code we cannot decode
      }
    }
  } catch (const Error&) {
  } catch (...) {
    return false;
  }
  return true;
}

TEST(GgufFuzz, EveryTruncationLoadsOrFailsCleanly) {
  test::TempDir dir;
  const auto good = validFile();
  int opened = 0;
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::uint8_t> cut(good.begin(), good.begin() + std::ptrdiff_t(n));
    ASSERT_TRUE(survives(dir, cut)) << n;
    try {
      GgufFile::open(dir / "f.gguf");
      ++opened;
    } catch (const Error&) {
    }
  }
  // Only cuts inside the final alignment padding (after the last tensor's bytes) may open.
  EXPECT_LT(opened, 32);
}

TEST(GgufFuzz, RandomMutationsLoadOrFailCleanly) {
  test::TempDir dir;
  const auto good = validFile();
  std::mt19937 rng(20261127);
  for (int iter = 0; iter < 1000; ++iter) {
    std::vector<std::uint8_t> b = good;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      // Mostly hit the header and tables, where the structure lives.
      const std::size_t at =
          rng() % 4 ? rng() % std::min<std::size_t>(b.size(), 300) : rng() % b.size();
      switch (rng() % 3) {
        case 0:
          b[at] = std::uint8_t(rng());
          break;
        case 1:
          b[at] ^= std::uint8_t(1u << (rng() % 8));
          break;
        default:
          b[at] = rng() % 2 ? 0xFF : 0x00;
          break;
      }
    }
    ASSERT_TRUE(survives(dir, b)) << "iteration " << iter;
  }
}

TEST(Llama2cFuzz, RandomHeadersLoadOrFailCleanly) {
  test::TempDir dir;
  std::mt19937 rng(7);
  for (int iter = 0; iter < 200; ++iter) {
    std::string b(28 + 4 * (rng() % 64), '\0');
    for (auto& c : b) c = char(rng());
    if (iter % 2) {  // plausible small headers
      for (int k = 0; k < 7; ++k) {
        const std::int32_t v = std::int32_t(rng() % 9) - 1;
        std::memcpy(b.data() + 4 * k, &v, 4);
      }
    }
    test::writeFile(dir / "m.bin", b);
    try {
      (void)readLlama2cCheckpoint(dir / "m.bin");
    } catch (const Error&) {
    } catch (...) {
      FAIL() << "iteration " << iter << ": a non-Error exception";
    }
    try {
      (void)readLlama2cTokenizer(dir / "m.bin");
    } catch (const Error&) {
    } catch (...) {
      FAIL() << "iteration " << iter << ": a non-Error exception (tokenizer)";
    }
  }
}

}  // namespace
}  // namespace slmq::core
