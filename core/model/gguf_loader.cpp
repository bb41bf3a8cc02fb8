// GGUF -> Model for architectures llama and qwen2 (see gguf_loader.h). Tensor names follow
// llama.cpp: token_embd, blk.N.{attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm,
// ffn_gate, ffn_up, ffn_down}, output_norm, output. ggml stores a weight [out, in] with dims
// {in, out}; GgufFile::readMatrix returns it as [out, in].
#include "core/model/gguf_loader.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstring>
#include <string>

#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/io/gguf.h"
#include "core/model/loaders.h"
#include "core/model/model.h"
#include "core/tokenizer/sentencepiece_bpe.h"

namespace slmq::core {

namespace {

// A float32 metadata value back to the decimal it was written from (1e-5f -> 1e-5): the
// shortest decimal that round-trips the float, parsed as double.
double shortestDecimal(double storedAsFloat) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, float(storedAsFloat));
  double d = storedAsFloat;
  std::from_chars(buf, r.ptr, d);
  return d;
}

class GgufModelReader {
 public:
  explicit GgufModelReader(const GgufFile& f) : m_f(f), m_file(f.path().string()) {}

  ModelParts read();

 private:
  [[noreturn]] void fail(ErrorKind kind, const std::string& what) const {
    throw Error(kind, m_file + ": " + what);
  }
  int intKey(const std::string& key) const {
    const std::int64_t v = m_f.getInt(key);
    if (v <= 0 || v > (1 << 24))
      fail(ErrorKind::InvalidInput, key + " = " + std::to_string(v) + " is out of range");
    return int(v);
  }
  MatrixRM matrix(const std::string& name, Eigen::Index rows, Eigen::Index cols) const {
    requireShape(name, {std::uint64_t(cols), std::uint64_t(rows)});
    return m_f.readMatrix(name);
  }
  VectorF vector(const std::string& name, Eigen::Index n) const {
    requireShape(name, {std::uint64_t(n)});
    return m_f.readVector(name);
  }
  void requireShape(const std::string& name, const std::vector<std::uint64_t>& dims) const {
    const GgufTensorInfo* t = m_f.findTensor(name);
    if (!t) fail(ErrorKind::InvalidInput, "required tensor '" + name + "' is missing");
    if (t->dims != dims) {
      const auto show = [](const std::vector<std::uint64_t>& d) {
        std::string s = "{";
        for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
        return s + "}";
      };
      fail(ErrorKind::InvalidInput, "tensor '" + name + "' has ggml dims " + show(t->dims) +
                                        " but the metadata implies " + show(dims));
    }
  }
  bool sameBytes(const GgufTensorInfo& a, const GgufTensorInfo& b) const {
    return a.type == b.type && a.dims == b.dims &&
           std::memcmp(m_f.tensorData(a), m_f.tensorData(b), std::size_t(a.bytes)) == 0;
  }

  const GgufFile& m_f;
  std::string m_file;
};

