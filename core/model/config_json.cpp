// Hugging Face config.json -> ModelConfig (see config_json.h).
#include "core/model/config_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/mmap_file.h"

namespace slmq::core {
namespace {

using nlohmann::json;

class ConfigReader {
 public:
  ConfigReader(const json& j, std::string origin) : m_j(j), m_origin(std::move(origin)) {}

  [[noreturn]] void invalid(const std::string& field, const std::string& what) const {
    throw Error(ErrorKind::InvalidInput, m_origin + ": field \"" + field + "\" " + what);
  }
  [[noreturn]] void unsupported(const std::string& field, const std::string& what) const {
    throw Error(ErrorKind::Unsupported, m_origin + ": field \"" + field + "\" " + what);
  }

  bool has(const json& obj, const std::string& k) const {
    return obj.contains(k) && !obj[k].is_null();
  }
  bool has(const std::string& k) const { return has(m_j, k); }

  int requiredInt(const std::string& k, int minValue = 1) const {
    if (!has(k)) invalid(k, "is required but missing");
    return intOf(m_j, k, minValue);
  }
  int optionalInt(const std::string& k, int def, int minValue = 1) const {
    return has(k) ? intOf(m_j, k, minValue) : def;
  }
  int intOf(const json& obj, const std::string& k, int minValue) const {
    const json& v = obj[k];
    if (!v.is_number_integer()) invalid(k, "must be an integer");
    const auto x = v.get<std::int64_t>();
    if (x < minValue || x > (1 << 24)) invalid(k, "has an out-of-range value " + std::to_string(x));
    return int(x);
  }
  double numberOf(const json& obj, const std::string& k) const {
    if (!obj[k].is_number()) invalid(k, "must be a number");
    return obj[k].get<double>();
  }
  double optionalNumber(const std::string& k, double def) const {
    return has(k) ? numberOf(m_j, k) : def;
  }
  bool optionalBool(const std::string& k, bool def) const {
    if (!has(k)) return def;
    if (!m_j[k].is_boolean()) invalid(k, "must be true or false");
    return m_j[k].get<bool>();
  }
  const std::string& origin() const { return m_origin; }
  const json& root() const { return m_j; }

