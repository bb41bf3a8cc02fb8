// demoStudySpecs (see demo_study.h).
#include "core/jobs/demo_study.h"

#include "core/jobs/runner.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

std::vector<ExperimentSpec> demoStudySpecs(const DemoOptions& o) {
  EvaluationSpec ev;
  ev.perplexity =
      PerplexityEval{{"text/c4_heldout500.txt", "text/wikitext2_test.txt"}, 256, o.ppl_chunks};
  for (const char* t : {"arc_easy", "arc_challenge", "piqa", "hellaswag"})
    ev.tasks.push_back({t, o.task_limit});
  ev.kld = KldEval{"text/wikitext2_test.txt", 256, o.kld_chunks};
  ev.bench = BenchEval{128, 32, 2};

  ExperimentSpec q;
  q.model = o.model;
  q.evaluations = ev;
  q.calibration = CalibrationSpec{"text/c4_heldout500.txt", o.calib_samples, 256, 0};

  std::vector<ExperimentSpec> out;
  if (o.sensitivity) {
    ExperimentSpec s;
    s.name = "FP sensitivity smol-ref";
    s.model = o.model;
    SensitivitySpec ss;
    ss.metric = "dppl";
    ss.bits = {8, 4, 3};
    ss.text = "text/wikitext2_valid.txt";
    ss.seq_len = 256;
    ss.max_chunks = 4;
    s.analyses.sensitivity = ss;
    out.push_back(s);
  }
  out.push_back(fpParentSpec(q));

  ExperimentSpec rtn = q;
  rtn.calibration.reset();  // RTN needs no calibration
  rtn.methods = {{"rtn", nlohmann::json::object()}};
  rtn.quant = QuantSpec::parse("w8a8").toJson();
  out.push_back(rtn);

  ExperimentSpec sq = q;
  sq.methods = {{"smoothquant", {{"alpha", 0.5}}}, {"rtn", nlohmann::json::object()}};
  sq.quant = QuantSpec::parse("w8a8").toJson();
  out.push_back(sq);

  // RTN W4A16 g128: GPTQ's baseline and its consumption-track reference (run before it).
  ExperimentSpec rtn4 = rtn;
  rtn4.quant = QuantSpec::parse("w4a16 g128").toJson();
  out.push_back(rtn4);

  ExperimentSpec gptq = q;
  gptq.methods = {{"gptq", nlohmann::json::object()}};
  gptq.quant = rtn4.quant;
  out.push_back(gptq);
  return out;
}

}  // namespace slmq::core