ModelParts GgufModelReader::read() {
  ModelParts parts;
  ModelConfig& c = parts.config;
  const std::string arch = m_f.getString("general.architecture");
  if (arch == "llama") {
    c.arch = Architecture::Llama;
  } else if (arch == "qwen2") {
    c.arch = Architecture::Qwen2;
  } else {
    fail(ErrorKind::Unsupported,
         "GGUF architecture '" + arch + "' is not supported (supported: llama, qwen2)");
  }
  c.arch_name = arch;
  const std::string p = arch + ".";
  c.num_layers = intKey(p + "block_count");
  c.hidden_size = intKey(p + "embedding_length");
  c.intermediate_size = intKey(p + "feed_forward_length");
  c.num_heads = intKey(p + "attention.head_count");
  c.num_kv_heads =
      m_f.find(p + "attention.head_count_kv") ? intKey(p + "attention.head_count_kv") : c.num_heads;
  if (c.num_heads % c.num_kv_heads != 0) {
    fail(ErrorKind::InvalidInput, "head_count " + std::to_string(c.num_heads) +
                                      " is not a multiple of head_count_kv " +
                                      std::to_string(c.num_kv_heads));
  }
  c.head_dim = m_f.find(p + "attention.key_length") ? intKey(p + "attention.key_length")
                                                    : c.hidden_size / c.num_heads;
  if (m_f.find(p + "attention.value_length") &&
      intKey(p + "attention.value_length") != c.head_dim) {
    fail(ErrorKind::Unsupported, "attention.value_length differs from key_length");
  }
  if (c.head_dim <= 0 || c.head_dim % 2 != 0 ||
      (!m_f.find(p + "attention.key_length") && c.hidden_size % c.num_heads != 0)) {
    fail(ErrorKind::InvalidInput, "cannot derive an even head dimension from embedding_length " +
                                      std::to_string(c.hidden_size) + " and head_count " +
                                      std::to_string(c.num_heads));
  }
  if (m_f.find(p + "rope.dimension_count") && intKey(p + "rope.dimension_count") != c.head_dim) {
    fail(ErrorKind::Unsupported, "partial rotary embedding (rope.dimension_count " +
                                     std::to_string(intKey(p + "rope.dimension_count")) +
                                     " < head dimension " + std::to_string(c.head_dim) +
                                     ") is not supported");
  }
  c.rms_norm_eps = shortestDecimal(m_f.getFloat(p + "attention.layer_norm_rms_epsilon"));
  c.rope.theta = shortestDecimal(m_f.getFloat(p + "rope.freq_base", 10000.0));
  c.max_positions = int(m_f.getInt(p + "context_length", 2048));
  if (const auto scaling = m_f.getStringOpt(p + "rope.scaling.type")) {
    if (*scaling == "linear") {
      c.rope.type = RopeType::Linear;
      c.rope.factor = shortestDecimal(m_f.getFloat(p + "rope.scaling.factor"));
    } else if (*scaling != "none") {
      fail(ErrorKind::Unsupported, "rope.scaling.type '" + *scaling + "' is not supported");
    }
  }

  const GgufTensorInfo* embedInfo = m_f.findTensor("token_embd.weight");
  if (!embedInfo || embedInfo->dims.size() != 2) {
    fail(ErrorKind::InvalidInput, "tensor 'token_embd.weight' is missing or not 2-D");
  }
  c.vocab_size = int(embedInfo->dims[1]);
  const Eigen::Index d = c.hidden_size, ff = c.intermediate_size;
  const Eigen::Index qDim = Eigen::Index(c.num_heads) * c.head_dim;
  const Eigen::Index kvDim = Eigen::Index(c.num_kv_heads) * c.head_dim;

  // Everything is dequantized to float32: refuse up front what cannot fit in memory.
  std::uint64_t floatBytes = 0;
  for (const GgufTensorInfo& t : m_f.tensors()) floatBytes += t.elements * 4;
  const std::uint64_t available = availableMemoryBytes();
  if (available != 0 && floatBytes > available) {
    fail(ErrorKind::Resource, "the weights need " + std::to_string(floatBytes >> 20) +
                                  " MiB as float32 but only " + std::to_string(available >> 20) +
                                  " MiB of memory are available");
  }

  ModelWeights& w = parts.weights;
  w.embed = matrix("token_embd.weight", c.vocab_size, d);
  w.final_norm = vector("output_norm.weight", d);
  const GgufTensorInfo* out = m_f.findTensor("output.weight");
  c.tie_word_embeddings = !out || sameBytes(*out, *embedInfo);
  if (!c.tie_word_embeddings) w.lm_head = matrix("output.weight", c.vocab_size, d);

  const bool llamaLayout = c.arch == Architecture::Llama;
  std::string types;  // distinct storage types, in order of first appearance
  const auto noteType = [&](const std::string& name) {
    const std::string t = ggmlTypeName(m_f.findTensor(name)->type);
    if (("+" + types + "+").find("+" + t + "+") == std::string::npos) {
      types += (types.empty() ? "" : "+") + t;
    }
  };
  noteType("token_embd.weight");
  w.blocks.resize(std::size_t(c.num_layers));
  for (int i = 0; i < c.num_layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    BlockWeights& blk = w.blocks[std::size_t(i)];
    blk.attn_norm = vector(b + "attn_norm.weight", d);
    blk.mlp_norm = vector(b + "ffn_norm.weight", d);
    blk.q.weight = matrix(b + "attn_q.weight", qDim, d);
    blk.k.weight = matrix(b + "attn_k.weight", kvDim, d);
    blk.v.weight = matrix(b + "attn_v.weight", kvDim, d);
    blk.o.weight = matrix(b + "attn_output.weight", d, qDim);
    blk.gate.weight = matrix(b + "ffn_gate.weight", ff, d);
    blk.up.weight = matrix(b + "ffn_up.weight", ff, d);
    blk.down.weight = matrix(b + "ffn_down.weight", d, ff);
    for (const char* n :
         {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"}) {
      noteType(b + n + ".weight");
    }
    // Optional biases: q/k/v (qwen2 always has them), o.
    const bool qkvBias = m_f.findTensor(b + "attn_q.bias") != nullptr;
    if (i == 0) c.attention_bias = qkvBias;
    if (qkvBias != c.attention_bias) {
      fail(ErrorKind::InvalidInput,
           "block " + std::to_string(i) + " differs from block 0 in having q/k/v biases");
    }
    if (qkvBias) {
      blk.q.bias = vector(b + "attn_q.bias", qDim);
      blk.k.bias = vector(b + "attn_k.bias", kvDim);
      blk.v.bias = vector(b + "attn_v.bias", kvDim);
    }
    const bool oBias = m_f.findTensor(b + "attn_output.bias") != nullptr;
    if (i == 0) c.o_bias = oBias;
    if (oBias != c.o_bias) {
      fail(ErrorKind::InvalidInput,
           "block " + std::to_string(i) + " differs from block 0 in having an output bias");
    }
    if (oBias) blk.o.bias = vector(b + "attn_output.bias", d);
    if (llamaLayout) {
      unpermuteInterleavedRope(blk.q.weight, c.num_heads, c.head_dim);
      unpermuteInterleavedRope(blk.k.weight, c.num_kv_heads, c.head_dim);
      if (qkvBias) {
        unpermuteInterleavedRope(blk.q.bias, c.num_heads, c.head_dim);
        unpermuteInterleavedRope(blk.k.bias, c.num_kv_heads, c.head_dim);
      }
    }
  }
  if (c.arch == Architecture::Qwen2 && !c.attention_bias) {
    fail(ErrorKind::InvalidInput, "qwen2 model without q/k/v biases (blk.0.attn_q.bias)");
  }
  c.source_dtype = types;
  c.use_rope.assign(std::size_t(c.num_layers), true);

  // Tokenizer.
  const auto model = m_f.getStringOpt("tokenizer.ggml.model");
  if (model && *model == "llama") {
    auto tok = loadGgufTokenizer(m_f);
    if (tok->vocabSize() != c.vocab_size) {
      fail(ErrorKind::InvalidInput, "the tokenizer has " + std::to_string(tok->vocabSize()) +
                                        " tokens but token_embd has " +
                                        std::to_string(c.vocab_size) + " rows");
    }
    c.bos_token_id = tok->bosId();
    c.eos_token_id = tok->eosId();
    parts.tokenizer = std::move(tok);
  } else {
    spdlog::warn("{}: tokenizer.ggml.model '{}' is not supported; loading without a tokenizer",
                 m_file, model.value_or("(none)"));
    c.bos_token_id = int(m_f.getInt("tokenizer.ggml.bos_token_id", -1));
    c.eos_token_id = int(m_f.getInt("tokenizer.ggml.eos_token_id", -1));
  }
  return parts;
}

}  // namespace

