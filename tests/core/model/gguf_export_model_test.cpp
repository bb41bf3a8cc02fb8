// GGUF export of stories260K: an F32 export reproduces the original file's tensors byte for byte
// (so re-interleaving Q/K is the exact inverse of the loader's un-permutation) and its tokenizer;
// a Q8_0 export stays close to the F32 model and keeps its greedy text.
#include <gtest/gtest.h>

#include <cstring>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/model/gguf_export.h"
#include "core/model/gguf_loader.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

std::filesystem::path original() {
  return test::asset("models/stories260K/stories260K.gguf");
}

TEST(GgufExport, F32ExportReproducesTheOriginalTensorsAndVocabulary) {
  test::TempDir dir;
  const GgufFile src = GgufFile::open(original());
  const ModelParts parts = readGgufModel(src);
  exportGgufModel(parts.config, parts.weights, parts.tokenizer.get(), dir / "out.gguf");
  const GgufFile out = GgufFile::open(dir / "out.gguf");
  // The original carries output.weight as a copy of token_embd; the export writes it tied.
  EXPECT_EQ(out.tensors().size(), src.tensors().size() - 1);
  for (const GgufTensorInfo& t : out.tensors()) {
    const GgufTensorInfo* s = src.findTensor(t.name);
    ASSERT_NE(s, nullptr) << t.name;
    EXPECT_EQ(t.dims, s->dims) << t.name;
    ASSERT_EQ(t.bytes, s->bytes) << t.name;
    EXPECT_EQ(std::memcmp(out.tensorData(t), src.tensorData(*s), std::size_t(t.bytes)), 0)
        << t.name;
  }
  for (const char* key : {"tokenizer.ggml.tokens"}) {
    EXPECT_EQ(out.getStringArray(key), src.getStringArray(key));
  }
  EXPECT_EQ(out.getFloatArray("tokenizer.ggml.scores"), src.getFloatArray("tokenizer.ggml.scores"));
  EXPECT_EQ(out.getIntArray("tokenizer.ggml.token_type"),
            src.getIntArray("tokenizer.ggml.token_type"));
  for (const char* key :
       {"llama.block_count", "llama.embedding_length", "llama.feed_forward_length",
        "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.dimension_count",
        "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"}) {
    EXPECT_EQ(out.getInt(key), src.getInt(key)) << key;
  }
  EXPECT_EQ(out.getFloat("llama.attention.layer_norm_rms_epsilon"),
            src.getFloat("llama.attention.layer_norm_rms_epsilon"));
}

TEST(GgufExport, Q8_0ExportStaysCloseAndKeepsTheGreedyText) {
  test::TempDir dir;
  const GgufFile src = GgufFile::open(original());
  const ModelParts parts = readGgufModel(src);
  GgufExportOptions o;
  o.linear_type = GgmlType::Q8_0;
  exportGgufModel(parts.config, parts.weights, parts.tokenizer.get(), dir / "q8.gguf", o);
  const GgufFile q8 = GgufFile::open(dir / "q8.gguf");
  EXPECT_EQ(q8.findTensor("blk.0.attn_q.weight")->type, GgmlType::Q8_0);
  EXPECT_EQ(q8.findTensor("blk.0.ffn_down.weight")->type, GgmlType::F32);  // in = 172
  const ModelParts back = readGgufModel(q8);
  EXPECT_EQ(back.config.source_dtype, "F32+Q8_0");
  // Per weight: |error| <= half a step (absmax/127 per 32 values) plus the f16 scale error.
  for (std::size_t i = 0; i < parts.weights.blocks.size(); ++i) {
    const MatrixRM& a = parts.weights.blocks[i].q.weight;
    const MatrixRM& b = back.weights.blocks[i].q.weight;
    for (Eigen::Index r = 0; r < a.rows(); ++r) {
      for (Eigen::Index g = 0; g < a.cols(); g += 32) {
        const float step = a.row(r).segment(g, 32).cwiseAbs().maxCoeff() / 127;
        EXPECT_LE((a.row(r).segment(g, 32) - b.row(r).segment(g, 32)).cwiseAbs().maxCoeff(),
                  0.5f * step * 1.07f + 1e-7f);
      }
    }
  }
  const Model fp(parts.config, parts.weights, parts.tokenizer);
  const Model m8(back.config, back.weights, back.tokenizer);
  const std::vector<int> prompt = {1, 410, 469, 347};  // "Zoo"
  const std::vector<int> a = fp.generateGreedy(prompt, 20);
  const std::vector<int> b = m8.generateGreedy(prompt, 20);
  EXPECT_EQ(m8.tokenizer()->decode({b.begin() + 4, b.end()}, true),
            fp.tokenizer()->decode({a.begin() + 4, a.end()}, true));
}

TEST(GgufExport, RefusesWhatGgufLlamaCannotExpress) {
  test::TempDir dir;
  const GgufFile src = GgufFile::open(original());
  ModelParts parts = readGgufModel(src);
  ModelConfig c = parts.config;
  c.use_rope[2] = false;
  EXPECT_THROW(exportGgufModel(c, parts.weights, nullptr, dir / "nope.gguf"), Error);
  c = parts.config;
  c.arch = Architecture::Qwen3;
  c.arch_name = "Qwen3ForCausalLM";
  try {
    exportGgufModel(c, parts.weights, nullptr, dir / "q3.gguf");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("Qwen3ForCausalLM"), std::string::npos) << e.what();
  }
  parts.weights.blocks[1].up.weight(3, 4) = std::nanf("");
  EXPECT_THROW(exportGgufModel(parts.config, parts.weights, nullptr, dir / "nan.gguf"), Error);
}

}  // namespace
}  // namespace slmq::core
