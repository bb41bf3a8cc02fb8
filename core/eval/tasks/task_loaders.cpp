// Task loaders and lm-evaluation-harness renderings; see task_loaders.h.
#include "core/eval/tasks/task_loaders.h"

#include <algorithm>
#include <map>

#include "core/common/assets.h"
#include "core/common/error.h"
#include "core/eval/tasks/task_file_readers.h"

namespace slmq::core {

namespace {

std::string where(const std::filesystem::path& file, int line) {
  return file.string() + ":" + std::to_string(line) + ": ";
}

void checkGold(int gold, int n, const std::filesystem::path& file, int line) {
  if (gold < 0 || gold >= n)
    throw Error(ErrorKind::InvalidInput, where(file, line) + "gold answer " + std::to_string(gold) +
                                             " is not one of the " + std::to_string(n) +
                                             " choices");
}

void requireChoices(std::size_t n, const std::filesystem::path& file, int line) {
  if (n < 1 || n > 100)
    throw Error(ErrorKind::InvalidInput,
                where(file, line) + "an item needs 1 to 100 choices, it has " + std::to_string(n));
}

}  // namespace

Task loadArc(const std::filesystem::path& jsonl, const std::string& name) {
  Task task;
  task.name = name;
  for (const auto& jl : readJsonLines(jsonl)) {
    const auto& v = jl.value;
    auto ch = v.find("choices");
    if (ch == v.end() || !ch->is_object())
      throw Error(ErrorKind::InvalidInput, where(jsonl, jl.line) + "missing object \"choices\"");
    TaskItem item;
    item.contexts = {"Question: " + jsonString(v, "question", jsonl, jl.line) + "\nAnswer:"};
    item.choices = jsonStringArray(*ch, "text", jsonl, jl.line);
    const auto labels = jsonStringArray(*ch, "label", jsonl, jl.line);
    requireChoices(item.choices.size(), jsonl, jl.line);
    if (labels.size() != item.choices.size())
      throw Error(ErrorKind::InvalidInput,
                  where(jsonl, jl.line) + "choices.label has " + std::to_string(labels.size()) +
                      " entries but " + "choices.text has " + std::to_string(item.choices.size()));
    const std::string key = jsonString(v, "answerKey", jsonl, jl.line);
    auto it = std::find(labels.begin(), labels.end(), key);
    if (it == labels.end())
      throw Error(ErrorKind::InvalidInput,
                  where(jsonl, jl.line) + "answerKey \"" + key + "\" is not among the labels");
    item.gold = int(it - labels.begin());
    task.items.push_back(std::move(item));
  }
  return task;
}

Task loadPiqa(const std::filesystem::path& jsonl, const std::filesystem::path& labels) {
  Task task;
  task.name = "piqa";
  const auto lines = readJsonLines(jsonl);
  const std::string labelText = readTaskFile(labels);
  std::vector<int> golds;
  std::size_t pos = 0;
  int line = 0;
  while (pos < labelText.size()) {
    ++line;
    std::size_t end = labelText.find('\n', pos);
    if (end == std::string::npos) end = labelText.size();
    std::string s = labelText.substr(pos, end - pos);
    pos = end + 1;
    s = pythonStrip(s);
    if (s.empty()) continue;
    if (s != "0" && s != "1")
      throw Error(
          ErrorKind::InvalidInput,
          where(labels, line) + "expected a label 0 or 1, found \"" + s.substr(0, 20) + "\"");
    golds.push_back(s[0] - '0');
  }
  if (golds.size() != lines.size())
    throw Error(ErrorKind::InvalidInput, labels.string() + " has " + std::to_string(golds.size()) +
                                             " labels but " + jsonl.string() + " has " +
                                             std::to_string(lines.size()) + " items");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& jl = lines[i];
    TaskItem item;
    item.contexts = {"Question: " + jsonString(jl.value, "goal", jsonl, jl.line) + "\nAnswer:"};
    item.choices = {jsonString(jl.value, "sol1", jsonl, jl.line),
                    jsonString(jl.value, "sol2", jsonl, jl.line)};
    item.gold = golds[i];
    task.items.push_back(std::move(item));
  }
  return task;
}