void unpermuteInterleavedRope(MatrixRM& w, int heads, int headDim) {
  if (w.rows() != Eigen::Index(heads) * headDim || headDim % 2 != 0) {
    throw Error(ErrorKind::Internal, "unpermuteInterleavedRope: " + std::to_string(w.rows()) +
                                         " rows is not heads·headDim");
  }
  const MatrixRM in = w;
  const int half = headDim / 2;
  for (int h = 0; h < heads; ++h) {
    const Eigen::Index base = Eigen::Index(h) * headDim;
    for (int i = 0; i < half; ++i) {
      w.row(base + i) = in.row(base + 2 * i);             // first of the pair -> i
      w.row(base + i + half) = in.row(base + 2 * i + 1);  // second -> i + headDim/2
    }
  }
}

void unpermuteInterleavedRope(VectorF& b, int heads, int headDim) {
  MatrixRM m = Eigen::Map<const MatrixRM>(b.data(), b.size(), 1);
  unpermuteInterleavedRope(m, heads, headDim);
  b = Eigen::Map<const VectorF>(m.data(), m.size());
}

ModelParts readGgufModel(const GgufFile& gguf) {
  return GgufModelReader(gguf).read();
}

std::unique_ptr<Model> loadGgufModel(const std::filesystem::path& path) {
  const GgufFile f = GgufFile::open(path);
  ModelParts parts = readGgufModel(f);
  auto model = std::make_unique<Model>(std::move(parts.config), std::move(parts.weights),
                                       std::move(parts.tokenizer));
  model->setSourcePath(path);
  return model;
}

}  // namespace slmq::core
