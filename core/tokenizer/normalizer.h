// Normalizers of a Hugging Face tokenizer.json ("normalizer" key): Unicode normal forms (NFC,
// NFD, NFKC, NFKD, through ICU) and Sequence. Anything else is refused by name.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace slmq::core {

/// Rewrites text before pre-tokenization. Immutable and thread-safe.
class Normalizer {
 public:
  virtual ~Normalizer() = default;
  /// The normalized form of `text` (well-formed UTF-8 in, well-formed UTF-8 out).
  virtual std::string normalize(std::string_view text) const = 0;
};

/// Builds the normalizer described by `spec` (a tokenizer.json "normalizer" object); returns
/// nullptr for JSON null. Throws Error(Unsupported) naming an unknown "type" and `where` (the
/// file), Error(InvalidInput) for a malformed object.
std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json& spec, const std::string& where);

}  // namespace slmq::core
