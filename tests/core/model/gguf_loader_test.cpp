// GGUF -> ModelConfig/ModelWeights mapping on small synthetic files written with GgufWriter:
// llama Q/K rows un-permuted (hand-computed order), qwen2 left as stored with its biases, tied
// vs separate output, quantized tensors dequantized, and refusals that name the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/gguf_writer.h"
#include "core/model/gguf_loader.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

TEST(UnpermuteInterleavedRope, MatchesTransformersPermuteInverse) {
  // 2 heads of head_dim 4; row r holds the value r. transformers' permute (Meta -> HF) takes HF
  // row h·4 + j·2 + i from Meta row h·4 + 2i + j, so the HF order is 0 2 1 3 | 4 6 5 7.
  MatrixRM w(8, 3);
  for (int r = 0; r < 8; ++r) w.row(r).setConstant(float(r));
  unpermuteInterleavedRope(w, 2, 4);
  const int expected[8] = {0, 2, 1, 3, 4, 6, 5, 7};
  for (int r = 0; r < 8; ++r) EXPECT_EQ(w(r, 1), float(expected[r])) << r;
  VectorF b(8);
  for (int r = 0; r < 8; ++r) b[r] = float(r);
  unpermuteInterleavedRope(b, 2, 4);
  for (int r = 0; r < 8; ++r) EXPECT_EQ(b[r], float(expected[r])) << r;
  MatrixRM odd(6, 1);
  EXPECT_THROW(unpermuteInterleavedRope(odd, 2, 4), Error);
}

MatrixRM ramp(int rows, int cols, float seed) {
  MatrixRM m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m(r, c) = seed + 0.01f * float(r * cols + c);
  return m;
}

VectorF rampVec(int n, float seed) {
  VectorF v(n);
  for (int i = 0; i < n; ++i) v[i] = seed + 0.5f * float(i);
  return v;
}

// hidden 8, 2 heads / 1 KV head of 4, FFN 32, vocab 16, 2 blocks.
constexpr int kD = 8, kH = 2, kKv = 1, kHd = 4, kFf = 32, kV = 16, kL = 2;

GgufWriter tinyModel(const std::string& arch, bool withOutput, bool withBias) {
  GgufWriter w;
  w.set("general.architecture", ggufString(arch));
  const std::string p = arch + ".";
  w.set(p + "block_count", ggufUint(GgufType::Uint32, kL));
  w.set(p + "embedding_length", ggufUint(GgufType::Uint32, kD));
  w.set(p + "feed_forward_length", ggufUint(GgufType::Uint32, kFf));
  w.set(p + "attention.head_count", ggufUint(GgufType::Uint32, kH));
  w.set(p + "attention.head_count_kv", ggufUint(GgufType::Uint32, kKv));
  w.set(p + "rope.freq_base", ggufFloat32(1000000.0f));
  w.set(p + "attention.layer_norm_rms_epsilon", ggufFloat32(1e-6f));
  w.set(p + "context_length", ggufUint(GgufType::Uint32, 4096));
  w.addMatrixF32("token_embd.weight", ramp(kV, kD, 0.0f));
  w.addVectorF32("output_norm.weight", rampVec(kD, 1.0f));
  if (withOutput) w.addMatrixF32("output.weight", ramp(kV, kD, 5.0f));
  for (int i = 0; i < kL; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    const float s = float(10 * (i + 1));
    w.addVectorF32(b + "attn_norm.weight", rampVec(kD, s + 1));
    w.addVectorF32(b + "ffn_norm.weight", rampVec(kD, s + 2));
    w.addMatrixF32(b + "attn_q.weight", ramp(kH * kHd, kD, s + 3));
    w.addMatrixF32(b + "attn_k.weight", ramp(kKv * kHd, kD, s + 4));
    w.addMatrixF32(b + "attn_v.weight", ramp(kKv * kHd, kD, s + 5));
    w.addMatrixF32(b + "attn_output.weight", ramp(kD, kH * kHd, s + 6));
    w.addMatrixF32(b + "ffn_gate.weight", ramp(kFf, kD, s + 7));
    w.addMatrixF32(b + "ffn_up.weight", ramp(kFf, kD, s + 8));
    // ffn_down [8, 32] as Q8_0: one block per row, d = 1.0 (f16 0x3C00), q = row − col
    std::vector<std::uint8_t> q8;
    for (int r = 0; r < kD; ++r) {
      q8.push_back(0x00);
      q8.push_back(0x3C);
      for (int c = 0; c < kFf; ++c) q8.push_back(std::uint8_t(std::int8_t(r - c)));
    }
    w.addTensor(b + "ffn_down.weight", {kFf, kD}, GgmlType::Q8_0, q8);
    if (withBias) {
      w.addVectorF32(b + "attn_q.bias", rampVec(kH * kHd, s + 9));
      w.addVectorF32(b + "attn_k.bias", rampVec(kKv * kHd, s + 10));
      w.addVectorF32(b + "attn_v.bias", rampVec(kKv * kHd, s + 11));
    }
  }
  return w;
}

