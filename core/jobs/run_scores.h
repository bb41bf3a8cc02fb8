// SLMQ track scores of a run from its metrics and those of its FP parent (and, for the
// consumption track, an RTN reference run): which stored metrics feed which formula of
// core/eval/scores.h. Pure functions plus one store lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/jobs/experiment_spec.h"
#include "core/store/records.h"

namespace slmq::core {

class Store;

/// Scores (metrics "slmq_perf", "slmq_infer", "slmq_cons", dataset "") of a run with metrics
/// `run` against its FP parent's `parent`:
///   slmq_perf:  SLMQperf over "ppl"/<text> (inverted) and, per task, "acc_norm"/<task> (or "acc"
///               where the task has no acc_norm) present in both with positive values;
///   slmq_infer: SLMQinfer from "bench_peak_rss_bytes" (M), "decode_tokens_per_s" (TPS, or
///               "prefill_tokens_per_s" when no decode was measured) and "storage_bytes" (S);
///   slmq_cons:  SLMQcons from "quant_wall_seconds" (T) and "quant_peak_rss_bytes" (M) against
///               `rtn_reference` (null = not computed).
/// A score whose inputs are missing is left out. Never throws for missing data.
std::vector<MetricRecord> slmqScores(const std::vector<MetricRecord>& run,
                                     const std::vector<MetricRecord>& parent,
                                     const std::vector<MetricRecord>* rtn_reference);

/// The RTN reference run of `spec` for the consumption track: `self` when the spec's pipeline is
/// just "rtn" (and self != 0), else the newest done "rtn" run of the same model with the same
/// quantization JSON. std::nullopt when there is none.
std::optional<std::int64_t> findRtnReference(Store& store, const ExperimentSpec& spec,
                                             std::int64_t self);

/// The SLMQ scores of quantized run `run` (its parsed spec `spec`) whose metrics are `own`
/// (stored, or stored with results about to be added): against its FP parent's stored metrics,
/// and for SLMQcons the RTN reference's (findRtnReference; `own` when that is the run itself).
/// Empty when the run has no parent.
std::vector<MetricRecord> quantizedRunScores(Store& store, const RunRecord& run,
                                             const ExperimentSpec& spec,
                                             const std::vector<MetricRecord>& own);

}  // namespace slmq::core