 private:
  const json& m_j;
  std::string m_origin;
};

int firstId(const json& v) {
  if (v.is_number_integer()) return int(v.get<std::int64_t>());
  if (v.is_array() && !v.empty() && v[0].is_number_integer()) return int(v[0].get<std::int64_t>());
  return -1;
}

void parseRope(const ConfigReader& r, ModelConfig& c) {
  const json& j = r.root();
  // Newer style: rope_parameters {rope_theta, rope_type, ...}; hub style: rope_theta at top
  // level and rope_scaling null or {type|rope_type, factor, ...}.
  json params = json::object();
  std::string field = "rope_scaling";
  if (r.has("rope_parameters")) {
    field = "rope_parameters";
    params = j["rope_parameters"];
    if (!params.is_object()) r.invalid(field, "must be an object");
    // Per-layer-type dicts ({"full_attention": {...}}) are not used by these architectures.
    if (params.contains("full_attention") || params.contains("sliding_attention"))
      r.unsupported(field, "holds per-layer-type RoPE parameters, which are not implemented");
  } else if (r.has("rope_scaling")) {
    params = j["rope_scaling"];
    if (!params.is_object()) r.invalid(field, "must be an object or null");
  }
  if (params.contains("rope_theta") && !params["rope_theta"].is_null())
    c.rope.theta = r.numberOf(params, "rope_theta");
  else if (r.has("rope_theta"))
    c.rope.theta = r.numberOf(j, "rope_theta");
  if (!(c.rope.theta > 1.0)) r.invalid("rope_theta", "must be a number greater than 1");

  std::string type = "default";
  if (params.contains("rope_type") && params["rope_type"].is_string())
    type = params["rope_type"].get<std::string>();
  else if (params.contains("type") && params["type"].is_string())
    type = params["type"].get<std::string>();

  if (params.contains("partial_rotary_factor") && !params["partial_rotary_factor"].is_null() &&
      r.numberOf(params, "partial_rotary_factor") != 1.0)
    r.unsupported(field + ".partial_rotary_factor", "other than 1 is not implemented");
  if (r.has("partial_rotary_factor") && r.numberOf(j, "partial_rotary_factor") != 1.0)
    r.unsupported("partial_rotary_factor", "other than 1 is not implemented");

  auto num = [&](const char* k, double def) {
    return params.contains(k) && !params[k].is_null() ? r.numberOf(params, k) : def;
  };
  auto requireNum = [&](const char* k) {
    if (!params.contains(k) || params[k].is_null())
      r.invalid(field + "." + k, "is required for rope type '" + type + "' but missing");
    return r.numberOf(params, k);
  };
  if (type == "default") {
    c.rope.type = RopeType::Default;
  } else if (type == "linear") {
    c.rope.type = RopeType::Linear;
    c.rope.factor = requireNum("factor");
  } else if (type == "llama3") {
    c.rope.type = RopeType::Llama3;
    c.rope.factor = requireNum("factor");
    c.rope.low_freq_factor = requireNum("low_freq_factor");
    c.rope.high_freq_factor = requireNum("high_freq_factor");
    c.rope.original_max_positions = int(requireNum("original_max_position_embeddings"));
    if (c.rope.high_freq_factor == c.rope.low_freq_factor)
      r.invalid(field, "has high_freq_factor equal to low_freq_factor");
  } else if (type == "yarn") {
    c.rope.type = RopeType::Yarn;
    c.rope.factor = requireNum("factor");
    c.rope.original_max_positions =
        int(num("original_max_position_embeddings", double(c.max_positions)));
    c.rope.beta_fast = num("beta_fast", 32.0);
    c.rope.beta_slow = num("beta_slow", 1.0);
    if (c.rope.beta_fast == 0) c.rope.beta_fast = 32.0;  // transformers: `or 32`
    if (c.rope.beta_slow == 0) c.rope.beta_slow = 1.0;
    if (params.contains("truncate") && params["truncate"].is_boolean())
      c.rope.truncate = params["truncate"].get<bool>();
    // transformers: attention_factor, else mscale/mscale_all_dim, else 0.1·ln(factor) + 1.
    auto getMscale = [](double scale, double m) {
      return scale <= 1 ? 1.0 : 0.1 * m * std::log(scale) + 1.0;
    };
    const double mscale = num("mscale", 0), mscaleAll = num("mscale_all_dim", 0);
    if (params.contains("attention_factor") && !params["attention_factor"].is_null())
      c.rope.attention_factor = r.numberOf(params, "attention_factor");
    else if (mscale != 0 && mscaleAll != 0)
      c.rope.attention_factor =
          getMscale(c.rope.factor, mscale) / getMscale(c.rope.factor, mscaleAll);
    else
      c.rope.attention_factor = getMscale(c.rope.factor, 1.0);
  } else {
    r.unsupported(field, "has rope type '" + type +
                             "', which is not implemented (default, linear, yarn, llama3 are)");
  }
  if (c.rope.type != RopeType::Default && !(c.rope.factor > 0))
    r.invalid(field + ".factor", "must be positive");
  if ((c.rope.type == RopeType::Yarn || c.rope.type == RopeType::Llama3) &&
      c.rope.original_max_positions <= 0)
    r.invalid(field + ".original_max_position_embeddings", "must be positive");
}

}  // namespace

ModelConfig parseHfConfig(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(ErrorKind::InvalidInput, origin + ": malformed JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(ErrorKind::InvalidInput, origin + ": not a JSON object");
  ConfigReader r(j, origin);
  ModelConfig c;

  // --- architecture ---------------------------------------------------------------------------
  std::string archName, modelType;
  if (r.has("architectures")) {
    if (!j["architectures"].is_array() || j["architectures"].empty() ||
        !j["architectures"][0].is_string())
      r.invalid("architectures", "must be a non-empty list of names");
    archName = j["architectures"][0].get<std::string>();
  }
  if (r.has("model_type")) {
    if (!j["model_type"].is_string()) r.invalid("model_type", "must be a string");
    modelType = j["model_type"].get<std::string>();
  }
  if (archName.empty() && modelType.empty())
    r.invalid("architectures", "and \"model_type\" are both missing; cannot tell the architecture");
  struct Known {
    const char* cls;
    const char* type;
    Architecture arch;
  };
  constexpr Known known[] = {{"LlamaForCausalLM", "llama", Architecture::Llama},
                             {"Qwen2ForCausalLM", "qwen2", Architecture::Qwen2},
                             {"Qwen3ForCausalLM", "qwen3", Architecture::Qwen3},
                             {"SmolLM3ForCausalLM", "smollm3", Architecture::SmolLM3}};
  bool found = false;
  for (const auto& k : known) {
    if ((!archName.empty() && archName == k.cls) || (archName.empty() && modelType == k.type)) {
      c.arch = k.arch;
      found = true;
      if (!modelType.empty() && modelType != k.type)
        r.invalid("model_type", "is '" + modelType + "' but architectures names " + archName);
    }
  }
  if (!found) {
    const std::string what = archName.empty() ? modelType : archName;
    r.unsupported(archName.empty() ? "model_type" : "architectures",
                  "names '" + what +
                      "', an architecture this tool does not implement (LlamaForCausalLM, "
                      "Qwen2ForCausalLM, Qwen3ForCausalLM, SmolLM3ForCausalLM are)");
  }
  c.arch_name = archName.empty() ? modelType : archName;

  // --- shapes ---------------------------------------------------------------------------------
  c.vocab_size = r.requiredInt("vocab_size");
  c.hidden_size = r.requiredInt("hidden_size");
  c.intermediate_size = r.requiredInt("intermediate_size");
  c.num_layers = r.requiredInt("num_hidden_layers");
  c.num_heads = r.requiredInt("num_attention_heads");
  c.num_kv_heads = r.optionalInt("num_key_value_heads", c.num_heads);
  if (c.num_heads % c.num_kv_heads != 0)
    r.invalid("num_key_value_heads", "(" + std::to_string(c.num_kv_heads) +
                                         ") must divide num_attention_heads (" +
                                         std::to_string(c.num_heads) + ")");
  const int defaultHeadDim =
      c.arch == Architecture::Qwen3 ? 128 : c.hidden_size / c.num_heads;  // Qwen3Config default
  c.head_dim = r.optionalInt("head_dim", defaultHeadDim);
  if (c.arch != Architecture::Qwen3 && !r.has("head_dim") && c.hidden_size % c.num_heads != 0)
    r.invalid("hidden_size", "is not a multiple of num_attention_heads and head_dim is not given");
  if (c.head_dim % 2 != 0) r.invalid("head_dim", "must be even for rotary embeddings");
  c.rms_norm_eps = r.optionalNumber("rms_norm_eps", 1e-6);
  if (!(c.rms_norm_eps > 0) || c.rms_norm_eps > 1) r.invalid("rms_norm_eps", "must be in (0, 1]");
  c.max_positions = r.optionalInt("max_position_embeddings", 2048);
  c.tie_word_embeddings = r.optionalBool("tie_word_embeddings", c.arch == Architecture::SmolLM3);
  c.bos_token_id = r.has("bos_token_id") ? firstId(j["bos_token_id"]) : -1;
  c.eos_token_id = r.has("eos_token_id") ? firstId(j["eos_token_id"]) : -1;
  if (r.has("torch_dtype") && j["torch_dtype"].is_string())
    c.source_dtype = j["torch_dtype"].get<std::string>();
  if (r.has("dtype") && j["dtype"].is_string()) c.source_dtype = j["dtype"].get<std::string>();

  // --- biases and norms -----------------------------------------------------------------------
  switch (c.arch) {
    case Architecture::Qwen2:
      c.attention_bias = true;  // Qwen2 always has q/k/v biases, never an o bias
      c.o_bias = false;
      break;
    case Architecture::Llama:
    case Architecture::SmolLM3:
    case Architecture::Qwen3:
      c.attention_bias = r.optionalBool("attention_bias", false);
      c.o_bias = c.attention_bias;
      break;
  }
  c.mlp_bias = c.arch == Architecture::Qwen2 || c.arch == Architecture::Qwen3
                   ? false
                   : r.optionalBool("mlp_bias", false);
  c.qk_norm = c.arch == Architecture::Qwen3;

  // --- features we refuse rather than run approximately ----------------------------------------
  if (r.has("hidden_act")) {
    if (!j["hidden_act"].is_string() || j["hidden_act"].get<std::string>() != "silu")
      r.unsupported("hidden_act",
                    "is '" + j["hidden_act"].dump() + "'; only silu (SwiGLU) is implemented");
  }
  if (r.optionalBool("use_sliding_window", false))
    r.unsupported("use_sliding_window", "is true; sliding-window attention is not implemented");
  if (c.arch == Architecture::Llama && r.has("sliding_window"))
    r.unsupported("sliding_window", "is set; sliding-window attention is not implemented");
  if (r.has("layer_types")) {
    if (!j["layer_types"].is_array()) r.invalid("layer_types", "must be a list");
    for (const auto& t : j["layer_types"])
      if (!t.is_string() || t.get<std::string>() != "full_attention")
        r.unsupported("layer_types",
                      "contains '" + t.dump() + "'; only full_attention layers are implemented");
  }
  if (r.has("attn_logit_softcapping") || r.has("final_logit_softcapping"))
    r.unsupported("attn_logit_softcapping", "logit soft-capping is not implemented");

  parseRope(r, c);

  // --- NoPE layers (SmolLM3: no_rope_layers[i] == 1 means layer i uses RoPE) -------------------
  c.use_rope.assign(std::size_t(c.num_layers), true);
  if (c.arch == Architecture::SmolLM3) {
    if (r.has("no_rope_layers")) {
      const auto& v = j["no_rope_layers"];
      if (!v.is_array() || int(v.size()) != c.num_layers)
        r.invalid("no_rope_layers", "must be a list of num_hidden_layers (" +
                                        std::to_string(c.num_layers) + ") 0/1 flags");
      for (int i = 0; i < c.num_layers; ++i) {
        if (!v[std::size_t(i)].is_number_integer()) r.invalid("no_rope_layers", "must hold 0/1");
        c.use_rope[std::size_t(i)] = v[std::size_t(i)].get<int>() != 0;
      }
    } else {
      const int interval = r.optionalInt("no_rope_layer_interval", 4);
      for (int i = 0; i < c.num_layers; ++i) c.use_rope[std::size_t(i)] = (i + 1) % interval != 0;
    }
  }
  return c;
}

ModelConfig parseHfConfigFile(const std::filesystem::path& path) {
  return parseHfConfig(readTextFile(path, 16ull << 20), path.string());
}

}  // namespace slmq::core
