// Internal helpers shared by the Store's .cpp files (not public API): binding of optional text,
// float blobs, run row decoding.
#pragma once

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/store/records.h"
#include "core/store/statement.h"

namespace slmq::core::detail {

static_assert(std::endian::native == std::endian::little,
              "store blobs are little-endian; add byte swapping for this platform");

/// Binds text, or NULL when empty.
inline void bindTextOrNull(Statement& st, int index, const std::string& text) {
  if (text.empty()) {
    st.bindNull(index);
  } else {
    st.bind(index, text);
  }
}

/// Throws Error(InvalidInput) "<where>: <field> is not valid JSON" unless `text` is empty or
/// valid JSON. (The schema cannot check this itself: json_valid() is not allowed in CHECK
/// constraints of an untrusted schema.)
inline void requireJsonOrEmpty(const std::string& text, const std::string& where,
                               const char* field) {
  if (!text.empty() && !nlohmann::json::accept(text)) {
    throw Error(ErrorKind::InvalidInput, where + ": " + field + " is not valid JSON");
  }
}

/// Reads a REAL that may be NULL (NaN is stored as NULL) as a double, NULL -> NaN.
inline double columnDoubleOrNaN(const Statement& st, int column) {
  return st.isNull(column) ? std::numeric_limits<double>::quiet_NaN() : st.columnDouble(column);
}

template <class T>
std::span<const std::byte> asBytes(const std::vector<T>& v) {
  return std::as_bytes(std::span<const T>(v));
}

/// Decodes a blob of little-endian T; throws Error(Store) naming `where` when the size is not a
/// whole number of T or differs from `expected_count`.
template <class T>
std::vector<T> decodeBlob(const std::vector<std::byte>& blob, std::size_t expected_count,
                          const std::string& where) {
  if (blob.size() % sizeof(T) != 0 || blob.size() / sizeof(T) != expected_count) {
    throw Error(ErrorKind::Store, where + ": blob of " + std::to_string(blob.size()) +
                                      " bytes does not hold " + std::to_string(expected_count) +
                                      " values of " + std::to_string(sizeof(T)) + " bytes");
  }
  std::vector<T> out(expected_count);
  if (expected_count) std::memcpy(out.data(), blob.data(), blob.size());
  return out;
}

/// Column list of runs in the order readRun() expects.
inline constexpr const char* kRunColumns =
    "id, model_id, parent_run_id, name, method, w_bits, a_bits, spec_json, status, error, "
    "created_at, started_at, finished_at, wall_seconds, cpu_seconds, peak_rss_bytes, "
    "timings_json, host, host_info_json, tool_version, pid, process_start";

/// Decodes a row selected with kRunColumns.
RunRecord readRun(const Statement& st, const std::string& store_name);

}  // namespace slmq::core::detail
