// Loaders for the zero-shot tasks, rendering each item exactly as lm-evaluation-harness does
// (prompt templates of its arc_easy, arc_challenge, piqa, hellaswag, mmlu, winogrande and
// lambada_openai tasks; MosaicML in-context-learning files for BoolQ, OpenBookQA, SIQA, COPA).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/eval/tasks/task_types.h"

namespace slmq::core {

/// ARC (Hugging Face ai2_arc jsonl: question, choices.text, choices.label, answerKey; labels may
/// be "A".."E" or "1".."5"). Context "Question: {question}\nAnswer:", choices the texts.
Task loadArc(const std::filesystem::path& jsonl, const std::string& name);

/// PIQA original files: valid.jsonl (goal, sol1, sol2) and valid-labels.lst (one 0/1 per line).
/// Context "Question: {goal}\nAnswer:", choices [sol1, sol2].
Task loadPiqa(const std::filesystem::path& jsonl, const std::filesystem::path& labels);

/// HellaSwag jsonl (activity_label, ctx, endings[4], label). Context
/// preprocess("{activity_label}: {ctx}"), choices preprocess(ending), where preprocess is the
/// harness's: strip, " [title]" -> ". ", drop "[...]" markers, "  " -> " ".
Task loadHellaswag(const std::filesystem::path& jsonl);

/// The harness's HellaSwag text clean-up (exposed for tests).
std::string hellaswagPreprocess(const std::string& text);

/// MMLU original CSVs: `testDir/<subject>_test.csv` (question, A, B, C, D, answer letter; no
/// header), subjects in alphabetical order. `shots` > 0 prepends the first `shots` rows of
/// `devDir/<subject>_dev.csv` as answered examples (the harness's first_n sampler). Prompt:
/// "The following are multiple choice questions (with answers) about {subject with spaces}.\n\n"
/// + examples "{q}\nA. ..\nB. ..\nC. ..\nD. ..\nAnswer: {letter}\n\n" + the test question ending
/// "Answer:"; choices "A".."D".
Task loadMmlu(const std::filesystem::path& testDir, const std::filesystem::path& devDir,
              int shots = 0);

/// MosaicML in-context-learning multiple choice jsonl: `{query, choices, gold}` (context = query +
/// `queryDelimiter`, e.g. "\nAnswer:" for BoolQ) or, for schema tasks such as WinoGrande,
/// `{context_options, continuation, gold}` (partial scoring).
Task loadMosaicMultipleChoice(const std::filesystem::path& jsonl, const std::string& name,
                              const std::string& queryDelimiter = "");

/// LAMBADA (OpenAI jsonl with `text`): context = every word but the last (split on ' '),
/// target = " " + last word, target delimiter "".
Task loadLambada(const std::filesystem::path& jsonl);

/// Options for loadTaskByName.
struct TaskLoadOptions {
  std::filesystem::path tasks_dir;  ///< folder laid out as shared/assets/tasks (default: assets)
  int mmlu_shots = 0;               ///< k-shot for MMLU (0-5)
};

/// Names accepted by loadTaskByName, in a stable order.
const std::vector<std::string>& loadableTaskNames();

/// Loads a task by name (arc_easy, arc_challenge, piqa, hellaswag, mmlu, winogrande, boolq,
/// openbookqa, siqa, copa, lambada) from `options.tasks_dir` (or assets "tasks").
/// Throws Error(InvalidInput) for an unknown name, listing the known ones.
Task loadTaskByName(const std::string& name, const TaskLoadOptions& options = {});

}  // namespace slmq::core
