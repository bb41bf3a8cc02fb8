// Loading a Hugging Face tokenizer.json and running its pipeline: added tokens -> normalizer ->
// pre-tokenizer -> BPE -> post-processor on encode; id -> token -> decoder on decode.
#include "core/tokenizer/hf_tokenizer.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/tokenizer/added_vocabulary.h"
#include "core/tokenizer/bpe.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/post_processor.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/utf8.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;

constexpr std::uintmax_t kMaxJsonBytes = 1ull << 30;  // 1 GiB: no real tokenizer.json is close
constexpr int kMaxJsonDepth = 64;                     // tokenizer.json nests about 5 deep
constexpr std::size_t kMaxCachedWord = 256;           // longer words (rare) are tokenized uncached

enum class DecoderKind { None, ByteLevel };

// Reads and parses a JSON file with size and depth limits; errors name the file.
Json readJsonFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorKind::NotFound, path.string() + ": no such tokenizer file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorKind::InvalidInput, path.string() + ": cannot read: " + ec.message());
  if (size > kMaxJsonBytes) {
    throw Error(ErrorKind::Resource, path.string() + ": " + std::to_string(size) +
                                         " bytes is beyond the 1 GiB limit for a tokenizer file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw Error(ErrorKind::InvalidInput, path.string() + ": cannot read the file");
  }
  auto limitDepth = [&](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxJsonDepth) {
      throw Error(ErrorKind::InvalidInput, path.string() + ": JSON nested deeper than " +
                                               std::to_string(kMaxJsonDepth) + " levels");
    }
    return true;
  };
  try {
    return Json::parse(bytes, limitDepth);
  } catch (const Json::parse_error& e) {
    throw Error(ErrorKind::InvalidInput, path.string() + ": malformed JSON at byte " +
                                             std::to_string(e.byte) + ": " + e.what());
  } catch (const Json::exception& e) {
    // out_of_range: a number beyond double's range (terminated the process before)
    throw Error(ErrorKind::InvalidInput, path.string() + ": malformed JSON: " + e.what());
  }
}

bool flag(const Json& obj, const char* key, bool fallback, const std::string& where) {
  if (!obj.contains(key) || obj[key].is_null()) return fallback;
  if (!obj[key].is_boolean()) {
    throw Error(ErrorKind::InvalidInput, where + ": \"" + key + "\" must be true or false");
  }
  return obj[key].get<bool>();
}

std::optional<std::string> optionalString(const Json& obj, const char* key,
                                          const std::string& where) {
  if (!obj.contains(key) || obj[key].is_null()) return std::nullopt;
  if (!obj[key].is_string()) {
    throw Error(ErrorKind::InvalidInput, where + ": \"" + key + "\" must be a string or null");
  }
  return obj[key].get<std::string>();
}

