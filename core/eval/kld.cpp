// KL divergence statistics (llama.cpp's) and the two-model driver; see kld.h.
#include "core/eval/kld.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/eval/log_softmax.h"
#include "core/model/model.h"

namespace slmq::core {

namespace {

/// llama.cpp's mean_and_uncertainty.
Estimate meanAndUncertainty(double sum, double sum2, std::size_t count) {
  if (count < 1) return {0.0, 0.0};
  const double f = sum / double(count);
  double df = sum2 / double(count) - f * f;
  df = df > 0 && count > 10 ? std::sqrt(df / double(count - 1)) : 0.0;
  return {f, df};
}

}  // namespace

KldToken compareLogitRows(const float* ref, const float* q, int vocab, int target) {
  if (vocab <= 0 || target < 0 || target >= vocab)
    throw Error(ErrorKind::InvalidInput, "compareLogitRows: target " + std::to_string(target) +
                                             " outside a vocabulary of " + std::to_string(vocab));
  const LogSoftmaxRow rowRef = logSoftmaxRow(ref, vocab), rowQ = logSoftmaxRow(q, vocab);
  const double zr = rowRef.log_z, zq = rowQ.log_z;
  // KL(P||Q) = Σ p (lp − lq), lp = ref − zr, lq = q − zq
  double kld = 0.0;
  for (int v = 0; v < vocab; ++v) {
    const double lp = double(ref[v]) - zr;
    const double lq = double(q[v]) - zq;
    kld += std::exp(lp) * (lp - lq);
  }
  KldToken t;
  t.kld = std::max(kld, 0.0);  // rounding can leave −1e-17 for identical rows
  t.same_top = rowRef.argmax == rowQ.argmax;
  t.nll_ref = zr - double(ref[target]);
  t.nll_q = zq - double(q[target]);
  t.p_ref = std::exp(-t.nll_ref);
  t.p_q = std::exp(-t.nll_q);
  return t;
}

double interpolatedPercentile(const std::vector<double>& values, double fraction) {
  if (values.empty()) return 0.0;
  if (fraction <= 0) return values.front();
  if (fraction >= 1) return values.back();
  double p = fraction * double(values.size() - 1);
  const std::size_t ip = std::size_t(p);
  p -= double(ip);
  return (1 - p) * values[ip] + p * values[std::min(ip + 1, values.size() - 1)];
}

KldStats kldStatistics(const std::vector<KldToken>& tokens) {
  KldStats s;
  s.count = tokens.size();
  if (tokens.empty()) return s;
  double sk = 0, sk2 = 0, sd = 0, sd2 = 0, sd4 = 0, snq = 0, snq2 = 0, snr = 0, snr2 = 0, sr = 0,
         sr2 = 0;
  std::size_t same = 0;
  std::vector<double> k;
  k.reserve(tokens.size());
  for (const auto& t : tokens) {
    sk += t.kld;
    sk2 += t.kld * t.kld;
    const double dp = t.p_q - t.p_ref;
    sd += dp;
    sd2 += dp * dp;
    sd4 += dp * dp * dp * dp;
    s.dp_max_abs = std::max(s.dp_max_abs, std::abs(dp));
    snq += t.nll_q;
    snq2 += t.nll_q * t.nll_q;
    snr += t.nll_ref;
    snr2 += t.nll_ref * t.nll_ref;
    const double r = t.nll_q - t.nll_ref;
    sr += r;
    sr2 += r * r;
    same += t.same_top ? 1 : 0;
    k.push_back(t.kld);
  }
  const std::size_t n = tokens.size();
  s.kld_mean = meanAndUncertainty(sk, sk2, n);
  std::sort(k.begin(), k.end());
  s.kld_min = k.front();
  s.kld_max = k.back();
  s.kld_median = n % 2 == 0 ? 0.5 * (k[n / 2] + k[n / 2 - 1]) : k[n / 2];
  s.kld_p999 = interpolatedPercentile(k, 0.999);
  s.kld_p99 = interpolatedPercentile(k, 0.99);
  s.kld_p95 = interpolatedPercentile(k, 0.95);
  s.kld_p90 = interpolatedPercentile(k, 0.90);
  s.kld_p10 = interpolatedPercentile(k, 0.10);
  s.kld_p05 = interpolatedPercentile(k, 0.05);
  s.kld_p01 = interpolatedPercentile(k, 0.01);
  s.kld_p001 = interpolatedPercentile(k, 0.001);
  const double top = double(same) / double(n);
  s.same_top = {top, n > 1 ? std::sqrt(top * (1 - top) / double(n - 1)) : 0.0};
  s.dp_mean = meanAndUncertainty(sd, sd2, n);
  const Estimate mse = meanAndUncertainty(sd2, sd4, n);
  const double rms = std::sqrt(mse.value);
  s.dp_rms = {rms, rms > 0 ? 0.5 / rms * mse.stderr_ : 0.0};
  const Estimate lq = meanAndUncertainty(snq, snq2, n);
  const Estimate lr = meanAndUncertainty(snr, snr2, n);
  s.ppl_q = {std::exp(lq.value), std::exp(lq.value) * lq.stderr_};
  s.ppl_ref = {std::exp(lr.value), std::exp(lr.value) * lr.stderr_};
  s.ln_ppl_ratio = meanAndUncertainty(sr, sr2, n);
  return s;
}

KldReport klDivergence(const Model& reference, const Model& quantized,
                       const std::vector<int>& tokens, const KldOptions& options,
                       const ProgressFn& progress, ForwardHooks* quantizedHooks) {
  const int vocab = reference.config().vocab_size;
  if (quantized.config().vocab_size != vocab)
    throw Error(ErrorKind::InvalidInput, "KL divergence needs one vocabulary: the reference has " +
                                             std::to_string(vocab) +
                                             " tokens, the quantized model " +
                                             std::to_string(quantized.config().vocab_size));
  const int T = options.seq_len;
  if (T < 2) throw Error(ErrorKind::InvalidInput, "KL divergence: seq_len must be at least 2");
  int chunks = int(tokens.size() / std::size_t(T));
  if (options.max_chunks > 0) chunks = std::min(chunks, options.max_chunks);
  if (chunks < 1)
    throw Error(ErrorKind::InvalidInput, "KL divergence: " + std::to_string(tokens.size()) +
                                             " tokens are fewer than one chunk of " +
                                             std::to_string(T));
  for (std::size_t i = 0; i < std::size_t(chunks) * std::size_t(T); ++i)
    if (tokens[i] < 0 || tokens[i] >= vocab)
      throw Error(ErrorKind::InvalidInput, "KL divergence: token " + std::to_string(tokens[i]) +
                                               " at position " + std::to_string(i) +
                                               " is outside the vocabulary");
  KldReport report;
  report.seq_len = T;
  std::vector<KldToken> all;
  reportProgress(progress, 0.0, "kld");
  for (int c = 0; c < chunks; ++c) {
    const std::vector<int> chunk(tokens.begin() + std::ptrdiff_t(c) * T,
                                 tokens.begin() + std::ptrdiff_t(c + 1) * T);
    const MatrixRM lr = reference.forward(chunk, 1);                  // [T, vocab]
    const MatrixRM lq = quantized.forward(chunk, 1, quantizedHooks);  // [T, vocab]
    std::vector<KldToken> part(std::size_t(T - 1));
#pragma omp parallel for num_threads(computeThreads()) schedule(static)
    for (int r = 0; r < T - 1; ++r)
      part[std::size_t(r)] =
          compareLogitRows(lr.row(r).data(), lq.row(r).data(), vocab, chunk[std::size_t(r + 1)]);
    report.chunks.push_back(kldStatistics(part));
    all.insert(all.end(), part.begin(), part.end());
    reportProgress(progress, double(c + 1) / double(chunks), "kld");
  }
  report.overall = kldStatistics(all);
  if (options.keep_tokens) report.tokens = std::move(all);
  return report;
}

}  // namespace slmq::core
