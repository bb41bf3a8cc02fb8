// The task fixtures of the scoring tests (tests/core/eval/task_metrics_test.cpp,
// task_scoring_model_test.cpp): the subsets of fixtures/task_subsets.json as Tasks, each with
// transformers' and lm-evaluation-harness's reference for a model from
// fixtures/<model>/tasks.json. Header-only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/tasks/task_types.h"
#include "tests/testlib/test_support.h"

namespace slmq::test {

/// One task subset and a model's reference on it.
struct TaskFixture {
  core::Task task;           ///< the subset's items (name = the subset's name)
  nlohmann::json reference;  ///< tasks.json "tasks"[name]: n, acc, acc_norm and items[] with
                             ///< ll, n_tokens, is_greedy, choice_chars, gold per item
};

/// A model's task fixtures.
struct TaskFixtures {
  nlohmann::json file;             ///< the whole of fixtures/<model>/tasks.json (max_length, ...)
  std::vector<TaskFixture> tasks;  ///< every task of the file, in the file's (sorted) key order
};

/// The Task of a subset: `items` is task_subsets.json[name] (multiple choice: context, choices,
/// gold; or several contexts with one continuation, as Winogrande's partial scoring).
inline core::Task subsetTask(const nlohmann::json& items, const std::string& name) {
  core::Task t;
  t.name = name;
  for (const auto& r : items) {
    core::TaskItem it;
    if (r.contains("contexts")) {
      it.contexts = r.at("contexts").get<std::vector<std::string>>();
      it.choices = {r.at("continuation").get<std::string>()};
    } else {
      it.contexts = {r.at("context").get<std::string>()};
      it.choices = r.at("choices").get<std::vector<std::string>>();
    }
    it.gold = r.at("gold");
    t.items.push_back(it);
  }
  return t;
}

/// Reads fixtures/task_subsets.json and fixtures/<model>/tasks.json ("smol-ref", "qwen-ref").
/// Fails the test (asset()) if a file is missing; throws nlohmann::json errors if one is malformed.
inline TaskFixtures loadTaskFixtures(const std::string& model) {
  const auto subsets = nlohmann::json::parse(readFile(asset("fixtures/task_subsets.json")));
  TaskFixtures f;
  f.file = nlohmann::json::parse(readFile(asset("fixtures/" + model + "/tasks.json")));
  for (const auto& [name, ref] : f.file.at("tasks").items())
    f.tasks.push_back({subsetTask(subsets.at(name), name), ref});
  return f;
}

}  // namespace slmq::test
