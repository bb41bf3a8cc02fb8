// Hugging Face checkpoints exported to GGUF and read back through the GGUF loader must still
// match transformers' logits (fixtures/<model>/reference.safetensors): smol-ref exercises the
// `llama` mapping (Q/K rows interleaved on export, un-interleaved on load), qwen-ref the `qwen2`
// mapping (q/k/v biases, rope.freq_base 1e6, no permutation).
#include <gtest/gtest.h>

#include "core/io/gguf.h"
#include "core/io/safetensors.h"
#include "core/model/gguf_export.h"
#include "core/model/gguf_loader.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

class GgufRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(GgufRoundTrip, ExportedGgufMatchesTransformersLogits) {
  const std::string name = GetParam();
  const auto hf = Model::load(test::asset("models/" + name));
  test::TempDir dir;
  exportGgufModel(hf->config(), hf->weights(), hf->tokenizer(), dir / "m.gguf");
  const GgufFile f = GgufFile::open(dir / "m.gguf");
  ModelParts parts = readGgufModel(f);
  const ModelConfig& c = parts.config;
  EXPECT_EQ(c.arch, hf->config().arch);
  EXPECT_EQ(c.num_layers, hf->config().num_layers);
  EXPECT_EQ(c.num_kv_heads, hf->config().num_kv_heads);
  EXPECT_EQ(c.head_dim, hf->config().head_dim);
  EXPECT_EQ(c.rope.theta, hf->config().rope.theta);
  EXPECT_EQ(c.rms_norm_eps, hf->config().rms_norm_eps);
  EXPECT_EQ(c.attention_bias, hf->config().attention_bias);
  EXPECT_EQ(c.tie_word_embeddings, hf->config().tie_word_embeddings);
  // A byte-level BPE tokenizer is not written to GGUF; reuse the Hugging Face one.
  const Model g(parts.config, std::move(parts.weights), hf->sharedTokenizer());

  SafetensorsFile ref(test::asset("fixtures/" + name + "/reference.safetensors"));
  const std::vector<std::int32_t> ids32 = ref.readInt32("input_ids");
  const std::vector<int> ids(ids32.begin(), ids32.end());
  const MatrixRM refLogits = ref.readMatrix("logits");
  const MatrixRM logits = g.forward(ids);
  ASSERT_EQ(logits.rows(), refLogits.rows());
  ASSERT_EQ(logits.cols(), refLogits.cols());
  const float maxRef = refLogits.cwiseAbs().maxCoeff();
  EXPECT_LE((logits - refLogits).cwiseAbs().maxCoeff(), 1e-3f * maxRef) << name;
  for (Eigen::Index t = 0; t < logits.rows(); ++t) {
    Eigen::Index a, b;
    logits.row(t).maxCoeff(&a);
    refLogits.row(t).maxCoeff(&b);
    EXPECT_EQ(a, b) << name << " position " << t;
  }
  // F32 export is lossless: the GGUF model holds exactly the safetensors model's weights.
  const ModelWeights& a = g.weights();
  const ModelWeights& b = hf->weights();
  EXPECT_EQ(a.embed, b.embed);
  EXPECT_EQ(a.final_norm, b.final_norm);
  EXPECT_EQ(a.tied(), b.tied());
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (std::size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].attn_norm, b.blocks[i].attn_norm) << i;
    EXPECT_EQ(a.blocks[i].mlp_norm, b.blocks[i].mlp_norm) << i;
    for (Module m :
         {Module::Q, Module::K, Module::V, Module::O, Module::Gate, Module::Up, Module::Down}) {
      EXPECT_EQ(a.blocks[i].linear(m).weight, b.blocks[i].linear(m).weight) << i << moduleName(m);
      EXPECT_EQ(a.blocks[i].linear(m).bias, b.blocks[i].linear(m).bias) << i << moduleName(m);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GgufRoundTrip, ::testing::Values("smol-ref", "qwen-ref"));

}  // namespace
}  // namespace slmq::core
