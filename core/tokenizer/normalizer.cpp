// Unicode normal forms via ICU's Normalizer2 (UTF-8 in, UTF-8 out) and the Sequence combinator.
#include "core/tokenizer/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "core/common/error.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;

enum class NormalForm { NFC, NFD, NFKC, NFKD };

class UnicodeNormalizer final : public Normalizer {
 public:
  UnicodeNormalizer(NormalForm form, const std::string& where) : m_where(where) {
    UErrorCode status = U_ZERO_ERROR;
    switch (form) {
      case NormalForm::NFC:
        m_icu = icu::Normalizer2::getNFCInstance(status);
        break;
      case NormalForm::NFD:
        m_icu = icu::Normalizer2::getNFDInstance(status);
        break;
      case NormalForm::NFKC:
        m_icu = icu::Normalizer2::getNFKCInstance(status);
        break;
      case NormalForm::NFKD:
        m_icu = icu::Normalizer2::getNFKDInstance(status);
        break;
    }
    if (U_FAILURE(status) || !m_icu) {
      throw Error(ErrorKind::Internal,
                  where + ": ICU normalizer unavailable: " + std::string(u_errorName(status)));
    }
  }

  std::string normalize(std::string_view text) const override {
    // ASCII is invariant under every normal form.
    bool ascii = true;
    for (unsigned char c : text) {
      if (c >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return std::string(text);
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    icu::StringByteSink<std::string> sink(&out);
    UErrorCode status = U_ZERO_ERROR;
    m_icu->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                         nullptr, status);
    if (U_FAILURE(status)) {
      throw Error(ErrorKind::InvalidInput,
                  m_where + ": Unicode normalization failed: " + std::string(u_errorName(status)));
    }
    return out;
  }

 private:
  const icu::Normalizer2* m_icu = nullptr;
  std::string m_where;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps)
      : m_steps(std::move(steps)) {}
  std::string normalize(std::string_view text) const override {
    std::string s(text);
    for (const auto& step : m_steps) s = step->normalize(s);
    return s;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> m_steps;
};

}  // namespace

std::unique_ptr<Normalizer> makeNormalizer(const Json& spec, const std::string& where) {
  if (spec.is_null()) return nullptr;
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string()) {
    throw Error(ErrorKind::InvalidInput, where + ": normalizer must be an object with a \"type\"");
  }
  const auto type = spec["type"].get<std::string>();
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormalForm::NFC, where);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormalForm::NFD, where);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormalForm::NFKC, where);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormalForm::NFKD, where);
  if (type == "Sequence") {
    if (!spec.contains("normalizers") || !spec["normalizers"].is_array()) {
      throw Error(ErrorKind::InvalidInput,
                  where + ": Sequence normalizer needs a \"normalizers\" array");
    }
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (const auto& s : spec["normalizers"]) {
      auto step = makeNormalizer(s, where);
      if (!step) {
        throw Error(ErrorKind::InvalidInput, where + ": null inside a Sequence normalizer");
      }
      steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceNormalizer>(std::move(steps));
  }
  throw Error(ErrorKind::Unsupported,
              where + ": normalizer type \"" + type +
                  "\" is not implemented (supported: NFC, NFD, NFKC, NFKD, Sequence)");
}

}  // namespace slmq::core
