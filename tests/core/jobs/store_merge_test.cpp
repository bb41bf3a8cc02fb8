// Store merge: two stores with runs, results and parent links merge into a third without
// duplicates (the same store merged twice adds nothing), ids and parent links remapped, every
// result row carried over; a bad output or input is refused with a clear error.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/store/store.h"
#include "core/store/store_merge.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

/// A store with an FP run and a child run (with metrics, layer metrics and an artifact).
void fill(const std::filesystem::path& path, const std::string& tag, int extraModels) {
  Store s = Store::open(path);
  ModelRecord m;
  m.name = "smol-ref";
  m.path = "/models/smol-ref";
  const auto mid = s.upsertModel(m);
  for (int i = 0; i < extraModels; ++i) {
    ModelRecord x;
    x.name = tag + std::to_string(i);
    x.path = "/models/" + tag + std::to_string(i);
    s.upsertModel(x);
  }
  RunRecord fp;
  fp.model_id = mid;
  fp.name = "fp " + tag;
  fp.method = "fp";
  fp.spec_json = R"({"model":"/models/smol-ref","tag":")" + tag + R"("})";
  const auto fpId = s.createRun(fp);
  s.markRunning(fpId);
  RunResults r;
  r.metrics = {{"ppl", "wikitext2_test", 100.0, std::nullopt}};
  s.finishRun(fpId, r);
  RunRecord q = fp;
  q.name = "rtn " + tag;
  q.method = "rtn";
  q.w_bits = 4;
  q.parent_run_id = fpId;
  q.spec_json = R"({"model":"/models/smol-ref","q":")" + tag + R"("})";
  const auto qId = s.createRun(q);
  s.markRunning(qId);
  RunResults rq;
  rq.metrics = {{"ppl", "wikitext2_test", 110.0, 0.5}, {"slmq_perf", "", 90.9, std::nullopt}};
  rq.layer_metrics = {{0, "q_proj", 4, "dppl", 0.25}, {1, "down_proj", 4, "dppl", 0.5}};
  ArtifactRecord a;
  a.kind = "log";
  a.name = "notes.txt";
  a.data = {std::byte{'o'}, std::byte{'k'}};
  a.size_bytes = 2;
  rq.artifacts = {a};
  s.finishRun(qId, rq);
}

TEST(StoreMerge, MergesWithoutDuplicatesAndRemapsIds) {
  slmq::test::TempDir dir;
  fill(dir / "a.db", "a", 0);
  fill(dir / "b.db", "b", 2);
  const MergeSummary s = mergeStores({dir / "a.db", dir / "b.db", dir / "a.db"}, dir / "c.db");
  EXPECT_EQ(s.runs_copied, 4);
  EXPECT_EQ(s.runs_duplicate, 2);  // a.db the second time
  EXPECT_EQ(s.models_copied, 3);   // smol-ref once + b's two extra models
  EXPECT_EQ(s.result_rows, 2 * (1 + 2 + 2 + 1));

  Store c = Store::open(dir / "c.db");
  EXPECT_EQ(c.integrityCheck(), "ok");
  EXPECT_EQ(c.models().size(), 3u);
  const auto runs = c.runs();
  ASSERT_EQ(runs.size(), 4u);
  int children = 0;
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, RunStatus::Done);
    if (r.method != "rtn") continue;
    ++children;
    ASSERT_TRUE(r.parent_run_id) << r.name;
    const RunRecord p = c.run(*r.parent_run_id);
    EXPECT_EQ(p.method, "fp");
    EXPECT_EQ(p.name.back(), r.name.back()) << "parent of " << r.name << " is " << p.name;
    EXPECT_EQ(c.metrics(r.id).size(), 2u);
    EXPECT_EQ(c.layerMetrics(r.id).size(), 2u);
    const auto arts = c.artifacts(r.id, true);
    ASSERT_EQ(arts.size(), 1u);
    EXPECT_EQ(arts[0].data.size(), 2u);
  }
  EXPECT_EQ(children, 2);

  // Merging the merged store with one of its sources adds nothing.
  const MergeSummary again = mergeStores({dir / "c.db", dir / "b.db"}, dir / "d.db");
  EXPECT_EQ(again.runs_copied, 4);
  EXPECT_EQ(again.runs_duplicate, 2);
}

TEST(StoreMerge, RefusesAnExistingOutputAndMissingInputs) {
  slmq::test::TempDir dir;
  fill(dir / "a.db", "a", 0);
  EXPECT_THROW(mergeStores({dir / "a.db"}, dir / "a.db"), Error);
  try {
    mergeStores({dir / "a.db", dir / "missing.db"}, dir / "c.db");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.db"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "c.db"));
  slmq::test::writeFile(dir / "junk.db", "this is not sqlite");
  EXPECT_THROW(mergeStores({dir / "a.db", dir / "junk.db"}, dir / "c.db"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "c.db"));  // partial output removed
}

}  // namespace
