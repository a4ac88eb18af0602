#include "storage/streamed_uploads.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <vector>

#include "errors.hpp"

namespace mm::storage {

struct StreamedUploads::Upload {
  std::unique_ptr<PartUpload> parts;
  std::string path;
  int fd = -1;
  uint64_t size = 0;
  std::map<uint64_t, uint64_t> written;  // disjoint written ranges: begin -> end
  std::vector<bool> claimed;
  unsigned sending = 0;
  std::exception_ptr error;
  std::condition_variable idle;
  ~Upload() {
    parts.reset();  // abandoned unless completed
    if (fd >= 0) ::close(fd);
  }
  // Adds [begin, end) to the written ranges, merged with its neighbours.
  void add(uint64_t begin, uint64_t end) {
    auto it = written.upper_bound(begin);
    if (it != written.begin() && std::prev(it)->second >= begin) --it;
    while (it != written.end() && it->first <= end) {
      begin = std::min(begin, it->first);
      end = std::max(end, it->second);
      it = written.erase(it);
    }
    written.emplace(begin, end);
  }
  bool covered(uint64_t begin, uint64_t end) const {
    auto it = written.upper_bound(begin);
    return it != written.begin() && std::prev(it)->second >= end;
  }
};

void StreamedUploads::written(const std::string& key, const records::WrittenRange& range, const ProgressFn& progress) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = uploads_.find(key);
  if (found == uploads_.end()) {
    auto upload = std::make_shared<Upload>();
    upload->path = range.path;
    upload->size = range.size;
    // Gone from its temporary place, the file is complete (renamed into place before this record
    // was read); between the two names, neither holds it and the group record places it whole.
    for (const auto* path : {&range.path, &range.final_path}) {
      upload->fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
      if (upload->fd >= 0 || errno != ENOENT) break;
    }
    if (upload->fd < 0 && errno != ENOENT) fail_errno(range.path, "cannot open", errno);
    if (upload->fd >= 0) upload->parts = store_.start_parts(key, range.size);
    if (upload->parts) upload->claimed.assign(upload->parts->parts(), false);
    found = uploads_.emplace(key, std::move(upload)).first;
  }
  auto upload = found->second;
  if (!upload || !upload->parts) return;  // completed, or placed whole at the group record
  if (range.size != upload->size || range.path != upload->path)
    bad_data(range.path + ": chunk record for " + key + " names another file or size than its first one");
  if (upload->error) std::rethrow_exception(upload->error);  // a part failed: stop early
  upload->add(range.offset, range.offset + range.length);
  send_covered(upload, lock, progress);
}

void StreamedUploads::send_covered(const std::shared_ptr<Upload>& upload, std::unique_lock<std::mutex>& lock,
                                   const ProgressFn& progress) {
  const uint64_t part = upload->parts->part_size();
  std::vector<unsigned> now;
  for (unsigned i = 0; i < upload->claimed.size(); ++i) {
    const uint64_t begin = uint64_t(i) * part, end = std::min(upload->size, begin + part);
    if (upload->claimed[i] || !upload->covered(begin, end)) continue;
    upload->claimed[i] = true;
    ++upload->sending;
    now.push_back(i);
  }
  // Not under the lock: spawn waits for a free sender, and a sender ends under the lock.
  lock.unlock();
  for (unsigned i : now)
    senders_.spawn([this, upload, i, progress, length = std::min(part, upload->size - uint64_t(i) * part)] {
      std::exception_ptr error;
      try {
        upload->parts->put(i, upload->fd, upload->path);
        progress(length);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> done(mutex_);
      if (error && !upload->error) upload->error = error;
      if (--upload->sending == 0) upload->idle.notify_all();
    });
  lock.lock();
}

std::optional<uint64_t> StreamedUploads::complete(const std::string& key, const ProgressFn& progress) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto& slot = uploads_[key];
  auto upload = std::move(slot);  // a chunk record coming late finds it completed
  if (!upload || !upload->parts) return std::nullopt;
  upload->add(0, upload->size);  // the group record says every byte is written
  send_covered(upload, lock, progress);
  upload->idle.wait(lock, [&] { return upload->sending == 0; });
  if (upload->error) std::rethrow_exception(upload->error);
  lock.unlock();
  upload->parts->commit();
  return upload->size;
}

std::vector<std::string> StreamedUploads::unfinished() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> keys;
  for (const auto& [key, upload] : uploads_)
    if (upload) keys.push_back(key);
  return keys;
}

}  // namespace mm::storage
