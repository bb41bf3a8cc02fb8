// Zero-shot task data as lm-evaluation-harness renders it: items with their context(s), choices and
// gold answer, ready to become (context, continuation) log-likelihood requests.
#pragma once

#include <string>
#include <vector>

namespace slmq::core {

/// How a task is scored.
enum class TaskKind {
  MultipleChoice,  ///< acc / acc_norm over the choices' summed log-likelihoods
  LastWord,        ///< LAMBADA: greedy accuracy and perplexity of one target continuation
};

/// One rendered item. Two shapes, as in lm-evaluation-harness:
/// - ordinary: one context shared by all choices (`contexts.size() == 1`, `choices.size() == n`);
/// - partial scoring (WinoGrande): one context per option and one shared continuation
///   (`contexts.size() == n`, `choices.size() == 1`).
/// Choices are stored without the target delimiter; the request adds it.
struct TaskItem {
  std::vector<std::string> contexts;
  std::vector<std::string> choices;
  int gold = 0;         ///< index of the correct choice (LastWord: 0)
  std::string subject;  ///< MMLU subject, else empty

  int numChoices() const { return int(contexts.size() > 1 ? contexts.size() : choices.size()); }
  const std::string& context(int i) const {
    return contexts.size() > 1 ? contexts.at(i) : contexts.at(0);
  }
  const std::string& choice(int i) const {
    return choices.size() > 1 ? choices.at(i) : choices.at(0);
  }
};

/// A loaded task.
struct Task {
  std::string name;  ///< "arc_easy", "mmlu", ...
  TaskKind kind = TaskKind::MultipleChoice;
  std::string target_delimiter = " ";  ///< put between context and choice ("" for LAMBADA)
  std::vector<TaskItem> items;
};

}  // namespace slmq::core
