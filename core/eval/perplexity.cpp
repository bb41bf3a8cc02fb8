// Chunked perplexity (see perplexity.h).
#include "core/eval/perplexity.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/common/compute_threads.h"
#include "core/common/error.h"
#include "core/io/mmap_file.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

double PerplexityResult::perplexity() const {
  if (n_predicted == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::exp(total_nll / double(n_predicted));
}

PerplexityResult evaluatePerplexity(const Model& model, const std::vector<int>& tokens,
                                    const PerplexityOptions& options) {
  const int len = options.seq_len;
  if (len < 2)
    throw Error(ErrorKind::InvalidInput,
                "perplexity: seq_len must be at least 2, got " + std::to_string(len));
  if (options.batch < 1 || options.max_chunks < 0)
    throw Error(ErrorKind::InvalidInput, "perplexity: batch must be >= 1 and max_chunks >= 0");
  std::size_t chunks = tokens.size() / std::size_t(len);
  if (chunks == 0)
    throw Error(ErrorKind::InvalidInput,
                "perplexity: the text has " + std::to_string(tokens.size()) +
                    " tokens, fewer than one chunk of " + std::to_string(len));
  if (options.max_chunks > 0) chunks = std::min(chunks, std::size_t(options.max_chunks));

  PerplexityResult r;
  r.seq_len = len;
  r.n_tokens = tokens.size();
  r.chunk_nll.reserve(chunks);
  reportProgress(options.progress, 0.0, "perplexity");
  for (std::size_t c0 = 0; c0 < chunks; c0 += std::size_t(options.batch)) {
    const int nb = int(std::min<std::size_t>(std::size_t(options.batch), chunks - c0));
    const std::vector<int> ids(
        tokens.begin() + std::ptrdiff_t(c0 * std::size_t(len)),
        tokens.begin() + std::ptrdiff_t((c0 + std::size_t(nb)) * std::size_t(len)));
    const MatrixRM logits = model.forward(ids, nb, options.hooks);  // [nb·len, vocab]
    const int vocab = int(logits.cols());
    // NLL of token t+1 given logits of position t: logsumexp(row) − row[target], in double.
    std::vector<double> nll(std::size_t(nb) * std::size_t(len - 1));
#pragma omp parallel for num_threads(computeThreads())
    for (int i = 0; i < nb * (len - 1); ++i) {
      const int b = i / (len - 1), t = i % (len - 1);
      const float* row = logits.row(Eigen::Index(b) * len + t).data();
      float mx = row[0];
      for (int v = 1; v < vocab; ++v) mx = std::max(mx, row[v]);
      double se = 0;
      for (int v = 0; v < vocab; ++v) se += std::exp(double(row[v]) - double(mx));
      const int target = ids[std::size_t(b) * std::size_t(len) + std::size_t(t) + 1];
      nll[std::size_t(i)] = double(mx) + std::log(se) - double(row[target]);
    }
    for (int b = 0; b < nb; ++b) {
      double s = 0;
      for (int t = 0; t < len - 1; ++t)
        s += nll[std::size_t(b) * std::size_t(len - 1) + std::size_t(t)];
      r.chunk_nll.push_back(s);
      r.total_nll += s;
    }
    reportProgress(options.progress, double(c0 + std::size_t(nb)) / double(chunks), "perplexity");
  }
  r.n_predicted = chunks * std::size_t(len - 1);
  return r;
}

PerplexityResult evaluatePerplexityFile(const Model& model, const std::filesystem::path& textFile,
                                        const PerplexityOptions& options) {
  if (!model.tokenizer())
    throw Error(ErrorKind::InvalidInput, "perplexity: the model has no tokenizer, so " +
                                             textFile.string() + " cannot be tokenised");
  const std::string text = readTextFile(textFile, 1ull << 30);
  const std::vector<int> tokens = model.tokenizer()->encode(text, true);
  return evaluatePerplexity(model, tokens, options);
}

}  // namespace slmq::core
