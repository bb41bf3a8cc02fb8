// The full sensitivity grid on smol-ref (8 blocks × 7 modules × W2/W3/W4/W8) with a modest
// budget (4 × 256 tokens of wikitext2_valid, mean KLD), stored to a temporary store and read
// back; then the allocator at 3.5 average bits from it, evaluated on c4_heldout500 (first 8
// chunks of 512) against uniform W3 and W4 with the same quantizer (g128 asym, RTN).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/analysis_store.h"
#include "core/analysis/mixed_precision.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/testlib/test_support.h"

using namespace slmq;

TEST(MixedPrecisionSlow, FullGridStoredThenAllocatorBetweenUniformW3AndW4) {
  auto model = core::Model::load(test::asset("models/smol-ref"));
  const auto calib = model->tokenizer()->encode(
      test::readFile(test::asset("text/wikitext2_valid.txt")).substr(0, 60000), false);
  core::SensitivityOptions o;
  o.settings = core::parseSensitivitySettings("w2,w3,w4,w8");
  o.metric = core::SensitivityMetric::Kld;
  o.seq_len = 256;
  o.chunks = 4;
  o.threads = 2;

  test::TempDir dir;
  auto store = core::Store::open(dir / "ws.db");
  const std::string path = test::asset("models/smol-ref").string();
  const auto runId = core::beginAnalysisRun(*&store, *model, path, "sensitivity", "grid",
                                            core::sensitivitySpecJson(path, o, "wikitext2_valid"));
  core::SensitivityResult scan;
  core::completeAnalysisRun(store, runId, [&] {
    scan = core::measureSensitivity(*model, calib, o);
    return core::sensitivityRunResults(scan, "wikitext2_valid");
  });
  std::printf("full grid (224 units, 4 × 256 tokens, kld): %.1f s wall, %d threads\n",
              scan.wall_seconds, scan.threads);
  ASSERT_EQ(scan.entries.size(), 224u);
  EXPECT_EQ(store.layerMetrics(runId, "kld").size(), 224u);
  EXPECT_EQ(store.layerMetrics(runId, "kld", 2).size(), 56u);
  EXPECT_EQ(store.run(runId).status, core::RunStatus::Done);
  const auto back = core::loadSensitivityRun(store, runId);
  ASSERT_EQ(back.entries.size(), scan.entries.size());
  EXPECT_DOUBLE_EQ(back.entries[17].value, scan.entries[17].value);
  // Most and least sensitive units at W2 and W3 (for the notes).
  for (int s : {0, 1}) {
    std::vector<core::SensitivityEntry> v;
    for (const auto& e : scan.entries)
      if (e.setting == s) v.push_back(e);
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.value > b.value; });
    std::printf("%s most sensitive:", scan.settings[std::size_t(s)].name.c_str());
    for (int i = 0; i < 6; ++i)
      std::printf(" b%d.%s %.4f", v[std::size_t(i)].block,
                  core::moduleName(v[std::size_t(i)].module), v[std::size_t(i)].value);
    std::printf("\n%s least sensitive:", scan.settings[std::size_t(s)].name.c_str());
    for (std::size_t i = v.size() - 6; i < v.size(); ++i)
      std::printf(" b%d.%s %.5f", v[i].block, core::moduleName(v[i].module), v[i].value);
    std::printf("\n");
  }
  // More bits, less damage, for every unit's summed KLD over the grid.
  double sum[4] = {0, 0, 0, 0};
  for (const auto& e : scan.entries) sum[e.setting] += e.value;
  EXPECT_GT(sum[0], sum[1]);
  EXPECT_GT(sum[1], sum[2]);
  EXPECT_GT(sum[2], sum[3]);

  core::AllocationOptions ao;
  ao.avg_bits = 3.5;
  const auto alloc = core::allocateBits(core::allocationUnits(*model, back, ao.bits), ao);
  EXPECT_LE(alloc.avg_bits, 3.5 + 1e-12);
  const auto c4 =
      model->tokenizer()->encode(test::readFile(test::asset("text/c4_heldout500.txt")), false);
  const double pA = core::rtnPerplexity(*model, alloc.spec, c4, 512, 8);
  const double p3 = core::rtnPerplexity(*model, core::uniformSpec(3, ao), c4, 512, 8);
  const double p4 = core::rtnPerplexity(*model, core::uniformSpec(4, ao), c4, 512, 8);
  const double pF = core::rtnPerplexity(*model, core::QuantSpec{}, c4, 512, 8);
  std::string hist;
  for (const auto& [b, n] : alloc.histogram)
    hist += " W" + std::to_string(b) + "×" + std::to_string(n);
  std::printf(
      "c4_heldout500 (8 × 512): FP %.3f, uniform W4 %.3f, allocation %.4f bits %.3f "
      "(%s), uniform W3 %.3f\n",
      pF, p4, alloc.avg_bits, pA, hist.c_str(), p3);
  EXPECT_LT(pA, p3);
  EXPECT_GE(pA, p4 * (1 - 1e-3));
}
