#include "storage/local_store.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "errors.hpp"
#include "log.hpp"
#include "storage/transfer_slots.hpp"

namespace fs = std::filesystem;

namespace mm::storage {
namespace {

class Fd {
 public:
  Fd(const std::string& path, int flags, mode_t mode = 0) : fd_(::open(path.c_str(), flags | O_CLOEXEC, mode)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool read_fully(int fd, char* data, size_t n, off_t offset) {
  while (n > 0) {
    ssize_t got = pread(fd, data, n, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    n -= size_t(got);
    offset += got;
  }
  return true;
}

// True when `a` and `b` hold the same bytes: compared in 1 MiB windows, never whole.
bool same_content(const std::string& a, const std::string& b, uint64_t size) {
  Fd fa(a, O_RDONLY), fb(b, O_RDONLY);
  if (fa.get() < 0 || fb.get() < 0) return false;
  TransferSlot slot;
  std::vector<char> x(1 << 20), y(1 << 20);
  for (uint64_t off = 0; off < size; off += x.size()) {
    size_t n = size_t(std::min<uint64_t>(x.size(), size - off));
    if (!read_fully(fa.get(), x.data(), n, off_t(off)) || !read_fully(fb.get(), y.data(), n, off_t(off))) return false;
    if (std::memcmp(x.data(), y.data(), n) != 0) return false;
  }
  return true;
}

// Copies `size` bytes in the kernel (copy_file_range); plain read/write where that is refused.
void copy_bytes(int in, int out, uint64_t size, const std::string& what) {
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = copy_file_range(in, nullptr, out, nullptr, size_t(std::min<uint64_t>(size - done, 1ull << 30)), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) break;
    if (n < 0) fail_errno(what, "cannot copy", errno);
    if (n == 0) fail(what + ": source shrank while being copied");
    done += uint64_t(n);
  }
  if (done == size) return;  // the kernel copied it all: no buffer
  TransferSlot slot;
  std::vector<char> buffer(1 << 20);
  while (done < size) {
    size_t step = size_t(std::min<uint64_t>(buffer.size(), size - done));
    if (!read_fully(in, buffer.data(), step, off_t(done))) fail_errno(what, "cannot read", errno ? errno : EIO);
    for (size_t at = 0; at < step;) {
      ssize_t n = pwrite(out, buffer.data() + at, step - at, off_t(done + at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail_errno(what, "cannot write", errno);
      at += size_t(n);
    }
    done += step;
  }
}

// Writes the bytes of `src` to the new file `tmp`: a reflink shares the blocks, a copy duplicates them.
PlaceMethod clone_or_copy(const std::string& src, const std::string& tmp, uint64_t size) {
  Fd in(src, O_RDONLY);
  if (in.get() < 0) fail_errno(src, "cannot open", errno);
  Fd out(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (out.get() < 0) fail_errno(tmp, "cannot create", errno);
  PlaceMethod method = PlaceMethod::reflink;
  if (ioctl(out.get(), FICLONE, in.get()) != 0) {
    method = PlaceMethod::copy;
    copy_bytes(in.get(), out.get(), size, src + " -> " + tmp);
  }
  if (fsync(out.get()) != 0) fail_errno(tmp, "cannot sync", errno);
  return method;
}

std::string temp_name(const fs::path& dest) {
  thread_local std::mt19937_64 random(std::random_device{}());
  return (dest.parent_path() / (".tmp-" + dest.filename().string() + "-" + std::to_string(random()))).string();
}

}  // namespace

const char* place_method_name(PlaceMethod method) {
  switch (method) {
    case PlaceMethod::link: return "link";
    case PlaceMethod::reflink: return "reflink";
    case PlaceMethod::copy: return "copy";
  }
  return "?";
}

LocalStore::LocalStore(const std::string& dir) : dir_(fs::absolute(dir).lexically_normal().string()) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

std::string LocalStore::location(const std::string& key) const { return dir_ + "/" + key; }

bool LocalStore::place(const std::string& key, const std::string& path, const ProgressFn& progress) {
  struct stat src;
  if (::stat(path.c_str(), &src) != 0) fail_errno(path, "cannot stat", errno);
  if (!S_ISREG(src.st_mode)) fail(path + ": not a regular file");
  if (src.st_size == 0) bad_data(path + ": empty file");
  const uint64_t size = uint64_t(src.st_size);
  const fs::path dest = location(key);

  // A rerun: the same inode (our hard link), or a file with the same bytes, is kept.
  struct stat old;
  if (::stat(dest.c_str(), &old) == 0 && S_ISREG(old.st_mode) && uint64_t(old.st_size) == size &&
      ((old.st_dev == src.st_dev && old.st_ino == src.st_ino) || same_content(path, dest, size))) {
    progress(size);
    return false;
  }

  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) fail(dest.parent_path().string() + ": cannot create directory: " + ec.message());
  // Build under a temporary name, then rename: a file with the final name is always complete.
  const std::string tmp = temp_name(dest);
  PlaceMethod method = PlaceMethod::link;
  try {
    if (::link(path.c_str(), tmp.c_str()) != 0) {
      if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != EACCES) fail_errno(tmp, "cannot link", errno);
      method = clone_or_copy(path, tmp, size);
    }
    if (::rename(tmp.c_str(), dest.c_str()) != 0) fail_errno(dest.string(), "cannot rename into place", errno);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  Fd parent(dest.parent_path().string(), O_RDONLY | O_DIRECTORY);
  if (parent.get() >= 0) fsync(parent.get());
  log_debug(path + " -> " + dest.string() + " (" + place_method_name(method) + ")");
  progress(size);
  return true;
}

void LocalStore::check_bucket(const std::string& probe_key) {
  struct stat st;
  if (::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    fail(dir_ + ": directory does not exist (--create-bucket creates it)");
  const fs::path probe = location(probe_key);
  std::error_code ec;
  fs::create_directories(probe.parent_path(), ec);
  Fd fd(probe.string(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (ec || fd.get() < 0) fail(dir_ + ": not writable: " + (ec ? ec.message() : std::strerror(errno)));
  ::unlink(probe.c_str());
}

void LocalStore::remove(const std::string& key) {
  const fs::path path = location(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail_errno(path.string(), "cannot delete", errno);
  // Directories the key made, up to the store's own, go when they are empty.
  std::error_code ec;
  for (fs::path dir = path.parent_path(); dir.string().size() > dir_.size() && fs::is_empty(dir, ec) && !ec; dir = dir.parent_path())
    fs::remove(dir, ec);
}

void LocalStore::create_bucket() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) fail(dir_ + ": cannot create directory: " + ec.message());
}

void LocalStore::describe(JsonWriter& w) const {
  w.StartObject();
  w.Key("backend");
  w.String("local");
  w.Key("dir");
  w.String(dir_.c_str(), rapidjson::SizeType(dir_.size()));
  w.EndObject();
}

}  // namespace mm::storage