std::unique_ptr<BpeModel> makeBpe(const Json& model, const std::string& where) {
  if (model.contains("dropout") && model["dropout"].is_number() &&
      model["dropout"].get<double>() > 0.0) {
    throw Error(ErrorKind::Unsupported,
                where + ": BPE dropout is random at encode time and is not implemented");
  }
  if (!model.contains("vocab") || !model["vocab"].is_object()) {
    throw Error(ErrorKind::InvalidInput, where + ": BPE model has no \"vocab\" object");
  }
  TokenIdMap vocab;
  vocab.reserve(model["vocab"].size());
  for (const auto& [token, id] : model["vocab"].items()) {
    if (!id.is_number_integer()) {
      throw Error(ErrorKind::InvalidInput,
                  where + ": vocab entry \"" + token + "\" has a non-integer id " + id.dump());
    }
    const auto v = id.get<long long>();
    if (v < 0 || v > std::numeric_limits<int>::max()) {
      throw Error(ErrorKind::InvalidInput, where + ": vocab entry \"" + token + "\" has id " +
                                               std::to_string(v) + " out of range");
    }
    vocab.emplace(token, static_cast<int>(v));
  }
  std::vector<std::pair<std::string, std::string>> merges;
  if (model.contains("merges")) {
    if (!model["merges"].is_array()) {
      throw Error(ErrorKind::InvalidInput, where + ": BPE \"merges\" must be an array");
    }
    merges.reserve(model["merges"].size());
    std::size_t rank = 0;
    for (const auto& m : model["merges"]) {
      if (m.is_string()) {  // older files: "a b"
        const auto s = m.get<std::string>();
        const auto space = s.find(' ');
        if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
          throw Error(ErrorKind::InvalidInput, where + ": merge " + std::to_string(rank) + " \"" +
                                                   s + "\" is not two tokens separated by a space");
        }
        merges.emplace_back(s.substr(0, space), s.substr(space + 1));
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());  // ["a", "b"]
      } else {
        throw Error(ErrorKind::InvalidInput, where + ": merge " + std::to_string(rank) + " " +
                                                 m.dump() +
                                                 " is neither \"a b\" nor [\"a\", \"b\"]");
      }
      ++rank;
    }
  }
  BpeOptions options;
  options.unkToken = optionalString(model, "unk_token", where);
  options.continuingSubwordPrefix =
      optionalString(model, "continuing_subword_prefix", where).value_or("");
  options.endOfWordSuffix = optionalString(model, "end_of_word_suffix", where).value_or("");
  options.fuseUnk = flag(model, "fuse_unk", false, where);
  options.byteFallback = flag(model, "byte_fallback", false, where);
  options.ignoreMerges = flag(model, "ignore_merges", false, where);
  return std::make_unique<BpeModel>(std::move(vocab), merges, std::move(options), where);
}

// "bos_token"/"eos_token" of a tokenizer_config.json: a string or {"content": string}.
std::optional<std::string> configToken(const Json& config, const char* key) {
  if (!config.is_object() || !config.contains(key)) return std::nullopt;
  const auto& v = config[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    return v["content"].get<std::string>();
  }
  return std::nullopt;
}

class HfTokenizer final : public Tokenizer {
 public:
  explicit HfTokenizer(const std::filesystem::path& path);

  std::vector<int> encode(std::string_view text, bool addSpecial) const override;
  std::string decode(const std::vector<int>& ids, bool skipSpecial) const override;
  std::string tokenText(int id) const override;
  int vocabSize() const override { return m_vocabSize; }
  int bosId() const override { return m_bosId; }
  int eosId() const override { return m_eosId; }

 private:
  void encodeText(std::string_view text, std::vector<int>& out,
                  std::unordered_map<std::string, std::vector<int>>& cache) const;
  int lookupToken(const std::string& content) const;

  std::string m_where;
  std::unique_ptr<Normalizer> m_normalizer;
  std::unique_ptr<PreTokenizer> m_preTokenizer;
  std::unique_ptr<BpeModel> m_model;
  AddedVocabulary m_added;
  SpecialTokenWrap m_wrap;
  DecoderKind m_decoder = DecoderKind::None;
  int m_vocabSize = 0;
  int m_bosId = -1;
  int m_eosId = -1;
};

