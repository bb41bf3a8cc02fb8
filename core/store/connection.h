// One SQLite connection with the store's settings (WAL, foreign keys, busy timeout,
// synchronous=NORMAL), and an RAII write transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/store/statement.h"

struct sqlite3;

namespace slmq::core {

/// How to open a connection.
struct ConnectionOptions {
  bool read_only = false;      ///< open with SQLITE_OPEN_READONLY (no WAL switch, no writes)
  bool create = true;          ///< create the file if missing (ignored when read_only)
  int busy_timeout_ms = 5000;  ///< how long a statement waits for another writer's lock
};

/// Owns one sqlite3 handle. A connection is used by ONE thread at a time and never shared between
/// threads: each thread (and each process) opens its own. Closed on destruction.
/// Opening checks that the file really is an SQLite database (a text file, a truncated file or a
/// random blob gives Error(Store) naming the file) and sets foreign_keys=ON, journal_mode=WAL
/// (read-write only), synchronous=NORMAL and the busy timeout.
class Connection {
 public:
  /// Throws Error(Store) naming the file when it cannot be opened or is not an SQLite database;
  /// Error(NotFound) when read_only or !create and the file does not exist.
  Connection(const std::filesystem::path& path, const ConnectionOptions& options = {});
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Prepares one statement (the SQL must be exactly one statement).
  Statement prepare(std::string_view sql) { return Statement(*this, sql); }
  /// Runs a script of parameterless statements (schema DDL, pragmas), each prepared in turn.
  void execScript(std::string_view sql);
  /// Value of an integer pragma such as "user_version" (the name is checked against [a-z_]).
  std::int64_t pragmaInt(std::string_view name);
  /// Rowid of the last INSERT on this connection.
  std::int64_t lastInsertRowId() const;
  /// Rows changed by the last statement.
  int changes() const;
  /// True while a transaction is open.
  bool inTransaction() const;

  const std::filesystem::path& path() const { return m_path; }
  bool readOnly() const { return m_readOnly; }
  sqlite3* handle() const { return m_db; }

  /// Throws Error(Store): "store <file>: <what>: <sqlite message>".
  [[noreturn]] void fail(std::string_view what) const;

 private:
  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
  bool m_readOnly = false;
};

/// BEGIN IMMEDIATE on construction (takes the write lock up front, waiting up to the busy
/// timeout); ROLLBACK on destruction unless commit() was called. Not nestable.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// COMMIT; throws Error(Store) on failure (the transaction is then rolled back).
  void commit();

 private:
  Connection& m_connection;
  bool m_done = false;
};

}  // namespace slmq::core
