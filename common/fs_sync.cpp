#include "fs_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace mm
