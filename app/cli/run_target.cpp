// RunTarget (see run_target.h).
#include "app/cli/run_target.h"

#include <charconv>
#include <cstdio>
#include <filesystem>

#include "core/common/error.h"

namespace slmq::cli {

using slmq::core::Error;
using slmq::core::ErrorKind;

void RunTarget::add(CLI::App* c) {
  c->add_option("--run", run, "Stored run id in --store (same as a positional run:N)")
      ->check(CLI::PositiveNumber);
  c->add_option("--store", store, "Workspace store holding the run; results are added to it");
}

bool RunTarget::resolve(std::string& positional, const char* command) {
  const std::string prefix = "run:";
  if (positional.rfind(prefix, 0) == 0) {
    const std::string digits = positional.substr(prefix.size());
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || id <= 0)
      throw Error(ErrorKind::InvalidInput, std::string(command) + ": \"" + positional +
                                               "\" is not run:N with a positive run id");
    if (run > 0 && run != id)
      throw Error(ErrorKind::InvalidInput, std::string(command) + ": both --run " +
                                               std::to_string(run) + " and " + positional +
                                               " given");
    run = id;
    positional.clear();
  }
  if (run > 0 && !positional.empty())
    throw Error(ErrorKind::InvalidInput, std::string(command) + ": give either a model (" +
                                             positional + ") or a stored run (--run " +
                                             std::to_string(run) + "), not both");
  if (run > 0 && store.empty())
    throw Error(ErrorKind::InvalidInput,
                std::string(command) + ": run " + std::to_string(run) + " needs --store WS");
  if (run == 0 && !store.empty())
    throw Error(ErrorKind::InvalidInput,
                std::string(command) + ": --store is for a stored run (--run N or run:N)");
  return run > 0;
}

core::Store RunTarget::openStore() const {
  if (!std::filesystem::exists(store))
    throw Error(ErrorKind::NotFound, "store not found: " + store);
  core::StoreOptions o;
  o.create = false;
  return core::Store::open(store, o);
}

std::function<void(const std::string&)> storedRunNotes(const GlobalOptions& g) {
  return [&g](const std::string& m) {
    if (!g.quiet) std::fprintf(stderr, "\nnote: %s\n", m.c_str());
  };
}

}  // namespace slmq::cli
