#include "milvus1x/segment_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "errors.hpp"

namespace fs = std::filesystem;

namespace mm::milvus1x {
namespace {

std::string plural(uint64_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); }

class Fd {
 public:
  // O_NONBLOCK: opening a FIFO must not wait for a writer; anything but a regular file is refused.
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)) {
    if (fd_ < 0) {
      if (errno == ENOENT) bad_data(path + ": missing");
      fail_errno(path, "cannot open", errno);
    }
    struct stat st;
    if (fstat(fd_, &st) != 0) {
      int err = errno;
      ::close(fd_);
      fail_errno(path, "cannot stat", err);
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd_);
      bad_data(path + ": not a regular file");
    }
  }
  ~Fd() { ::close(fd_); }
  int get() const { return fd_; }
  int release() { int fd = fd_; fd_ = -1; return fd; }

 private:
  int fd_;
};

uint64_t file_size(int fd, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) fail_errno(path, "cannot stat", errno);
  return uint64_t(st.st_size);
}

// Reads and checks the 8-byte header; returns the payload byte count it declares.
uint64_t read_payload_bytes(int fd, const std::string& path, bool allow_tail) {
  uint64_t size = file_size(fd, path);
  if (size < kHeaderBytes)
    bad_data(path + ": truncated: expected at least the 8-byte header, found " + plural(size, "byte"));
  unsigned char raw[8];
  if (pread(fd, raw, 8, 0) != 8) fail_errno(path, "cannot read header", errno);
  uint64_t payload = 0;
  for (int i = 7; i >= 0; --i) payload = (payload << 8) | raw[i];  // little-endian on every host
  if (payload > size - kHeaderBytes)
    bad_data(path + ": truncated: header declares " + plural(payload, "payload byte") + ", file holds " +
             plural(size - kHeaderBytes, "byte") + " after the header");
  if (!allow_tail && payload < size - kHeaderBytes)
    bad_data(path + ": header declares " + plural(payload, "payload byte") + " but the file holds " +
             plural(size - kHeaderBytes, "byte") + " after the header");
  return payload;
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
  return names;
}

std::string find_by_extension(const fs::path& dir, const std::string& segment_id, const std::string& ext) {
  std::vector<std::string> found = segment_file_candidates(entries(dir), segment_id, ext);
  if (found.size() == 1) return (dir / found[0]).string();
  if (found.empty()) bad_data((dir / (segment_id + ext)).string() + ": missing (no *" + ext + " file in the segment directory)");
  bad_data(dir.string() + ": " + std::to_string(found.size()) + " *" + ext + " files and none named " +
           segment_id + ext);
}

// The segment's directory among the roots: the one holding its .rv. 0.9.x writes a segment's raw
// files to one root but its index files round-robin, so another root can hold a directory of the
// same name with only an index file (research note milvus1x-real-installations.md, item 1).
fs::path segment_dir(const Segment& s, const std::vector<std::string>& roots) {
  std::vector<fs::path> found, with_rv;
  std::string looked;
  for (const auto& root : roots) {
    fs::path candidate = fs::absolute(fs::path(root) / s.table_id / s.segment_id).lexically_normal();
    looked += (looked.empty() ? "" : ", ") + candidate.string();
    std::error_code ec;
    if (!fs::is_directory(candidate, ec)) continue;
    found.push_back(candidate);
    if (!segment_file_candidates(entries(candidate), s.segment_id, ".rv").empty()) with_rv.push_back(candidate);
  }
  if (found.empty())
    bad_data("segment " + s.segment_id + " of " + s.collection + ": directory not found (looked for " + looked + ")");
  if (with_rv.size() > 1)
    bad_data("segment " + s.segment_id + " of " + s.collection + ": a .rv in " + with_rv[0].string() + " and in " +
             with_rv[1].string() + ": which one holds its rows cannot be told");
  return with_rv.empty() ? found[0] : with_rv[0];
}

}  // namespace

std::vector<std::string> segment_file_candidates(const std::vector<std::string>& names, const std::string& segment_id,
                                                 const std::string& ext) {
  std::vector<std::string> found;
  for (const auto& name : names) {
    if (name == segment_id + ext) return {name};
    if (fs::path(name).extension() == ext) found.push_back(name);
  }
  std::sort(found.begin(), found.end());  // messages and choices independent of listing order
  return found;
}

