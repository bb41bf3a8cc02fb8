// slmq: the command-line front end. Parses arguments, dispatches to core, maps errors to exit
// codes (1 usage, 2 invalid input, 3 unsupported, 4 not found, 5 resource, 6 cancelled, 7 store,
// 10 internal).
#include <cstdio>
#include <iostream>
#include <map>

#include <unistd.h>

#include "app/cli/command.h"
#include "core/common/assets.h"
#include "core/common/compute_threads.h"
#include "core/common/error.h"

namespace slmq::cli {
namespace {
std::multimap<int, CommandSetup>& registry() {
  static std::multimap<int, CommandSetup> r;
  return r;
}
}  // namespace

CommandRegistration::CommandRegistration(int order, CommandSetup setup) {
  registry().emplace(order, std::move(setup));
}

bool GlobalOptions::progressJsonl() const {
  if (progress == "jsonl") return true;
  if (progress == "text") return false;
  return !isatty(fileno(stdout));
}

std::vector<CommandSetup> registeredCommands() {
  std::vector<CommandSetup> out;
  for (auto& [order, setup] : registry()) out.push_back(setup);
  return out;
}

}  // namespace slmq::cli

namespace {
int exitCodeFor(slmq::core::ErrorKind kind) {
  using K = slmq::core::ErrorKind;
  switch (kind) {
    case K::InvalidInput:
      return 2;
    case K::Unsupported:
      return 3;
    case K::NotFound:
      return 4;
    case K::Resource:
      return 5;
    case K::Cancelled:
      return 6;
    case K::Store:
      return 7;
    case K::Internal:
      return 10;
  }
  return 10;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"slmq — quantize small language models and measure what it does to them"};
  app.require_subcommand(1);
  slmq::cli::GlobalOptions global;
  app.add_flag("--json", global.json, "Print results as one JSON object on stdout");
  app.add_flag("-q,--quiet", global.quiet, "No progress on stderr");
  app.add_option("-t,--threads", global.threads, "Compute threads")->check(CLI::Range(1, 256));
  app.add_option("--progress", global.progress,
                 "Progress of long commands: auto (JSON lines on stdout when it is not a "
                 "terminal), jsonl, text")
      ->check(CLI::IsMember({"auto", "jsonl", "text"}));
  app.set_version_flag("--version", std::string("slmq ") + slmq::core::versionString());
  app.fallthrough();
  // Runs after every option (wherever it stood on the line) is parsed and before the
  // subcommand's callback: the compute thread count is process-wide (Eigen, OpenMP).
  app.parse_complete_callback([&global] { slmq::core::setComputeThreads(global.threads); });
  for (auto& setup : slmq::cli::registeredCommands()) setup(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const slmq::core::Error& e) {
    std::cerr << "slmq: " << e.what() << "\n";
    return exitCodeFor(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "slmq: internal error: " << e.what() << "\n";
    return 10;
  }
  return 0;
}
