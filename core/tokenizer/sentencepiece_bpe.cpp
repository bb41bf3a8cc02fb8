// SentencePiece-style BPE (see sentencepiece_bpe.h). The merge loop follows llama.cpp's
// llm_tokenizer_spm: a priority queue of adjacent-symbol bigrams ordered by the score of the merged
// token (ties: leftmost first), stale entries skipped by a size check, and a final resegmentation
// that turns every symbol into its token, the two symbols it was merged from, or byte tokens.
// run.c's encode() (global best pair, leftmost on ties) produces the same sequence of merges.
#include "core/tokenizer/sentencepiece_bpe.h"

#include <cstdio>
#include <queue>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/llama2c.h"

namespace slmq::core {

namespace {

constexpr std::string_view kSpace = "\xe2\x96\x81";  // U+2581 "▁"

// Length of the UTF-8 sequence a leading byte announces (1 for continuation/invalid bytes).
std::size_t utf8Len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

std::string byteTokenText(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "<0x%02X>", b);
  return buf;
}

// Parses "<0xNN>" (either case); -1 if `s` is not a byte token text.
int parseByteToken(const std::string& s) {
  if (s.size() != 6 || s.compare(0, 3, "<0x") != 0 || s[5] != '>') return -1;
  int v = 0;
  for (int k = 3; k < 5; ++k) {
    const char c = s[std::size_t(k)];
    v *= 16;
    if (c >= '0' && c <= '9')
      v += c - '0';
    else if (c >= 'A' && c <= 'F')
      v += c - 'A' + 10;
    else if (c >= 'a' && c <= 'f')
      v += c - 'a' + 10;
    else
      return -1;
  }
  return v;
}

struct Symbol {
  int prev = -1;
  int next = -1;
  std::size_t start = 0;  // byte offset into the escaped text
  std::size_t n = 0;      // bytes; 0 once merged into its left neighbour
};

struct Bigram {
  int left = 0;
  int right = 0;
  float score = 0.0f;
  std::size_t size = 0;
};

struct BigramOrder {  // top of the queue: highest score, then leftmost
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

SentencePieceBpe::SentencePieceBpe(std::vector<SpmToken> vocab, SpmOptions options,
                                   const std::string& source)
    : m_vocab(std::move(vocab)), m_options(options) {
  if (m_vocab.empty()) {
    throw Error(ErrorKind::InvalidInput, source + ": the tokenizer vocabulary is empty");
  }
  const int n = int(m_vocab.size());
  const auto checkId = [&](int id, const char* what) {
    if (id < -1 || id >= n) {
      throw Error(ErrorKind::InvalidInput, source + ": " + what + " " + std::to_string(id) +
                                               " is outside the vocabulary of " +
                                               std::to_string(n) + " tokens");
    }
  };
  checkId(m_options.bos_id, "BOS id");
  checkId(m_options.eos_id, "EOS id");
  checkId(m_options.unk_id, "unknown-token id");
  if (m_options.add_bos && m_options.bos_id < 0) m_options.add_bos = false;
  if (m_options.add_eos && m_options.eos_id < 0) m_options.add_eos = false;
  m_index.reserve(m_vocab.size());
  for (int i = 0; i < n; ++i) m_index[m_vocab[std::size_t(i)].text] = i;
  for (int b = 0; b < 256; ++b) {
    const int id = lookup(byteTokenText(static_cast<unsigned char>(b)));
    m_byte_token[b] = id >= 0 ? id : m_options.unk_id;
  }
}

int SentencePieceBpe::lookup(std::string_view text) const {
  const auto it = m_index.find(std::string(text));
  return it == m_index.end() ? -1 : it->second;
}

int SentencePieceBpe::byteToken(unsigned char byte) const {
  return m_byte_token[byte];
}

std::vector<int> SentencePieceBpe::encode(std::string_view text, bool addSpecial) const {
  std::vector<int> out;
  if (addSpecial && m_options.add_bos) out.push_back(m_options.bos_id);
  if (!text.empty()) {
    // Escape: optional "▁" prefix, every ' ' -> "▁".
    std::string s;
    s.reserve(text.size() + 8);
    if (m_options.add_space_prefix) s += kSpace;
    for (char c : text) {
      if (c == ' ')
        s += kSpace;
      else
        s += c;
    }

    // One symbol per UTF-8 character.
    std::vector<Symbol> sym;
    for (std::size_t off = 0; off < s.size();) {
      const std::size_t len = std::min(utf8Len(static_cast<unsigned char>(s[off])), s.size() - off);
      Symbol x;
      x.start = off;
      x.n = len;
      x.prev = int(sym.size()) - 1;
      x.next = off + len == s.size() ? -1 : int(sym.size()) + 1;
      sym.push_back(x);
      off += len;
    }

    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    std::unordered_map<std::string, std::pair<int, int>> revMerge;
    const auto tryAdd = [&](int left, int right) {
      if (left < 0 || right < 0) return;
      const std::string_view merged(s.data() + sym[std::size_t(left)].start,
                                    sym[std::size_t(left)].n + sym[std::size_t(right)].n);
      const int id = lookup(merged);
      if (id < 0) return;
      queue.push({left, right, m_vocab[std::size_t(id)].score, merged.size()});
      revMerge[std::string(merged)] = {left, right};
    };
    for (int i = 1; i < int(sym.size()); ++i) tryAdd(i - 1, i);

    while (!queue.empty()) {
      const Bigram b = queue.top();
      queue.pop();
      Symbol& l = sym[std::size_t(b.left)];
      Symbol& r = sym[std::size_t(b.right)];
      if (l.n == 0 || r.n == 0 || l.n + r.n != b.size) continue;  // stale
      l.n += r.n;
      r.n = 0;
      l.next = r.next;
      if (r.next >= 0) sym[std::size_t(r.next)].prev = b.left;
      tryAdd(l.prev, b.left);
      tryAdd(b.left, l.next);
    }

    // Resegment: a symbol is a token, or splits into the pair it was merged from, or bytes.
    const auto resegment = [&](auto&& self, const Symbol& x) -> void {
      const std::string_view piece(s.data() + x.start, x.n);
      const int id = lookup(piece);
      if (id >= 0) {
        out.push_back(id);
        return;
      }
      const auto p = revMerge.find(std::string(piece));
      if (p == revMerge.end()) {
        for (unsigned char c : piece) out.push_back(byteToken(c));
        return;
      }
      self(self, sym[std::size_t(p->second.first)]);
      self(self, sym[std::size_t(p->second.second)]);
    };
    for (int i = 0; i != -1; i = sym[std::size_t(i)].next) {
      resegment(resegment, sym[std::size_t(i)]);
    }
  }
  if (addSpecial && m_options.add_eos) out.push_back(m_options.eos_id);
  return out;
}

std::string SentencePieceBpe::decode(const std::vector<int>& ids, bool skipSpecial) const {
  std::string out;
  bool first = true;  // the next text piece is the first: drop its dummy-prefix space
  for (int id : ids) {
    if (id < 0 || id >= vocabSize()) {
      throw Error(ErrorKind::InvalidInput, "decode: token id " + std::to_string(id) +
                                               " is outside the vocabulary of " +
                                               std::to_string(vocabSize()));
    }
    const SpmToken& t = m_vocab[std::size_t(id)];
    switch (t.type) {
      case SpmTokenType::Control:
      case SpmTokenType::Unknown:
        if (!skipSpecial) out += t.text;
        break;
      case SpmTokenType::Byte: {
        const int b = parseByteToken(t.text);
        if (b >= 0)
          out += char(b);
        else
          out += t.text;
        first = false;
        break;
      }
      default: {
        std::string piece;
        for (std::size_t k = 0; k < t.text.size();) {
          if (t.text.compare(k, kSpace.size(), kSpace) == 0) {
            piece += ' ';
            k += kSpace.size();
          } else {
            piece += t.text[k++];
          }
        }
        if (first && m_options.add_space_prefix && !piece.empty() && piece[0] == ' ') {
          piece.erase(0, 1);
        }
        out += piece;
        first = false;
      }
    }
  }
  return out;
}

std::string SentencePieceBpe::tokenText(int id) const {
  if (id < 0 || id >= vocabSize()) {
    throw Error(ErrorKind::InvalidInput, "token id " + std::to_string(id) +
                                             " is outside the vocabulary of " +
                                             std::to_string(vocabSize()));
  }
  return m_vocab[std::size_t(id)].text;
}

// --- factories -----------------------------------------------------------------------------------

std::unique_ptr<SentencePieceBpe> loadGgufTokenizer(const GgufFile& gguf) {
  const std::string file = gguf.path().string();
  const std::string model = gguf.getString("tokenizer.ggml.model");
  if (model != "llama") {
    throw Error(ErrorKind::Unsupported,
                file + ": tokenizer.ggml.model '" + model +
                    "' is not supported (only 'llama', the SentencePiece-style vocabulary)");
  }
  const std::vector<std::string> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
  std::vector<float> scores(tokens.size(), 0.0f);
  if (gguf.find("tokenizer.ggml.scores")) scores = gguf.getFloatArray("tokenizer.ggml.scores");
  std::vector<std::int64_t> types(tokens.size(), std::int64_t(SpmTokenType::Normal));
  if (gguf.find("tokenizer.ggml.token_type")) {
    types = gguf.getIntArray("tokenizer.ggml.token_type");
  }
  if (scores.size() != tokens.size() || types.size() != tokens.size()) {
    throw Error(ErrorKind::InvalidInput,
                file + ": tokenizer.ggml.tokens has " + std::to_string(tokens.size()) +
                    " entries but scores has " + std::to_string(scores.size()) +
                    " and token_type " + std::to_string(types.size()));
  }
  std::vector<SpmToken> vocab(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    vocab[i].text = tokens[i];
    vocab[i].score = scores[i];
    const std::int64_t t = types[i];
    vocab[i].type = (t >= 1 && t <= 6) ? SpmTokenType(t) : SpmTokenType::Normal;
  }
  SpmOptions o;
  const auto id = [&](const char* key, int fallback) {
    const std::int64_t v = gguf.getInt(key, fallback);
    // 0xFFFFFFFF (written as uint32 -1) means "none".
    if (v < 0 || v == 0xFFFFFFFFll) return -1;
    if (v >= std::int64_t(tokens.size())) {
      throw Error(ErrorKind::InvalidInput, file + ": " + key + " = " + std::to_string(v) +
                                               " is outside the vocabulary of " +
                                               std::to_string(tokens.size()) + " tokens");
    }
    return int(v);
  };
  o.bos_id = id("tokenizer.ggml.bos_token_id", 1);
  o.eos_id = id("tokenizer.ggml.eos_token_id", 2);
  o.unk_id = id("tokenizer.ggml.unknown_token_id", 0);
  o.add_bos = gguf.getBool("tokenizer.ggml.add_bos_token", true);
  o.add_eos = gguf.getBool("tokenizer.ggml.add_eos_token", false);
  o.add_space_prefix = gguf.getBool("tokenizer.ggml.add_space_prefix", true);
  return std::make_unique<SentencePieceBpe>(std::move(vocab), o, file);
}

std::unique_ptr<SentencePieceBpe> makeLlama2cTokenizer(const Llama2cVocab& v,
                                                       const std::string& source) {
  const std::size_t n = v.pieces.size();
  if (n < 259) {
    throw Error(ErrorKind::Unsupported,
                source +
                    ": a llama2.c vocabulary needs <unk>, <s>, </s> and 256 byte tokens "
                    "(run.c maps byte b to id b + 3); this one has " +
                    std::to_string(n) + " tokens");
  }
  std::vector<SpmToken> vocab(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string text;
    for (char c : v.pieces[i]) {
      if (c == ' ')
        text += kSpace;
      else
        text += c;
    }
    vocab[i].text = std::move(text);
    vocab[i].score = v.scores[i];
    vocab[i].type = SpmTokenType::Normal;
  }
  const auto strip = [](std::string& s) {  // the exporter wraps <s> and </s> in newlines
    if (s.size() >= 2 && s.front() == '\n' && s.back() == '\n') s = s.substr(1, s.size() - 2);
  };
  strip(vocab[1].text);
  strip(vocab[2].text);
  vocab[0].type = SpmTokenType::Unknown;
  vocab[1].type = SpmTokenType::Control;
  vocab[2].type = SpmTokenType::Control;
  for (int b = 0; b < 256; ++b) {
    SpmToken& t = vocab[std::size_t(b + 3)];
    if (parseByteToken(t.text) != b) {
      throw Error(ErrorKind::Unsupported,
                  source + ": token " + std::to_string(b + 3) + " is '" + t.text + "', not " +
                      byteTokenText(static_cast<unsigned char>(b)) +
                      " (run.c's byte fallback assumes byte b is token b + 3)");
    }
    t.type = SpmTokenType::Byte;
  }
  SpmOptions o;  // run.c: BOS = 1, EOS = 2, dummy prefix, no EOS on encode
  return std::make_unique<SentencePieceBpe>(std::move(vocab), o, source);
}

std::unique_ptr<SentencePieceBpe> loadLlama2cTokenizer(const std::filesystem::path& path,
                                                       int vocabSize) {
  return makeLlama2cTokenizer(readLlama2cTokenizer(path, vocabSize), path.string());
}

}  // namespace slmq::core
