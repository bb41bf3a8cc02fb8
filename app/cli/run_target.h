// The RUN argument of `slmq eval|kld|bench`: a stored run named by `--run N` or by a positional
// `run:N`, in the store given by `--store WS`. Anything else in the positional is a model path,
// so a model directory whose name is all digits still works as before.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/cli/command.h"
#include "core/store/store.h"

namespace slmq::cli {

/// `--run N` / `run:N` and `--store WS` of one subcommand.
struct RunTarget {
  std::string store;     ///< --store
  std::int64_t run = 0;  ///< --run, or the id parsed from a `run:N` positional (0 = none)

  /// Adds --run and --store to `command`.
  void add(CLI::App* command);
  /// Decides between MODEL and RUN: a positional `run:N` is taken as run N (and cleared). True
  /// when a run is named. Throws Error(InvalidInput) for `run:` without a positive integer, both
  /// --run and a positional (model or run), a run without --store, or --store without a run.
  bool resolve(std::string& positional, const char* command);
  /// Opens --store, which must exist: a typo must not create an empty store. Throws
  /// Error(NotFound) naming the path, or as Store::open.
  core::Store openStore() const;
};

/// Notes of a stored-run evaluation ("note: ..." on stderr unless --quiet).
std::function<void(const std::string&)> storedRunNotes(const GlobalOptions& g);

}  // namespace slmq::cli
