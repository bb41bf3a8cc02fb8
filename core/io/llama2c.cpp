// llama2.c checkpoint and tokenizer readers (see llama2c.h). Weight order, from run.c's
// memory_map_weights(): token_embedding [vocab, dim]; rms_att [L, dim]; wq [L, dim, dim];
// wk [L, kv_dim, dim]; wv [L, kv_dim, dim]; wo [L, dim, dim]; rms_ffn [L, dim];
// w1 [L, hidden, dim]; w2 [L, dim, hidden]; w3 [L, hidden, dim]; rms_final [dim];
// freq_cis_real and freq_cis_imag [seq_len, head_size/2] each (skipped); wcls [vocab, dim] if not
// shared.
#include "core/io/llama2c.h"

#include <cstring>

#include "core/common/error.h"
#include "core/common/resource_usage.h"
#include "core/io/mmap_file.h"

namespace slmq::core {

namespace {

constexpr std::int32_t kAk42Magic = 0x616b3432;  // "ak42": llama2.c export versions 1 and 2
constexpr std::int64_t kMaxDim = 1 << 20;        // far above any model this reader is for

// Sequential reader of little-endian float32 blocks from a mapping.
class FloatReader {
 public:
  FloatReader(const MappedFile& file, std::uint64_t offset) : m_file(file), m_pos(offset) {}

  MatrixRM matrix(Eigen::Index rows, Eigen::Index cols, const std::string& what) {
    MatrixRM m(rows, cols);
    take(m.data(), std::uint64_t(rows) * std::uint64_t(cols), what);
    return m;
  }
  VectorF vector(Eigen::Index n, const std::string& what) {
    VectorF v(n);
    take(v.data(), std::uint64_t(n), what);
    return v;
  }
  void skip(std::uint64_t floats, const std::string& what) {
    m_file.view(m_pos, floats * 4, what);
    m_pos += floats * 4;
  }
  std::uint64_t pos() const { return m_pos; }

