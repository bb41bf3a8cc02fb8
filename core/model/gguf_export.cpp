// GGUF export (see gguf_export.h): the inverse of gguf_loader.cpp.
#include "core/model/gguf_export.h"

#include <cmath>
#include <cstring>

#include "core/common/error.h"
#include "core/io/dtype.h"
#include "core/io/gguf_writer.h"
#include "core/tokenizer/sentencepiece_bpe.h"

namespace slmq::core {

namespace {

// Inverse of unpermuteInterleavedRope: per head, row i -> 2i and row i + headDim/2 -> 2i + 1.
MatrixRM interleaveRope(const MatrixRM& w, int heads, int headDim) {
  MatrixRM out(w.rows(), w.cols());
  const int half = headDim / 2;
  for (int h = 0; h < heads; ++h) {
    const Eigen::Index base = Eigen::Index(h) * headDim;
    for (int i = 0; i < half; ++i) {
      out.row(base + 2 * i) = w.row(base + i);
      out.row(base + 2 * i + 1) = w.row(base + i + half);
    }
  }
  return out;
}

VectorF interleaveRope(const VectorF& b, int heads, int headDim) {
  const MatrixRM m = Eigen::Map<const MatrixRM>(b.data(), b.size(), 1);
  const MatrixRM r = interleaveRope(m, heads, headDim);
  return Eigen::Map<const VectorF>(r.data(), r.size());
}

void requireFinite(const float* p, Eigen::Index n, const std::string& what) {
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(p[i])) {
      throw Error(ErrorKind::InvalidInput, "GGUF export: " + what + " holds a non-finite value " +
                                               "at element " + std::to_string(i));
    }
  }
}

// A weight [out, in] stored as `type` (F32 fallback when `in` is not a whole number of blocks).
void addLinear(GgufWriter& w, const std::string& name, const MatrixRM& m, GgmlType type) {
  requireFinite(m.data(), m.size(), "tensor '" + name + "'");
  const GgmlTypeTraits tr = ggmlTypeTraits(type);
  if (type == GgmlType::F32 || m.cols() % tr.block_elements != 0) {
    w.addMatrixF32(name, m);
    return;
  }
  const std::uint64_t rows = std::uint64_t(m.rows()), cols = std::uint64_t(m.cols());
  std::vector<std::uint8_t> data(rows * cols / tr.block_elements * tr.block_bytes);
  const std::size_t rowBytes = cols / tr.block_elements * tr.block_bytes;
  for (std::uint64_t r = 0; r < rows; ++r) {
    const float* src = m.data() + r * cols;
    std::uint8_t* dst = data.data() + r * rowBytes;
    switch (type) {
      case GgmlType::F16:
        for (std::uint64_t c = 0; c < cols; ++c) {
          const std::uint16_t h = f32ToF16(src[c]);
          std::memcpy(dst + 2 * c, &h, 2);
        }
        break;
      case GgmlType::Q8_0:
        quantizeRowQ8_0(src, dst, std::int64_t(cols));
        break;
      case GgmlType::Q4_0:
        quantizeRowQ4_0(src, dst, std::int64_t(cols));
        break;
      default:
        break;
    }
  }
  w.addTensor(name, {cols, rows}, type, std::move(data));
}

void addVector(GgufWriter& w, const std::string& name, const VectorF& v) {
  requireFinite(v.data(), v.size(), "tensor '" + name + "'");
  w.addVectorF32(name, v);
}

}  // namespace

