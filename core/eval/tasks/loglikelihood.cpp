// Harness-style request encoding and the batched log-likelihood scorer; see loglikelihood.h.
#include "core/eval/tasks/loglikelihood.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/eval/log_softmax.h"
#include "core/eval/tasks/task_file_readers.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

LoglikelihoodRequest encodeRequest(const Tokenizer& tokenizer, const std::string& context,
                                   const std::string& continuation) {
  LoglikelihoodRequest r;
  if (context.empty()) {
    const int prefix = tokenizer.bosId() >= 0 ? tokenizer.bosId() : tokenizer.eosId();
    if (prefix < 0)
      throw Error(ErrorKind::Unsupported,
                  "an empty context needs a BOS or EOS token, and the tokenizer has neither");
    r.context = {prefix};
    r.continuation = tokenizer.encode(continuation, false);
    return r;
  }
  const std::string ctx = pythonRstrip(context);
  const std::string cont = context.substr(ctx.size()) + continuation;
  const std::vector<int> whole = tokenizer.encode(ctx + cont, false);
  r.context = tokenizer.encode(ctx, false);
  const std::size_t n = std::min(r.context.size(), whole.size());
  r.continuation.assign(whole.begin() + std::ptrdiff_t(n), whole.end());
  return r;
}

namespace {

/// One distinct input sequence and the requests scored on it.
struct Sequence {
  std::vector<int> input;  ///< (context + continuation)[-(max+1):][:-1]
  int needed = 0;          ///< logits needed at the last `needed` positions
};

struct Placement {
  int seq = 0;  ///< index into sequences
  int n = 0;    ///< continuation tokens (the last n positions of the input)
};

}  // namespace

