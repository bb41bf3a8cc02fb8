// stories260K, a real 260K-parameter Llama trained on TinyStories, in two formats: the GGUF file
// and the llama2.c checkpoint must load to the same weights and logits, and greedy decoding from
// "Zoo" must continue as llama2.c's run.c does. The greedy text is the outside reference that
// proves the RoPE row un-permutation: with ggml's interleaved rows fed to a rotate_half forward,
// the model produces different text.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/io/gguf.h"
#include "core/model/gguf_loader.h"
#include "core/model/llama2c_loader.h"
#include "core/model/loaders.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

std::filesystem::path dir() {
  return test::asset("models/stories260K");
}

TEST(Stories260K, GgufAndLlama2cGiveTheSameConfigAndWeights) {
  const GgufFile f = GgufFile::open(dir() / "stories260K.gguf");
  const ModelParts g = readGgufModel(f);
  const ModelParts l = readLlama2cModel(dir() / "stories260K.bin", dir() / "tok512.bin");
  // The model card: dim 64, hidden 172, 5 layers, 8 heads / 4 KV heads, vocab 512, tied.
  for (const ModelConfig* c : {&g.config, &l.config}) {
    EXPECT_EQ(c->hidden_size, 64);
    EXPECT_EQ(c->intermediate_size, 172);
    EXPECT_EQ(c->num_layers, 5);
    EXPECT_EQ(c->num_heads, 8);
    EXPECT_EQ(c->num_kv_heads, 4);
    EXPECT_EQ(c->head_dim, 8);
    EXPECT_EQ(c->vocab_size, 512);
    EXPECT_TRUE(c->tie_word_embeddings);
    EXPECT_EQ(c->rms_norm_eps, 1e-5);
    EXPECT_EQ(c->rope.theta, 10000.0);
    EXPECT_EQ(c->bos_token_id, 1);
  }
  EXPECT_TRUE(g.weights.tied());
  EXPECT_TRUE(l.weights.tied());
  EXPECT_EQ(g.weights.embed, l.weights.embed);
  EXPECT_EQ(g.weights.final_norm, l.weights.final_norm);
  ASSERT_EQ(g.weights.blocks.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    const BlockWeights& a = g.weights.blocks[i];
    const BlockWeights& b = l.weights.blocks[i];
    EXPECT_EQ(a.attn_norm, b.attn_norm) << i;
    EXPECT_EQ(a.mlp_norm, b.mlp_norm) << i;
    for (Module m :
         {Module::Q, Module::K, Module::V, Module::O, Module::Gate, Module::Up, Module::Down}) {
      EXPECT_EQ(a.linear(m).weight, b.linear(m).weight) << i << " " << moduleName(m);
      EXPECT_EQ(a.linear(m).bias.size(), 0);
    }
  }
}

TEST(Stories260K, GgufAndLlama2cGiveTheSameLogits) {
  const auto g = loadGgufModel(dir() / "stories260K.gguf");
  const auto l = loadLlama2cModel(dir() / "stories260K.bin", dir() / "tok512.bin");
  const std::string prompt = "Once upon a time, there was a little dog named Max.";
  const std::vector<int> ids = g->tokenizer()->encode(prompt);
  ASSERT_EQ(ids, l->tokenizer()->encode(prompt));
  const MatrixRM a = g->forward(ids);
  const MatrixRM b = l->forward(ids);
  ASSERT_EQ(a.rows(), Eigen::Index(ids.size()));
  ASSERT_EQ(a.cols(), 512);
  const float diff = (a - b).cwiseAbs().maxCoeff();
  std::printf("stories260K: max|logits(gguf) - logits(llama2.c)| = %g (max|logit| %g)\n",
              double(diff), double(a.cwiseAbs().maxCoeff()));
  EXPECT_LE(diff, 1e-5f);
}

TEST(Stories260K, GreedyFromZooContinuesAsLlama2cDoes) {
  const std::string expected =
      "was a little girl named Lily. She loved to play outside in the park.";
  for (const auto& path : {dir() / "stories260K.gguf", dir() / "stories260K.bin"}) {
    const auto model = Model::load(path);  // dispatch by extension; tok512.bin found beside
    ASSERT_NE(model->tokenizer(), nullptr);
    const std::vector<int> prompt = model->tokenizer()->encode("Zoo");
    ASSERT_EQ(prompt, (std::vector<int>{1, 410, 469, 347}));
    const std::vector<int> out = model->generateGreedy(prompt, 32);
    const std::vector<int> fresh(out.begin() + Eigen::Index(prompt.size()), out.end());
    const std::string text = model->tokenizer()->decode(fresh, /*skipSpecial=*/true);
    EXPECT_EQ(text.substr(0, expected.size()), expected) << path << ": " << text;
  }
}

TEST(Stories260K, InterleavedRowsWithoutUnpermutingGiveDifferentText) {
  // Guards the un-permutation: re-interleave Q/K and the greedy text must change.
  const GgufFile f = GgufFile::open(dir() / "stories260K.gguf");
  ModelParts p = readGgufModel(f);
  for (BlockWeights& b : p.weights.blocks) {
    b.q.weight =
        f.readMatrix("blk." + std::to_string(&b - p.weights.blocks.data()) + ".attn_q.weight");
    b.k.weight =
        f.readMatrix("blk." + std::to_string(&b - p.weights.blocks.data()) + ".attn_k.weight");
  }
  const Model wrong(p.config, p.weights, p.tokenizer);
  const std::vector<int> prompt = {1, 410, 469, 347};
  const std::vector<int> out = wrong.generateGreedy(prompt, 24);
  const std::string text = p.tokenizer->decode({out.begin() + 4, out.end()}, true);
  EXPECT_NE(text.rfind("was a little girl named Lily. She loved to play outside in the park.", 0),
            0u)
      << text;
}

}  // namespace
}  // namespace slmq::core
