// YAML text -> nlohmann::json, so that YAML sweep specs are validated by the same code (and give
// the same errors) as JSON ones. YAML 1.2 core schema for plain scalars; yaml-cpp (libyaml-cpp-dev)
// does the parsing and is linked by slmq_jobs only.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace slmq::core {

/// Parses one YAML document into the JSON value it denotes. Mappings become objects (keys must be
/// scalars, no duplicates), sequences arrays; a quoted scalar (or one tagged !!str) is a string;
/// a plain scalar is null (`~`, `null`, empty), a boolean (`true`/`false`, any of the three
/// cases), an integer (decimal, 0x hex, 0o octal; beyond 64 bits a double, as JSON does), a
/// finite float, else a string. Anchors and aliases are expanded.
///
/// Throws Error(InvalidInput) whose message starts with `source` (or "yaml") and gives the
/// 1-based line and column for syntax errors and refused values: more than one document, a
/// non-scalar or duplicate key, `.inf`/`.nan` (not representable in JSON), an unknown tag, nesting
/// deeper than 64 levels (this also stops alias cycles), or more than 2^18 values / 16 MiB of
/// scalar text after alias expansion (an "alias bomb"), text that is not UTF-8. Throws
/// Error(Resource) for input larger than 16 MiB.
nlohmann::json yamlToJson(std::string_view text, std::string_view source = {});

/// True when `path` ends in ".yaml" or ".yml" (ASCII case-insensitive).
bool isYamlPath(std::string_view path);

}  // namespace slmq::core
