// The reading side of the remote stores, shared by S3 and Azure: whole listings, and downloads
// that leave either a complete, fsync'd file under its final name or nothing there.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "errors.hpp"
#include "fs_sync.hpp"
#include "log.hpp"
#include "storage/object_store.hpp"
#include "task_group.hpp"

namespace mm::storage {
namespace {

// Small enough that a page's answer (about 1 KiB an entry on Azure) fits in the 1 MiB the HTTP
// client keeps of a body.
constexpr unsigned kPageKeys = 250;

struct WriteFile {
  int fd;
  std::string path;
  explicit WriteFile(std::string p) : path(std::move(p)) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail_errno(path, "cannot create", errno);
  }
  ~WriteFile() {
    if (fd >= 0) ::close(fd);
  }
  void sync_and_close() {
    if (fsync(fd) != 0) fail_errno(path, "cannot fsync", errno);
    int closing = fd;
    fd = -1;
    if (::close(closing) != 0) fail_errno(path, "cannot close", errno);
  }
};

}  // namespace

ListedObject listed_object(std::string key, const std::string& size, std::string etag, const std::string& where) {
  if (key.empty() || size.empty() || size.size() > 19 || size.find_first_not_of("0123456789") != std::string::npos)
    fail(where + ": the listing has an entry without a name or size");
  return ListedObject{std::move(key), std::stoull(size), std::move(etag)};
}

std::vector<ListedObject> RemoteStore::list(const std::string& prefix) {
  std::vector<ListedObject> all;
  std::string marker;
  do {
    ListPage page = list_page(prefix, marker, kPageKeys);
    all.insert(all.end(), page.objects.begin(), page.objects.end());
    if (!page.next.empty() && page.next == marker) fail(display(prefix) + ": LIST repeats the same page");
    marker = page.next;
  } while (!marker.empty());
  return all;
}

ListedObject RemoteStore::find(const std::string& key) {
  for (const auto& o : list(key))
    if (o.key == key) return o;
  fail(display(key) + ": no such object");
}

void RemoteStore::check_readable(const std::string& prefix) {
  const std::string under = prefix.empty() ? "" : prefix + "/";
  if (list_page(under, "", 1).objects.empty()) fail(display(under) + ": no objects there (wrong --prefix or --bucket?)");
  log_debug(display(under) + ": readable");
}

bool RemoteStore::download(const ListedObject& object, const std::string& path, bool skip_present,
                           const DownloadParts& parts, const ProgressFn& progress) {
  struct stat st;
  if (skip_present && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && uint64_t(st.st_size) == object.size) {
    log_debug(path + ": already present with the size of " + display(object.key) + ", skipped");
    progress(object.size);
    return false;
  }
  // A .part left by a killed run is started over: its object may have changed since.
  const std::string part = path + ".part";
  try {
    WriteFile out(part);
    if (object.size <= parts.size || parts.jobs < 2) {
      FileSink sink{out.fd, part, 0, FileSink::kWhole, 0, progress};
      get(object, sink);
      if (sink.received != object.size)
        fail(display(object.key) + ": received " + std::to_string(sink.received) + " bytes, the listing says " +
             std::to_string(object.size));
    } else {
      get_parts(object, out.fd, part, parts, progress);
    }
    out.sync_and_close();
    if (::rename(part.c_str(), path.c_str()) != 0) fail_errno(path, "cannot rename " + part + " to it", errno);
  } catch (...) {
    ::unlink(part.c_str());  // a rerun starts it over anyway
    throw;
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  sync_dir(parent.empty() ? "." : parent.string());
  return true;
}

void RemoteStore::get_parts(const ListedObject& object, int fd, const std::string& path, const DownloadParts& parts,
                            const ProgressFn& progress) {
  // The file gets its full size first, so each range is written in place.
  if (ftruncate(fd, off_t(object.size)) != 0) fail_errno(path, "cannot size", errno);
  TaskGroup tasks(parts.jobs);
  for (uint64_t offset = 0; offset < object.size; offset += parts.size) {
    const uint64_t length = std::min(parts.size, object.size - offset);
    bool started = tasks.spawn([&, offset, length] {
      FileSink sink{fd, path, offset, length, 0, progress};
      get(object, sink);
      if (sink.received != length)
        fail(display(object.key) + ": bytes " + std::to_string(offset) + "-" + std::to_string(offset + length - 1) +
             ": received " + std::to_string(sink.received) + " of " + std::to_string(length));
    });
    if (!started) break;
  }
  tasks.wait();
}

}  // namespace mm::storage
