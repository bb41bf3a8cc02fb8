// llama2.c checkpoint -> Model (see llama2c_loader.h).
#include "core/model/llama2c_loader.h"

#include "core/common/error.h"
#include "core/io/llama2c.h"
#include "core/model/loaders.h"
#include "core/model/model.h"
#include "core/tokenizer/sentencepiece_bpe.h"

namespace slmq::core {

ModelParts convertLlama2cCheckpoint(Llama2cCheckpoint&& ck) {
  const Llama2cConfig& l = ck.config;
  ModelParts parts;
  ModelConfig& c = parts.config;
  c.arch = Architecture::Llama;
  c.arch_name = "llama2.c";
  c.vocab_size = l.vocab_size;
  c.hidden_size = l.dim;
  c.intermediate_size = l.hidden_dim;
  c.num_layers = l.n_layers;
  c.num_heads = l.n_heads;
  c.num_kv_heads = l.n_kv_heads;
  c.head_dim = l.headSize();
  c.rms_norm_eps = 1e-5;   // run.c rmsnorm()
  c.rope.theta = 10000.0;  // run.c: 1 / 10000^(head_dim / head_size)
  c.max_positions = l.seq_len;
  c.tie_word_embeddings = l.shared_weights;
  c.use_rope.assign(std::size_t(l.n_layers), true);
  c.bos_token_id = 1;
  c.eos_token_id = 2;
  c.source_dtype = "F32";

  ModelWeights& w = parts.weights;
  w.embed = std::move(ck.token_embedding);
  w.final_norm = std::move(ck.rms_final);
  if (!l.shared_weights) w.lm_head = std::move(ck.wcls);
  w.blocks.resize(ck.layers.size());
  for (std::size_t i = 0; i < ck.layers.size(); ++i) {
    Llama2cLayer& src = ck.layers[i];
    BlockWeights& b = w.blocks[i];
    b.attn_norm = std::move(src.rms_att);
    b.mlp_norm = std::move(src.rms_ffn);
    b.q.weight = std::move(src.wq);
    b.k.weight = std::move(src.wk);
    b.v.weight = std::move(src.wv);
    b.o.weight = std::move(src.wo);
    b.gate.weight = std::move(src.w1);
    b.down.weight = std::move(src.w2);
    b.up.weight = std::move(src.w3);
    unpermuteInterleavedRope(b.q.weight, c.num_heads, c.head_dim);
    unpermuteInterleavedRope(b.k.weight, c.num_kv_heads, c.head_dim);
  }
  return parts;
}

ModelParts readLlama2cModel(const std::filesystem::path& bin, const std::filesystem::path& tok) {
  ModelParts parts = convertLlama2cCheckpoint(readLlama2cCheckpoint(bin));
  parts.tokenizer = loadLlama2cTokenizer(tok, parts.config.vocab_size);
  return parts;
}

std::unique_ptr<Model> loadLlama2cModel(const std::filesystem::path& bin,
                                        const std::filesystem::path& tok) {
  ModelParts parts = readLlama2cModel(bin, tok);
  auto model = std::make_unique<Model>(std::move(parts.config), std::move(parts.weights),
                                       std::move(parts.tokenizer));
  model->setSourcePath(bin);
  return model;
}

}  // namespace slmq::core