void scan_segment(Segment& s, const std::vector<std::string>& roots,
                  const std::function<void(const std::string&)>& warn) {
  const fs::path dir = segment_dir(s, roots);
  s.dir = dir.string();
  s.rv = find_by_extension(dir, s.segment_id, ".rv");
  s.uid = find_by_extension(dir, s.segment_id, ".uid");
  s.deleted_docs = (dir / kDeletedDocs).string();

  const uint64_t row_size = row_bytes(s.dim, s.vector);
  Fd rv(s.rv), uid(s.uid);
  uint64_t rv_bytes = read_payload_bytes(rv.get(), s.rv, false);
  if (rv_bytes % row_size != 0)
    bad_data(s.rv + ": payload of " + plural(rv_bytes, "byte") + " is not a whole number of " +
             std::to_string(row_size) + "-byte rows (" + vector_kind_name(s.vector) + ", dim " + std::to_string(s.dim) + ")");
  uint64_t uid_bytes = read_payload_bytes(uid.get(), s.uid, false);
  if (uid_bytes % 8 != 0)
    bad_data(s.uid + ": payload of " + plural(uid_bytes, "byte") + " is not a whole number of 8-byte ids");
  s.rows = rv_bytes / row_size;
  if (uid_bytes / 8 != s.rows)
    bad_data(s.uid + ": holds " + plural(uid_bytes / 8, "id") + " but " + s.rv + " holds " + plural(s.rows, "row"));

  s.deleted = read_deleted_offsets(s.deleted_docs, s.rows).size();
  s.live = s.rows - s.deleted;
  s.scanned = true;

  if (s.file_type != -1 && s.row_count >= 0 && int64_t(s.live) != s.row_count)
    warn("segment " + s.segment_id + " of " + s.collection + ": 1.x row_count says " + std::to_string(s.row_count) +
         ", the files hold " + std::to_string(s.live) + " live rows (using the files)");
  if (s.file_size > 0 && uint64_t(s.file_size) != rv_bytes + uid_bytes)
    warn("segment " + s.segment_id + " of " + s.collection + ": 1.x file_size says " + std::to_string(s.file_size) +
         ", the .rv and .uid payloads hold " + std::to_string(rv_bytes + uid_bytes) + " bytes");
}

std::vector<uint32_t> read_deleted_offsets(const std::string& path, uint64_t rows) {
  Fd fd(path);
  uint64_t payload = read_payload_bytes(fd.get(), path, true);
  if (payload % 4 != 0)
    bad_data(path + ": header declares " + plural(payload, "byte") + ", not a whole number of 4-byte offsets");
  std::vector<uint32_t> offsets;
  std::vector<int32_t> chunk(1 << 18);
  uint64_t done = 0;
  while (done < payload) {
    size_t want = size_t(std::min<uint64_t>(payload - done, chunk.size() * 4));
    ssize_t got = pread(fd.get(), chunk.data(), want, off_t(kHeaderBytes + done));
    if (got < 0) fail_errno(path, "cannot read", errno);
    got -= got % 4;  // a short read may split an offset; the next pread picks it up whole
    if (got == 0) bad_data(path + ": shorter than its header declares (changed while being read?)");
    for (size_t i = 0; i < size_t(got) / 4; ++i)
      if (chunk[i] >= 0 && uint64_t(chunk[i]) < rows) offsets.push_back(uint32_t(chunk[i]));
    done += uint64_t(got);
  }
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  return offsets;
}

PayloadFile::PayloadFile(const std::string& path, uint64_t expected_payload_bytes) : path_(path) {
  Fd fd(path);
  uint64_t payload = read_payload_bytes(fd.get(), path, false);
  if (payload != expected_payload_bytes)
    bad_data(path + ": header declares " + plural(payload, "payload byte") + ", the manifest expects " +
             std::to_string(expected_payload_bytes) + " (the file changed since mm-scan?)");
  fd_ = fd.release();
}

PayloadFile::~PayloadFile() { ::close(fd_); }

}  // namespace mm::milvus1x
