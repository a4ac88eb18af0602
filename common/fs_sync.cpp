#include "fs_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "errors.hpp"

namespace mm {

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno(dir, "cannot open directory", errno);
  int rc = fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) fail_errno(dir, "cannot sync directory", err);
}

void replace_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out) fail_errno(tmp, "cannot create", errno);
  bool ok = std::fwrite(content.data(), 1, content.size(), out) == content.size();
  ok = std::fclose(out) == 0 && ok;
  if (!ok) {
    int err = errno;
    std::remove(tmp.c_str());
    fail_errno(tmp, "cannot write", err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    fail_errno(path, "cannot rename into place", err);
  }
}

}  // namespace mm
