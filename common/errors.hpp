// Errors carry the exit code the tool ends with; the message is the one line the user sees.
#pragma once
#include <stdexcept>
#include <string>

namespace mm {

// Exit codes shared by every tool (documented in each man page).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,   // I/O, server or environment failure
  kExitUsage = 2,     // bad flags or configuration
  kExitBadData = 3,   // input files or metadata that fail validation
};

class Error : public std::runtime_error {
 public:
  Error(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

[[noreturn]] void fail(const std::string& message);      // kExitFailure
[[noreturn]] void bad_data(const std::string& message);  // kExitBadData
[[noreturn]] void bad_usage(const std::string& message); // kExitUsage
// "PATH: what: strerror(errno)", as kExitFailure.
[[noreturn]] void fail_errno(const std::string& path, const std::string& what, int err);

}  // namespace mm
