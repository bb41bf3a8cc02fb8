// UTF-8 helpers for the tokenizers: validation with the offending byte offset, code point
// iteration, and Rust-compatible lossy decoding (what Hugging Face tokenizers' decoders do).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace slmq::core::utf8 {

/// Byte offset of the first ill-formed UTF-8 sequence in `text` (overlongs, surrogates and
/// code points above U+10FFFF are ill-formed), or npos if the whole text is well-formed.
std::size_t firstInvalid(std::string_view text) noexcept;

/// Length in bytes of the well-formed code point starting at `text[pos]` (1..4), or 0 if the
/// bytes there are not a well-formed UTF-8 sequence (or pos is past the end).
std::size_t sequenceLength(std::string_view text, std::size_t pos) noexcept;

/// Decodes the code point at `text[pos]`; `text` must be well-formed there. Sets `length`.
char32_t decodeAt(std::string_view text, std::size_t pos, std::size_t& length) noexcept;

/// Appends the UTF-8 encoding of `cp` (must be a Unicode scalar value) to `out`.
void append(std::string& out, char32_t cp);

/// `bytes` as UTF-8 with every maximal ill-formed subsequence replaced by U+FFFD — the same
/// result as Rust's `String::from_utf8_lossy` (and Python's `errors="replace"`).
std::string decodeLossy(std::string_view bytes);

}  // namespace slmq::core::utf8