HfTokenizer::HfTokenizer(const std::filesystem::path& path) : m_where(path.string()) {
  const Json root = readJsonFile(path);
  if (!root.is_object()) {
    throw Error(ErrorKind::InvalidInput, m_where + ": top level is not a JSON object");
  }
  auto member = [&](const char* key) { return root.contains(key) ? root[key] : Json(); };

  // Model.
  const Json model = member("model");
  if (!model.is_object()) {
    throw Error(ErrorKind::InvalidInput, m_where + ": no \"model\" object");
  }
  std::string type = "BPE";  // tokenizers infers the model when "type" is absent
  if (model.contains("type")) {
    if (!model["type"].is_string()) {
      throw Error(ErrorKind::InvalidInput, m_where + ": model \"type\" must be a string");
    }
    type = model["type"].get<std::string>();
  } else if (!model.contains("merges")) {
    throw Error(ErrorKind::InvalidInput, m_where + ": model has no \"type\"");
  }
  if (type != "BPE") {
    throw Error(ErrorKind::Unsupported,
                m_where + ": model type \"" + type + "\" is not implemented (supported: BPE)");
  }
  m_model = makeBpe(model, m_where);

  // Pipeline components.
  m_normalizer = makeNormalizer(member("normalizer"), m_where);
  m_preTokenizer = makePreTokenizer(member("pre_tokenizer"), m_where);
  const Json decoder = member("decoder");
  if (decoder.is_object() && decoder.value("type", Json()) == "ByteLevel") {
    m_decoder = DecoderKind::ByteLevel;
  } else if (!decoder.is_null()) {
    throw Error(ErrorKind::Unsupported, m_where + ": decoder " +
                                            decoder.value("type", Json("?")).dump() +
                                            " is not implemented (supported: ByteLevel)");
  }

  // Added tokens: an id already in the model's vocabulary wins, as in tokenizers.
  std::vector<AddedToken> added;
  const Json addedJson = member("added_tokens");
  if (!addedJson.is_null() && !addedJson.is_array()) {
    throw Error(ErrorKind::InvalidInput, m_where + ": \"added_tokens\" must be an array");
  }
  int idLimit = m_model->idLimit();
  for (const auto& a : addedJson.is_array() ? addedJson : Json::array()) {
    const std::string what = m_where + ": added token " + a.dump();
    if (!a.is_object() || !a.contains("content") || !a["content"].is_string() ||
        !a.contains("id") || !a["id"].is_number_integer() || a["id"].get<long long>() < 0 ||
        a["id"].get<long long>() >= (1 << 24)) {
      throw Error(ErrorKind::InvalidInput, what + " needs a string \"content\" and an id in range");
    }
    AddedToken t;
    t.content = a["content"].get<std::string>();
    t.id = a["id"].get<int>();
    t.special = flag(a, "special", false, what);
    t.normalized = flag(a, "normalized", !t.special, what);
    t.singleWord = flag(a, "single_word", false, what);
    t.lstrip = flag(a, "lstrip", false, what);
    t.rstrip = flag(a, "rstrip", false, what);
    if (utf8::firstInvalid(t.content) != std::string_view::npos) {
      throw Error(ErrorKind::InvalidInput, what + " is not valid UTF-8");
    }
    const int modelId = m_model->tokenId(t.content);
    if (modelId >= 0 && modelId != t.id) {
      spdlog::warn("{}: added token \"{}\" has id {} but the vocabulary says {}; using {}", m_where,
                   t.content, t.id, modelId, modelId);
      t.id = modelId;
    }
    idLimit = std::max(idLimit, t.id + 1);
    added.push_back(std::move(t));
  }
  std::vector<std::string> normalizedContents;
  for (const auto& t : added) {
    normalizedContents.push_back(m_normalizer && t.normalized ? m_normalizer->normalize(t.content)
                                                              : t.content);
  }
  m_added = AddedVocabulary(std::move(added), normalizedContents);
  m_vocabSize = idLimit;

  m_wrap = makeSpecialTokenWrap(member("post_processor"), m_vocabSize, m_where);
  // "truncation" and "padding" are ignored, as transformers overrides them on every call.

  // BOS/EOS: what the post-processor adds, else tokenizer_config.json next to the file.
  if (!m_wrap.prefix.empty()) m_bosId = m_wrap.prefix.front();
  if (!m_wrap.suffix.empty()) m_eosId = m_wrap.suffix.back();
  const auto configPath = path.parent_path() / "tokenizer_config.json";
  std::error_code ec;
  if (std::filesystem::is_regular_file(configPath, ec)) {
    const Json config = readJsonFile(configPath);
    if (auto bos = configToken(config, "bos_token"); bos && m_bosId < 0)
      m_bosId = lookupToken(*bos);
    if (auto eos = configToken(config, "eos_token"); eos && m_eosId < 0)
      m_eosId = lookupToken(*eos);
  }
}

