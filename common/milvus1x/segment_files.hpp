// The files of one 1.x segment: <segment_id>.rv (vectors), <segment_id>.uid (ids), deleted_docs
// (row offsets). Each starts with an 8-byte little-endian byte count of the payload that follows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "milvus1x/catalog.hpp"

namespace mm::milvus1x {

constexpr uint64_t kHeaderBytes = 8;

// The names, among the entries `names` of a segment directory, that may be its `ext` (".rv" or
// ".uid") file: <segment_id><ext> alone when present (Milvus names it so), else every *<ext>
// (Milvus itself lists the directory). Exactly one is usable; mm-scan and mm-fetch share this rule.
std::vector<std::string> segment_file_candidates(const std::vector<std::string>& names, const std::string& segment_id,
                                                 const std::string& ext);
constexpr const char* kDeletedDocs = "deleted_docs";

// Finds the segment's directory <root>/<table_id>/<segment_id>: the one holding its .rv when
// several roots have such a directory (0.9.x secondary paths; a .rv in two roots is an error),
// else the first. Then validates
// every header against the file sizes, the row size and each other, counts the distinct deleted
// rows, and fills the scan fields of `s`. Any inconsistency is a one-line kExitBadData error naming
// the file, what was expected and what was found. Warnings (e.g. a stale 1.x row_count) go to `warn`.
void scan_segment(Segment& s, const std::vector<std::string>& roots,
                  const std::function<void(const std::string&)>& warn);

// The deleted row offsets of a segment with `rows` rows: read as int32 up to the header's byte
// count (bytes past it are a stale tail), out-of-range values dropped, sorted, duplicates removed.
std::vector<uint32_t> read_deleted_offsets(const std::string& path, uint64_t rows);

// An open segment file whose header has been checked against the payload size a record promises.
class PayloadFile {
 public:
  PayloadFile(const std::string& path, uint64_t expected_payload_bytes);
  ~PayloadFile();
  PayloadFile(const PayloadFile&) = delete;
  PayloadFile& operator=(const PayloadFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_;
};

}  // namespace mm::milvus1x
