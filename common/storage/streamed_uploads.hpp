// The uploads of files still being written (mm-npy --announce-chunks): each part goes to the store
// as soon as the written ranges cover it (several at once, on threads of its own), and the group
// record completes the object. Nothing is
// visible in the store before complete(): an upload left unfinished (a failure, or input that
// ends before its group record) is abandoned, and the store drops its parts.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "records/chunk.hpp"
#include "task_group.hpp"
#include "storage/object_store.hpp"

namespace mm::storage {

class StreamedUploads {
 public:
  // At most `senders` parts are sent at once.
  StreamedUploads(ObjectStore& store, unsigned senders) : store_(store), senders_(senders) {}
  // Bytes [offset, offset + length) of `range.path` are final; sends the parts they complete. The
  // first range of a file starts its upload, when the store takes files in parts (else: nothing).
  void written(const std::string& key, const records::WrittenRange& range, const ProgressFn& progress);
  // The file of `key` is complete (its group record came): sends the parts still missing and
  // completes the object; returns its size. Nothing when no upload of it was started: the caller
  // places it whole.
  std::optional<uint64_t> complete(const std::string& key, const ProgressFn& progress);
  // Keys with chunk records but no group record yet: at the end of the input, a sign that the
  // writer stopped (their uploads are abandoned when this object goes).
  std::vector<std::string> unfinished();

 private:
  struct Upload;
  // Claims the parts of `upload` that are covered and not yet claimed, and starts sending them
  // (on the senders; `lock`, on mutex_, is let go meanwhile).
  void send_covered(const std::shared_ptr<Upload>& upload, std::unique_lock<std::mutex>& lock, const ProgressFn& progress);
  ObjectStore& store_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Upload>> uploads_;  // a key once complete() came: null
  TaskGroup senders_;  // last: its tasks end (under mutex_) before the rest goes
};

}  // namespace mm::storage
