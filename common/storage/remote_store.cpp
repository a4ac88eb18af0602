#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "errors.hpp"
#include "log.hpp"
#include "storage/crypto.hpp"
#include "storage/object_store.hpp"
#include "task_group.hpp"

namespace mm::storage {
namespace {

struct OpenFile {
  int fd;
  explicit OpenFile(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd < 0) fail_errno(path, "cannot open", errno);
  }
  ~OpenFile() { ::close(fd); }
};

}  // namespace

std::string parts_digest(const std::vector<std::string>& part_sha256, uint64_t part_size) {
  Sha256 whole;
  for (const auto& part : part_sha256) whole.update(part.data(), part.size());
  return whole.hex() + "-" + std::to_string(part_size);
}

void RemoteStore::digest(SourceFile& file) { file.sha256 = sha256_file_range(file.fd, file.path, 0, file.size); }

void RemoteStore::digest_parts(SourceFile& file, uint64_t part_size, unsigned jobs) {
  file.part_size = part_size;
  file.part_sha256.assign(size_t((file.size + part_size - 1) / part_size), "");
  TaskGroup tasks(jobs);
  for (size_t i = 0; i < file.part_sha256.size(); ++i) {
    const uint64_t offset = uint64_t(i) * part_size, length = std::min(part_size, file.size - offset);
    if (!tasks.spawn([&, i, offset, length] { file.part_sha256[i] = sha256_file_range(file.fd, file.path, offset, length); }))
      break;
  }
  tasks.wait();
  file.sha256 = parts_digest(file.part_sha256, part_size);
}

bool RemoteStore::place(const std::string& key, const std::string& path, const ProgressFn& progress) {
  OpenFile in(path);
  struct stat st;
  if (fstat(in.fd, &st) != 0) fail_errno(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) fail(path + ": not a regular file");
  // Milvus rejects empty import files; an empty .npy is no valid output of mm-npy either.
  if (st.st_size == 0) bad_data(path + ": empty file");
  SourceFile file{path, in.fd, uint64_t(st.st_size)};
  digest(file);

  auto present = head(key);
  if (present && present->size == file.size && present->sha256 == file.sha256) {
    log_debug(display(key) + ": already present with the same size and SHA-256, skipped");
    progress(file.size);
    return false;
  }
  put_file(key, file, progress);
  check_written(key, file.size, file.sha256);
  return true;
}

void RemoteStore::check_written(const std::string& key, uint64_t size, const std::string& sha256) {
  auto written = head(key);
  if (!written) fail(display(key) + ": not found right after upload");
  if (written->size != size || written->sha256 != sha256)
    fail(display(key) + ": after upload the store reports " + std::to_string(written->size) + " bytes, sha256 \"" +
         written->sha256 + "\"; expected " + std::to_string(size) + " bytes, sha256 " + sha256);
}

}  // namespace mm::storage