int HfTokenizer::lookupToken(const std::string& content) const {
  if (const auto* t = m_added.byContent(content)) return t->id;
  return m_model->tokenId(content);
}

void HfTokenizer::encodeText(std::string_view text, std::vector<int>& out,
                             std::unordered_map<std::string, std::vector<int>>& cache) const {
  // 1. Added tokens matched on the raw text.
  for (const auto& rawSplit : m_added.split(text, false)) {
    if (rawSplit.addedId >= 0) {
      out.push_back(rawSplit.addedId);
      continue;
    }
    const auto raw =
        text.substr(rawSplit.range.first, rawSplit.range.second - rawSplit.range.first);
    if (raw.empty()) continue;
    // 2. Normalization, then added tokens matched on the normalized text.
    const std::string normalized = m_normalizer ? m_normalizer->normalize(raw) : std::string(raw);
    for (const auto& split : m_added.split(normalized, true)) {
      if (split.addedId >= 0) {
        out.push_back(split.addedId);
        continue;
      }
      if (split.range.first == split.range.second) continue;
      // 3. Pre-tokenization into words, 4. BPE per word (cached).
      std::vector<std::string> words{
          normalized.substr(split.range.first, split.range.second - split.range.first)};
      if (m_preTokenizer) m_preTokenizer->apply(words);
      for (const auto& w : words) {
        if (w.size() > kMaxCachedWord) {
          m_model->tokenize(w, out);
          continue;
        }
        auto it = cache.find(w);
        if (it == cache.end()) {
          std::vector<int> ids;
          m_model->tokenize(w, ids);
          it = cache.emplace(w, std::move(ids)).first;
        }
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
    }
  }
}

std::vector<int> HfTokenizer::encode(std::string_view text, bool addSpecial) const {
  if (const auto bad = utf8::firstInvalid(text); bad != std::string_view::npos) {
    throw Error(ErrorKind::InvalidInput,
                "text to tokenize is not valid UTF-8 at byte " + std::to_string(bad));
  }
  std::vector<int> out;
  out.reserve(text.size() / 3 + 8);
  if (addSpecial) out = m_wrap.prefix;
  std::unordered_map<std::string, std::vector<int>> cache;
  encodeText(text, out, cache);
  if (addSpecial) out.insert(out.end(), m_wrap.suffix.begin(), m_wrap.suffix.end());
  return out;
}

std::string HfTokenizer::decode(const std::vector<int>& ids, bool skipSpecial) const {
  // Ids without a token are skipped, as tokenizers does (a model's padded embedding rows).
  std::string bytes;
  bool first = true;
  for (int id : ids) {
    const std::string* token = nullptr;
    if (const auto* a = m_added.byId(id)) {
      if (skipSpecial && a->special) continue;
      token = &a->content;
    } else {
      token = m_model->tokenText(id);
    }
    if (!token) continue;
    if (m_decoder == DecoderKind::ByteLevel) {
      byte_level::decodeToken(*token, bytes);
    } else {
      if (!first) bytes += ' ';  // no decoder: tokens joined by spaces
      bytes += *token;
    }
    first = false;
  }
  return utf8::decodeLossy(bytes);
}

std::string HfTokenizer::tokenText(int id) const {
  if (const auto* a = m_added.byId(id)) return a->content;
  if (const auto* t = m_model->tokenText(id)) return *t;
  throw Error(ErrorKind::InvalidInput, m_where + ": no token has id " + std::to_string(id) +
                                           " (vocabulary size " + std::to_string(m_vocabSize) +
                                           ")");
}

}  // namespace

std::unique_ptr<Tokenizer> loadHfTokenizer(const std::filesystem::path& tokenizerJson) {
  return std::make_unique<HfTokenizer>(tokenizerJson);
}

}  // namespace slmq::core
