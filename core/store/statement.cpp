// RAII prepared statement over sqlite3_stmt.
#include "core/store/statement.h"

#include <sqlite3.h>

#include <cctype>
#include <string>

#include "core/common/error.h"
#include "core/store/connection.h"

namespace slmq::core {

Statement::Statement(Connection& connection, std::string_view sql) : m_connection(&connection) {
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(connection.handle(), sql.data(), static_cast<int>(sql.size()),
                              &m_stmt, &tail);
  if (rc != SQLITE_OK) {
    connection.fail("cannot prepare \"" + std::string(sql.substr(0, 200)) + "\"");
  }
  if (m_stmt == nullptr) {
    throw Error(ErrorKind::Internal, "empty SQL statement passed to Statement");
  }
  for (const char* p = tail; p && p < sql.data() + sql.size(); ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') {
      sqlite3_finalize(m_stmt);
      m_stmt = nullptr;
      throw Error(ErrorKind::Internal, "Statement takes exactly one SQL statement, got more: \"" +
                                           std::string(sql.substr(0, 200)) + "\"");
    }
  }
}

Statement::~Statement() {
  if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_connection(other.m_connection), m_stmt(other.m_stmt) {
  other.m_stmt = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (m_stmt) sqlite3_finalize(m_stmt);
    m_connection = other.m_connection;
    m_stmt = other.m_stmt;
    other.m_stmt = nullptr;
  }
  return *this;
}

void Statement::fail(std::string_view what) const {
  m_connection->fail(std::string(what) + " in \"" + sql().substr(0, 200) + "\"");
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK) fail("cannot bind parameter");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  // NaN is stored as NULL by SQLite; readers map NULL back to NaN where a value may be NaN.
  if (sqlite3_bind_double(m_stmt, index, value) != SQLITE_OK) fail("cannot bind parameter");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK) {
    fail("cannot bind text parameter");
  }
  return *this;
}

Statement& Statement::bindBlob(int index, std::span<const std::byte> bytes) {
  // A zero-length blob is stored as an empty blob, not NULL.
  static const std::byte kEmpty{};
  const void* data = bytes.empty() ? static_cast<const void*>(&kEmpty) : bytes.data();
  if (sqlite3_bind_blob64(m_stmt, index, data, bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail("cannot bind blob parameter");
  }
  return *this;
}

Statement& Statement::bindNull(int index) {
  if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK) fail("cannot bind parameter");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string what = "statement failed";
  sqlite3_reset(m_stmt);  // makes the connection's error message the statement's
  fail(what);
}

void Statement::run() {
  if (step()) fail("statement returned rows where none were expected");
}

void Statement::reset(bool clear_bindings) {
  sqlite3_reset(m_stmt);
  if (clear_bindings) sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt64(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

double Statement::columnDouble(int column) const {
  return sqlite3_column_double(m_stmt, column);
}

std::string Statement::columnText(int column) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

std::vector<std::byte> Statement::columnBlob(int column) const {
  const void* data = sqlite3_column_blob(m_stmt, column);
  int n = sqlite3_column_bytes(m_stmt, column);
  if (!data || n <= 0) return {};
  const auto* p = static_cast<const std::byte*>(data);
  return std::vector<std::byte>(p, p + n);
}

std::optional<std::int64_t> Statement::columnOptInt64(int column) const {
  if (isNull(column)) return std::nullopt;
  return columnInt64(column);
}

std::optional<double> Statement::columnOptDouble(int column) const {
  if (isNull(column)) return std::nullopt;
  return columnDouble(column);
}

int Statement::columnCount() const {
  return sqlite3_column_count(m_stmt);
}

std::string Statement::sql() const {
  const char* s = m_stmt ? sqlite3_sql(m_stmt) : nullptr;
  return s ? std::string(s) : std::string();
}

}  // namespace slmq::core
