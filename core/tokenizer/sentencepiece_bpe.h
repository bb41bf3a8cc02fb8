// SentencePiece-style BPE tokenizer as llama.cpp runs it for `tokenizer.ggml.model = "llama"`
// (llm_tokenizer_spm): spaces become "▁" (U+2581) and one is prepended, the text is split into
// UTF-8 characters, and the adjacent pair whose concatenation is the highest-scoring vocabulary
// entry is merged until none is left; characters that are not tokens fall back to "<0xNN>" byte
// tokens. Built from GGUF `tokenizer.ggml.*` metadata or from llama2.c's tokenizer.bin, whose
// run.c encode() gives the same ids for the same vocabulary.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

class GgufFile;       // core/io/gguf.h
struct Llama2cVocab;  // core/io/llama2c.h

/// Token types, numbered as llama.cpp's llama_token_type / GGUF `tokenizer.ggml.token_type`.
enum class SpmTokenType {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6
};

/// One vocabulary entry. `text` uses "▁" for spaces, as SentencePiece stores it.
struct SpmToken {
  std::string text;
  float score = 0.0f;
  SpmTokenType type = SpmTokenType::Normal;
};

/// Behaviour switches (GGUF keys in brackets; defaults are llama.cpp's for SPM vocabularies).
struct SpmOptions {
  int bos_id = 1;                ///< [tokenizer.ggml.bos_token_id]; -1 = none
  int eos_id = 2;                ///< [tokenizer.ggml.eos_token_id]; -1 = none
  int unk_id = 0;                ///< [tokenizer.ggml.unknown_token_id]; -1 = none
  bool add_bos = true;           ///< [tokenizer.ggml.add_bos_token]
  bool add_eos = false;          ///< [tokenizer.ggml.add_eos_token]
  bool add_space_prefix = true;  ///< [tokenizer.ggml.add_space_prefix]
};

/// The tokenizer. Immutable after construction; encode/decode are thread-safe.
class SentencePieceBpe : public Tokenizer {
 public:
  /// Throws Error(InvalidInput) naming `source` (a file, for messages) if the vocabulary is empty
  /// or a special id is out of range.
  SentencePieceBpe(std::vector<SpmToken> vocab, SpmOptions options, const std::string& source);

  std::vector<int> encode(std::string_view text, bool addSpecial = true) const override;
  /// Byte tokens become their byte, "▁" a space; the space SentencePiece prepended is removed
  /// from the first piece of text. Control/unknown tokens appear as their text unless skipped.
  std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const override;
  std::string tokenText(int id) const override;
  int vocabSize() const override { return int(m_vocab.size()); }
  int bosId() const override { return m_options.bos_id; }
  int eosId() const override { return m_options.eos_id; }

  const SpmToken& token(int id) const { return m_vocab.at(std::size_t(id)); }
  const SpmOptions& options() const { return m_options; }

 private:
  int lookup(std::string_view text) const;
  int byteToken(unsigned char byte) const;

  std::vector<SpmToken> m_vocab;
  SpmOptions m_options;
  std::unordered_map<std::string, int> m_index;  ///< text -> id (a later duplicate wins)
  int m_byte_token[256];                         ///< "<0xNN>" ids, or unk
};

/// Builds the tokenizer from a GGUF file's `tokenizer.ggml.*` metadata. Throws
/// Error(Unsupported) if `tokenizer.ggml.model` is not "llama" (e.g. "gpt2" byte-level BPE), and
/// Error(InvalidInput) naming the file for missing or inconsistent arrays.
std::unique_ptr<SentencePieceBpe> loadGgufTokenizer(const GgufFile& gguf);

/// Builds the tokenizer from llama2.c's tokenizer.bin contents, reproducing run.c's encode():
/// BOS = 1 added, a dummy-prefix space, byte fallback to id byte + 3. Stored ' ' become "▁" and
/// the exporter's "\n<s>\n" / "\n</s>\n" become "<s>" / "</s>" (ids 1 and 2, control); ids 3..258
/// must be the byte tokens "<0x00>".."<0xFF>". `source` names the file in messages.
std::unique_ptr<SentencePieceBpe> makeLlama2cTokenizer(const Llama2cVocab& vocab,
                                                       const std::string& source);

/// readLlama2cTokenizer(path, vocabSize) then makeLlama2cTokenizer.
std::unique_ptr<SentencePieceBpe> loadLlama2cTokenizer(const std::filesystem::path& path,
                                                       int vocabSize = 0);

}  // namespace slmq::core
