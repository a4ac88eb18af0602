// Random access to the live rows of one scanned 1.x segment, straight from its .uid, .rv and
// deleted_docs files: for checking a finished migration against the source, not for bulk reads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "milvus1x/catalog.hpp"
#include "milvus1x/segment_files.hpp"

namespace mm::milvus1x {

class SegmentRows {
 public:
  explicit SegmentRows(const Segment& scanned);  // opens and checks the headers
  uint64_t live() const { return segment_.live; }
  // The id and the vector bytes of the n-th live row (0 <= n < live()).
  std::pair<int64_t, std::string> live_row(uint64_t n) const;
  // Whether some live row has this id and these vector bytes.
  bool has_row(int64_t id, const std::string& vector) const;

 private:
  uint64_t offset_of_live(uint64_t n) const;
  std::string read(const PayloadFile& file, uint64_t offset, size_t bytes) const;

  Segment segment_;
  uint64_t row_bytes_;
  std::unique_ptr<PayloadFile> ids_, vectors_;
  std::vector<uint32_t> deleted_;  // sorted row offsets
};

}  // namespace mm::milvus1x
