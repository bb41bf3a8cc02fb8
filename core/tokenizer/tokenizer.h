// Text <-> token ids. Implementations: byte-level BPE from tokenizer.json (GPT-2 / SmolLM /
// Qwen2 style), SentencePiece-style BPE from GGUF `tokenizer.ggml.*` or llama2.c's tok512.bin.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slmq::core {

/// A tokenizer. encode/decode are const and thread-safe.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  /// Token ids of `text` (UTF-8). Adds BOS only if the tokenizer's own rules say so
  /// (`addSpecial` false suppresses it).
  virtual std::vector<int> encode(std::string_view text, bool addSpecial = true) const = 0;
  /// UTF-8 text of `ids` (special tokens included as their text unless `skipSpecial`).
  virtual std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const = 0;
  /// The string of one token as stored in the vocabulary.
  virtual std::string tokenText(int id) const = 0;
  virtual int vocabSize() const = 0;
  virtual int bosId() const { return -1; }
  virtual int eosId() const { return -1; }
};

}  // namespace slmq::core
