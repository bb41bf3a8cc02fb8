// Task loaders: item counts on the asset files, renderings identical to lm-evaluation-harness's
// (fixtures/task_subsets.json holds the harness's rendered first items), CSV quoting, and clear
// errors on malformed files.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/eval/tasks/task_file_readers.h"
#include "core/eval/tasks/task_loaders.h"
#include "tests/testlib/test_support.h"

using namespace slmq;
using core::Task;

namespace {

const nlohmann::json& subsets() {
  static const nlohmann::json j =
      nlohmann::json::parse(test::readFile(test::asset("fixtures/task_subsets.json")));
  return j;
}

const Task& cached(const std::string& name) {
  static std::map<std::string, Task> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, core::loadTaskByName(name)).first;
  return it->second;
}

void expectThrowsMentioning(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected an Error";
  } catch (const core::Error& e) {
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << " lacks " << p;
  }
}

}  // namespace

TEST(TaskLoaders, ItemCountsOfTheAssetFiles) {
  EXPECT_EQ(cached("arc_easy").items.size(), 2376u);
  EXPECT_EQ(cached("arc_challenge").items.size(), 1172u);
  EXPECT_EQ(cached("piqa").items.size(), 1838u);
  EXPECT_EQ(cached("hellaswag").items.size(), 10042u);
  EXPECT_EQ(cached("mmlu").items.size(), 14042u);
  EXPECT_EQ(cached("lambada").items.size(), 5153u);
  EXPECT_EQ(cached("winogrande").items.size(), 1267u);
  EXPECT_EQ(cached("boolq").items.size(), 3270u);
  EXPECT_EQ(cached("openbookqa").items.size(), 500u);
  EXPECT_EQ(cached("siqa").items.size(), 1954u);
  EXPECT_EQ(cached("copa").items.size(), 100u);
}

TEST(TaskLoaders, RenderingsMatchTheHarnessSubsets) {
  const auto s = subsets();
  for (const std::string name : {"arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande"}) {
    const auto& task = cached(name);
    const auto& ref = s.at(name);
    ASSERT_GE(task.items.size(), ref.size()) << name;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      const auto& item = task.items[i];
      const auto& r = ref[i];
      if (r.contains("contexts")) {
        EXPECT_EQ(item.contexts, r.at("contexts").get<std::vector<std::string>>())
            << name << " " << i;
        ASSERT_EQ(item.choices.size(), 1u);
        EXPECT_EQ(item.choices[0], r.at("continuation").get<std::string>()) << name << " " << i;
      } else {
        ASSERT_EQ(item.contexts.size(), 1u);
        EXPECT_EQ(item.contexts[0], r.at("context").get<std::string>()) << name << " " << i;
        EXPECT_EQ(item.choices, r.at("choices").get<std::vector<std::string>>())
            << name << " " << i;
      }
      EXPECT_EQ(item.gold, r.at("gold").get<int>()) << name << " " << i;
    }
  }
}

TEST(TaskLoaders, MmluZeroShotMatchesTheHarnessSubset) {
  // The subset holds the first 4 test items of each subject, subjects in alphabetical order.
  const auto& ref = subsets().at("mmlu");
  const auto& task = cached("mmlu");
  std::map<std::string, std::vector<const core::TaskItem*>> bySubject;
  for (const auto& item : task.items) bySubject[item.subject].push_back(&item);
  EXPECT_EQ(bySubject.size(), 57u);
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const std::string subject = ref[i].at("subject");
    const int k = seen[subject]++;
    ASSERT_LT(k, int(bySubject[subject].size()));
    const auto& item = *bySubject[subject][k];
    EXPECT_EQ(item.contexts[0], ref[i].at("context").get<std::string>()) << subject << " " << k;
    EXPECT_EQ(item.choices, ref[i].at("choices").get<std::vector<std::string>>());
    EXPECT_EQ(item.gold, ref[i].at("gold").get<int>()) << subject << " " << k;
  }
}

TEST(TaskLoaders, MmluFewShotUsesTheFirstDevExamples) {
  core::TaskLoadOptions opt;
  opt.mmlu_shots = 2;
  const Task t = core::loadTaskByName("mmlu", opt);
  ASSERT_EQ(t.items.size(), 14042u);
  const std::string& c = t.items[0].contexts[0];
  // abstract_algebra_dev.csv row 1: "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a
  // field.",0,1,2,3,B
  const std::string head =
      "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
      "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: "
      "B\n\n";
  EXPECT_EQ(c.substr(0, head.size()), head);
  // Two examples, then the 0-shot question (without its own header).
  const std::string zeroShot = cached("mmlu").items[0].contexts[0];
  const std::string question = zeroShot.substr(zeroShot.find("\n\n") + 2);
  EXPECT_EQ(c.substr(c.size() - question.size()), question);
  std::size_t answers = 0;
  for (std::size_t p = 0; (p = c.find("\nAnswer:", p)) != std::string::npos; ++p) ++answers;
  EXPECT_EQ(answers, 3u);
}

