// Loads a Hugging Face checkpoint directory into a Model: config.json -> ModelConfig, tensors
// named as transformers names them -> ModelWeights (float32), tokenizer.json -> Tokenizer.
#include <filesystem>

#include "core/common/error.h"
#include "core/io/safetensors_checkpoint.h"
#include "core/model/config_json.h"
#include "core/model/loaders.h"
#include "core/model/model.h"
#include "core/tokenizer/hf_tokenizer.h"

namespace slmq::core {
namespace {

Linear readLinear(const SafetensorsCheckpoint& ck, const std::string& prefix, int out, int in,
                  bool bias) {
  Linear l;
  l.weight = ck.readMatrix(prefix + ".weight", out, in);
  if (bias) l.bias = ck.readVector(prefix + ".bias", out);
  return l;
}

}  // namespace

std::unique_ptr<Model> loadHfModel(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path configPath = dir / "config.json";
  ModelConfig c = parseHfConfigFile(configPath);
  SafetensorsCheckpoint ck(dir);
  if (c.source_dtype.empty()) c.source_dtype = ck.storageDType();

  const int d = c.hidden_size, hd = c.head_dim, ff = c.intermediate_size;
  const int qOut = c.num_heads * hd, kvOut = c.num_kv_heads * hd;
  ModelWeights w;
  w.embed = ck.readMatrix("model.embed_tokens.weight", c.vocab_size, d);
  w.final_norm = ck.readVector("model.norm.weight", d);
  if (!c.tie_word_embeddings) {
    if (!ck.contains("lm_head.weight"))
      throw Error(ErrorKind::InvalidInput,
                  configPath.string() +
                      ": tie_word_embeddings is false but the checkpoint has no lm_head.weight");
    w.lm_head = ck.readMatrix("lm_head.weight", c.vocab_size, d);
  }
  w.blocks.resize(std::size_t(c.num_layers));
  for (int i = 0; i < c.num_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    BlockWeights& b = w.blocks[std::size_t(i)];
    b.attn_norm = ck.readVector(p + "input_layernorm.weight", d);
    b.mlp_norm = ck.readVector(p + "post_attention_layernorm.weight", d);
    b.q = readLinear(ck, p + "self_attn.q_proj", qOut, d, c.attention_bias);
    b.k = readLinear(ck, p + "self_attn.k_proj", kvOut, d, c.attention_bias);
    b.v = readLinear(ck, p + "self_attn.v_proj", kvOut, d, c.attention_bias);
    b.o = readLinear(ck, p + "self_attn.o_proj", d, qOut, c.o_bias);
    if (c.qk_norm) {
      b.q_norm = ck.readVector(p + "self_attn.q_norm.weight", hd);
      b.k_norm = ck.readVector(p + "self_attn.k_norm.weight", hd);
    }
    b.gate = readLinear(ck, p + "mlp.gate_proj", ff, d, c.mlp_bias);
    b.up = readLinear(ck, p + "mlp.up_proj", ff, d, c.mlp_bias);
    b.down = readLinear(ck, p + "mlp.down_proj", d, ff, c.mlp_bias);
  }

  std::shared_ptr<const Tokenizer> tok;
  const fs::path tokPath = dir / "tokenizer.json";
  std::error_code ec;
  if (fs::exists(tokPath, ec)) tok = loadHfTokenizer(tokPath);

  auto m = std::make_unique<Model>(std::move(c), std::move(w), std::move(tok));
  m->setSourcePath(dir);
  return m;
}

}  // namespace slmq::core
