// SLMQ track scores; see scores.h.
#include "core/eval/scores.h"

#include <cmath>

#include "core/common/error.h"

namespace slmq::core {

namespace {

void requirePositive(double v, const std::string& what) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw Error(ErrorKind::InvalidInput,
                "SLMQ score: " + what + " must be positive and finite, got " + std::to_string(v));
}

}  // namespace

double slmqPerf(const std::vector<PerfTerm>& terms) {
  if (terms.empty()) throw Error(ErrorKind::InvalidInput, "SLMQperf needs at least one task");
  double sum = 0.0;
  for (const auto& t : terms) {
    requirePositive(t.fp, t.name + " of the FP model");
    requirePositive(t.quantized, t.name + " of the quantized model");
    const double r = t.lower_is_better ? t.fp / t.quantized : t.quantized / t.fp;
    sum += r * r;
  }
  return 100.0 * std::sqrt(sum / double(terms.size()));
}

bool lowerIsBetterMetric(const std::string& name) {
  return name.find("ppl") != std::string::npos || name.find("perplexity") != std::string::npos;
}

std::vector<PerfTerm> perfTermsFromMetrics(const std::map<std::string, double>& fp,
                                           const std::map<std::string, double>& quantized,
                                           const std::vector<std::string>& names) {
  std::vector<PerfTerm> out;
  auto add = [&](const std::string& n) {
    auto a = fp.find(n);
    auto b = quantized.find(n);
    if (a == fp.end() || b == quantized.end())
      throw Error(ErrorKind::InvalidInput, "SLMQperf: metric \"" + n + "\" is missing from the " +
                                               (a == fp.end() ? "FP" : "quantized") + " run");
    out.push_back({n, a->second, b->second, lowerIsBetterMetric(n)});
  };
  if (!names.empty()) {
    for (const auto& n : names) add(n);
  } else {
    for (const auto& [n, v] : fp)
      if (quantized.count(n)) add(n);
  }
  return out;
}

double slmqInfer(const InferenceFigures& fp, const InferenceFigures& q) {
  requirePositive(fp.peak_memory_bytes, "peak memory of the FP model");
  requirePositive(q.peak_memory_bytes, "peak memory of the quantized model");
  requirePositive(fp.tokens_per_second, "tokens/s of the FP model");
  requirePositive(q.tokens_per_second, "tokens/s of the quantized model");
  requirePositive(fp.storage_bytes, "storage size of the FP model");
  requirePositive(q.storage_bytes, "storage size of the quantized model");
  const double m = fp.peak_memory_bytes / q.peak_memory_bytes;
  const double t = q.tokens_per_second / fp.tokens_per_second;
  const double s = fp.storage_bytes / q.storage_bytes;
  return 100.0 * std::sqrt((m * m + t * t + s * s) / 3.0);
}

double slmqCons(const QuantizationCost& reference, const QuantizationCost& method) {
  requirePositive(reference.seconds, "quantization time of the reference (RTN)");
  requirePositive(method.seconds, "quantization time of the method");
  requirePositive(reference.peak_memory_bytes, "quantization peak memory of the reference (RTN)");
  requirePositive(method.peak_memory_bytes, "quantization peak memory of the method");
  const double t = reference.seconds / method.seconds;
  const double m = reference.peak_memory_bytes / method.peak_memory_bytes;
  return 100.0 * std::sqrt((t * t + m * m) / 2.0);
}

}  // namespace slmq::core
