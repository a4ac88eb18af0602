// StreamedUploads: which part is sent when. The store here keeps parts in memory (what S3 does
// with them is tested against MinIO in test_upload_streamed); each part is read from the file
// when it is sent, so a part sent before its bytes were written would hold the wrong bytes.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <stdexcept>

#include "storage/streamed_uploads.hpp"

using namespace mm::storage;

namespace {

struct Sent {
  std::mutex mutex;
  std::map<unsigned, std::string> parts;
  unsigned duplicates = 0, commits = 0, abandoned = 0;
  bool fail_next = false;
};

class MemoryParts final : public PartUpload {
 public:
  MemoryParts(Sent& sent, uint64_t size, uint64_t part) : sent_(sent), size_(size), part_(part) {}
  ~MemoryParts() override {
    if (!committed_) ++sent_.abandoned;
  }
  uint64_t part_size() const override { return part_; }
  unsigned parts() const override { return unsigned((size_ + part_ - 1) / part_); }
  void put(unsigned index, int fd, const std::string&) override {
    const uint64_t offset = index * part_, length = std::min(part_, size_ - offset);
    std::string bytes(length, '\0');
    // Not BOOST_REQUIRE: this runs on a sender thread, and Boost.Test's checks are not thread-safe
    // (one raced with the main thread's and threw length_error, 2 runs in 41). A failure here
    // reaches the test through complete(), which rethrows it.
    if (pread(fd, bytes.data(), length, off_t(offset)) != ssize_t(length)) throw std::runtime_error("short read of part " + std::to_string(index));
    std::lock_guard<std::mutex> lock(sent_.mutex);
    if (std::exchange(sent_.fail_next, false)) throw std::runtime_error("part refused");
    sent_.duplicates += sent_.parts.count(index);
    sent_.parts[index] = bytes;
  }
  void commit() override {
    BOOST_TEST(sent_.parts.size() == parts());
    ++sent_.commits;
    committed_ = true;
  }

 private:
  Sent& sent_;
  uint64_t size_, part_;
  bool committed_ = false;
};

// Files larger than a part (10 bytes) go in parts; the others whole.
class MemoryStore final : public ObjectStore {
 public:
  explicit MemoryStore(Sent& sent) : sent_(sent) {}
  std::string location(const std::string& key) const override { return key; }
  bool place(const std::string&, const std::string&, const ProgressFn&) override { return true; }
  void check_bucket(const std::string&) override {}
  void create_bucket() override {}
  void remove(const std::string&) override {}
  void describe(mm::JsonWriter&) const override {}
  std::unique_ptr<PartUpload> start_parts(const std::string&, uint64_t size) override {
    if (size <= 10) return nullptr;
    return std::make_unique<MemoryParts>(sent_, size, 10);
  }

 private:
  Sent& sent_;
};

struct File {
  std::string path = "/tmp/mm-test-streamed-" + std::to_string(getpid());
  std::string final_bytes;
  explicit File(uint64_t size) : final_bytes(size, '\0') {
    std::iota(final_bytes.begin(), final_bytes.end(), 'A');
    std::ofstream(path, std::ios::binary) << std::string(size, '.');  // not written yet
  }
  ~File() { std::remove(path.c_str()); }
  // Writes [offset, offset + length) and says so, as mm-npy does.
  mm::records::WrittenRange write(uint64_t offset, uint64_t length) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::streamoff(offset));
    f.write(final_bytes.data() + offset, std::streamsize(length));
    return {"data", path, path + ".final", final_bytes.size(), offset, length};
  }
};

const ProgressFn kNoProgress = [](uint64_t) {};

}  // namespace

BOOST_AUTO_TEST_CASE(streamed_parts_are_sent_once_each_and_only_once_written) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    Sent sent;
    MemoryStore store(sent);
    File file(97);  // 10 parts, the last of 7 bytes
    {
      StreamedUploads uploads(store, 3);
      // Ranges of 1 to 13 bytes, overlapping, in a random order; the last range left to the group record.
      std::mt19937 random(seed);
      std::vector<std::pair<uint64_t, uint64_t>> ranges;
      for (uint64_t at = 0; at < 97;) {
        const uint64_t n = std::min<uint64_t>(97 - at, 1 + random() % 13);
        const uint64_t overlap = at > 0 && random() % 3 == 0 ? 1 : 0;  // the byte before, again
        ranges.emplace_back(at - overlap, n + overlap);
        at += n;
      }
      const auto last = ranges.back();
      ranges.pop_back();
      std::shuffle(ranges.begin(), ranges.end(), random);
      for (const auto& [offset, length] : ranges) uploads.written("k", file.write(offset, length), kNoProgress);
      file.write(last.first, last.second);
      BOOST_TEST(uploads.unfinished() == std::vector<std::string>{"k"});
      auto size = uploads.complete("k", kNoProgress);
      BOOST_TEST(size.value_or(0) == 97u);
      BOOST_TEST(uploads.unfinished().empty());
      uploads.written("k", file.write(0, 5), kNoProgress);  // late: ignored
    }
    BOOST_TEST(sent.commits == 1u);
    BOOST_TEST(sent.duplicates == 0u);
    BOOST_TEST(sent.abandoned == 0u);
    std::string joined;
    for (const auto& [index, bytes] : sent.parts) joined += bytes;
    BOOST_TEST(joined == file.final_bytes, "seed " << seed);
  }
}

BOOST_AUTO_TEST_CASE(unfinished_and_failed_uploads_are_abandoned) {
  Sent sent;
  MemoryStore store(sent);
  File file(40);
  {
    StreamedUploads uploads(store, 2);
    uploads.written("cut", file.write(0, 25), kNoProgress);  // two parts sent, no group record
    BOOST_TEST(uploads.unfinished() == std::vector<std::string>{"cut"});
  }
  BOOST_TEST(sent.parts.size() == 2u);
  BOOST_TEST(sent.commits == 0u);
  BOOST_TEST(sent.abandoned == 1u);

  sent.parts.clear();
  sent.fail_next = true;
  {
    StreamedUploads uploads(store, 2);
    uploads.written("bad", file.write(0, 10), kNoProgress);
    BOOST_CHECK_THROW(uploads.complete("bad", kNoProgress), std::runtime_error);
  }
  BOOST_TEST(sent.commits == 0u);
  BOOST_TEST(sent.abandoned == 2u);
}

BOOST_AUTO_TEST_CASE(small_or_unannounced_files_are_left_to_the_group_record) {
  Sent sent;
  MemoryStore store(sent);
  File small(8);
  StreamedUploads uploads(store, 2);
  uploads.written("small", small.write(0, 4), kNoProgress);  // one part would do: placed whole
  BOOST_TEST(!uploads.complete("small", kNoProgress).has_value());
  BOOST_TEST(!uploads.complete("never-announced", kNoProgress).has_value());
  BOOST_TEST(sent.parts.empty());
}
