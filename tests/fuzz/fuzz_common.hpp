// Shared by the libFuzzer targets of tests/fuzz: a private scratch directory per process, input
// written to files for the readers that take a path, and the one rule every target follows:
// mm::Error (a one-line refusal with an exit code) is the expected answer to bad input; anything
// else -- another exception, a crash, a sanitizer report, a leak, a hang -- is a finding.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "errors.hpp"
#include "log.hpp"

namespace mm::fuzz {

// A directory of our own under $TMPDIR, removed at exit (kept on purpose for the whole run: the
// string is never destroyed, so the exit handler can still read it).
inline const std::string& scratch() {
  static const std::string* dir = [] {
    const char* base = std::getenv("TMPDIR");
    auto* d = new std::string(std::string(base && *base ? base : "/tmp") + "/mm-fuzz-XXXXXX");
    if (!mkdtemp(d->data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return d;
  }();
  return *dir;
}

inline void write_file(const std::string& path, const uint8_t* data, size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    std::abort();
  }
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n <= 0) {
      std::perror(path.c_str());
      std::abort();
    }
    data += n;
    size -= size_t(n);
  }
  ::close(fd);
}
inline void write_file(const std::string& path, const std::string& text) {
  write_file(path, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// Warnings about bad input are expected by the thousand: keep stderr for findings.
inline void quiet() {
  static bool done = [] {
    set_tool_name("fuzz");
    set_verbosity(0);
    return true;
  }();
  (void)done;
}

// Runs `body`; mm::Error is the expected refusal, any other exception aborts (a finding).
template <typename F>
void expect_refusal_only(F&& body) {
  try {
    body();
  } catch (const mm::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FINDING: exception other than mm::Error: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "FINDING: exception of unknown type\n");
    std::abort();
  }
}

// Aborts (a finding) when a property that must hold does not.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FINDING: property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace mm::fuzz
