// The architecture of a decoder-only transformer, parsed from a Hugging Face config.json (hub
// style and newer style), GGUF metadata or a llama2.c header. Everything that changes the math is
// here; a config field we do not implement is refused by the parser, never ignored.
#pragma once

#include <string>
#include <vector>

namespace slmq::core {

/// Rotary position embedding variants (transformers' rope_type).
enum class RopeType { Default, Linear, Yarn, Llama3 };

/// RoPE parameters. For Default only theta matters.
struct RopeConfig {
  RopeType type = RopeType::Default;
  double theta = 10000.0;          ///< base frequency (rope_theta)
  double factor = 1.0;             ///< scaling factor (linear, yarn, llama3)
  int original_max_positions = 0;  ///< original_max_position_embeddings (yarn, llama3)
  double low_freq_factor = 1.0;    ///< llama3
  double high_freq_factor = 4.0;   ///< llama3
  double beta_fast = 32.0;         ///< yarn
  double beta_slow = 1.0;          ///< yarn
  double attention_factor = 0.0;   ///< yarn mscale; 0 = derive from factor as transformers does
  bool truncate = true;            ///< yarn: transformers' `truncate` (default true)
};

/// Which family the checkpoint belongs to; decides optional parts (biases, q/k norms, NoPE).
enum class Architecture { Llama, Qwen2, Qwen3, SmolLM3 };

/// One model's shapes and hyper-parameters.
struct ModelConfig {
  Architecture arch = Architecture::Llama;
  std::string arch_name;  ///< as written in the file ("LlamaForCausalLM", "llama", ...)
  int vocab_size = 0;
  int hidden_size = 0;        ///< d
  int intermediate_size = 0;  ///< FFN width
  int num_layers = 0;
  int num_heads = 0;     ///< query heads
  int num_kv_heads = 0;  ///< key/value heads (GQA when < num_heads; 1 = multi-query)
  int head_dim = 0;      ///< explicit or hidden_size / num_heads
  double rms_norm_eps = 1e-6;
  int max_positions = 2048;  ///< max_position_embeddings
  bool tie_word_embeddings = false;
  bool attention_bias = false;  ///< q/k/v biases (Qwen2: true)
  bool o_bias = false;          ///< o_proj bias (attention_bias in Llama applies to o too)
  bool mlp_bias = false;
  bool qk_norm = false;  ///< per-head RMSNorm on q and k (Qwen3)
  RopeConfig rope;
  std::vector<bool> use_rope;  ///< per layer; false = NoPE layer (SmolLM3). Size num_layers.
  int bos_token_id = -1;
  int eos_token_id = -1;
  std::string source_dtype;  ///< dtype the weights were stored in ("bfloat16", "F32", ...)
};

}  // namespace slmq::core