ModelParts load(const test::TempDir& dir, const GgufWriter& w, const std::string& name) {
  w.write(dir / name);
  const GgufFile f = GgufFile::open(dir / name);
  return readGgufModel(f);
}

TEST(GgufLoader, Qwen2KeepsRowsAndLoadsBiases) {
  test::TempDir dir;
  const ModelParts p = load(dir, tinyModel("qwen2", false, true), "qwen2.gguf");
  const ModelConfig& c = p.config;
  EXPECT_EQ(c.arch, Architecture::Qwen2);
  EXPECT_EQ(c.num_layers, kL);
  EXPECT_EQ(c.hidden_size, kD);
  EXPECT_EQ(c.intermediate_size, kFf);
  EXPECT_EQ(c.num_heads, kH);
  EXPECT_EQ(c.num_kv_heads, kKv);
  EXPECT_EQ(c.head_dim, kHd);
  EXPECT_EQ(c.vocab_size, kV);
  EXPECT_EQ(c.rope.theta, 1e6);
  EXPECT_EQ(c.rms_norm_eps, 1e-6);  // the float32 1e-6f read back as the decimal it came from
  EXPECT_EQ(c.max_positions, 4096);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_FALSE(c.o_bias);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_TRUE(p.weights.tied());
  EXPECT_EQ(c.source_dtype, "F32+Q8_0");
  EXPECT_EQ(p.tokenizer, nullptr);  // no tokenizer.ggml.* in the file
  const BlockWeights& b1 = p.weights.blocks[1];
  EXPECT_EQ(b1.q.weight, ramp(kH * kHd, kD, 23.0f));  // NEOX layout: untouched
  EXPECT_EQ(b1.k.weight, ramp(kKv * kHd, kD, 24.0f));
  EXPECT_EQ(b1.q.bias, rampVec(kH * kHd, 29.0f));
  EXPECT_EQ(b1.v.bias, rampVec(kKv * kHd, 31.0f));
  EXPECT_EQ(b1.attn_norm, rampVec(kD, 21.0f));
  // Q8_0 ffn_down: d = 1, q = row − col
  EXPECT_EQ(b1.down.weight.rows(), kD);
  EXPECT_EQ(b1.down.weight.cols(), kFf);
  EXPECT_EQ(b1.down.weight(5, 2), 3.0f);
  EXPECT_EQ(b1.down.weight(0, 31), -31.0f);
}

TEST(GgufLoader, LlamaUnpermutesQAndKAndKeepsSeparateOutput) {
  test::TempDir dir;
  const ModelParts p = load(dir, tinyModel("llama", true, false), "llama.gguf");
  EXPECT_EQ(p.config.arch, Architecture::Llama);
  EXPECT_FALSE(p.config.attention_bias);
  EXPECT_FALSE(p.config.tie_word_embeddings);
  EXPECT_EQ(p.weights.lm_head, ramp(kV, kD, 5.0f));
  const MatrixRM q = ramp(kH * kHd, kD, 13.0f), k = ramp(kKv * kHd, kD, 14.0f);
  const int order[8] = {0, 2, 1, 3, 4, 6, 5, 7};  // see UnpermuteInterleavedRope
  for (int r = 0; r < kH * kHd; ++r) {
    EXPECT_EQ(p.weights.blocks[0].q.weight.row(r), q.row(order[r])) << r;
  }
  for (int r = 0; r < kKv * kHd; ++r) {
    EXPECT_EQ(p.weights.blocks[0].k.weight.row(r), k.row(order[r])) << r;
  }
  EXPECT_EQ(p.weights.blocks[0].v.weight, ramp(kKv * kHd, kD, 15.0f));  // V is not rotated
}

