// Merging run stores: `slmq store merge A.db B.db -o C.db` (e.g. the shards of a sweep run on
// several machines). Copies models, datasets, runs and every run's results into one new store,
// remapping ids, without duplicates.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace slmq::core {

/// What mergeStores did.
struct MergeSummary {
  std::int64_t runs_copied = 0;     ///< runs inserted into the output
  std::int64_t runs_duplicate = 0;  ///< runs already present (same identity), skipped
  std::int64_t models_copied = 0;   ///< models new to the output (by path)
  std::int64_t result_rows = 0;     ///< metrics, layer metrics, distributions, ... copied
};

/// Merges `inputs` (in order) into `output`, which must not exist yet (it is created with the
/// current schema). A run is a duplicate of one already in the output when its spec JSON,
/// created_at, started_at, finished_at, host and status are equal — the same run reached the
/// output twice (merging a store with itself, or A and A+B). Models are matched by path,
/// datasets by (path, kind); parent links are remapped (to the surviving copy for duplicates).
/// Each input is copied in one transaction. Inputs are opened read-only and must have the
/// current schema version (open an older one once with `slmq store info` to migrate it).
/// Throws Error(InvalidInput) if `output` exists or is one of the inputs, Error(Store)/NotFound
/// for unreadable inputs (the partial output is removed).
MergeSummary mergeStores(const std::vector<std::filesystem::path>& inputs,
                         const std::filesystem::path& output);

}  // namespace slmq::core