TEST(TaskLoaders, ArcNumericLabelsAndLambadaSplit) {
  // ARC-Challenge line 45 has labels "1".."4" and answerKey "2".
  const auto& arc = cached("arc_challenge");
  EXPECT_EQ(arc.items[44].gold, 1);
  EXPECT_EQ(arc.items[44].choices[1], "Kinetic energy increases and potential energy decreases.");
  for (const auto& it : arc.items) EXPECT_LT(it.gold, it.numChoices());
  const auto& lam = cached("lambada");
  EXPECT_EQ(lam.target_delimiter, "");
  const auto& first = lam.items[0];
  EXPECT_EQ(first.choices[0], " signs");
  EXPECT_EQ(first.contexts[0].substr(first.contexts[0].size() - 18), "I don't care about");
}

TEST(TaskFileReaders, CsvQuotingEmbeddedNewlinesAndQuotes) {
  const std::string text =
      "plain,\"with, comma\",\"with \"\"quote\"\"\"\r\n"
      "\"multi\nline\",,last\n"
      "\n"
      "x,y,z";
  const auto recs = core::parseCsv(text, "mem.csv");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"plain", "with, comma", "with \"quote\""}));
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"multi\nline", "", "last"}));
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(recs[2].line, 5);
}

TEST(TaskFileReaders, CsvErrorsNameFileAndLine) {
  expectThrowsMentioning([] { core::parseCsv("a,b\n\"open,c\n", "bad.csv"); },
                         {"bad.csv:2", "unterminated"});
  expectThrowsMentioning([] { core::parseCsv("a,\"b\"x\n", "bad.csv"); },
                         {"bad.csv:1", "closing quote"});
}

TEST(TaskFileReaders, PythonStripAndLength) {
  EXPECT_EQ(core::pythonStrip(" \t\xc2\xa0 hi there \n\xe3\x80\x80"), "hi there");
  EXPECT_EQ(core::pythonStrip("   "), "");
  EXPECT_EQ(core::utf8Length("caf\xc3\xa9"), 4u);
}

TEST(TaskLoaders, HellaswagPreprocessLikeTheHarness) {
  EXPECT_EQ(core::hellaswagPreprocess("  How to [title] do it [step] now  "), "How to. do it now");
  EXPECT_EQ(core::hellaswagPreprocess("a   b"), "a  b");  // Python's replace: one pass
}

TEST(TaskLoaders, MalformedFilesNameFileLineAndProblem) {
  test::TempDir dir;
  test::writeFile(
      dir / "arc.jsonl",
      "{\"question\":\"q\",\"choices\":{\"text\":[\"a\",\"b\"],\"label\":[\"A\",\"B\"]},"
      "\"answerKey\":\"A\"}\n{\"question\":\"q\",\"choices\":{\"text\":[\"a\"],\"label\":"
      "[\"A\",\"B\"]},\"answerKey\":\"A\"}\n");
  expectThrowsMentioning([&] { core::loadArc(dir / "arc.jsonl", "arc_easy"); },
                         {"arc.jsonl:2", "choices.label"});
  test::writeFile(dir / "trunc.jsonl", "{\"ctx\": \"abc\", \"endings\": [\"x\"");
  expectThrowsMentioning([&] { core::loadHellaswag(dir / "trunc.jsonl"); },
                         {"trunc.jsonl:1", "malformed JSON"});
  test::writeFile(dir / "gold.jsonl", "{\"query\":\"q\",\"choices\":[\"a\",\"b\"],\"gold\":7}\n");
  expectThrowsMentioning([&] { core::loadMosaicMultipleChoice(dir / "gold.jsonl", "copa"); },
                         {"gold.jsonl:1", "gold answer 7"});
  test::writeFile(dir / "v.jsonl", "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\"}\n");
  test::writeFile(dir / "l.lst", "0\n1\n");
  expectThrowsMentioning([&] { core::loadPiqa(dir / "v.jsonl", dir / "l.lst"); },
                         {"l.lst", "2 labels", "1 items"});
  std::filesystem::create_directories(dir.path() / "mmlu");
  test::writeFile(dir.path() / "mmlu" / "x_test.csv", "q,a,b,c,d,E\n");
  expectThrowsMentioning([&] { core::loadMmlu(dir.path() / "mmlu", dir.path() / "mmlu"); },
                         {"x_test.csv:1", "answer must be"});
  test::writeFile(dir.path() / "mmlu" / "x_test.csv", "q,a,b,c,A\n");
  expectThrowsMentioning([&] { core::loadMmlu(dir.path() / "mmlu", dir.path() / "mmlu"); },
                         {"x_test.csv:1", "6 CSV fields"});
  expectThrowsMentioning([] { core::loadTaskByName("nope"); }, {"unknown task", "arc_easy"});
  expectThrowsMentioning([&] { core::loadLambada(dir / "missing.jsonl"); }, {"missing.jsonl"});
}
