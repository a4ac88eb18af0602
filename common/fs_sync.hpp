// Durability of renames: a file renamed into place survives a crash only once its directory is synced.
#pragma once
#include <string>

namespace mm {

// fsync(2) of the directory `dir`; fails (kExitFailure) naming it.
void sync_dir(const std::string& dir);

}  // namespace mm
