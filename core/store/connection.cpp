// SQLite connection with the store's settings, and the RAII write transaction.
#include "core/store/connection.h"

#include <sqlite3.h>

#include <cctype>
#include <string>
#include <system_error>

#include "core/common/error.h"

namespace slmq::core {

Connection::Connection(const std::filesystem::path& path, const ConnectionOptions& options)
    : m_path(path), m_readOnly(options.read_only) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (!exists && (options.read_only || !options.create)) {
    throw Error(ErrorKind::NotFound, "store " + path.string() + ": no such file");
  }
  if (exists && std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorKind::Store, "store " + path.string() + ": is a directory, not a store file");
  }
  int flags = options.read_only
                  ? SQLITE_OPEN_READONLY
                  : (SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
  int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    sqlite3_close_v2(m_db);
    m_db = nullptr;
    throw Error(ErrorKind::Store, "store " + path.string() + ": cannot open: " + msg);
  }
  sqlite3_extended_result_codes(m_db, 1);
  // A store is untrusted input: no schema-defined functions with side effects, no writes to the
  // schema through the back door.
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_busy_timeout(m_db, options.busy_timeout_ms);

  // The first read of the header and schema: a file that is not SQLite (or whose header or
  // schema is corrupt) fails here with a message naming it.
  {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(m_db, "SELECT count(*) FROM sqlite_master", -1, &stmt, nullptr);
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) rc = SQLITE_OK;
    }
    std::string msg = sqlite3_errmsg(m_db);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK) {
      sqlite3_close_v2(m_db);
      m_db = nullptr;
      int primary = rc & 0xff;
      std::string why = primary == SQLITE_NOTADB    ? "not an SQLite database (" + msg + ")"
                        : primary == SQLITE_CORRUPT ? "the database file is corrupt (" + msg + ")"
                                                    : "cannot read the database (" + msg + ")";
      throw Error(ErrorKind::Store, "store " + path.string() + ": " + why);
    }
  }
  execScript("PRAGMA foreign_keys = ON");
  if (!options.read_only) {
    Statement wal(*this, "PRAGMA journal_mode = WAL");
    if (!wal.step() || wal.columnText(0) != "wal") {
      fail("cannot switch to WAL journal mode");
    }
    execScript("PRAGMA synchronous = NORMAL");
  }
}

Connection::~Connection() {
  if (m_db) sqlite3_close_v2(m_db);
}

Connection::Connection(Connection&& other) noexcept
    : m_db(other.m_db), m_path(std::move(other.m_path)), m_readOnly(other.m_readOnly) {
  other.m_db = nullptr;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (m_db) sqlite3_close_v2(m_db);
    m_db = other.m_db;
    m_path = std::move(other.m_path);
    m_readOnly = other.m_readOnly;
    other.m_db = nullptr;
  }
  return *this;
}

void Connection::execScript(std::string_view sql) {
  const char* p = sql.data();
  const char* end = sql.data() + sql.size();
  while (p < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(m_db, p, static_cast<int>(end - p), &raw, &tail);
    if (rc != SQLITE_OK) {
      fail("cannot prepare script statement \"" +
           std::string(p, std::min<std::size_t>(200, end - p)) + "\"");
    }
    if (!raw) break;  // only whitespace or comments left
    std::string text = sqlite3_sql(raw);
    rc = sqlite3_step(raw);
    while (rc == SQLITE_ROW) rc = sqlite3_step(raw);
    sqlite3_finalize(raw);
    if (rc != SQLITE_DONE) fail("statement failed: \"" + text.substr(0, 200) + "\"");
    p = tail;
  }
}

std::int64_t Connection::pragmaInt(std::string_view name) {
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) {
      throw Error(ErrorKind::Internal, "invalid pragma name: " + std::string(name));
    }
  }
  Statement st(*this, "PRAGMA " + std::string(name));
  if (!st.step()) fail("PRAGMA " + std::string(name) + " returned no value");
  return st.columnInt64(0);
}

std::int64_t Connection::lastInsertRowId() const {
  return sqlite3_last_insert_rowid(m_db);
}

int Connection::changes() const {
  return sqlite3_changes(m_db);
}

bool Connection::inTransaction() const {
  return sqlite3_get_autocommit(m_db) == 0;
}

void Connection::fail(std::string_view what) const {
  std::string msg = m_db ? sqlite3_errmsg(m_db) : "no connection";
  int code = m_db ? sqlite3_extended_errcode(m_db) : 0;
  std::string hint;
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    hint = " (another process held the store's write lock longer than the busy timeout)";
  } else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) {
    hint = " (the store file is damaged; restore it from a backup)";
  } else if ((code & 0xff) == SQLITE_READONLY) {
    hint = " (the store was opened read-only, or the file is not writable)";
  }
  throw Error(ErrorKind::Store,
              "store " + m_path.string() + ": " + std::string(what) + ": " + msg + hint);
}

Transaction::Transaction(Connection& connection) : m_connection(connection) {
  m_connection.execScript("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!m_done && m_connection.inTransaction()) {
    try {
      m_connection.execScript("ROLLBACK");
    } catch (...) {
      // Nothing more to do: SQLite rolls back on close as well.
    }
  }
}

void Transaction::commit() {
  m_done = true;
  try {
    m_connection.execScript("COMMIT");
  } catch (...) {
    if (m_connection.inTransaction()) {
      try {
        m_connection.execScript("ROLLBACK");
      } catch (...) {
      }
    }
    throw;
  }
}

}  // namespace slmq::core
