// Turns ExperimentSpecs into `slmq run` jobs: writes each spec as JSON next to the workspace and
// queues `slmq --progress jsonl run <spec> --store <workspace>`. Also knows the default study.
#pragma once

#include <QString>
#include <vector>

#include "core/jobs/experiment_spec.h"

namespace slmq::ui {

class JobController;

/// Queues one job per spec; returns the job ids. Specs are written to
/// <workspace folder>/specs/<time>-<n>.json. On a write failure returns the ids queued so far
/// and sets `error` naming the file.
QList<int> queueStudy(JobController& jobs, const std::vector<core::ExperimentSpec>& specs,
                      const QString& workspacePath, QString* error);

/// The arguments of the `slmq` command line that runs `specPath` into `workspacePath`.
QStringList runArguments(const QString& specPath, const QString& workspacePath);

/// The default study: core's demo study (core::demoStudySpecs — sensitivity grid, FP, RTN W8A8,
/// SmoothQuant W8A8, RTN W4A16 g128, GPTQ W4A16 g128 with bounded perplexity, tasks, KLD and
/// bench) on `modelPath` (the smol-ref directory), the same runs `slmq demo` makes.
std::vector<core::ExperimentSpec> defaultStudySpecs(const QString& modelPath);

}  // namespace slmq::ui
