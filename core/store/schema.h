// The store's schema as a list of migrations keyed by `PRAGMA user_version`. Version 1 is the
// schema of DESIGN.md; a later version appends a step, never edits an old one.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/store/connection.h"

namespace slmq::core {

/// `PRAGMA application_id` of an slmq store ("SLMQ" in ASCII). A file with another non-zero id is
/// refused as "not an slmq store".
inline constexpr int kStoreApplicationId = 0x534C4D51;

/// One migration step from version - 1 to `version`.
struct Migration {
  int version = 0;                         ///< user_version after this step
  std::string description;                 ///< one line, for logs and errors
  std::function<void(Connection&)> apply;  ///< runs inside the step's transaction
};

/// The store's migrations, in order; the last one's version is kSchemaVersion.
const std::vector<Migration>& storeMigrations();

/// Schema version this build writes.
int storeSchemaVersion();

/// Brings the database to the last version of `migrations`, each step in its own transaction
/// (BEGIN IMMEDIATE ... user_version = N ... COMMIT): a failing step leaves the file at the
/// previous version and throws Error(Store) naming the file and the step. Refuses (Error(Store))
/// a file whose user_version is newer than the list knows, a file with a foreign
/// application_id, and a version-0 file that already holds tables (not an slmq store).
/// Returns the version before migrating.
int migrate(Connection& connection, const std::vector<Migration>& migrations);

}  // namespace slmq::core
