// Post-processors of a Hugging Face tokenizer.json ("post_processor" key) for single sequences:
// TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel (no id change) and Sequence.
// Each reduces to special-token ids placed before and after the sequence.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace slmq::core {

/// What the post-processor adds around one encoded sequence when special tokens are wanted.
struct SpecialTokenWrap {
  std::vector<int> prefix;  ///< ids before the sequence (e.g. BOS)
  std::vector<int> suffix;  ///< ids after it (e.g. EOS)
};

/// Reads the wrap described by `spec` (JSON null gives an empty wrap). `vocabLimit` bounds the
/// ids. Throws Error(Unsupported) naming an unknown "type" and `where` (the file), and
/// Error(InvalidInput) for a malformed template (unknown special token, id out of range, a
/// single-sequence template that uses $B).
SpecialTokenWrap makeSpecialTokenWrap(const nlohmann::json& spec, int vocabLimit,
                                      const std::string& where);

}  // namespace slmq::core
