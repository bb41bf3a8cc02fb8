// Resumable sweep execution (see sweep.h); parsing and expansion are in sweep_spec.cpp.
#include "core/jobs/sweep.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/store/store.h"

namespace slmq::core {

std::vector<SweepPointResult> runSweep(const std::vector<ExperimentSpec>& points, Store& store,
                                       const Shard& shard, const ProgressFn& progress,
                                       const RunnerOptions& options,
                                       const SweepCallbacks& callbacks) {
  std::vector<std::size_t> mine;
  for (std::size_t k = 0; k < points.size(); ++k)
    if (shard.contains(k)) mine.push_back(k);
  std::vector<SweepPointResult> out;
  const double n = double(std::max<std::size_t>(mine.size(), 1));
  for (std::size_t i = 0; i < mine.size(); ++i) {
    const ExperimentSpec& spec = points[mine[i]];
    SweepPointResult r;
    r.point = mine[i];
    r.name = runDisplayName(spec);
    if (callbacks.on_point) callbacks.on_point(i, mine.size(), r.name);
    if (const auto done = findDoneRun(store, spec)) {
      r.status = "skipped";
      r.run_id = *done;
    } else {
      ProgressFn pf;
      if (progress)
        pf = [&, i](double f, std::string_view stage) {
          return progress((double(i) + f) / n, r.name + ": " + std::string(stage));
        };
      RunnerOptions o = options;
      o.on_run_created = [&](std::int64_t id, bool isParent) {
        if (!isParent) r.run_id = id;
        if (options.on_run_created) options.on_run_created(id, isParent);
      };
      try {
        r.run_id = runExperiment(spec, store, pf, o);
        r.status = "done";
      } catch (const Error& e) {
        r.error = e.what();
        r.status = e.kind() == ErrorKind::Cancelled ? "cancelled" : "failed";
        if (e.kind() == ErrorKind::Cancelled) {
          out.push_back(r);
          if (callbacks.on_result) callbacks.on_result(r);
          throw;
        }
      }
    }
    out.push_back(r);
    if (callbacks.on_result) callbacks.on_result(r);
    if (progress && !progress(double(i + 1) / n, "sweep"))
      throw Error(ErrorKind::Cancelled, "sweep cancelled");
  }
  return out;
}

}  // namespace slmq::core
