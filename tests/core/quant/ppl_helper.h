// Test helper for the quant model tests: summed next-token NLL of 512-token chunks, computed
// directly from Model::forward logits (log-softmax in double) by the convention of DESIGN.md and
// shared/assets/fixtures (tokens 1..L-1 of each non-overlapping chunk). Kept in the tests so that
// the quant tests do not depend on core/eval, which depends on core/quant.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

namespace slmq::test {

/// Summed NLL (nats) of each of the first `chunks` chunks of `len` tokens of `tokens`.
inline std::vector<double> chunkNll(const core::Model& model, const std::vector<int>& tokens,
                                    int chunks, int len = 512, core::ForwardHooks* hooks = nullptr,
                                    int batch = 4) {
  std::vector<double> out;
  for (int c0 = 0; c0 < chunks; c0 += batch) {
    const int nb = std::min(batch, chunks - c0);
    std::vector<int> ids(tokens.begin() + std::size_t(c0) * len,
                         tokens.begin() + std::size_t(c0 + nb) * len);
    const core::MatrixRM logits = model.forward(ids, nb, hooks);
    for (int b = 0; b < nb; ++b) {
      double nll = 0;
      for (int t = 0; t + 1 < len; ++t) {
        const auto row = logits.row(std::size_t(b) * len + t);
        const double mx = row.maxCoeff();
        double se = 0;
        for (int v = 0; v < row.size(); ++v) se += std::exp(double(row(v)) - mx);
        nll += mx + std::log(se) - double(row(ids[std::size_t(b) * len + t + 1]));
      }
      out.push_back(nll);
    }
  }
  return out;
}

/// exp(Σ nll / (chunks · (len − 1))).
inline double pplFromNll(const std::vector<double>& nll, int len = 512) {
  double s = 0;
  for (double v : nll) s += v;
  return std::exp(s / (double(nll.size()) * (len - 1)));
}

/// The fixture file of a reference model ("smol-ref", "qwen-ref").
inline core::SafetensorsFile fixture(const std::string& model) {
  return core::SafetensorsFile(asset("fixtures/" + model + "/reference.safetensors"));
}

/// Reference PPL of the first k chunks of `text` under `scheme` ("fp" or a fixture scheme).
inline double fixturePpl(const core::SafetensorsFile& f, const std::string& text,
                         const std::string& scheme, int k, int len = 512) {
  const std::vector<double> nll = f.readFloat64("chunk_nll." + text + "." + scheme);
  return pplFromNll(
      std::vector<double>(nll.begin(), nll.begin() + std::min<std::size_t>(k, nll.size())), len);
}

}  // namespace slmq::test
