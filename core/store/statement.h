// RAII wrapper of one SQLite prepared statement: bind by 1-based index, step, read columns.
// Every SQL statement the store runs goes through this class; values never enter SQL text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace slmq::core {

class Connection;

/// One prepared statement, finalized on destruction. Created by Connection::prepare(); belongs to
/// that connection and must not outlive it. Not thread-safe (neither is its connection).
/// Failures throw Error(ErrorKind::Store) naming the store file, the SQL and SQLite's message.
class Statement {
 public:
  Statement(Connection& connection, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Binds parameter `index` (1-based). Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bindBlob(int index, std::span<const std::byte> bytes);
  Statement& bindNull(int index);
  /// Binds the value, or NULL when empty.
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }

  /// Runs one step. True when a row is available (read it with column*), false when done.
  bool step();
  /// Steps until done; for statements that return no rows. Throws if one does.
  void run();
  /// Resets so that the statement can run again; bindings are kept unless clear_bindings.
  void reset(bool clear_bindings = true);

  /// Column readers (0-based) for the current row.
  bool isNull(int column) const;
  std::int64_t columnInt64(int column) const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;
  std::vector<std::byte> columnBlob(int column) const;
  std::optional<std::int64_t> columnOptInt64(int column) const;
  std::optional<double> columnOptDouble(int column) const;
  int columnCount() const;

  /// The SQL text, for messages.
  std::string sql() const;

 private:
  [[noreturn]] void fail(std::string_view what) const;

  Connection* m_connection = nullptr;
  sqlite3_stmt* m_stmt = nullptr;
};

}  // namespace slmq::core
