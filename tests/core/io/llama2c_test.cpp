// llama2.c checkpoint reader on synthetic files laid out as run.c's memory_map_weights() reads
// them (each weight kind filled with its own marker value), plus size and header refusals.
#include <gtest/gtest.h>

#include <cstring>

#include "core/common/error.h"
#include "core/io/llama2c.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

// dim 8, hidden 12, 2 layers, 4 heads / 2 KV heads (head 2, kv_dim 4), vocab 10, seq_len 6.
constexpr int kDim = 8, kHid = 12, kL = 2, kHeads = 4, kKvH = 2, kVocab = 10, kSeq = 6;
constexpr int kKvDim = kDim * kKvH / kHeads, kHs = kDim / kHeads;

// Appends n floats; value = marker + 0.001·i so the kind and position are both recognisable.
void fill(std::string& out, std::size_t n, float marker) {
  for (std::size_t i = 0; i < n; ++i) {
    const float v = marker + 0.001f * float(i);
    out.append(reinterpret_cast<const char*>(&v), 4);
  }
}

std::string checkpoint(bool shared) {
  std::string b;
  const std::int32_t h[7] = {kDim, kHid, kL, kHeads, kKvH, shared ? kVocab : -kVocab, kSeq};
  b.append(reinterpret_cast<const char*>(h), sizeof h);
  fill(b, kVocab * kDim, 1);                // token_embedding_table
  fill(b, kL * kDim, 2);                    // rms_att_weight
  fill(b, kL * kDim * kDim, 3);             // wq
  fill(b, kL * kDim * kKvDim, 4);           // wk
  fill(b, kL * kDim * kKvDim, 5);           // wv
  fill(b, kL * kDim * kDim, 6);             // wo
  fill(b, kL * kDim, 7);                    // rms_ffn_weight
  fill(b, kL * kDim * kHid, 8);             // w1
  fill(b, kL * kHid * kDim, 9);             // w2
  fill(b, kL * kDim * kHid, 10);            // w3
  fill(b, kDim, 11);                        // rms_final_weight
  fill(b, kSeq * kHs / 2, 12);              // freq_cis_real
  fill(b, kSeq * kHs / 2, 13);              // freq_cis_imag
  if (!shared) fill(b, kVocab * kDim, 14);  // wcls
  return b;
}

TEST(Llama2c, ReadsWeightsInRunCOrder) {
  test::TempDir dir;
  for (bool shared : {true, false}) {
    test::writeFile(dir / "m.bin", checkpoint(shared));
    const Llama2cCheckpoint ck = readLlama2cCheckpoint(dir / "m.bin");
    EXPECT_EQ(ck.config.dim, kDim);
    EXPECT_EQ(ck.config.kvDim(), kKvDim);
    EXPECT_EQ(ck.config.vocab_size, kVocab);
    EXPECT_EQ(ck.config.shared_weights, shared);
    ASSERT_EQ(ck.layers.size(), 2u);
    EXPECT_FLOAT_EQ(ck.token_embedding(9, 7), 1 + 0.001f * 79);
    EXPECT_FLOAT_EQ(ck.layers[1].rms_att[0], 2 + 0.001f * 8);
    // wq of layer 1 starts after layer 0's 64 values; row 2, col 3 is element 2·8 + 3.
    EXPECT_FLOAT_EQ(ck.layers[1].wq(2, 3), 3 + 0.001f * (64 + 19));
    ASSERT_EQ(ck.layers[0].wk.rows(), kKvDim);
    EXPECT_FLOAT_EQ(ck.layers[1].wk(3, 7), 4 + 0.001f * (32 + 31));
    EXPECT_FLOAT_EQ(ck.layers[0].wv(0, 1), 5 + 0.001f * 1);
    EXPECT_FLOAT_EQ(ck.layers[1].wo(7, 7), 6 + 0.001f * 127);
    EXPECT_FLOAT_EQ(ck.layers[0].rms_ffn[3], 7 + 0.001f * 3);
    ASSERT_EQ(ck.layers[0].w1.rows(), kHid);
    EXPECT_FLOAT_EQ(ck.layers[1].w1(11, 7), 8 + 0.001f * (96 + 95));
    ASSERT_EQ(ck.layers[0].w2.rows(), kDim);
    ASSERT_EQ(ck.layers[0].w2.cols(), kHid);
    EXPECT_FLOAT_EQ(ck.layers[0].w2(1, 0), 9 + 0.001f * 12);
    EXPECT_FLOAT_EQ(ck.layers[1].w3(0, 0), 10 + 0.001f * 96);
    EXPECT_FLOAT_EQ(ck.rms_final[7], 11 + 0.001f * 7);
    if (shared) {
      EXPECT_EQ(ck.wcls.size(), 0);
    } else {
      EXPECT_FLOAT_EQ(ck.wcls(9, 7), 14 + 0.001f * 79);
    }
  }
}

