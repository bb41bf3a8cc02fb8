// The default demo study on smol-ref (shared assets): enough real runs for every GUI view within
// minutes on 2 cores — an FP baseline, RTN W8A8, SmoothQuant+RTN W8A8, RTN W4A16 and GPTQ W4A16
// g128, each with bounded perplexity (c4_heldout500, wikitext2_test), a short task subset, KLD vs
// FP and the inference bench, plus a per-layer sensitivity grid (ΔPPL at W8/W4/W3) on the FP model.
#pragma once

#include <string>
#include <vector>

#include "core/jobs/experiment_spec.h"

namespace slmq::core {

/// Budget knobs of the demo (defaults: a few minutes on the 2-core development machine).
struct DemoOptions {
  std::string model = "models/smol-ref";  ///< model path or asset
  int ppl_chunks = 8;                     ///< chunks of 256 tokens per perplexity text
  int task_limit = 50;      ///< items per task (arc_easy, arc_challenge, piqa, hellaswag)
  int kld_chunks = 4;       ///< chunks of 256 tokens for KLD
  int calib_samples = 32;   ///< calibration windows of 256 tokens
  bool sensitivity = true;  ///< include the sensitivity-grid run
};

/// The demo's specs in run order: the sensitivity run (FP model, analyses only), the FP
/// baseline (the parent every quantized run finds), RTN W8A8, SmoothQuant+RTN W8A8, RTN W4A16
/// g128 (GPTQ's consumption-track reference) and GPTQ W4A16 g128.
std::vector<ExperimentSpec> demoStudySpecs(const DemoOptions& options = {});

}  // namespace slmq::core
