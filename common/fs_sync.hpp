// Durability of renames: a file renamed into place survives a crash only once its directory is synced.
#pragma once
#include <string>

namespace mm {

// fsync(2) of the directory `dir`; fails (kExitFailure) naming it.
void sync_dir(const std::string& dir);

// Writes `content` to PATH.tmp and renames it over PATH: a reader finds the old file or the whole
// new one, and a full disk leaves no half-written file under either name. Fails (kExitFailure)
// naming the file.
void replace_file(const std::string& path, const std::string& content);

}  // namespace mm
