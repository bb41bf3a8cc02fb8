// The real stories260K.gguf (written by llama.cpp's convert-llama2c-to-ggml): header, metadata
// and tensor table as an independent reading of the file gives them, and its F32 weights equal
// the llama2.c checkpoint's bytes.
#include <gtest/gtest.h>

#include "core/io/gguf.h"
#include "core/io/llama2c.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

TEST(GgufStories260K, HeaderMetadataAndTensorTable) {
  const GgufFile f = GgufFile::open(test::asset("models/stories260K/stories260K.gguf"));
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.metadata().size(), 19u);
  EXPECT_EQ(f.tensors().size(), 48u);
  EXPECT_EQ(f.alignment(), 32u);
  EXPECT_EQ(f.dataOffset(), 14176u);  // tensor infos end at 14152, padded to 32
  EXPECT_EQ(f.fileSize(), 1185376u);
  EXPECT_EQ(f.getString("general.architecture"), "llama");
  EXPECT_EQ(f.getInt("llama.block_count"), 5);
  EXPECT_EQ(f.getInt("llama.attention.head_count_kv"), 4);
  EXPECT_EQ(f.getInt("llama.rope.dimension_count"), 8);
  EXPECT_EQ(f.getFloat("llama.attention.layer_norm_rms_epsilon"), double(1e-5f));
  EXPECT_EQ(f.find("tokenizer.ggml.padding_token_id")->u, 4294967295u);
  const auto tokens = f.getStringArray("tokenizer.ggml.tokens");
  ASSERT_EQ(tokens.size(), 512u);
  EXPECT_EQ(tokens[1], "<s>");
  EXPECT_EQ(tokens[259], "\xe2\x96\x81t");  // "▁t"
  const GgufTensorInfo* q = f.findTensor("blk.0.attn_q.weight");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->dims, (std::vector<std::uint64_t>{64, 64}));
  EXPECT_EQ(q->type, GgmlType::F32);
  EXPECT_EQ(q->offset, 262400u);
  const GgufTensorInfo* gate = f.findTensor("blk.4.ffn_gate.weight");
  EXPECT_EQ(gate->dims, (std::vector<std::uint64_t>{64, 172}));
  EXPECT_EQ(gate->offset, 1038848u);
}

TEST(GgufStories260K, WeightsEqualTheLlama2cCheckpoint) {
  const GgufFile f = GgufFile::open(test::asset("models/stories260K/stories260K.gguf"));
  const Llama2cCheckpoint ck =
      readLlama2cCheckpoint(test::asset("models/stories260K/stories260K.bin"));
  EXPECT_EQ(f.readMatrix("token_embd.weight"), ck.token_embedding);
  EXPECT_EQ(f.readMatrix("output.weight"), ck.token_embedding);  // shared in llama2.c
  EXPECT_EQ(f.readVector("output_norm.weight"), ck.rms_final);
  for (int i = 0; i < 5; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    const Llama2cLayer& l = ck.layers[std::size_t(i)];
    EXPECT_EQ(f.readMatrix(b + "attn_q.weight"), l.wq) << i;
    EXPECT_EQ(f.readMatrix(b + "attn_k.weight"), l.wk) << i;
    EXPECT_EQ(f.readMatrix(b + "attn_v.weight"), l.wv) << i;
    EXPECT_EQ(f.readMatrix(b + "attn_output.weight"), l.wo) << i;
    EXPECT_EQ(f.readMatrix(b + "ffn_gate.weight"), l.w1) << i;
    EXPECT_EQ(f.readMatrix(b + "ffn_down.weight"), l.w2) << i;
    EXPECT_EQ(f.readMatrix(b + "ffn_up.weight"), l.w3) << i;
    EXPECT_EQ(f.readVector(b + "attn_norm.weight"), l.rms_att) << i;
    EXPECT_EQ(f.readVector(b + "ffn_norm.weight"), l.rms_ffn) << i;
  }
}

}  // namespace
}  // namespace slmq::core