std::string hellaswagPreprocess(const std::string& text) {
  std::string t = pythonStrip(text);
  // t.replace(" [title]", ". ")
  {
    std::string out;
    std::size_t p = 0;
    while (true) {
      const std::size_t q = t.find(" [title]", p);
      if (q == std::string::npos) {
        out.append(t, p, std::string::npos);
        break;
      }
      out.append(t, p, q - p);
      out += ". ";
      p = q + 8;
    }
    t = std::move(out);
  }
  // re.sub("\[.*?\]", "", t): shortest bracketed span, '.' not matching a newline.
  {
    std::string out;
    std::size_t p = 0;
    while (p < t.size()) {
      if (t[p] == '[') {
        std::size_t q = p + 1;
        while (q < t.size() && t[q] != ']' && t[q] != '\n') ++q;
        if (q < t.size() && t[q] == ']') {
          p = q + 1;
          continue;
        }
      }
      out.push_back(t[p++]);
    }
    t = std::move(out);
  }
  // t.replace("  ", " "): one left-to-right pass over non-overlapping pairs.
  {
    std::string out;
    std::size_t p = 0;
    while (p < t.size()) {
      if (t[p] == ' ' && p + 1 < t.size() && t[p + 1] == ' ') {
        out.push_back(' ');
        p += 2;
      } else {
        out.push_back(t[p++]);
      }
    }
    t = std::move(out);
  }
  return t;
}

Task loadHellaswag(const std::filesystem::path& jsonl) {
  Task task;
  task.name = "hellaswag";
  for (const auto& jl : readJsonLines(jsonl)) {
    const auto& v = jl.value;
    TaskItem item;
    item.contexts = {hellaswagPreprocess(jsonString(v, "activity_label", jsonl, jl.line) + ": " +
                                         jsonString(v, "ctx", jsonl, jl.line))};
    for (const auto& e : jsonStringArray(v, "endings", jsonl, jl.line))
      item.choices.push_back(hellaswagPreprocess(e));
    requireChoices(item.choices.size(), jsonl, jl.line);
    item.gold = jsonInt(v, "label", jsonl, jl.line);
    checkGold(item.gold, int(item.choices.size()), jsonl, jl.line);
    task.items.push_back(std::move(item));
  }
  return task;
}

namespace {

std::string mmluQuestion(const CsvRecord& r) {
  return pythonStrip(r.fields[0]) + "\nA. " + r.fields[1] + "\nB. " + r.fields[2] + "\nC. " +
         r.fields[3] + "\nD. " + r.fields[4] + "\nAnswer:";
}

int mmluAnswer(const CsvRecord& r, const std::filesystem::path& file) {
  const std::string a = pythonStrip(r.fields[5]);
  if (a.size() != 1 || a[0] < 'A' || a[0] > 'D')
    throw Error(
        ErrorKind::InvalidInput,
        where(file, r.line) + "answer must be A, B, C or D, found \"" + a.substr(0, 20) + "\"");
  return a[0] - 'A';
}

std::vector<CsvRecord> readMmluCsv(const std::filesystem::path& file) {
  auto records = parseCsv(readTaskFile(file), file);
  for (const auto& r : records)
    if (r.fields.size() != 6)
      throw Error(ErrorKind::InvalidInput, where(file, r.line) + "expected 6 CSV fields " +
                                               "(question, A, B, C, D, answer), found " +
                                               std::to_string(r.fields.size()));
  return records;
}

}  // namespace

Task loadMmlu(const std::filesystem::path& testDir, const std::filesystem::path& devDir,
              int shots) {
  if (shots < 0 || shots > 5)
    throw Error(ErrorKind::InvalidInput,
                "MMLU shots must be 0 to 5 (the dev split has 5 per subject), got " +
                    std::to_string(shots));
  std::vector<std::string> subjects;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(testDir, ec)) {
    const std::string fn = entry.path().filename().string();
    const std::string suffix = "_test.csv";
    if (fn.size() > suffix.size() &&
        fn.compare(fn.size() - suffix.size(), suffix.size(), suffix) == 0)
      subjects.push_back(fn.substr(0, fn.size() - suffix.size()));
  }
  if (ec)
    throw Error(ErrorKind::NotFound,
                "cannot list MMLU folder " + testDir.string() + ": " + ec.message());
  if (subjects.empty())
    throw Error(ErrorKind::NotFound, "no *_test.csv files in MMLU folder " + testDir.string());
  std::sort(subjects.begin(), subjects.end());

  Task task;
  task.name = "mmlu";
  for (const auto& subject : subjects) {
    std::string readable = subject;
    std::replace(readable.begin(), readable.end(), '_', ' ');
    std::string prefix =
        "The following are multiple choice questions (with answers) about " + readable + ".\n\n";
    if (shots > 0) {
      const auto devFile = devDir / (subject + "_dev.csv");
      const auto dev = readMmluCsv(devFile);
      if (int(dev.size()) < shots)
        throw Error(ErrorKind::InvalidInput,
                    devFile.string() + " has " + std::to_string(dev.size()) +
                        " examples, fewer than " + std::to_string(shots) + " shots");
      for (int k = 0; k < shots; ++k)
        prefix += mmluQuestion(dev[k]) + " " +
                  std::string(1, char('A' + mmluAnswer(dev[k], devFile))) + "\n\n";
    }
    const auto testFile = testDir / (subject + "_test.csv");
    for (const auto& r : readMmluCsv(testFile)) {
      TaskItem item;
      item.contexts = {prefix + mmluQuestion(r)};
      item.choices = {"A", "B", "C", "D"};
      item.gold = mmluAnswer(r, testFile);
      item.subject = subject;
      task.items.push_back(std::move(item));
    }
  }
  return task;
}