std::vector<ChoiceScore> scoreRequests(const Model& model,
                                       const std::vector<LoglikelihoodRequest>& requests,
                                       const ScorerOptions& options, const ProgressFn& progress,
                                       ForwardHooks* hooks) {
  const ModelConfig& cfg = model.config();
  const int maxLen = options.max_length > 0 ? options.max_length : cfg.max_positions;
  const int vocab = cfg.vocab_size;

  // ---- deduplicate inputs --------------------------------------------------------------------
  std::vector<Sequence> seqs;
  std::vector<Placement> place(requests.size());
  std::vector<std::vector<int>> targets(requests.size());
  std::map<std::vector<int>, int> index;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (r.continuation.empty())
      throw Error(ErrorKind::InvalidInput,
                  "request " + std::to_string(i) + " has an empty continuation to score");
    if (int(r.continuation.size()) > maxLen)
      throw Error(ErrorKind::InvalidInput, "request " + std::to_string(i) + ": continuation of " +
                                               std::to_string(r.continuation.size()) +
                                               " tokens exceeds the window of " +
                                               std::to_string(maxLen));
    for (const auto* ids : {&r.context, &r.continuation})
      for (int t : *ids)
        if (t < 0 || t >= vocab)
          throw Error(ErrorKind::InvalidInput,
                      "request " + std::to_string(i) + ": token id " + std::to_string(t) +
                          " is outside the model's vocabulary of " + std::to_string(vocab));
    std::vector<int> whole = r.context;
    whole.insert(whole.end(), r.continuation.begin(), r.continuation.end());
    if (int(whole.size()) > maxLen + 1) whole.erase(whole.begin(), whole.end() - (maxLen + 1));
    const int n = int(r.continuation.size());
    targets[i].assign(whole.end() - n, whole.end());
    whole.pop_back();
    auto [it, inserted] = index.emplace(whole, int(seqs.size()));
    if (inserted) seqs.push_back({std::move(whole), 0});
    Sequence& s = seqs[std::size_t(it->second)];
    s.needed = std::max(s.needed, n);
    place[i] = {it->second, n};
  }

  // ---- batches of similar length -------------------------------------------------------------
  std::vector<int> order(seqs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return seqs[std::size_t(a)].input.size() > seqs[std::size_t(b)].input.size();
  });
  // Per sequence: first row of its needed positions in the per-batch results.
  std::vector<std::vector<double>> logZ(seqs.size());  // [seq][needed]
  std::vector<std::vector<int>> argmax(seqs.size());   // [seq][needed]
  std::vector<std::vector<float>> targetLogit(seqs.size());
  // Target tokens per sequence position: requests sharing a sequence differ only in the final
  // token, so gather the logits of every target token any of its requests asks for.
  std::vector<std::vector<std::pair<int, int>>> wanted(seqs.size());  // (position from end, token)
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& p = place[i];
    for (int j = 0; j < p.n; ++j)
      wanted[std::size_t(p.seq)].push_back({p.n - j, targets[i][std::size_t(j)]});
  }
  std::vector<std::map<std::pair<int, int>, float>> gathered(seqs.size());

  const MatrixRM& head = model.weights().tied() ? model.weights().embed : model.weights().lm_head;
  std::size_t totalTokens = 0, doneTokens = 0;
  for (const auto& s : seqs) totalTokens += s.input.size();
  reportProgress(progress, 0.0, "score");

  std::size_t pos = 0;
  while (pos < order.size()) {
    const int T = int(seqs[std::size_t(order[pos])].input.size());
    int count = 1;
    while (pos + std::size_t(count) < order.size() &&
           (count + 1) * T <= std::max(options.max_batch_tokens, T))
      ++count;
    std::vector<int> tokens(std::size_t(count) * std::size_t(T), 0);
    int rowsNeeded = 0;
    for (int b = 0; b < count; ++b) {
      const Sequence& s = seqs[std::size_t(order[pos + std::size_t(b)])];
      std::copy(s.input.begin(), s.input.end(), tokens.begin() + std::ptrdiff_t(b) * T);
      // Right padding repeats the last real token; it never influences earlier positions.
      std::fill(tokens.begin() + std::ptrdiff_t(b) * T + std::ptrdiff_t(s.input.size()),
                tokens.begin() + std::ptrdiff_t(b + 1) * T, s.input.back());
      rowsNeeded += s.needed;
    }
    // hidden [count·T, d] after the final norm; logits only at the rows that are scored:
    // H_sel [m, d] · headᵀ [d, vocab] -> [m, vocab]
    const MatrixRM hidden = model.forwardHidden(tokens, count, hooks);
    MatrixRM sel(rowsNeeded, hidden.cols());
    std::vector<int> rowSeq, rowBack;  // which sequence, and position counted from its end
    int r = 0;
    for (int b = 0; b < count; ++b) {
      const int si = order[pos + std::size_t(b)];
      const Sequence& s = seqs[std::size_t(si)];
      const int L = int(s.input.size());
      for (int k = s.needed; k >= 1; --k, ++r) {
        sel.row(r) = hidden.row(Eigen::Index(b) * T + (L - k));
        rowSeq.push_back(si);
        rowBack.push_back(k);
      }
    }
    const MatrixRM logits = sel * head.transpose();
    std::vector<double> rowZ(static_cast<std::size_t>(rowsNeeded));
    std::vector<int> rowArg(static_cast<std::size_t>(rowsNeeded));
#pragma omp parallel for num_threads(computeThreads()) schedule(static)
    for (int i = 0; i < rowsNeeded; ++i) {
      const LogSoftmaxRow row = logSoftmaxRow(logits.row(i).data(), vocab);
      rowZ[std::size_t(i)] = row.log_z;
      rowArg[std::size_t(i)] = row.argmax;
    }
    for (int i = 0; i < rowsNeeded; ++i) {
      const int si = rowSeq[std::size_t(i)];
      if (logZ[std::size_t(si)].empty()) {
        logZ[std::size_t(si)].assign(std::size_t(seqs[std::size_t(si)].needed + 1), 0.0);
        argmax[std::size_t(si)].assign(std::size_t(seqs[std::size_t(si)].needed + 1), -1);
      }
      logZ[std::size_t(si)][std::size_t(rowBack[std::size_t(i)])] = rowZ[std::size_t(i)];
      argmax[std::size_t(si)][std::size_t(rowBack[std::size_t(i)])] = rowArg[std::size_t(i)];
    }
    // Target logits.
    std::vector<int> firstRow(seqs.size(), -1);
    for (int i = 0; i < rowsNeeded; ++i)
      if (firstRow[std::size_t(rowSeq[std::size_t(i)])] < 0)
        firstRow[std::size_t(rowSeq[std::size_t(i)])] = i;
    for (int b = 0; b < count; ++b) {
      const int si = order[pos + std::size_t(b)];
      const int needed = seqs[std::size_t(si)].needed;
      for (const auto& [back, tok] : wanted[std::size_t(si)]) {
        const int row = firstRow[std::size_t(si)] + (needed - back);
        gathered[std::size_t(si)][{back, tok}] = logits(row, tok);
      }
    }
    for (int b = 0; b < count; ++b)
      doneTokens += seqs[std::size_t(order[pos + std::size_t(b)])].input.size();
    pos += std::size_t(count);
    reportProgress(progress, double(doneTokens) / double(std::max<std::size_t>(totalTokens, 1)),
                   "score");
  }

  // ---- assemble per request --------------------------------------------------------------------
  std::vector<ChoiceScore> out(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& p = place[i];
    const auto si = std::size_t(p.seq);
    ChoiceScore cs;
    cs.n_tokens = p.n;
    cs.is_greedy = true;
    double ll = 0.0;
    for (int j = 0; j < p.n; ++j) {
      const int back = p.n - j;
      const int tok = targets[i][std::size_t(j)];
      ll += double(gathered[si].at({back, tok})) - logZ[si][std::size_t(back)];
      if (argmax[si][std::size_t(back)] != tok) cs.is_greedy = false;
    }
    cs.ll = ll;
    out[i] = cs;
  }
  return out;
}

}  // namespace slmq::core
