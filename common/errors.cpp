#include "errors.hpp"

#include <cstring>

namespace mm {

void fail(const std::string& message) { throw Error(kExitFailure, message); }
void bad_data(const std::string& message) { throw Error(kExitBadData, message); }
void bad_usage(const std::string& message) { throw Error(kExitUsage, message); }

void fail_errno(const std::string& path, const std::string& what, int err) {
  throw Error(kExitFailure, path + ": " + what + ": " + std::strerror(err));
}

}  // namespace mm
