#include "milvus1x/segment_rows.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "errors.hpp"

namespace mm::milvus1x {

SegmentRows::SegmentRows(const Segment& scanned)
    : segment_(scanned),
      row_bytes_(row_bytes(scanned.dim, scanned.vector)),
      ids_(std::make_unique<PayloadFile>(scanned.uid, scanned.rows * 8)),
      vectors_(std::make_unique<PayloadFile>(scanned.rv, scanned.rows * row_bytes_)) {
  if (!scanned.deleted_docs.empty()) deleted_ = read_deleted_offsets(scanned.deleted_docs, scanned.rows);
  if (scanned.rows - deleted_.size() != scanned.live)
    bad_data(scanned.deleted_docs + ": " + std::to_string(deleted_.size()) + " deleted rows of " +
             std::to_string(scanned.rows) + ", but the record says " + std::to_string(scanned.live) +
             " are live (the files changed since mm-scan)");
}

// The n-th row offset not in deleted_: the smallest offset with offset - (deleted rows <= offset) == n.
// Each step adds the deleted rows newly passed, so it settles after a few steps.
uint64_t SegmentRows::offset_of_live(uint64_t n) const {
  uint64_t offset = n;
  for (;;) {
    uint64_t passed = uint64_t(std::upper_bound(deleted_.begin(), deleted_.end(), offset) - deleted_.begin());
    if (n + passed == offset) return offset;
    offset = n + passed;
  }
}

std::string SegmentRows::read(const PayloadFile& file, uint64_t offset, size_t bytes) const {
  std::string data(bytes, '\0');
  ssize_t got = pread(file.fd(), data.data(), bytes, off_t(kHeaderBytes + offset));
  if (got < 0) fail_errno(file.path(), "cannot read", errno);
  if (size_t(got) != bytes) bad_data(file.path() + ": shorter than its header says (the file changed since mm-scan)");
  return data;
}

std::pair<int64_t, std::string> SegmentRows::live_row(uint64_t n) const {
  uint64_t offset = offset_of_live(n);
  std::string id_bytes = read(*ids_, offset * 8, 8);
  int64_t id;
  std::memcpy(&id, id_bytes.data(), 8);
  return {id, read(*vectors_, offset * row_bytes_, row_bytes_)};
}

bool SegmentRows::has_row(int64_t id, const std::string& vector) const {
  constexpr uint64_t kChunk = 1 << 16;
  std::vector<int64_t> ids(kChunk);
  for (uint64_t first = 0; first < segment_.rows; first += kChunk) {
    uint64_t n = std::min(kChunk, segment_.rows - first);
    std::string chunk = read(*ids_, first * 8, n * 8);
    std::memcpy(ids.data(), chunk.data(), n * 8);
    for (uint64_t i = 0; i < n; ++i) {
      if (ids[i] != id || std::binary_search(deleted_.begin(), deleted_.end(), uint32_t(first + i))) continue;
      if (read(*vectors_, (first + i) * row_bytes_, row_bytes_) == vector) return true;
    }
  }
  return false;
}

}  // namespace mm::milvus1x
