// Shared helpers of the libFuzzer targets: the input written to a per-process temporary file
// (the parsers under test read files through mmap, as they do in the tool), and the rule that a
// slmq::core::Error is the expected outcome of bad input while anything else is a bug.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace slmq::fuzz {

/// A file holding the current input (one per process: a fuzz binary uses one suffix) under $TMPDIR
/// (or /tmp), rewritten on every call; the name carries the pid so parallel fuzzers (-jobs) do not
/// collide. `suffix` matters to parsers that look at the extension.
inline std::filesystem::path writeInput(const std::uint8_t* data, std::size_t size,
                                        const std::string& suffix) {
  static const std::filesystem::path dir = [] {
    const char* t = std::getenv("TMPDIR");
    return std::filesystem::path(t && *t ? t : "/tmp");
  }();
  static const std::filesystem::path path =
      dir / ("slmq-fuzz-" + std::to_string(::getpid()) + suffix);
  // Removed when the fuzzer exits normally (a crash leaves it, next to the crash artifact).
  static const struct Remover {
    ~Remover() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } remover;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

}  // namespace slmq::fuzz
