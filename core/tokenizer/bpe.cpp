// BPE merging of one word: symbols in a doubly linked list, candidate merges in a min-heap keyed
// by (rank, position), stale entries skipped — O(n log n) in the word length.
#include "core/tokenizer/bpe.h"

#include <algorithm>
#include <cstdio>
#include <queue>

#include "core/common/error.h"
#include "core/tokenizer/utf8.h"

namespace slmq::core {
namespace {

constexpr int kMaxTokenId = 1 << 24;  // 16.7M ids: far beyond any real vocabulary

struct Symbol {
  int id;
  int prev;
  int next;
  int len;  // bytes of the original word it covers; 0 = merged away
};

struct Candidate {
  std::uint32_t rank;
  int pos;
  int newId;
  bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

}  // namespace

BpeModel::BpeModel(TokenIdMap vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                   BpeOptions options, const std::string& where)
    : m_vocab(std::move(vocab)), m_options(std::move(options)) {
  int maxId = -1;
  for (const auto& [token, id] : m_vocab) {
    if (id < 0 || id >= kMaxTokenId) {
      throw Error(ErrorKind::InvalidInput, where + ": vocabulary id " + std::to_string(id) +
                                               " of token \"" + token + "\" is out of range");
    }
    maxId = std::max(maxId, id);
  }
  m_idToToken.resize(static_cast<std::size_t>(maxId + 1));
  m_idUsed.assign(static_cast<std::size_t>(maxId + 1), false);
  for (const auto& [token, id] : m_vocab) {
    if (m_idUsed[id]) {
      throw Error(ErrorKind::InvalidInput, where + ": vocabulary id " + std::to_string(id) +
                                               " is used by both \"" + m_idToToken[id] +
                                               "\" and \"" + token + "\"");
    }
    m_idUsed[id] = true;
    m_idToToken[id] = token;
  }

  const auto prefixLen = m_options.continuingSubwordPrefix.size();
  m_merges.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const std::string& a = merges[rank].first;
    const std::string& b = merges[rank].second;
    auto missing = [&](const std::string& t) {
      return Error(ErrorKind::InvalidInput, where + ": merge " + std::to_string(rank) + " (\"" + a +
                                                "\" \"" + b + "\") references token \"" + t +
                                                "\" which is not in the vocabulary");
    };
    const int ida = tokenId(a);
    if (ida < 0) throw missing(a);
    const int idb = tokenId(b);
    if (idb < 0) throw missing(b);
    if (b.size() < prefixLen) throw missing(b);
    const std::string merged = a + b.substr(prefixLen);
    const int idm = tokenId(merged);
    if (idm < 0) throw missing(merged);
    // A repeated pair keeps its last rank, as tokenizers' HashMap collect does.
    m_merges[pairKey(ida, idb)] = MergeTarget{static_cast<std::uint32_t>(rank), idm};
  }

  if (m_options.unkToken) {
    m_unkId = tokenId(*m_options.unkToken);
    if (m_unkId < 0) {
      throw Error(ErrorKind::InvalidInput,
                  where + ": unk_token \"" + *m_options.unkToken + "\" is not in the vocabulary");
    }
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    m_byteIds[b] = m_options.byteFallback ? tokenId(name) : -1;
  }
}

int BpeModel::tokenId(std::string_view token) const {
  auto it = m_vocab.find(token);
  return it == m_vocab.end() ? -1 : it->second;
}

const std::string* BpeModel::tokenText(int id) const {
  if (id < 0 || id >= idLimit() || !m_idUsed[id]) return nullptr;
  return &m_idToToken[id];
}

const BpeModel::MergeTarget* BpeModel::findMerge(int a, int b) const {
  auto it = m_merges.find(pairKey(a, b));
  return it == m_merges.end() ? nullptr : &it->second;
}

void BpeModel::tokenize(std::string_view word, std::vector<int>& out) const {
  if (word.empty()) return;
  if (m_options.ignoreMerges) {
    const int id = tokenId(word);
    if (id >= 0) {
      out.push_back(id);
      return;
    }
  }

  // 1. One symbol per character (tokenizers' BPE::merge_word).
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add = [&](int id, int len) {
    const int index = static_cast<int>(symbols.size());
    if (index > 0) symbols.back().next = index;
    symbols.push_back({id, index - 1, -1, len});
  };
  int pendingUnkLen = 0;  // byte length of a pending unk symbol, 0 = none
  std::string piece;
  std::size_t pos = 0;
  while (pos < word.size()) {
    std::size_t len = utf8::sequenceLength(word, pos);
    if (len == 0) len = 1;  // cannot happen on validated input; keep moving
    const bool first = pos == 0, last = pos + len == word.size();
    piece.clear();
    if (!first) piece += m_options.continuingSubwordPrefix;
    piece.append(word.data() + pos, len);
    if (last) piece += m_options.endOfWordSuffix;
    const int id = tokenId(piece);
    if (id >= 0) {
      if (pendingUnkLen) add(m_unkId, pendingUnkLen), pendingUnkLen = 0;
      add(id, static_cast<int>(len));
    } else {
      bool handled = false;
      if (m_options.byteFallback) {
        handled = true;
        for (unsigned char c : piece) handled = handled && m_byteIds[c] >= 0;
        if (handled) {
          if (pendingUnkLen) add(m_unkId, pendingUnkLen), pendingUnkLen = 0;
          for (unsigned char c : piece) add(m_byteIds[c], 1);
        }
      }
      if (!handled && m_unkId >= 0) {
        if (pendingUnkLen && !m_options.fuseUnk) add(m_unkId, pendingUnkLen), pendingUnkLen = 0;
        pendingUnkLen += static_cast<int>(len);
      }
      // Without an unk token an unknown character is dropped, as tokenizers does.
    }
    pos += len;
  }
  if (pendingUnkLen) add(m_unkId, pendingUnkLen);

  // 2. Merge by rank (tokenizers' Word::merge_all).
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i) {
    if (const auto* m = findMerge(symbols[i].id, symbols[i + 1].id)) {
      queue.push({m->rank, i, m->newId});
    }
  }
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& cur = symbols[top.pos];
    if (cur.len == 0 || cur.next < 0) continue;
    const int nextPos = cur.next;
    const Symbol right = symbols[nextPos];
    const auto* m = findMerge(cur.id, right.id);
    if (!m || m->newId != top.newId) continue;  // stale entry
    cur.id = top.newId;
    cur.len += right.len;
    cur.next = right.next;
    symbols[nextPos].len = 0;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    if (cur.prev >= 0) {
      if (const auto* pm = findMerge(symbols[cur.prev].id, cur.id)) {
        queue.push({pm->rank, cur.prev, pm->newId});
      }
    }
    if (cur.next >= 0) {
      if (const auto* nm = findMerge(cur.id, symbols[cur.next].id)) {
        queue.push({nm->rank, top.pos, nm->newId});
      }
    }
  }
  for (const auto& s : symbols) {
    if (s.len != 0) out.push_back(s.id);
  }
}

}  // namespace slmq::core
