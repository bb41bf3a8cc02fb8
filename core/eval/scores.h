// The paper's three track scores (DESIGN.md), each ×100 and higher-is-better:
//   SLMQperf  = 100·sqrt(1/N Σ_i (A_i^c / A_i)²)            over tasks; perplexity enters inverted
//                                                            as PPL / PPL^c
//   SLMQinfer = 100·sqrt(1/3 ((M/M^c)² + (TPS^c/TPS)² + (S/S^c)²))
//   SLMQcons  = 100·sqrt(1/2 ((T_ref/T)² + (M_ref/M)²))      reference = RTN on the same model; the
//                                                            paper's formula was not available,
//                                                            this is ours in the same form (say
//                                                            so).
// Superscript c = the compressed (quantized) model; unmarked = the FP parent.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace slmq::core {

/// One task's figure for the FP parent and the quantized model.
struct PerfTerm {
  std::string name;              ///< e.g. "arc_easy/acc_norm", "wikitext2/ppl"
  double fp = 0.0;               ///< A_i (or PPL)
  double quantized = 0.0;        ///< A_i^c (or PPL^c)
  bool lower_is_better = false;  ///< perplexity: the ratio is inverted
};

/// SLMQperf over `terms` (×100). Throws Error(InvalidInput) if empty or a value is not positive
/// and finite (naming the term).
double slmqPerf(const std::vector<PerfTerm>& terms);

/// True for metric names that are better when lower (containing "ppl" or "perplexity").
bool lowerIsBetterMetric(const std::string& name);

/// Builds the terms from two metric maps (name -> value), using every name present in both
/// (or only `names` if given); perplexity-like names (lowerIsBetterMetric) are inverted.
std::vector<PerfTerm> perfTermsFromMetrics(const std::map<std::string, double>& fp,
                                           const std::map<std::string, double>& quantized,
                                           const std::vector<std::string>& names = {});

/// Inference-track figures of one model.
struct InferenceFigures {
  double peak_memory_bytes = 0.0;  ///< M: peak resident memory during inference
  double tokens_per_second = 0.0;  ///< TPS (the caller states which: decode or prefill)
  double storage_bytes = 0.0;      ///< S: size of the stored (packed) model
};

/// SLMQinfer (×100) of `quantized` against `fp`. Throws Error(InvalidInput) for a figure that is
/// not positive and finite.
double slmqInfer(const InferenceFigures& fp, const InferenceFigures& quantized);

/// Cost of quantizing (consumption track).
struct QuantizationCost {
  double seconds = 0.0;            ///< T: wall time of calibration + quantization
  double peak_memory_bytes = 0.0;  ///< M: peak resident memory while quantizing
};

/// SLMQcons (×100) of `method` against `reference` (RTN on the same model). Our formula, in the
/// form of the other two; the paper's was not available. Throws like slmqInfer.
double slmqCons(const QuantizationCost& reference, const QuantizationCost& method);

}  // namespace slmq::core
