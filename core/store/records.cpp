// Run status names.
#include "core/store/records.h"

namespace slmq::core {

const char* runStatusName(RunStatus status) noexcept {
  switch (status) {
    case RunStatus::Pending:
      return "pending";
    case RunStatus::Running:
      return "running";
    case RunStatus::Done:
      return "done";
    case RunStatus::Failed:
      return "failed";
    case RunStatus::Cancelled:
      return "cancelled";
  }
  return "pending";
}

std::optional<RunStatus> parseRunStatus(std::string_view name) noexcept {
  for (RunStatus s : {RunStatus::Pending, RunStatus::Running, RunStatus::Done, RunStatus::Failed,
                      RunStatus::Cancelled}) {
    if (name == runStatusName(s)) return s;
  }
  return std::nullopt;
}

bool isFinal(RunStatus status) noexcept {
  return status == RunStatus::Done || status == RunStatus::Failed || status == RunStatus::Cancelled;
}

}  // namespace slmq::core