 private:
  void take(float* dst, std::uint64_t n, const std::string& what) {
    const auto span = m_file.view(m_pos, n * 4, what);
    std::memcpy(dst, span.data(), span.size());
    m_pos += n * 4;
  }
  const MappedFile& m_file;
  std::uint64_t m_pos;
};

}  // namespace

Llama2cCheckpoint readLlama2cCheckpoint(const std::filesystem::path& path) {
  const MappedFile file(path);
  const std::string name = path.string();
  if (file.size() < 28) {
    throw Error(ErrorKind::InvalidInput, name + ": too small for a llama2.c checkpoint (" +
                                             std::to_string(file.size()) +
                                             " bytes; the header alone is 28)");
  }
  std::int32_t h[7];
  std::memcpy(h, file.data(), sizeof h);
  if (h[0] == kAk42Magic) {
    throw Error(ErrorKind::Unsupported,
                name + ": llama2.c export version " + std::to_string(h[1]) +
                    " ('ak42' header) is not supported; export with --version 0 (legacy)");
  }
  Llama2cCheckpoint ck;
  Llama2cConfig& c = ck.config;
  c.dim = h[0];
  c.hidden_dim = h[1];
  c.n_layers = h[2];
  c.n_heads = h[3];
  c.n_kv_heads = h[4];
  c.shared_weights = h[5] > 0;
  c.vocab_size = h[5] < 0 ? (h[5] == INT32_MIN ? 0 : -h[5]) : h[5];
  c.seq_len = h[6];
  const std::string header = "dim " + std::to_string(c.dim) + ", hidden_dim " +
                             std::to_string(c.hidden_dim) + ", n_layers " +
                             std::to_string(c.n_layers) + ", n_heads " + std::to_string(c.n_heads) +
                             ", n_kv_heads " + std::to_string(c.n_kv_heads) + ", vocab_size " +
                             std::to_string(h[5]) + ", seq_len " + std::to_string(c.seq_len);
  const auto bad = [&](const std::string& why) {
    return Error(ErrorKind::InvalidInput,
                 name + ": not a valid llama2.c checkpoint header (" + header + "): " + why);
  };
  for (int v :
       {c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size, c.seq_len}) {
    if (v <= 0 || v > kMaxDim) throw bad("every field must be in 1.." + std::to_string(kMaxDim));
  }
  if (c.dim % c.n_heads != 0) throw bad("dim is not a multiple of n_heads");
  if (c.n_kv_heads > c.n_heads || c.n_heads % c.n_kv_heads != 0) {
    throw bad("n_heads is not a multiple of n_kv_heads");
  }
  if (c.headSize() % 2 != 0) throw bad("head size is odd");

  // Expected size, in float32 values, computed in 64 bits (each factor is <= 2^20).
  const std::uint64_t D = c.dim, H = c.hidden_dim, L = c.n_layers, V = c.vocab_size, KV = c.kvDim(),
                      S = c.seq_len, HS = c.headSize();
  const std::uint64_t floats = V * D             // token embedding
                               + L * D           // rms_att
                               + L * D * D       // wq
                               + 2 * L * KV * D  // wk, wv
                               + L * D * D       // wo
                               + L * D           // rms_ffn
                               + 3 * L * H * D   // w1, w2, w3
                               + D               // rms_final
                               + S * HS          // freq_cis_real + freq_cis_imag
                               + (c.shared_weights ? 0 : V * D);
  const std::uint64_t expected = 28 + 4 * floats;
  if (file.size() != expected) {
    throw Error(ErrorKind::InvalidInput,
                name + ": file is " + std::to_string(file.size()) + " bytes but its header (" +
                    header + ") implies " + std::to_string(expected) +
                    "; the file is truncated, has trailing data, or is not a legacy llama2.c "
                    "checkpoint");
  }

  const std::uint64_t available = availableMemoryBytes();
  if (available != 0 && expected > available) {
    throw Error(ErrorKind::Resource, name + ": the weights need " + std::to_string(expected >> 20) +
                                         " MiB but only " + std::to_string(available >> 20) +
                                         " MiB of memory are available");
  }

  FloatReader r(file, 28);
  const Eigen::Index d = c.dim, hid = c.hidden_dim, kv = c.kvDim();
  ck.token_embedding = r.matrix(c.vocab_size, d, "token_embedding_table");
  ck.layers.resize(std::size_t(c.n_layers));
  // run.c stores each weight kind for all layers together.
  for (auto& l : ck.layers) l.rms_att = r.vector(d, "rms_att_weight");
  for (auto& l : ck.layers) l.wq = r.matrix(d, d, "wq");
  for (auto& l : ck.layers) l.wk = r.matrix(kv, d, "wk");
  for (auto& l : ck.layers) l.wv = r.matrix(kv, d, "wv");
  for (auto& l : ck.layers) l.wo = r.matrix(d, d, "wo");
  for (auto& l : ck.layers) l.rms_ffn = r.vector(d, "rms_ffn_weight");
  for (auto& l : ck.layers) l.w1 = r.matrix(hid, d, "w1");
  for (auto& l : ck.layers) l.w2 = r.matrix(d, hid, "w2");
  for (auto& l : ck.layers) l.w3 = r.matrix(hid, d, "w3");
  ck.rms_final = r.vector(d, "rms_final_weight");
  r.skip(S * HS, "freq_cis_real/imag");
  if (!c.shared_weights) ck.wcls = r.matrix(c.vocab_size, d, "wcls");
  return ck;
}

Llama2cVocab readLlama2cTokenizer(const std::filesystem::path& path, int vocabSize) {
  const MappedFile file(path);
  const std::string name = path.string();
  if (vocabSize < 0) {
    throw Error(ErrorKind::InvalidInput, name + ": negative vocabulary size requested");
  }
  Llama2cVocab vocab;
  std::uint64_t pos = 0;
  const auto readI32 = [&](const std::string& what) {
    std::int32_t v;
    std::memcpy(&v, file.view(pos, 4, what).data(), 4);
    pos += 4;
    return v;
  };
  vocab.max_token_length = readI32("max_token_length");
  if (vocab.max_token_length <= 0 || vocab.max_token_length > 1 << 16) {
    throw Error(ErrorKind::InvalidInput, name + ": max_token_length " +
                                             std::to_string(vocab.max_token_length) +
                                             " is not in 1..65536; not a llama2.c tokenizer file");
  }
  for (int i = 0; vocabSize == 0 ? pos < file.size() : i < vocabSize; ++i) {
    const std::string what = "token " + std::to_string(i);
    float score;
    std::memcpy(&score, file.view(pos, 4, what + " score").data(), 4);
    pos += 4;
    const std::int32_t len = readI32(what + " length");
    if (len < 0 || len > vocab.max_token_length) {
      throw Error(ErrorKind::InvalidInput, name + ": " + what + " has length " +
                                               std::to_string(len) + " (max_token_length is " +
                                               std::to_string(vocab.max_token_length) +
                                               ") at byte offset " + std::to_string(pos - 4));
    }
    const auto bytes = file.view(pos, std::uint64_t(len), what + " text");
    pos += std::uint64_t(len);
    vocab.pieces.emplace_back(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    vocab.scores.push_back(score);
  }
  if (vocab.pieces.empty()) throw Error(ErrorKind::InvalidInput, name + ": no tokens");
  return vocab;
}

}  // namespace slmq::core