void exportGgufModel(const ModelConfig& c, const ModelWeights& weights, const Tokenizer* tokenizer,
                     const std::filesystem::path& path, const GgufExportOptions& options) {
  const auto unsupported = [&](const std::string& why) {
    return Error(ErrorKind::Unsupported, path.string() + ": cannot export as GGUF: " + why);
  };
  if (options.online_r4_order > 0)
    throw unsupported(
        "the model's down_proj weights were rotated (QuaRot/SpinQuant R4) and need an online "
        "Hadamard transform of order " +
        std::to_string(options.online_r4_order) +
        " on their input at run time, which llama.cpp does not apply (the file would compute a "
        "different function); export the model before rotation, or quantize it without an "
        "online rotation");
  std::string arch;
  if (c.arch == Architecture::Llama)
    arch = "llama";
  else if (c.arch == Architecture::Qwen2)
    arch = "qwen2";
  else
    throw unsupported("architecture '" + c.arch_name + "' (only Llama and Qwen2)");
  if (c.qk_norm) throw unsupported("q/k RMSNorm");
  if (c.mlp_bias) throw unsupported("MLP biases");
  for (bool r : c.use_rope) {
    if (!r) throw unsupported("NoPE layers");
  }
  if (c.rope.type != RopeType::Default && c.rope.type != RopeType::Linear) {
    throw unsupported("RoPE scaling other than linear");
  }
  const GgmlType lt = options.linear_type;
  if (lt != GgmlType::F32 && lt != GgmlType::F16 && lt != GgmlType::Q8_0 && lt != GgmlType::Q4_0) {
    throw unsupported("linear storage type " + ggmlTypeName(lt) + " (F32, F16, Q8_0, Q4_0)");
  }

  GgufWriter w;
  const std::string p = arch + ".";
  w.set("general.architecture", ggufString(arch));
  if (!options.name.empty()) w.set("general.name", ggufString(options.name));
  const auto u32 = [](int v) { return ggufUint(GgufType::Uint32, std::uint64_t(v)); };
  w.set(p + "block_count", u32(c.num_layers));
  w.set(p + "context_length", u32(c.max_positions));
  w.set(p + "embedding_length", u32(c.hidden_size));
  w.set(p + "feed_forward_length", u32(c.intermediate_size));
  w.set(p + "attention.head_count", u32(c.num_heads));
  w.set(p + "attention.head_count_kv", u32(c.num_kv_heads));
  if (c.head_dim * c.num_heads != c.hidden_size) {
    w.set(p + "attention.key_length", u32(c.head_dim));
    w.set(p + "attention.value_length", u32(c.head_dim));
  }
  w.set(p + "rope.dimension_count", u32(c.head_dim));
  w.set(p + "rope.freq_base", ggufFloat32(float(c.rope.theta)));
  if (c.rope.type == RopeType::Linear) {
    w.set(p + "rope.scaling.type", ggufString("linear"));
    w.set(p + "rope.scaling.factor", ggufFloat32(float(c.rope.factor)));
  }
  w.set(p + "attention.layer_norm_rms_epsilon", ggufFloat32(float(c.rms_norm_eps)));

  if (const auto* spm = dynamic_cast<const SentencePieceBpe*>(tokenizer)) {
    std::vector<std::string> texts;
    std::vector<float> scores;
    std::vector<std::int32_t> types;
    for (int i = 0; i < spm->vocabSize(); ++i) {
      texts.push_back(spm->token(i).text);
      scores.push_back(spm->token(i).score);
      types.push_back(std::int32_t(spm->token(i).type));
    }
    w.set("tokenizer.ggml.model", ggufString("llama"));
    w.set("tokenizer.ggml.tokens", ggufStringArray(texts));
    w.set("tokenizer.ggml.scores", ggufFloat32Array(scores));
    w.set("tokenizer.ggml.token_type", ggufInt32Array(types));
    const SpmOptions& o = spm->options();
    const auto id = [](int v) { return ggufUint(GgufType::Uint32, v < 0 ? 0xFFFFFFFFu : v); };
    w.set("tokenizer.ggml.bos_token_id", id(o.bos_id));
    w.set("tokenizer.ggml.eos_token_id", id(o.eos_id));
    w.set("tokenizer.ggml.unknown_token_id", id(o.unk_id));
    w.set("tokenizer.ggml.add_bos_token", ggufBool(o.add_bos));
    w.set("tokenizer.ggml.add_eos_token", ggufBool(o.add_eos));
    w.set("tokenizer.ggml.add_space_prefix", ggufBool(o.add_space_prefix));
  }

  requireFinite(weights.embed.data(), weights.embed.size(), "token_embd.weight");
  w.addMatrixF32("token_embd.weight", weights.embed);
  addVector(w, "output_norm.weight", weights.final_norm);
  if (!weights.tied()) {
    requireFinite(weights.lm_head.data(), weights.lm_head.size(), "output.weight");
    w.addMatrixF32("output.weight", weights.lm_head);
  }
  const bool interleave = c.arch == Architecture::Llama;
  for (std::size_t i = 0; i < weights.blocks.size(); ++i) {
    const BlockWeights& b = weights.blocks[i];
    const std::string n = "blk." + std::to_string(i) + ".";
    addVector(w, n + "attn_norm.weight", b.attn_norm);
    addVector(w, n + "ffn_norm.weight", b.mlp_norm);
    addLinear(w, n + "attn_q.weight",
              interleave ? interleaveRope(b.q.weight, c.num_heads, c.head_dim) : b.q.weight, lt);
    addLinear(w, n + "attn_k.weight",
              interleave ? interleaveRope(b.k.weight, c.num_kv_heads, c.head_dim) : b.k.weight, lt);
    addLinear(w, n + "attn_v.weight", b.v.weight, lt);
    addLinear(w, n + "attn_output.weight", b.o.weight, lt);
    addLinear(w, n + "ffn_gate.weight", b.gate.weight, lt);
    addLinear(w, n + "ffn_up.weight", b.up.weight, lt);
    addLinear(w, n + "ffn_down.weight", b.down.weight, lt);
    if (b.q.bias.size()) {
      addVector(w, n + "attn_q.bias",
                interleave ? interleaveRope(b.q.bias, c.num_heads, c.head_dim) : b.q.bias);
      addVector(w, n + "attn_k.bias",
                interleave ? interleaveRope(b.k.bias, c.num_kv_heads, c.head_dim) : b.k.bias);
      addVector(w, n + "attn_v.bias", b.v.bias);
    }
    if (b.o.bias.size()) addVector(w, n + "attn_output.bias", b.o.bias);
    if (b.gate.bias.size() || b.up.bias.size() || b.down.bias.size()) {
      throw unsupported("MLP biases");
    }
  }
  w.write(path);
}

}  // namespace slmq::core