Task loadMosaicMultipleChoice(const std::filesystem::path& jsonl, const std::string& name,
                              const std::string& queryDelimiter) {
  Task task;
  task.name = name;
  for (const auto& jl : readJsonLines(jsonl)) {
    const auto& v = jl.value;
    TaskItem item;
    if (v.contains("context_options")) {
      item.contexts = jsonStringArray(v, "context_options", jsonl, jl.line);
      item.choices = {jsonString(v, "continuation", jsonl, jl.line)};
      requireChoices(item.contexts.size(), jsonl, jl.line);
      if (item.contexts.size() < 2)
        throw Error(ErrorKind::InvalidInput,
                    where(jsonl, jl.line) + "context_options needs at least 2 options");
    } else {
      item.contexts = {jsonString(v, "query", jsonl, jl.line) + queryDelimiter};
      item.choices = jsonStringArray(v, "choices", jsonl, jl.line);
      requireChoices(item.choices.size(), jsonl, jl.line);
    }
    item.gold = jsonInt(v, "gold", jsonl, jl.line);
    checkGold(item.gold, item.numChoices(), jsonl, jl.line);
    task.items.push_back(std::move(item));
  }
  return task;
}

Task loadLambada(const std::filesystem::path& jsonl) {
  Task task;
  task.name = "lambada";
  task.kind = TaskKind::LastWord;
  task.target_delimiter = "";
  for (const auto& jl : readJsonLines(jsonl)) {
    const std::string text = jsonString(jl.value, "text", jsonl, jl.line);
    const std::size_t sp = text.rfind(' ');
    TaskItem item;
    // " ".join(text.split(" ")[:-1]) and " " + text.split(" ")[-1]
    if (sp == std::string::npos) {
      item.contexts = {""};
      item.choices = {" " + text};
    } else {
      item.contexts = {text.substr(0, sp)};
      item.choices = {text.substr(sp)};
    }
    if (item.choices[0].size() < 2)
      throw Error(ErrorKind::InvalidInput,
                  where(jsonl, jl.line) + "text ends with a space: no last word");
    item.gold = 0;
    task.items.push_back(std::move(item));
  }
  return task;
}

const std::vector<std::string>& loadableTaskNames() {
  static const std::vector<std::string> names = {
      "arc_easy", "arc_challenge", "piqa", "hellaswag", "mmlu",   "winogrande",
      "boolq",    "openbookqa",    "siqa", "copa",      "lambada"};
  return names;
}

Task loadTaskByName(const std::string& name, const TaskLoadOptions& options) {
  const std::filesystem::path dir =
      options.tasks_dir.empty() ? assetPath("tasks") : options.tasks_dir;
  if (name == "arc_easy") return loadArc(dir / "arc/ARC-Easy-test.jsonl", name);
  if (name == "arc_challenge") return loadArc(dir / "arc/ARC-Challenge-test.jsonl", name);
  if (name == "piqa") return loadPiqa(dir / "piqa/valid.jsonl", dir / "piqa/valid-labels.lst");
  if (name == "hellaswag") return loadHellaswag(dir / "hellaswag/hellaswag_val.jsonl");
  if (name == "mmlu") return loadMmlu(dir / "mmlu/test", dir / "mmlu/dev", options.mmlu_shots);
  if (name == "winogrande")
    return loadMosaicMultipleChoice(dir / "llmfoundry/winogrande.jsonl", name);
  // llm-foundry's tasks yaml gives BoolQ the continuation delimiter "\nAnswer: "; its trailing
  // space becomes the target delimiter.
  if (name == "boolq")
    return loadMosaicMultipleChoice(dir / "llmfoundry/boolq.jsonl", name, "\nAnswer:");
  if (name == "openbookqa")
    return loadMosaicMultipleChoice(dir / "llmfoundry/openbook_qa.jsonl", name);
  if (name == "siqa") return loadMosaicMultipleChoice(dir / "llmfoundry/siqa.jsonl", name);
  if (name == "copa") return loadMosaicMultipleChoice(dir / "llmfoundry/copa.jsonl", name);
  if (name == "lambada") return loadLambada(dir / "lambada/lambada_test.jsonl");
  std::string known;
  for (const auto& n : loadableTaskNames()) known += (known.empty() ? "" : ", ") + n;
  throw Error(ErrorKind::InvalidInput, "unknown task \"" + name + "\"; known tasks: " + known);
}

}  // namespace slmq::core