void expectRefused(const test::TempDir& dir, const std::string& bytes, ErrorKind kind,
                   const std::string& phrase) {
  test::writeFile(dir / "bad.bin", bytes);
  try {
    readLlama2cCheckpoint(dir / "bad.bin");
    ADD_FAILURE() << "accepted; expected: " << phrase;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.bin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
  }
}

TEST(Llama2c, RefusesWrongSizesAndHeaders) {
  test::TempDir dir;
  const std::string good = checkpoint(true);
  expectRefused(dir, good.substr(0, good.size() - 4), ErrorKind::InvalidInput, "implies");
  expectRefused(dir, good + "xxxx", ErrorKind::InvalidInput, "implies");
  expectRefused(dir, good.substr(0, 20), ErrorKind::InvalidInput, "too small");
  {
    std::string b = good;
    const std::int32_t three = 3;
    std::memcpy(b.data() + 12, &three, 4);  // n_heads 3 does not divide dim 8
    expectRefused(dir, b, ErrorKind::InvalidInput, "n_heads");
  }
  {
    std::string b = good;
    const std::int32_t huge = 1 << 30;
    std::memcpy(b.data() + 4, &huge, 4);  // hidden_dim 2^30
    expectRefused(dir, b, ErrorKind::InvalidInput, "every field");
  }
  {
    std::string b = good;
    const std::int32_t magic = 0x616b3432, version = 1;
    std::memcpy(b.data(), &magic, 4);
    std::memcpy(b.data() + 4, &version, 4);
    expectRefused(dir, b, ErrorKind::Unsupported, "ak42");
  }
}

TEST(Llama2cTokenizer, ReadsScoresLengthsAndText) {
  test::TempDir dir;
  std::string b;
  const std::int32_t maxLen = 3;
  b.append(reinterpret_cast<const char*>(&maxLen), 4);
  const auto tok = [&](float score, const std::string& s) {
    const std::int32_t n = std::int32_t(s.size());
    b.append(reinterpret_cast<const char*>(&score), 4);
    b.append(reinterpret_cast<const char*>(&n), 4);
    b += s;
  };
  tok(0.0f, "ab");
  tok(-1.5f, "");
  tok(2.0f, " xy");
  test::writeFile(dir / "t.bin", b);
  const Llama2cVocab v = readLlama2cTokenizer(dir / "t.bin");
  EXPECT_EQ(v.pieces, (std::vector<std::string>{"ab", "", " xy"}));
  EXPECT_EQ(v.scores, (std::vector<float>{0.0f, -1.5f, 2.0f}));
  EXPECT_THROW(readLlama2cTokenizer(dir / "t.bin", 4), Error);  // only 3 tokens
  tok(1.0f, "long");                                            // longer than max 3
  test::writeFile(dir / "t2.bin", b);
  EXPECT_THROW(readLlama2cTokenizer(dir / "t2.bin"), Error);
}

}  // namespace
}  // namespace slmq::core
