// One sampler for mm-bulkinsert --verify-sample (rows from the NumPy groups) and mm-verify (rows
// from the 1.x files): rows picked uniformly over a collection's sources, read there, and read back
// from Milvus 2.x by id, bit-exact.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "milvus1x/catalog.hpp"
#include "milvus2x/client.hpp"

namespace mm::milvus2x {

// Where sampled rows come from: the live rows of one 1.x segment, or one NumPy group.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual uint64_t rows() const = 0;
  virtual std::pair<int64_t, std::string> row(uint64_t n) const = 0;  // id and vector bytes of row n
  virtual bool has_row(int64_t id, const std::string& vector) const = 0;
};

// The live rows of a scanned 1.x segment (mm-scan's record).
std::unique_ptr<RowSource> segment_rows(const milvus1x::Segment& scanned);
// A group's id.npy and data.npy as mm-npy wrote them (same row count, ids "<i8").
std::unique_ptr<RowSource> group_rows(const std::string& id_file, const std::string& vector_file);

struct SampleMiss {
  int64_t id = 0;
  bool missing = false;  // true: Milvus returned no row with the id; false: only other vectors
};

struct SampleResult {
  size_t checked = 0;       // rows read back
  unsigned skipped = 0;     // rows with id 2^63-1, which Milvus 2.3 counts but never returns
  std::vector<SampleMiss> misses;
};

// `count` rows picked uniformly over `sources` (one collection) and queried by id in batches of
// 1000. A 1.x id can repeat; Milvus then returns some row with that id, which passes when some
// source holds it.
SampleResult check_sample(Client& client, const std::string& collection, const std::string& id_field,
                          const std::string& vector_field, unsigned count,
                          const std::vector<std::unique_ptr<RowSource>>& sources);

}  // namespace mm::milvus2x
