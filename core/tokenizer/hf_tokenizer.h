// Byte-level BPE tokenizer driven entirely by a Hugging Face `tokenizer.json` (GPT-2, SmolLM,
// Qwen2/3, Llama-3 style): normalizer, pre-tokenizer, BPE model, added tokens, post-processor and
// decoder as the file describes them. Anything the file asks for that is not implemented is
// refused with an error naming it, never approximated.
#pragma once

#include <filesystem>
#include <memory>

#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

/// Loads the tokenizer described by `tokenizerJson` (a Hugging Face `tokenizer.json`).
///
/// Supported, with the semantics of the tokenizers library:
/// - normalizers NFC, NFD, NFKC, NFKD (ICU) and Sequence;
/// - pre-tokenizers Split (regex in Oniguruma syntax run with PCRE2, or a literal string; every
///   delimiter behaviour; invert), Digits, ByteLevel (add_prefix_space, use_regex) and Sequence;
/// - model BPE: merges as "a b" strings or ["a","b"] pairs, ignore_merges, unk_token/fuse_unk,
///   byte_fallback, continuing_subword_prefix, end_of_word_suffix (dropout > 0 is refused);
/// - added tokens matched before normalization (normalized = false) or after it (true),
///   leftmost-longest, with single_word, lstrip and rstrip;
/// - post-processors TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel, Sequence;
/// - decoder ByteLevel (or none: tokens joined by spaces, as tokenizers does).
/// "truncation" and "padding" are ignored, as transformers overrides them on every call.
///
/// encode() adds special tokens only where the post-processor says so (the assets' tokenizers
/// add none). bosId()/eosId() are the template's first/last special token, else the
/// `bos_token`/`eos_token` of a `tokenizer_config.json` next to the file, else -1; they are
/// declared tokens, not a promise that encode() adds them. decode() skips ids that name no
/// token (padded embedding rows), as tokenizers does, and replaces ill-formed UTF-8 by U+FFFD.
///
/// encode() throws Error(InvalidInput) for text that is not valid UTF-8, naming the byte offset.
/// The returned tokenizer is immutable; encode/decode are thread-safe. Caller owns it.
/// Throws Error(NotFound) if the file does not exist, Error(InvalidInput) for malformed JSON or
/// an inconsistent file (missing model, merge naming an unknown token, ...), Error(Resource) for
/// a file beyond 1 GiB, and Error(Unsupported) for a component type that is not implemented;
/// every message names the file.
std::unique_ptr<Tokenizer> loadHfTokenizer(const std::filesystem::path& tokenizerJson);

}  // namespace slmq::core
