// Registry of `slmq` subcommands. Each cli/cmd_*.cpp registers its subcommands with a static
// CommandRegistration; main() builds the CLI11 app from the registry.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace slmq::cli {

/// Options every command shares.
struct GlobalOptions {
  bool json = false;   ///< print one JSON object on stdout instead of text
  bool quiet = false;  ///< no progress on stderr
  int threads = 2;     ///< worker threads for compute
  /// Progress format of long commands (--progress): "auto" (JSON lines on stdout when stdout is
  /// not a terminal, else text on stderr), "jsonl" (core/jobs/progress_protocol.h on stdout),
  /// "text" (human-readable on stderr). Commands that support it call progressJsonl().
  std::string progress = "auto";
  /// True when a command should write the JSON-lines protocol on stdout.
  bool progressJsonl() const;
};

/// Adds one or more subcommands to `app`. The callback set on each subcommand does the work;
/// it may throw slmq::core::Error, which main() turns into a message and exit code.
using CommandSetup = std::function<void(CLI::App& app, GlobalOptions& global)>;

/// Registers a setup function at static-initialisation time; `order` sorts `--help`.
struct CommandRegistration {
  CommandRegistration(int order, CommandSetup setup);
};

/// Every registered setup, in order.
std::vector<CommandSetup> registeredCommands();

}  // namespace slmq::cli