void expectLoadError(const test::TempDir& dir, const GgufWriter& w, const std::string& name,
                     ErrorKind kind, const std::string& phrase) {
  try {
    load(dir, w, name);
    ADD_FAILURE() << name << " loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
  }
}

TEST(GgufLoader, RefusalsNameTheProblem) {
  test::TempDir dir;
  expectLoadError(dir, tinyModel("falcon", false, false), "falcon.gguf", ErrorKind::Unsupported,
                  "'falcon'");
  {
    // The metadata declares a wider FFN than the tensors have.
    GgufWriter v = tinyModel("llama", false, false);
    v.set("llama.feed_forward_length", ggufUint(GgufType::Uint32, 64));
    expectLoadError(dir, v, "shape.gguf", ErrorKind::InvalidInput, "blk.0.ffn_gate.weight");
  }
  {
    GgufWriter w = tinyModel("qwen2", false, false);  // qwen2 needs q/k/v biases
    expectLoadError(dir, w, "nobias.gguf", ErrorKind::InvalidInput, "bias");
  }
  {
    GgufWriter w = tinyModel("llama", false, false);
    w.set("llama.rope.scaling.type", ggufString("yarn"));
    expectLoadError(dir, w, "yarn.gguf", ErrorKind::Unsupported, "yarn");
  }
  {
    GgufWriter w = tinyModel("llama", false, false);
    w.set("llama.block_count", ggufUint(GgufType::Uint32, 3));  // blk.2.* does not exist
    expectLoadError(dir, w, "blocks.gguf", ErrorKind::InvalidInput, "blk.2.attn_norm.weight");
  }
}

TEST(GgufLoader, RefusesWeightsThatCannotFitInMemory) {
  // token_embd as Q4_0 with 2^33 rows of 32: 155 GB in the (sparse) file, 1.1 TB as float32.
  test::TempDir dir;
  GgufWriter big;
  big.set("general.architecture", ggufString("llama"));
  for (const char* k : {"block_count", "embedding_length", "feed_forward_length"}) {
    big.set(std::string("llama.") + k, ggufUint(GgufType::Uint32, 32));
  }
  big.set("llama.attention.head_count", ggufUint(GgufType::Uint32, 4));
  big.set("llama.attention.layer_norm_rms_epsilon", ggufFloat32(1e-5f));
  big.addTensor("token_embd.weight", {32, 1}, GgmlType::Q4_0, std::vector<std::uint8_t>(18, 0));
  std::vector<std::uint8_t> bytes = big.serialize();
  // The tensor info is name (u64 length + 17 bytes), n_dims (u32), dims (2 × u64), type, offset:
  // dims[1] starts 4 + 8 bytes after the name.
  const std::string name = "token_embd.weight";
  const auto it = std::search(bytes.begin(), bytes.end(), name.begin(), name.end());
  ASSERT_NE(it, bytes.end());
  const std::size_t dim1 = std::size_t(it - bytes.begin()) + name.size() + 4 + 8;
  const std::uint64_t rows = std::uint64_t(1) << 33;
  std::memcpy(bytes.data() + dim1, &rows, 8);
  const std::uint64_t dataOffset = (bytes.size() - 32);  // the 18-byte tensor padded to 32
  test::writeFile(dir / "huge.gguf", std::string(bytes.begin(), bytes.end()));
  std::filesystem::resize_file(dir / "huge.gguf", dataOffset + rows * 18);
  try {
    const GgufFile f = GgufFile::open(dir / "huge.gguf");
    EXPECT_EQ(f.findTensor("token_embd.weight")->elements, rows * 32);
    readGgufModel(f);
    FAIL() << "a 1.1 TB model loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Resource) << e.what();
    EXPECT_NE(std::string(e.what()).find("MiB of memory are available"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace slmq::core
