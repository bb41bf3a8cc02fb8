// Inference bench: the reference shapes have the published parameter counts of SmolLM-135M
// (134,515,008) and Qwen2.5-0.5B (494,032,768, as on their model cards / safetensors metadata);
// random models have exactly those tensors; a packed model reports smaller storage and runs.
#include "core/eval/inference_bench.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/model/model.h"
#include "core/model/random_model.h"
#include "core/quant/kernels/pack_model.h"

namespace slmq::core {
namespace {

/// Parameters implied by a config (embeddings counted once when tied).
std::size_t parametersOf(const ModelConfig& c) {
  const std::size_t d = c.hidden_size, f = c.intermediate_size;
  const std::size_t qd = std::size_t(c.num_heads) * c.head_dim;
  const std::size_t kvd = std::size_t(c.num_kv_heads) * c.head_dim;
  std::size_t block = d * qd + 2 * d * kvd + qd * d + 3 * d * f + 2 * d;
  if (c.attention_bias) block += qd + 2 * kvd;
  return std::size_t(c.vocab_size) * d * (c.tie_word_embeddings ? 1 : 2) + d + block * c.num_layers;
}

TEST(InferenceBench, ReferenceShapesHavePublishedParameterCounts) {
  EXPECT_EQ(parametersOf(referenceShapeConfig(ReferenceShape::SmolLM135M)), 134515008u);
  EXPECT_EQ(parametersOf(referenceShapeConfig(ReferenceShape::Qwen25_05B)), 494032768u);
  EXPECT_STREQ(referenceShapeName(ReferenceShape::Qwen25_05B), "Qwen2.5-0.5B");
}

ModelConfig tinyQwenLike() {
  return withDecoderShape(referenceShapeConfig(ReferenceShape::Qwen25_05B),
                          {.vocab_size = 512,
                           .hidden_size = 128,
                           .intermediate_size = 352,  // not a multiple of 128: a shorter last group
                           .num_layers = 2,
                           .num_heads = 4,
                           .num_kv_heads = 2,
                           .head_dim = 32});
}

TEST(InferenceBench, RandomModelHasEveryTensorAndBenchRuns) {
  const ModelConfig c = tinyQwenLike();
  const auto model = randomModel(c, 7);
  EXPECT_EQ(model->weights().parameterCount(), parametersOf(c));
  EXPECT_EQ(modelStorageBytes(model->weights()), parametersOf(c) * 4);
  InferenceBenchOptions o;
  o.threads = 1;
  o.prompt_tokens = 32;
  o.context = 8;
  o.new_tokens = 4;
  o.repeats = 1;
  const InferenceBenchResult fp = benchInference(*model, o);
  EXPECT_GT(fp.prefill_tokens_per_s, 0);
  EXPECT_GT(fp.decode_tokens_per_s, 0);
  EXPECT_GT(fp.peak_rss_bytes, 0u);
  EXPECT_EQ(fp.storage_bytes, parametersOf(c) * 4);
  EXPECT_EQ(fp.threads, 1);

  // Packed W4A8: storage = float parts + nibbles + scales + zero points, below W8A8, below FP.
  auto w4 = randomModel(c, 7);
  packModel(w4->weights(), QuantSpec::parse("w4a8 g128 asym"));
  auto w8 = randomModel(c, 7);
  packModel(w8->weights(), QuantSpec::parse("w8a8"));
  const auto r4 = benchInference(*w4, o), r8 = benchInference(*w8, o);
  EXPECT_LT(r4.storage_bytes, r8.storage_bytes);
  EXPECT_LT(r8.storage_bytes, fp.storage_bytes);
  EXPECT_GT(r4.decode_tokens_per_s, 0);
  // The packed model computes what the float model computes up to quantization noise.
  const std::vector<int> ids = {1, 5, 9, 200, 3};
  const MatrixRM a = model->forward(ids), b = w8->forward(ids);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 0.05f * a.cwiseAbs().maxCoeff());

  o.threads = 0;
  EXPECT_THROW(benchInference(*model, o), Error);
}

}  // namespace
}  // namespace slmq::core
