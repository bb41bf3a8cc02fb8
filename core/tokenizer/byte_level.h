// GPT-2's byte-level alphabet: every byte 0..255 is shown as one printable Unicode character
// (printable Latin-1 bytes as themselves, the rest as U+0100 + n), so that BPE vocabularies can
// spell arbitrary bytes. Shared by the ByteLevel pre-tokenizer and the ByteLevel decoder.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace slmq::core::byte_level {

/// The code point that stands for byte `b` (e.g. ' ' -> U+0120 'Ġ', '\n' -> U+010A 'Ċ').
char32_t charForByte(std::uint8_t b) noexcept;

/// The byte that code point `cp` stands for, or -1 if `cp` is not in the alphabet.
int byteForChar(char32_t cp) noexcept;

/// `bytes` with every byte replaced by the UTF-8 of its alphabet character.
std::string encode(std::string_view bytes);

/// Inverse of encode() for one token: appends the bytes its characters stand for to `out` and
/// returns true; if any character is outside the alphabet (or the text is not well-formed UTF-8)
/// appends the token's own bytes unchanged and returns false — the rule of HF's ByteLevel decoder.
bool decodeToken(std::string_view token, std::string& out);

}  // namespace slmq::core::byte_level
