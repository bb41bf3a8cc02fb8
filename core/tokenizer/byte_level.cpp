// GPT-2 bytes_to_unicode table and its inverse.
#include "core/tokenizer/byte_level.h"

#include "core/tokenizer/utf8.h"

namespace slmq::core::byte_level {
namespace {

struct Tables {
  std::array<char32_t, 256> charOf{};
  std::array<std::string, 256> utf8Of{};
  std::array<int, 512> byteOf{};  // every alphabet code point is below U+0144
  Tables() {
    byteOf.fill(-1);
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      charOf[b] = printable(b) ? char32_t(b) : char32_t(256 + n++);
    }
    for (int b = 0; b < 256; ++b) {
      utf8::append(utf8Of[b], charOf[b]);
      byteOf[charOf[b]] = b;
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

char32_t charForByte(std::uint8_t b) noexcept {
  return tables().charOf[b];
}

int byteForChar(char32_t cp) noexcept {
  return cp < 512 ? tables().byteOf[cp] : -1;
}

std::string encode(std::string_view bytes) {
  const auto& t = tables();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) out += t.utf8Of[b];
  return out;
}

bool decodeToken(std::string_view token, std::string& out) {
  const auto mark = out.size();
  std::size_t pos = 0;
  while (pos < token.size()) {
    if (utf8::sequenceLength(token, pos) == 0) break;
    std::size_t len;
    const int b = byteForChar(utf8::decodeAt(token, pos, len));
    if (b < 0) break;
    out.push_back(static_cast<char>(b));
    pos += len;
  }
  if (pos == token.size()) return true;
  out.resize(mark);
  out.append(token);
  return false;
}

}  // namespace slmq::core::byte_level
