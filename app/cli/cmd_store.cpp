// `slmq store init PATH` and `slmq store info PATH [--check]`: create/migrate a workspace store,
// and show its schema version, rows per table and runs per status. Parsing only; the work is in
// core/store.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "core/store/store.h"

namespace {

using nlohmann::json;
using slmq::cli::GlobalOptions;

void init(const std::string& path, const GlobalOptions& g) {
  auto store = slmq::core::Store::open(path);
  const int version = store.schemaVersion();
  if (g.json) {
    std::cout << json{{"path", path}, {"schema_version", version}}.dump() << "\n";
  } else {
    std::cout << path << ": slmq store, schema version " << version << "\n";
  }
}

void info(const std::string& path, bool check, const GlobalOptions& g) {
  slmq::core::StoreOptions options;
  options.read_only = true;  // looking must not change the file
  auto store = slmq::core::Store::open(path, options);
  const slmq::core::StoreInfo info = store.info();
  const std::string integrity = check ? store.integrityCheck() : std::string();
  if (g.json) {
    json tables = json::object();
    for (const auto& [table, rows] : info.table_rows) tables[table] = rows;
    json runs = json::object();
    for (const auto& [status, n] : info.runs_by_status) runs[status] = n;
    json j = {{"path", info.path},
              {"schema_version", info.schema_version},
              {"tables", tables},
              {"runs_by_status", runs}};
    if (check) j["integrity"] = integrity;
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << info.path << "\n  schema version " << info.schema_version << "\n  rows:\n";
  for (const auto& [table, rows] : info.table_rows) {
    std::printf("    %-14s %lld\n", table.c_str(), static_cast<long long>(rows));
  }
  std::cout << "  runs by status:";
  if (info.runs_by_status.empty()) std::cout << " (none)";
  for (const auto& [status, n] : info.runs_by_status) std::cout << " " << status << " " << n;
  std::cout << "\n";
  if (check) std::cout << "  integrity: " << integrity << "\n";
  std::cout.flush();
}

slmq::cli::CommandRegistration reg(90, [](CLI::App& app, GlobalOptions& g) {
  auto* store = app.add_subcommand("store", "Create or inspect a workspace store (SQLite)");
  store->require_subcommand(1);

  auto* init_cmd = store->add_subcommand("init",
                                         "Create the store file, or migrate it to this "
                                         "build's schema version");
  auto init_path = std::make_shared<std::string>();
  init_cmd->add_option("PATH", *init_path, "Store file")->required();
  init_cmd->callback([init_path, &g] { init(*init_path, g); });

  auto* info_cmd = store->add_subcommand("info", "Schema version, rows per table, runs by status");
  auto info_path = std::make_shared<std::string>();
  auto check = std::make_shared<bool>(false);
  info_cmd->add_option("PATH", *info_path, "Store file")->required();
  info_cmd->add_flag("--check", *check, "Also run SQLite's integrity check");
  info_cmd->callback([info_path, check, &g] { info(*info_path, *check, g); });
});

}  // namespace
