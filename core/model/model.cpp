// Model: construction, loading dispatch, incremental decoding and greedy generation.
// The per-block math lives in forward.cpp.
#include "core/model/model.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/model/loaders.h"
#include "core/model/rope.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

std::unique_ptr<Model> Model::load(const std::filesystem::path& path,
                                   const std::filesystem::path& tokenizerPath) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(ErrorKind::NotFound, "model not found: " + path.string());
  if (fs::is_directory(path, ec)) return loadHfModel(path);
  const std::string ext = path.extension().string();
  if (ext == ".gguf") {
    return loadGgufModel(path);
  }
  if (ext == ".bin") {
    if (path.filename() == "pytorch_model.bin")
      throw Error(ErrorKind::Unsupported,
                  path.string() +
                      ": PyTorch pickle checkpoints are not loaded (pickle can execute "
                      "code); convert the model to safetensors");
    fs::path tok = tokenizerPath;
    if (tok.empty()) tok = path.parent_path() / "tok512.bin";
    return loadLlama2cModel(path, tok);
  }
  if (ext == ".safetensors" || path.filename() == "config.json")
    return loadHfModel(path.parent_path());
  throw Error(ErrorKind::Unsupported,
              path.string() + ": not a model directory, .gguf or llama2.c .bin file");
}

Model::Model(ModelConfig config, ModelWeights weights, std::shared_ptr<const Tokenizer> tokenizer)
    : m_config(std::move(config)),
      m_weights(std::move(weights)),
      m_tokenizer(std::move(tokenizer)) {
  const auto& c = m_config;
  if (c.num_layers != int(m_weights.blocks.size()) || c.hidden_size <= 0 || c.num_heads <= 0 ||
      c.num_kv_heads <= 0 || c.num_heads % c.num_kv_heads != 0 || c.head_dim <= 0 ||
      c.head_dim % 2 != 0 || m_weights.embed.rows() != c.vocab_size ||
      m_weights.embed.cols() != c.hidden_size)
    throw Error(ErrorKind::InvalidInput, "Model: config and weights are inconsistent");
  if (m_config.use_rope.size() != std::size_t(c.num_layers))
    m_config.use_rope.assign(std::size_t(c.num_layers), true);
  m_invFreq = ropeInvFreq(c.rope, c.head_dim);
  m_ropeScaling = ropeAttentionScaling(c.rope);
}

std::vector<int> Model::generateGreedy(const std::vector<int>& prompt, int n) const {
  std::vector<int> out = prompt;
  if (n <= 0) return out;
  KvCache cache;
  VectorF logits = decode(prompt, cache);
  for (int i = 0; i < n; ++i) {
    int best = 0;  // first maximum, as torch.argmax
    for (int j = 1; j < int(logits.size()); ++j)
      if (logits[j] > logits[best]) best = j;
    out.push_back(best);
    if (i + 1 < n) logits = decode({best}, cache);
  }
  return out;
}

}  // namespace slmq::core
