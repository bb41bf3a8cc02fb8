// Test data shared by the sweep tests: one hand-written grid (2 models × 4 methods × 3 settings,
// an FP method, a pipeline and a method with parameters) as a JSON sweep file.
#pragma once

namespace slmq::test {

inline const char* const kSweepGridJson = R"({
  "version": 1,
  "base": {"evaluations": {"perplexity": {"texts": ["wikitext2_test.txt"], "max_chunks": 2}},
           "calibration": {"file": "text/c4_heldout500.txt", "n_samples": 8, "seq_len": 128}},
  "models": ["models/smol-ref", "models/qwen-ref"],
  "methods": ["fp", "rtn", "smoothquant,rtn", [{"name": "gptq", "params": {"damp": 0.02}}]],
  "settings": ["w8a8", "w4a16 g128", {"weight": {"bits": 3}}]
})";

}  // namespace slmq::test
