// Byte-level BPE tokenizer driven entirely by a Hugging Face `tokenizer.json` (GPT-2, SmolLM,
// Qwen2/3 style): normalizer, pre-tokenizer, BPE model, added tokens, post-processor and decoder
// as the file describes them. Anything the file asks for that is not implemented is refused.
#pragma once

#include <filesystem>
#include <memory>

#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

/// Loads the tokenizer described by `tokenizerJson` (a Hugging Face `tokenizer.json`).
/// Supported: normalizers NFC and Sequence; pre-tokenizers Sequence, Split (PCRE2 regex or
/// literal, all split behaviours, invert), Digits and ByteLevel; model BPE (merges as "a b"
/// strings or ["a","b"] pairs, ignore_merges); added/special tokens; post-processors ByteLevel
/// and TemplateProcessing; decoder ByteLevel.
/// The returned tokenizer is immutable; encode/decode are thread-safe. Caller owns it.
/// Throws Error(NotFound) if the file does not exist, Error(InvalidInput) for malformed JSON or
/// an inconsistent file (missing model, merge naming an unknown token, ...), and
/// Error(Unsupported) for a component type that is not implemented; every message names the file.
std::unique_ptr<Tokenizer> loadHfTokenizer(const std::filesystem::path& tokenizerJson);

}  // namespace slmq::core
